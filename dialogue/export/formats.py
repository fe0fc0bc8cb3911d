"""Every export format of a dialogue report: one model, one renderer per format."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask_babel import force_locale
from sqlalchemy.orm import Session

from dialogue.export.report import build_report
from dialogue.models import Dialogue


@dataclass(frozen=True)
class Format:
    key: str
    mimetype: str
    extension: str
    render: Callable[[dict[str, Any]], bytes]


def _json(model):
    from dialogue.export.json_export import render_json
    return render_json(model)


def _html(model):
    from dialogue.export.html import render_html
    return render_html(model)


def _pdf(model):
    from dialogue.export.pdf import render_pdf
    return render_pdf(model)


def _docx(model):
    from dialogue.export.docx import render_docx
    return render_docx(model)


def _xlsx(model):
    from dialogue.export.tabular import render_xlsx
    return render_xlsx(model)


def _csv(model):
    from dialogue.export.tabular import render_csv_zip
    return render_csv_zip(model)


FORMATS: dict[str, Format] = {f.key: f for f in (
    Format("json", "application/json", "json", _json),
    Format("html", "text/html", "html", _html),
    Format("pdf", "application/pdf", "pdf", _pdf),
    Format("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", _docx),
    Format("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", _xlsx),
    Format("csv", "application/zip", "zip", _csv),
)}


def render(model: dict[str, Any], fmt: str) -> bytes:
    """The report model in format `fmt`, with every label in the report's language."""
    with force_locale(model["language"]):
        return FORMATS[fmt].render(model)


def export(s: Session, dialogue: Dialogue, fmt: str, lang: str | None = None) -> tuple[bytes, Format, str]:
    """Build the report and render it: (bytes, format, a file name)."""
    model = build_report(s, dialogue, lang=lang)
    return render(model, fmt), FORMATS[fmt], filename(dialogue, fmt)


def filename(dialogue: Dialogue, fmt: str) -> str:
    return f"osuva-{dialogue.id}-{dialogue.code.lower()}.{FORMATS[fmt].extension}"
