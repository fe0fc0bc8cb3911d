"""Participant pages: join by code, take part in the current step (works without JS)."""
from flask import Blueprint

bp = Blueprint("participate", __name__)

from dialogue.participate import offline, routes  # noqa: E402,F401  (the routes register on bp)
