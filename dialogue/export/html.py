"""The report as HTML: the console page, the downloadable document and the PDF's source."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import render_template

from dialogue.export.blocks import compact
from dialogue.photos import print_data_uri
from dialogue.export.content import step_blocks
from dialogue.export.front import detail_steps, front_page, reading_blocks
from dialogue.export.report import contribution_groups
from dialogue.export.summary import group_label, role_label
from dialogue.web.i18n import LANGUAGE_NAMES

STYLESHEET = Path(__file__).resolve().parent.parent.parent / "static" / "css" / "report.css"


def language_name(code: str) -> str:
    return {"fi": "suomi", "sv": "svenska", "en": "English"}.get(code, LANGUAGE_NAMES.get(code, code))


def commitment_status(status: str) -> str:
    """A commitment's status in the report's language."""
    from dialogue.activities.commitments import status_labels
    return str(status_labels().get(status, status))


def report_context(model: dict[str, Any], drafts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """Template variables of `templates/report/_body.html` (call in the report's locale).

    The front page first; the details show only the steps a reader needs, without zero
    counts. `drafts` are unapproved findings, for the console's page only (never an export).
    """
    return {"model": model, "front": front_page(model), "drafts": drafts or [],
            "steps": [(step, reading_blocks(step_blocks(step))) for step in detail_steps(model)],
            "groups": contribution_groups, "role_label": role_label, "group_label": group_label,
            "language_name": language_name, "compact": compact, "commitment_status": commitment_status,
            "photo_src": print_data_uri}


def render_document(model: dict[str, Any]) -> str:
    """A self-contained HTML document of the report (its stylesheet embedded)."""
    return render_template("report/document.html", stylesheet=STYLESHEET.read_text(encoding="utf-8"),
                           **report_context(model))


def render_html(model: dict[str, Any]) -> bytes:
    return render_document(model).encode("utf-8")
