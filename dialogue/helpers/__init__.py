"""Helper links: secret links (no account) for a scribe, a table host or a group recorder."""
from flask import Blueprint

bp = Blueprint("helpers", __name__, url_prefix="/h")

from dialogue.helpers import routes  # noqa: E402,F401  (the routes register on bp)
