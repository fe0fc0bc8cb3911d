"""A report step as blocks every renderer draws the same way: facts, tables and a chart.

`step_blocks(step)` turns one step of the report model into
- `facts`: (label, value) pairs ("Participants in this step: 12");
- `tables`: `Table`s with headers (the raw, anonymous rows: contribution texts,
  vote totals split into phone and staff-entered);
- `chart`: the step's SVG chart (`synthesis.charts`), or None.
HTML, PDF, DOCX, XLSX and CSV all read these, so a number can only differ between
formats if a renderer drops it. Known result shapes get their own table and chart;
any other shape is flattened generically, so a new activity kind is never left out.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from dialogue import activities
from dialogue.export.blocks import Blocks, Table, chart_ident, item_results, key_label
from dialogue.export.report import contribution_groups
from dialogue.synthesis import charts

# -- the parts every step may have ------------------------------------------------

def contributions_table(step: dict[str, Any]) -> Table | None:
    if not step.get("contributions"):
        return None
    at_tables = any(c.get("table") for c in step["contributions"])  # a step worked by table
    rows = []
    n = 0
    for group in contribution_groups(step):
        for c in group["contributions"]:
            n += 1
            rows.append([n, c["text"], group["theme"] or "", *([c.get("table", "")] if at_tables else []),
                         _("yes") if c.get("entered_by_staff") else ""])
    return Table(_("Contributions"), ["#", _("Text"), _("Theme"), *([_("Table")] if at_tables else []),
                                      _("Entered by staff")], rows, key="contributions")


def roles_table(step: dict[str, Any]) -> Table | None:
    """Residents, experts and decision-makers side by side (phone votes; small groups merged)."""
    from dialogue.export.summary import role_label
    by_role = step.get("by_role")
    if not by_role or not by_role.get("rows"):
        return None
    groups = by_role["groups"]
    caption = _("By self-declared role: %(what)s", what=by_role.get("note", ""))
    columns = [_("Item"), *(_("%(group)s (%(n)s people)", group=role_label(g["group"]), n=g["count"])
                            for g in groups)]
    return Table(caption, columns, [[r["label"], *r["cells"]] for r in by_role["rows"]], key="by_role")


def tables_table(step: dict[str, Any]) -> Table | None:
    """A step worked by table, table by table (a table's votes only when enough voted there)."""
    if not step.get("tables"):
        return None
    rows = []
    for t in step["tables"]:
        if t["votes"] is None:
            votes = _("fewer voted than the smallest group shown") if t["voters"] else ""
        else:
            votes = "; ".join(f"{v['item']} ({v['value']})" for v in t["votes"][:3])
        rows.append([t["name"], t["answers"], t["voters"], votes, t["summary"]])
    return Table(_("By table"), [_("Table"), _("Answers"), _("Voters"), _("Most support"), _("Summary")], rows,
                 key="tables")


def words_table(step: dict[str, Any]) -> Table | None:
    words = step.get("words") or []
    if not words:
        return None
    return Table(_("Most common words"), [_("Word"), _("Answers that use it")],
                 [[w["word"], w["count"]] for w in words], key="words")


# -- a whole step ------------------------------------------------------------------------



def _activity_blocks(step: dict[str, Any], blocks: Blocks) -> None:
    """The step's own results, as its activity reports them; if the results look different
    from what the activity knows (an older export, a purged dialogue), the generic shape."""
    activity = activities.of_kind(step["kind"])
    try:
        activity.report_blocks(step, blocks)
    except (KeyError, TypeError, ValueError, IndexError):
        fresh = Blocks(facts=[f for f in blocks.facts if f[0] == key_label("acknowledged")])
        item_results(step, fresh)
        blocks.facts, blocks.tables, blocks.chart = fresh.facts, fresh.tables, fresh.chart


def step_blocks(step: dict[str, Any]) -> Blocks:
    """The facts, tables and chart of one report step."""
    blocks = Blocks()
    if "acknowledged" in step:
        blocks.facts.append((key_label("acknowledged"), step["acknowledged"]))
    _activity_blocks(step, blocks)
    by_table = tables_table(step)
    if by_table:
        blocks.tables.append(by_table)
    by_role = roles_table(step)
    if by_role:
        blocks.tables.append(by_role)
    table = contributions_table(step)
    if table:
        blocks.tables.append(table)
    words = words_table(step)
    if words:
        blocks.tables.append(words)
        if blocks.chart is None:
            blocks.chart = charts.word_cloud([(w["word"], w["count"]) for w in step["words"]],
                                             title=_("Most common words: %(title)s", title=step["title"]),
                                             ident=chart_ident(step))
            blocks.words_chart = blocks.chart is not None
    return blocks
