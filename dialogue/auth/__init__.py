"""Facilitator accounts: login and logout."""
from flask import Blueprint

bp = Blueprint("auth", __name__)

from dialogue.auth import routes  # noqa: E402,F401  (the routes register on bp)
