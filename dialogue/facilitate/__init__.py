"""The facilitator's console: dashboard, create, run, moderate, export."""
from flask import Blueprint

bp = Blueprint("facilitate", __name__, url_prefix="/console")

from dialogue.facilitate import routes  # noqa: E402,F401  (the routes register on bp)
