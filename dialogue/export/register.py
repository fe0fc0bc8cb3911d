"""The findings register as files: XLSX, CSV, DOCX, PDF and JSON from one JSON model
(`registers.register_json`, described in docs/export.md and docs/export.schema.json).

The tabular files hold one row per entry; the documents one section per entry with its
evidence and response history. Texts are masked already; the CSV guards formula starts as
the report's CSV does (tabular.py).
"""
from __future__ import annotations

import io
import json
from typing import Any, Iterator

from flask import render_template
from flask_babel import gettext as _
from flask_babel import ngettext

from dialogue.export.tabular import Row, _csv, _fill, bold


def columns() -> list[str]:
    return [_("Finding"), _("Service area"), _("Dialogues"), _("Municipalities"), _("Methods"), _("Participants"),
            _("First heard"), _("Last heard"), _("Asked to respond"), _("Status"), _("Response"), _("Reason"),
            _("Response date"), _("Days to first response")]


def entry_row(e: dict[str, Any]) -> list[Any]:
    r = e["response"] or {}
    return [e["text"], e["area_name"], e["dialogues"], ", ".join(e["municipalities"]), ", ".join(e["methods"]),
            e["participants"], e["first_heard"], e["last_heard"], e["responder"], e["status_label"],
            r.get("text", ""), r.get("reason", ""), r.get("date", ""),
            "" if e["days_to_first_response"] is None else e["days_to_first_response"]]


def rows(data: dict[str, Any]) -> Iterator[list[Any]]:
    """The register as rows: a title, then a header row and one row per entry."""
    yield bold([_("Findings register"), data["register"]["name"]])
    yield [_("Made"), data["generated_at"]]
    yield []
    yield bold(columns())
    for e in data["entries"]:
        yield Row(entry_row(e))


def evidence_rows(data: dict[str, Any]) -> Iterator[list[Any]]:
    """Every entry's evidence, a row per dialogue it was heard in."""
    yield bold([_("Finding"), _("Dialogue"), _("Method"), _("Municipality"), _("Date"), _("Participants"),
                _("Heard"), _("People"), _("Contributions")])
    for e in data["entries"]:
        for ev in e["evidence"]:
            yield [e["text"], ev["dialogue"], ev["method_label"], ev["municipality"], ev["date"], ev["participants"],
                   ev["finding"], ev.get("people") or "", ev.get("contributions") or ""]


def render_xlsx(data: dict[str, Any]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    wb = Workbook()
    ws = wb.active
    ws.title = _("Findings register")[:31]
    _fill(ws, rows(data), Font)
    _fill(wb.create_sheet(_("Evidence")[:31]), evidence_rows(data), Font)
    wb.properties.title = data["register"]["name"]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def render_csv(data: dict[str, Any]) -> bytes:
    """One CSV file: a header row and one row per entry (no title rows: a plain table)."""
    return _csv(iter([columns()] + [entry_row(e) for e in data["entries"]]))


def dialogues_text(e: dict[str, Any]) -> str:
    return ngettext("Heard in %(num)s dialogue", "Heard in %(num)s dialogues", e["dialogues"])


def render_docx(data: dict[str, Any]) -> bytes:
    from docx import Document
    doc = Document()
    doc.core_properties.title = data["register"]["name"]
    doc.add_heading(data["register"]["name"], level=0)
    doc.add_paragraph(_("Findings register") + " · " + data["generated_at"][:10])
    for e in data["entries"]:
        doc.add_heading(e["text"], level=1)
        p = doc.add_paragraph()
        p.add_run(f"{_('Service area')}: ").bold = True
        p.add_run(e["area_name"])
        doc.add_paragraph(" · ".join([dialogues_text(e), ", ".join(e["municipalities"]), ", ".join(e["methods"])]))
        for ev in e["evidence"]:
            doc.add_paragraph(f"{ev['dialogue']} ({ev['method_label']}, {ev['municipality']}, {ev['date']}): "
                              f"{ev['finding']}", style="List Bullet")
        if e["responder"]:
            doc.add_paragraph(f"{_('Asked to respond')}: {e['responder']}")
        for r in e["history"]:
            line = f"{r['date']} {r['status_label']}"
            if r["text"]:
                line += f": {r['text']}"
            if r["reason"]:
                line += f" ({_('Reason')}: {r['reason']})"
            doc.add_paragraph(line, style="List Number")
        if not e["history"]:
            doc.add_paragraph(e["status_label"])
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_document(data: dict[str, Any]) -> str:
    from dialogue.export.html import STYLESHEET
    return render_template("register/document.html", data=data, dialogues_text=dialogues_text,
                           stylesheet=STYLESHEET.read_text(encoding="utf-8"))


def render_pdf(data: dict[str, Any]) -> bytes:
    from dialogue.export.pdf import html_to_pdf
    return html_to_pdf(render_document(data))


def render_json(data: dict[str, Any]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


RENDERERS = {"xlsx": render_xlsx, "csv": render_csv, "docx": render_docx, "pdf": render_pdf, "json": render_json}


def render(data: dict[str, Any], fmt: str) -> bytes:
    """The register model `data` in format `fmt` (call in the request's locale)."""
    return RENDERERS[fmt](data)
