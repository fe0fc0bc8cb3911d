"""The projector screen: a secret link per dialogue."""
from flask import Blueprint

bp = Blueprint("screen", __name__)

from dialogue.screen import routes  # noqa: E402,F401  (the routes register on bp)
