"""The findings register's pages: staff's register view, settings and exports, and the
responding organisations' own page behind their secret link (dialogue/registers.py)."""
from flask import Blueprint

bp = Blueprint("register", __name__)

from dialogue.register import routes  # noqa: E402,F401  (the routes register on bp)
