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
    rows = []
    n = 0
    for group in contribution_groups(step):
        for c in group["contributions"]:
            n += 1
            rows.append([n, c["text"], group["theme"] or "",
                         _("yes") if c.get("entered_by_staff") else ""])
    if not step.get("contributions"):
        return None
    return Table(_("Contributions"), ["#", _("Text"), _("Theme"), _("Entered by staff")], rows,
                 key="contributions")


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
    return blocks
