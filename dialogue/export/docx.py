"""The report as a Word document (python-docx) that a municipality can edit.

Real headings (Title, Heading 1–3), real tables with a repeating header row, bullet
lists, and the charts as PNG pictures (the same SVG, converted by CairoSVG) with
their text alternative as the picture's description.
"""
from __future__ import annotations

import io
from typing import Any

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from flask_babel import gettext as _
from flask_babel import ngettext

from dialogue.export.blocks import Table, compact
from dialogue.export.content import step_blocks
from dialogue.export.front import detail_steps, front_page, reading_blocks
from dialogue.export.html import commitment_status
from dialogue.export.report import contribution_groups
from dialogue.export.summary import group_label, role_label
from dialogue.synthesis.charts import Chart

CHART_WIDTH = Cm(16)
PHOTO_WIDTH = Cm(10)  # a station photo: large enough to see, two fit a page with their text


def chart_png(chart: Chart, scale: float = 2.0) -> bytes:
    """The chart as a PNG picture (for Word, which shows SVG only in new versions)."""
    import cairosvg  # late: loads Cairo only when a picture is needed
    return cairosvg.svg2png(bytestring=chart.svg.encode("utf-8"), output_width=int(chart.width * scale),
                            output_height=int(chart.height * scale))


def _header_row(row) -> None:
    """Mark a table row as its header: bold, and repeated on every page."""
    tr_pr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)
    for cell in row.cells:
        for paragraph in cell.paragraphs:
            for run in paragraph.runs:
                run.bold = True


def add_table(doc, table: Table) -> None:
    """A captioned table with a header row."""
    doc.add_paragraph(table.caption, style="Caption")
    t = doc.add_table(rows=1, cols=len(table.columns))
    t.style = "Table Grid"
    for cell, name in zip(t.rows[0].cells, table.columns):
        cell.text = str(name)
    _header_row(t.rows[0])
    for row in table.rows:
        cells = t.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = "" if value is None else str(value)


def add_facts(doc, pairs) -> None:
    for label, value in pairs:
        p = doc.add_paragraph()
        p.add_run(f"{label}: ").bold = True
        p.add_run(str(value))


def add_photo(doc, photo: dict[str, Any]) -> None:
    """A stored photo (a walk's station), made smaller for print, with its description as alt text."""
    from dialogue.photos import print_jpeg
    data = print_jpeg(photo.get("photo"))
    if data is None:
        return
    doc.add_picture(io.BytesIO(data), width=PHOTO_WIDTH)
    doc.inline_shapes[-1]._inline.docPr.set("descr", photo.get("alt", ""))


def add_chart(doc, chart: Chart) -> None:
    doc.add_picture(io.BytesIO(chart_png(chart)), width=CHART_WIDTH)
    # The picture's description is what a screen reader in Word reads (alt text).
    doc.inline_shapes[-1]._inline.docPr.set("descr", chart.alt)


def _participation(doc, p: dict[str, Any]) -> None:
    doc.add_paragraph(ngettext("%(num)s person took part.", "%(num)s people took part.", p["count"]))
    for key, caption, label, name in (("by_role", _("By self-declared role"), _("Role"), role_label),
                                      ("by_municipality", _("By municipality"), _("Municipality"), group_label)):
        part = p[key]
        if part["groups"]:
            add_table(doc, Table(caption, [label, _("People")],
                                 [[name(g["group"]), g["count"]] for g in part["groups"]]))
        if part["left_out"]:
            doc.add_paragraph(ngettext(
                "%(num)s person is not shown by %(what)s: their group is smaller than %(min)s.",
                "%(num)s people are not shown by %(what)s: their groups are smaller than %(min)s.",
                part["left_out"], what=label.lower(), min=p["min_group_size"]))


def render_docx(model: dict[str, Any]) -> bytes:
    """The report as DOCX bytes (call in the report's locale)."""
    d = model["dialogue"]
    doc = Document()
    doc.core_properties.title = d["title"]
    doc.core_properties.language = model["language"]
    doc.styles["Normal"].font.name = "DejaVu Sans"
    doc.styles["Normal"].font.size = Pt(10.5)

    doc.add_paragraph(_("Dialogue report"), style="Subtitle")
    doc.add_heading(d["title"], level=0)
    front = front_page(model)
    add_table(doc, Table(_("About the dialogue"), [_("Detail"), _("Value")], [[k, v] for k, v in front["facts"]]))

    if front["findings"]:
        doc.add_heading(_("Key findings"), level=1)
        for f in front["findings"]:
            p = doc.add_paragraph(f["text"], style="List Number")
            p.add_run("\n" + f["basis_text"]).italic = True
    else:
        doc.add_heading(_("In short"), level=1)
        for point in model["summary"]["points"]:
            doc.add_paragraph(point, style="List Bullet")
    if front["commitments"]:
        doc.add_heading(_("Commitments"), level=1)
        add_table(doc, Table(_("Commitments"), [_("What"), _("Who"), _("By when"), _("Status")],
                             [[c["text"], c.get("who", ""), c.get("due", ""), commitment_status(c.get("status", ""))]
                              for c in front["commitments"]]))
    # The details start on a page of their own: the front page is what a busy reader reads.
    doc.add_page_break()

    doc.add_heading(_("Participation"), level=1)
    _participation(doc, model["participation"])

    section = model.get("method_section")
    if section:
        doc.add_heading(section["title"], level=1)
        for block in section["blocks"]:
            doc.add_heading(block["heading"], level=(block.get("level") or 3) - 1)
            add_facts(doc, block.get("facts") or [])
            if block.get("picture"):
                add_chart(doc, Chart(**block["picture"]))
            for photo in block.get("photos") or []:
                add_photo(doc, photo)
            if block.get("table"):
                t = block["table"]
                add_table(doc, Table(t["caption"], t["columns"], t["rows"]))
            for item in block.get("items") or []:
                doc.add_paragraph(item, style="List Bullet")

    for step in detail_steps(model):
        blocks = reading_blocks(step_blocks(step))
        doc.add_heading(f"{step['number']}. {step['title']}", level=1)
        if step["body"]:
            doc.add_paragraph(step["body"])
        add_facts(doc, blocks.facts)
        if blocks.chart:
            add_chart(doc, blocks.chart)
        for picture in blocks.more_charts:
            add_chart(doc, picture)
        for table in blocks.tables:
            if table.key not in ("contributions", "words", "commitments"):
                add_table(doc, compact(table))
        if step.get("contributions"):
            doc.add_heading(f"{_('What was said')} ({len(step['contributions'])})", level=2)
            groups = contribution_groups(step)
            for group in groups:
                if group["theme"] or len(groups) > 1:
                    name = group["theme"] or _("Not in a theme")
                    doc.add_heading(f"{name} ({len(group['contributions'])})", level=3)
                for c in group["contributions"]:
                    text = c["text"] + (f" ({_('entered by staff')})" if c.get("entered_by_staff") else "")
                    doc.add_paragraph(text, style="List Bullet")

    doc.add_paragraph(_("Made with Osuva on %(date)s. Hidden contributions are left out, personal data is "
                        "masked, and nobody's own votes are shown. Groups smaller than %(n)s people are not "
                        "shown on their own.", date=model["generated_at"][:10],
                        n=model["participation"]["min_group_size"]))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
