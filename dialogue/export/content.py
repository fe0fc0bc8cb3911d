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

from dataclasses import dataclass, field
from typing import Any, Callable

from flask_babel import gettext as _

from ..synthesis import charts
from .report import contribution_groups


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
            return _("%(total)s (entered by staff %(staff)s)", total=_num(row[i]), staff=_num(row[i + 2]))
        return row[i]
    return Table(table.caption, [table.columns[i] for i in keep], [[cell(r, i) for i in keep] for r in table.rows],
                 key=table.key)


@dataclass
class Blocks:
    facts: list[tuple[str, Any]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    chart: charts.Chart | None = None


def _is_split(value: Any) -> bool:
    return isinstance(value, dict) and {"phone", "staff", "total"} <= set(value)


def split_text(value: dict[str, Any]) -> str:
    """A phone/staff split as people read it: "7 (phones 5, entered by staff 2)"."""
    if not value.get("staff"):
        return _num(value["total"])
    return _("%(total)s (phones %(phone)s, entered by staff %(staff)s)",
             total=_num(value["total"]), phone=_num(value["phone"]), staff=_num(value["staff"]))


def _num(value: Any) -> str:
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


def _ident(step: dict[str, Any]) -> str:
    return f"chart-{step['id']}"


# -- known result shapes --------------------------------------------------------------

def _feedback(step: dict[str, Any], blocks: Blocks) -> None:
    res = step["results"]
    labels = res["scale"]["labels"]
    blocks.facts.append((key_label("respondents"), split_text(res["respondents"])))
    rows = []
    for q in res["questions"]:
        rows.append([q["text"], *q["distribution"]["total"], q["count"],
                     "" if q["mean"] is None else q["mean"]])
    blocks.tables.append(Table(_("Answers per question"),
                               [_("Question"), *[f"{i + 1} {label}" for i, label in enumerate(labels)],
                                _("Answers"), _("Mean")], rows, key="results"))
    blocks.chart = charts.distribution_chart(
        [(q["text"], q["distribution"]["total"]) for q in res["questions"]],
        title=step["title"], scale_labels=labels, mean_label=_("mean"), answers_label=_("answers"),
        ident=_ident(step))


def _item_results(step: dict[str, Any], blocks: Blocks) -> None:
    """Items with one or more counts each (dots and any kind shaped like it)."""
    res = step["results"]
    items = res.get("items") or []
    for key, value in res.items():
        if key == "items":
            continue
        if _is_split(value):
            blocks.facts.append((key_label(key), split_text(value)))
        elif isinstance(value, (int, float, str)) and not isinstance(value, bool) and value != "":
            blocks.facts.append((key_label(key), _num(value)))
    count_keys: list[str] = []
    for item in items:
        for key, value in item.items():
            if key not in count_keys and (_is_split(value) or (
                    isinstance(value, (int, float)) and not isinstance(value, bool)
                    and key not in ("id", "contribution_id", "position"))):
                count_keys.append(key)
    columns = [_("Item")]
    splits = []
    for key in count_keys:
        columns.append(key_label(key))
        if any(_is_split(i.get(key)) for i in items):
            splits.append(len(columns) - 1)
            columns += [_("%(what)s, phones", what=key_label(key)), _("%(what)s, entered by staff", what=key_label(key))]
    rows = []
    for item in items:
        row: list[Any] = [item.get("text", "")]
        for key in count_keys:
            value = item.get(key)
            if _is_split(value):
                row += [value["total"], value["phone"], value["staff"]]
            else:
                row.append("" if value is None else value)
                if any(_is_split(i.get(key)) for i in items):
                    row += ["", ""]
        rows.append(row)
    if items:
        blocks.tables.append(Table(_("Results"), columns, rows, key="results", splits=tuple(splits)))
    main = count_keys[0] if count_keys else None
    if main:
        def total(item):
            value = item.get(main)
            return value["total"] if _is_split(value) else (value or 0)
        ranked = sorted(items, key=lambda i: -total(i))
        blocks.chart = charts.bar_chart([(i.get("text", ""), total(i)) for i in ranked],
                                        title=step["title"], unit=key_label(main).lower(), ident=_ident(step))


def _pct(share: float | None) -> str:
    return f"{round(100 * (share or 0))} %"


def _split_columns(what: str) -> list[str]:
    return [what, _("%(what)s, phones", what=what), _("%(what)s, entered by staff", what=what)]


def _split_cells(value: dict[str, Any]) -> list[Any]:
    return [value["total"], value["phone"], value["staff"]]


def _participants_fact(res: dict[str, Any], blocks: Blocks) -> None:
    if _is_split(res.get("participants")):
        blocks.facts.append((key_label("participants"), split_text(res["participants"])))


def _stance(step: dict[str, Any], blocks: Blocks) -> None:
    res = step["results"]
    _participants_fact(res, blocks)
    items = res.get("items") or []
    rows = [[i["text"], *_split_cells(i["agree"]), *_split_cells(i["disagree"]), *_split_cells(i["pass"]),
             _pct((i.get("shares") or {}).get("agree")), _pct((i.get("shares") or {}).get("disagree"))]
            for i in items]
    if rows:
        blocks.tables.append(Table(_("Results"), [_("Statement"), *_split_columns(_("Agree")),
                                                  *_split_columns(_("Disagree")), *_split_columns(_("Pass")),
                                                  _("Agree %"), _("Disagree %")], rows, key="results",
                                   splits=(1, 4, 7)))
    blocks.chart = charts.diverging_chart(
        [(i["text"], i["agree"]["total"], i["disagree"]["total"], i["pass"]["total"]) for i in items],
        title=step["title"], labels=(_("agree"), _("disagree"), _("pass")), ident=_ident(step))


def _scale(step: dict[str, Any], blocks: Blocks) -> None:
    res = step["results"]
    _participants_fact(res, blocks)
    labels = [str(x) for x in res.get("labels") or []] or [str(v) for v in res.get("scale", range(1, 6))]
    rows, chart_rows, comments = [], [], []
    for item in res.get("items") or []:
        for c in item.get("criteria") or []:
            name = f"{item['text']} – {c['label']}" if c.get("label") else item["text"]
            count = c["count"]["total"] if _is_split(c.get("count")) else c.get("count", 0)
            rows.append([name, *c["distribution"]["total"], count, "" if c.get("mean") is None else c["mean"]])
            chart_rows.append((name, c["distribution"]["total"]))
        comments += [[item["text"], com["text"]] for com in item.get("comments") or []]
    if rows:
        blocks.tables.append(Table(_("Ratings"), [_("Item"), *[f"{i + 1} {label}" for i, label in enumerate(labels)],
                                                  _("Answers"), _("Mean")], rows, key="results"))
    if comments:
        blocks.tables.append(Table(_("Comments"), [_("Item"), _("Comment")], comments, key="comments"))
    blocks.chart = charts.distribution_chart(chart_rows, title=step["title"], scale_labels=labels,
                                             mean_label=_("mean"), answers_label=_("answers"), ident=_ident(step))


def _ranked_bars(step: dict[str, Any], blocks: Blocks, key: str, unit: str) -> None:
    items = sorted(step["results"].get("items") or [], key=lambda i: -i[key]["total"])
    blocks.chart = charts.bar_chart([(i["text"], i[key]["total"]) for i in items], title=step["title"],
                                    unit=unit, ident=_ident(step))


def _poll(step: dict[str, Any], blocks: Blocks) -> None:
    res = step["results"]
    _participants_fact(res, blocks)
    rows = [[i["text"], *_split_cells(i["votes"]), _pct(i.get("share"))] for i in res.get("items") or []]
    if rows:
        blocks.tables.append(Table(_("Results"), [_("Option"), *_split_columns(_("Votes")), _("Share of voters")],
                                   rows, key="results", splits=(1,)))
    _ranked_bars(step, blocks, "votes", _("votes"))


def _rank(step: dict[str, Any], blocks: Blocks) -> None:
    res = step["results"]
    _participants_fact(res, blocks)
    k = int(res.get("k") or 0)
    rows = [[i["text"], *_split_cells(i["score"]), *((i.get("places") or {}).get("total") or [0] * k)]
            for i in res.get("items") or []]
    if rows:
        blocks.tables.append(Table(_("Results"), [_("Item"), *_split_columns(_("Points")),
                                                  *[_("Place %(n)s", n=n + 1) for n in range(k)]],
                                   rows, key="results", splits=(1,)))
    _ranked_bars(step, blocks, "score", _("points"))


def _questions(step: dict[str, Any], blocks: Blocks) -> None:
    res = step["results"]
    _participants_fact(res, blocks)
    nu = res.get("not_understood") or {}
    if nu.get("presses"):
        blocks.facts.append((key_label("not_understood"), nu["presses"]))
    rows = [[i["text"], *_split_cells(i["upvotes"]), _("yes") if i.get("answered") else ""]
            for i in res.get("items") or []]
    if rows:
        blocks.tables.append(Table(_("Questions"), [_("Question"), *_split_columns(_("Upvotes")), _("Answered")],
                                   rows, key="results", splits=(1,)))
    _ranked_bars(step, blocks, "upvotes", _("upvotes"))


RESULT_SHAPES: dict[str, Callable[[dict[str, Any], Blocks], None]] = {
    "feedback": _feedback,
    "stance": _stance,
    "scale": _scale,
    "poll": _poll,
    "rank": _rank,
    "questions": _questions,
}


def _guarded(shape: Callable[[dict[str, Any], Blocks], None]) -> Callable[[dict[str, Any], Blocks], None]:
    """A known shape, falling back to the generic one if the results look different."""
    def run(step: dict[str, Any], blocks: Blocks) -> None:
        try:
            shape(step, blocks)
        except (KeyError, TypeError, ValueError, IndexError):
            fresh = Blocks(facts=[f for f in blocks.facts if f[0] == key_label("acknowledged")])
            _item_results(step, fresh)
            blocks.facts, blocks.tables, blocks.chart = fresh.facts, fresh.tables, fresh.chart
    return run


def _commitments(step: dict[str, Any], blocks: Blocks) -> None:
    from ..activities.commitments import status_labels
    labels = status_labels()  # the statuses in the report's language, not their keys
    cards = step.get("commitments") or []
    if cards:
        blocks.tables.append(Table(
            _("Commitments"), [_("What"), _("Who"), _("By when"), _("Status"), _("What was done")],
            [[c["text"], c.get("who", ""), c.get("due", ""), str(labels.get(c.get("status"), c.get("status", ""))),
              c.get("status_note", "")] for c in cards], key="commitments"))


def step_blocks(step: dict[str, Any]) -> Blocks:
    """The facts, tables and chart of one report step."""
    blocks = Blocks()
    if "acknowledged" in step:
        blocks.facts.append((key_label("acknowledged"), step["acknowledged"]))
    if isinstance(step.get("results"), dict):
        shape = RESULT_SHAPES.get(step["kind"])
        (_guarded(shape) if shape else _item_results)(step, blocks)
    if "commitments" in step:
        _commitments(step, blocks)
    table = contributions_table(step)
    if table:
        blocks.tables.append(table)
    words = words_table(step)
    if words:
        blocks.tables.append(words)
        if blocks.chart is None:
            blocks.chart = charts.word_cloud([(w["word"], w["count"]) for w in step["words"]],
                                             title=_("Most common words: %(title)s", title=step["title"]),
                                             ident=_ident(step))
    return blocks
