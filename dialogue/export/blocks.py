"""The vocabulary of a report step, shared by the activities and the renderers.

A step of the report model becomes `Blocks`: `facts` ((label, value) pairs), `tables`
(`Table`s with headers: the raw, anonymous rows) and a `chart` (SVG from
`synthesis.charts`). Each activity kind adds its own (`Activity.report_blocks`); HTML,
PDF, DOCX, XLSX and CSV all read these, so a number can only differ between formats
if a renderer drops it. `item_results` flattens any result shape of items with counts,
so a new activity kind is never left out of a report.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from dialogue.synthesis import charts


@dataclass
class Table:
    """A table with a caption, column headers and rows of plain cells (str or number)."""
    caption: str
    columns: list[str]
    rows: list[list[Any]]
    key: str = ""  # a short ASCII name (CSV section, XLSX block)
    #: Columns where a count split starts: total, phones, entered by staff (three columns).
    splits: tuple[int, ...] = ()


def compact(table: Table) -> Table:
    """The table for reading (HTML, PDF, Word): each split in one column.

    The cell is the total, with the staff-entered part in brackets when there is one;
    the spreadsheet formats keep the three columns.
    """
    if not table.splits:
        return table
    keep = [i for i in range(len(table.columns)) if not any(0 < i - s <= 2 for s in table.splits)]

    def cell(row: list[Any], i: int) -> Any:
        if i in table.splits and i + 2 < len(row) and row[i + 2]:
            return _("%(total)s (entered by staff %(staff)s)", total=number_text(row[i]), staff=number_text(row[i + 2]))
        return row[i]
    return Table(table.caption, [table.columns[i] for i in keep], [[cell(r, i) for i in keep] for r in table.rows],
                 key=table.key)


@dataclass
class Blocks:
    facts: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart: charts.Chart | None = None
    #: Further pictures after the main chart (a stance step's opinion groups).
    more_charts: list[charts.Chart] = field(default_factory=list)
    #: The chart is only the most common words (print leaves it out: the texts are listed).
    words_chart: bool = False


def is_split(value: Any) -> bool:
    return isinstance(value, dict) and {"phone", "staff", "total"} <= set(value)


def split_text(value: dict[str, Any]) -> str:
    """A phone/staff split as people read it: "7 (phones 5, entered by staff 2)"."""
    if not value.get("staff"):
        return number_text(value["total"])
    return _("%(total)s (phones %(phone)s, entered by staff %(staff)s)",
             total=number_text(value["total"]), phone=number_text(value["phone"]), staff=number_text(value["staff"]))


def number_text(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def key_label(key: str) -> str:
    """A result key's name for people (known keys translated, others made readable)."""
    labels = {
        "participants": _("Participants in this step"),
        "respondents": _("Answered"),
        "dots": _("Dots"), "votes": _("Votes"), "points": _("Points"),
        "agree": _("Agree"), "disagree": _("Disagree"), "pass": _("Pass"),
        "mean": _("Mean"), "count": _("Answers"), "upvotes": _("Upvotes"),
        "budget": _("Dots per participant"), "max_per_item": _("Most dots on one item"),
        "acknowledged": _("Acknowledged"), "text": _("Text"),
        "not_understood": _("“I didn't understand”"),
    }
    return labels.get(key, key.replace("_", " ").capitalize())


def chart_ident(step: dict[str, Any]) -> str:
    return f"chart-{step['id']}"



def item_results(step: dict[str, Any], blocks: Blocks) -> None:
    """Items with one or more counts each (dots and any kind shaped like it)."""
    res = step["results"]
    items = res.get("items") or []
    for key, value in res.items():
        if key == "items":
            continue
        if is_split(value):
            blocks.facts.append((key_label(key), split_text(value)))
        elif isinstance(value, (int, float, str)) and not isinstance(value, bool) and value != "":
            blocks.facts.append((key_label(key), number_text(value)))
    count_keys: list[str] = []
    for item in items:
        for key, value in item.items():
            if key not in count_keys and (is_split(value) or (
                    isinstance(value, (int, float)) and not isinstance(value, bool)
                    and key not in ("id", "contribution_id", "position"))):
                count_keys.append(key)
    columns = [_("Item")]
    splits = []
    for key in count_keys:
        columns.append(key_label(key))
        if any(is_split(i.get(key)) for i in items):
            splits.append(len(columns) - 1)
            columns += [_("%(what)s, phones", what=key_label(key)), _("%(what)s, entered by staff", what=key_label(key))]
    rows = []
    for item in items:
        row: list[Any] = [item.get("text", "")]
        for key in count_keys:
            value = item.get(key)
            if is_split(value):
                row += [value["total"], value["phone"], value["staff"]]
            else:
                row.append("" if value is None else value)
                if any(is_split(i.get(key)) for i in items):
                    row += ["", ""]
        rows.append(row)
    if items:
        blocks.tables.append(Table(_("Results"), columns, rows, key="results", splits=tuple(splits)))
    main = count_keys[0] if count_keys else None
    if main:
        def total(item):
            value = item.get(main)
            return value["total"] if is_split(value) else (value or 0)
        ranked = sorted(items, key=lambda i: -total(i))
        blocks.chart = charts.bar_chart([(i.get("text", ""), total(i)) for i in ranked],
                                        title=step["title"], unit=key_label(main).lower(), ident=chart_ident(step))



def percent(share: float | None) -> str:
    return f"{round(100 * (share or 0))} %"



def split_columns(what: str) -> list[str]:
    return [what, _("%(what)s, phones", what=what), _("%(what)s, entered by staff", what=what)]



def split_cells(value: dict[str, Any]) -> list[Any]:
    return [value["total"], value["phone"], value["staff"]]



def participants_fact(res: dict[str, Any], blocks: Blocks) -> None:
    if is_split(res.get("participants")):
        blocks.facts.append((key_label("participants"), split_text(res["participants"])))



def ranked_bars(step: dict[str, Any], blocks: Blocks, key: str, unit: str) -> None:
    items = sorted(step["results"].get("items") or [], key=lambda i: -i[key]["total"])
    blocks.chart = charts.bar_chart([(i["text"], i[key]["total"]) for i in items], title=step["title"],
                                    unit=unit, ident=chart_ident(step))


def main_count(item: dict[str, Any]) -> tuple[str, float] | None:
    """The first count of a result item (e.g. its dots) as (key, total)."""
    for key, value in item.items():
        if isinstance(value, dict) and "total" in value and "phone" in value:
            return key, value["total"]
    return None


def top_items(step: dict[str, Any], k: int = 3) -> list[tuple[str, float, str]]:
    """The items of a voting step with the most support: (text, total, what was counted)."""
    results = step.get("results")
    if not isinstance(results, dict):
        return []
    scored = []
    for item in results.get("items") or []:
        main = main_count(item)
        if main and main[1]:
            scored.append((item.get("text", ""), main[1], main[0]))
    return sorted(scored, key=lambda t: -t[1])[:k]
