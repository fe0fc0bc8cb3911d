"""The report as raw anonymous rows: XLSX (openpyxl) and CSV (a zip, one file per step).

Both hold the same sheets: a summary, then one per step with its facts and every
table of the step (contribution texts, vote totals split into phone and
staff-entered counts, word counts). Numbers stay numbers.

Formula injection: a text that starts with = + - @ (or a tab or carriage return)
could run as a formula when a spreadsheet opens the file. In XLSX such a text is
stored as a plain string cell (it is never a formula); in CSV it gets a leading
apostrophe, the usual guard, which spreadsheet programs do not show.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from typing import Any, Iterator

from flask_babel import gettext as _

from dialogue import state_name
from dialogue.export.content import step_blocks
from dialogue.export.html import language_name
from dialogue.export.summary import group_label, role_label

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class Row(list):
    """A row of cells; `bold` rows are titles, table captions and header rows."""
    bold = False


def bold(cells: list[Any]) -> Row:
    row = Row(cells)
    row.bold = True
    return row


def summary_rows(model: dict[str, Any]) -> Iterator[list[Any]]:
    """The summary sheet: metadata, participation, the summary, the steps at a glance."""
    d = model["dialogue"]
    yield bold([_("Dialogue report"), d["title"]])
    for label, value in ((_("Topic"), d["topic"]), (_("Method"), d["method_label"]),
                         (_("Municipality"), d["municipality"]), (_("Place"), d["place"]),
                         (_("Date"), d["date"] or (d["created_at"] or "")[:10]), (_("Organiser"), d["organiser"]),
                         (_("Language"), language_name(d["language"])), (_("State"), state_name(d["state"])),
                         (_("Schema"), model["schema"]), (_("Made"), model["generated_at"])):
        yield [label, value or ""]
    yield from findings_rows(model)
    p = model["participation"]
    yield []
    yield [_("Participants"), p["count"]]
    for key, label, name in (("by_role", _("Role"), role_label), ("by_municipality", _("Municipality"), group_label)):
        for g in p[key]["groups"]:
            yield [f"{label}: {name(g['group'])}", g["count"]]
        if p[key]["left_out"]:
            # (outside an f-string: the message extractor does not look inside one)
            yield [_("%(what)s: not shown (groups smaller than %(n)s)", what=label, n=p["min_group_size"]),
                   p[key]["left_out"]]
    yield []
    yield bold([_("Summary")])
    for point in model["summary"]["points"]:
        yield [point]
    yield from method_section_rows(model)
    yield []
    yield bold(["#", _("Step"), _("Kind"), _("Contributions")])
    for step in model["steps"]:
        yield [step["number"], step["title"], step["kind_label"], len(step.get("contributions") or [])]


def findings_rows(model: dict[str, Any]) -> Iterator[list[Any]]:
    """The approved key findings (each with what it rests on) and the commitments: the front page."""
    from dialogue.export.front import front_page
    from dialogue.export.html import commitment_status
    front = front_page(model)
    if front["findings"]:
        yield []
        yield bold([_("Key findings"), _("Rests on")])
        for n, f in enumerate(front["findings"], 1):
            yield [f"{n}. {f['text']}", f["basis_text"]]
    if front["commitments"]:
        yield []
        yield bold([_("Commitments"), _("Who"), _("By when"), _("Status")])
        for c in front["commitments"]:
            yield [c["text"], c.get("who", ""), c.get("due", ""), commitment_status(c.get("status", ""))]


def method_section_rows(model: dict[str, Any]) -> Iterator[list[Any]]:
    """The method's own section (e.g. Erätauko's National Dialogues report): headings, facts, tables, texts."""
    section = model.get("method_section")
    if not section:
        return
    yield []
    yield bold([section["title"]])
    for block in section["blocks"]:
        yield bold([block["heading"]])
        for label, value in block.get("facts") or []:
            yield [label, value]
        table = block.get("table")
        if table:
            yield bold(list(table["columns"]))
            yield from (list(row) for row in table["rows"])
        for item in block.get("items") or []:
            yield ["", item]
        if block.get("photos"):  # pictures do not fit a spreadsheet: how many there are
            yield [_("Photos"), len(block["photos"])]


def step_rows(step: dict[str, Any]) -> Iterator[list[Any]]:
    """One step's sheet: its title, kind, text and facts, then each table with its header."""
    blocks = step_blocks(step)
    yield bold([f"{step['number']}. {step['title']}"])
    yield [_("Kind"), step["kind_label"]]
    if step["body"]:
        yield [_("Text"), step["body"]]
    for label, value in blocks.facts:
        yield [label, value]
    for table in blocks.tables:
        yield []
        yield bold([table.caption])
        yield bold(list(table.columns))
        yield from (list(row) for row in table.rows)


def sheet_title(step: dict[str, Any], taken: set[str]) -> str:
    """An Excel sheet name for a step: at most 31 characters, none of []:*?/\\ , unique."""
    base = re.sub(r"[\[\]:*?/\\']", " ", f"{step['number']:02d} {step['title']}").strip()[:31].rstrip()
    name, n = base, 2
    while name.lower() in taken:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    taken.add(name.lower())
    return name


def render_xlsx(model: dict[str, Any]) -> bytes:
    """The report as an XLSX workbook (call in the report's locale)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _("Summary")[:31]
    taken = {ws.title.lower()}
    _fill(ws, summary_rows(model), Font)
    for step in model["steps"]:
        _fill(wb.create_sheet(sheet_title(step, taken)), step_rows(step), Font)
    wb.properties.title = model["dialogue"]["title"]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _fill(ws, rows: Iterator[list[Any]], font_cls) -> None:
    strong = font_cls(bold=True)
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            cell = ws.cell(row=r, column=c, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # a text, never a formula
            if getattr(row, "bold", False):
                cell.font = strong
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 60


def _csv_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def _csv(rows: Iterator[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    # A byte-order mark so that spreadsheet programs read the file as UTF-8 (ä, ö, å).
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def csv_name(step: dict[str, Any]) -> str:
    return f"{step['number']:02d}-{step['kind']}.csv"


def render_csv_zip(model: dict[str, Any]) -> bytes:
    """A zip of CSV files: summary.csv and one file per step (call in the report's locale)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("summary.csv", _csv(summary_rows(model)))
        for step in model["steps"]:
            z.writestr(csv_name(step), _csv(step_rows(step)))
    return out.getvalue()
