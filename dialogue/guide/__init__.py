"""The facilitator's guide (docs/ohje.md, handledning.md, guide.md) as pages of the app, in the
reader's language, with links from each console page to its part of the guide."""
from flask import Blueprint

bp = Blueprint("guide", __name__)

from dialogue.guide import routes  # noqa: E402,F401  (the routes register on bp)
