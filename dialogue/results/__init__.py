"""Reports and results: the console report and downloads, step charts, published results
pages, and the project's reporting over dialogues."""
from flask import Blueprint

bp = Blueprint("results", __name__)

from dialogue.results import routes  # noqa: E402,F401  (the routes register on bp)
