"""Building blocks of the methods' own report sections (`report_section` hooks).

Each builder reads the report model only (never the database) and returns blocks: a block
has a `heading` and any of `facts` ([label, value] pairs), `items` (texts) and `table`
({caption, columns, rows}); `level` 4 puts it under the block before it. Every renderer
(HTML, PDF, DOCX, XLSX, CSV, JSON) draws these the same way; a method composes them.

Where things go is data, not guesswork: staff notes and contributions tagged with a
theme the method defined (its `key`, e.g. "concerns") go under that theme's heading;
a prompt step's `report_as` setting (e.g. "insights") puts its answers under that
heading; everything else said in a step is reported under the step's own question.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import ngettext

from dialogue.export.report import NOT_GIVEN
from dialogue.export.summary import role_label

Model = dict[str, Any]
Block = dict[str, Any]


def theme_keys(model: Model) -> dict[int, str]:
    """Theme id -> the method's key for it (only themes the method defined)."""
    return {t["id"]: t["key"] for t in model["themes"] if t.get("key")}


def by_position(model: Model) -> dict[int, Model]:
    return {s["position"]: s for s in model["steps"]}


def source_step(model: Model, step: Model) -> Model | None:
    position = (step.get("config") or {}).get("source_step")
    return by_position(model).get(position) if isinstance(position, int) else None


def texts_under(model: Model, key: str) -> list[str]:
    """Everything filed under a heading: answers of steps reported as `key`, then texts
    (contributions and staff notes) in the method's theme `key`."""
    keys = theme_keys(model)
    out = [c["text"] for s in model["steps"] if (s.get("config") or {}).get("report_as") == key
           for c in s.get("contributions") or []]
    out += [c["text"] for s in model["steps"] for c in s.get("contributions") or []
            if keys.get(c.get("theme_id")) == key and (s.get("config") or {}).get("report_as") != key]
    out += [n["text"] for n in model.get("notes") or [] if keys.get(n.get("theme_id")) == key]
    return out


def section_block(heading: str, items: list[str] | None = None, *, level: int = 3, facts=None, table=None,
           empty: str | None = None) -> Block:
    block: Block = {"heading": heading, "level": level}
    if facts:
        block["facts"] = [[str(k), str(v)] for k, v in facts]
    if table:
        block["table"] = table
    if items:
        block["items"] = items
    elif empty and not facts and not table:
        block["items"] = [empty]
    return block


def data_table(caption: str, columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"caption": caption, "columns": columns, "rows": rows}


def mean_text(value: Any) -> str:
    return "–" if value is None else f"{value:.1f}"


def nothing() -> str:
    return _("Nothing was written down under this heading.")



def group_description(model: Model) -> str:
    """The participants as self-declared groups (never names; small groups already merged)."""
    part = model["participation"]
    named = [g for g in part["by_role"]["groups"] if g["group"] != NOT_GIVEN]
    if not named:
        return _("Participants did not tell their role.")
    return ", ".join(f"{role_label(g['group'])} {g['count']}" for g in named)



def of_kind(model: Model, kind: str) -> list[Model]:
    """The report's steps of one activity kind, in order (a method picks what it reports)."""
    return [s for s in model["steps"] if s["kind"] == kind]


def rated_steps(model: Model, kind: str, source_kind: str) -> list[Model]:
    """Steps of `kind` that rate the items of an earlier step of `source_kind`."""
    return [s for s in of_kind(model, kind) if (source_step(model, s) or {}).get("kind") == source_kind]


def constructive(steps: list[Model]) -> list[tuple[str, str]]:
    """Closing-survey steps' 1–5 questions as facts: mean, share answering 4 or 5, number of answers."""
    facts = []
    for step in steps:
        if not isinstance(step.get("results"), dict):
            continue
        for q in step["results"].get("questions") or []:
            if not q["count"]:
                facts.append((q["text"], _("No answers.")))
                continue
            high = round(100 * sum(q["distribution"]["total"][3:]) / q["count"])
            facts.append((q["text"], ngettext(
                "mean %(mean)s / 5; %(share)s %% answered 4 or 5 (%(num)s answer)",
                "mean %(mean)s / 5; %(share)s %% answered 4 or 5 (%(num)s answers)",
                q["count"], mean=mean_text(q["mean"]), share=high)))
    return facts



def chosen_themes(steps: list[Model]) -> list[str]:
    """Dot-vote steps' items by dots (e.g. Erätauko's "choosing themes to go deeper")."""
    out = []
    for step in steps:
        results = step.get("results")
        if not isinstance(results, dict):
            continue
        ranked = sorted(results.get("items") or [], key=lambda i: -i["dots"]["total"])
        out += [ngettext("%(text)s (%(num)s dot)", "%(text)s (%(num)s dots)", i["dots"]["total"], text=i["text"])
                for i in ranked]
    return out



def questions_by_votes(steps: list[Model]) -> list[Block]:
    """Questions steps' questions, most upvoted first, with whether they were answered."""
    blocks = []
    for step in steps:
        results = step.get("results")
        if not isinstance(results, dict):
            continue
        ranked = sorted(results.get("items") or [], key=lambda q: -q["upvotes"]["total"])
        rows = [[q["text"], q["upvotes"]["total"], _("yes") if q.get("answered") else ""] for q in ranked]
        blocks.append(section_block(_("Questions by votes"), empty=nothing(), table=data_table(
            step["title"], [_("Question"), _("Upvotes"), _("Answered")], rows) if rows else None))
    return blocks



def due_label(due: str | None) -> str:
    from dialogue.activities.commitments import due_label
    return due_label(due)


def status_label(status: str) -> str:
    from dialogue.activities.commitments import status_labels
    return str(status_labels().get(status, status))



def commitment_blocks(model: Model, heading: str) -> list[Block]:
    """The commitments (in a follow-up: the followed dialogue's) with owners, dates and statuses."""
    cards = [c for s in model["steps"] for c in s.get("commitments") or []]
    rows = [[c["text"], c.get("who", ""), due_label(c.get("due")), status_label(c.get("status", "proposed")),
             c.get("status_note", "")] for c in cards]
    table = data_table(_("Who takes responsibility for what, by when"),
                   [_("What"), _("Who"), _("By when"), _("Status"), _("What was done")], rows)
    return [section_block(heading, table=table if rows else None, empty=nothing())]



def rating_blocks(steps: list[Model]) -> list[Block]:
    """Rating steps of the commitments (clarity; in a follow-up, how they were kept): means per card."""
    blocks = []
    for step in steps:
        results = step.get("results")
        if not isinstance(results, dict):
            continue
        rows = []
        for item in results.get("items") or []:
            for c in item.get("criteria") or []:
                rows.append([item["text"] + (f" – {c['label']}" if c.get("label") and len(item["criteria"]) > 1 else ""),
                             mean_text(c["mean"]), c["count"]["total"]])
        blocks.append(section_block(step["title"], empty=_("No answers."), table=data_table(
            _("Mean rating of each commitment"), [_("Commitment"), _("Mean (1–5)"), _("Answers")], rows)
            if rows else None))
    return blocks



def table_label(table: str) -> str:
    return _("Table %(name)s", name=table) if table else _("No table")



def table_notes(model: Model) -> list[Block]:
    """The table hosts' notes by theme (each with its table), and how many each table wrote per theme."""
    notes = model.get("notes") or []
    if not notes:
        return [section_block(_("Table notes by theme"), empty=nothing())]
    by_theme: dict[str | None, list[Model]] = {}
    for n in notes:
        by_theme.setdefault(n.get("theme"), []).append(n)
    order = sorted((k for k in by_theme if k), key=lambda k: (-len(by_theme[k]), k)) + \
        ([None] if None in by_theme else [])
    blocks = [section_block(_("Table notes by theme"))]
    for theme in order:
        items = [f"{n['text']} ({table_label(n.get('table', ''))})" for n in by_theme[theme]]
        blocks.append(section_block(theme or _("Not in a theme"), items, level=4))
    themes = [k for k in order if k]
    tables = sorted({n.get("table", "") for n in notes})
    rows = []
    for table in tables:
        mine = [n for n in notes if n.get("table", "") == table]
        rows.append([table_label(table), *[sum(1 for n in mine if n.get("theme") == t) for t in themes],
                     len(mine)])
    blocks.append(section_block(_("Table notes by table"), table=data_table(
        _("Notes per table and theme"), [_("Table"), *themes, _("All notes")], rows)))
    return blocks



def poll_blocks(steps: list[Model]) -> list[Block]:
    """Poll steps' options with votes and shares."""
    blocks = []
    for step in steps:
        results = step.get("results")
        if not isinstance(results, dict) or not results.get("items"):
            continue
        rows = [[i["text"], i["votes"]["total"], f"{round(100 * i['share'])} %"] for i in results["items"]]
        blocks.append(section_block(step["title"], table=data_table(step["title"], [_("Option"), _("Votes"), _("Share of voters")],
                                                         rows)))
    return blocks




def sourced_steps(model: Model, kind: str, source_kind: str, report_as: str | None = None) -> list[Model]:
    """Steps of `kind` whose items come from an earlier step of `source_kind` (and, with
    `report_as`, only from a step reported under that heading)."""
    out = []
    for step in of_kind(model, kind):
        source = source_step(model, step) or {}
        if source.get("kind") == source_kind and (
                report_as is None or (source.get("config") or {}).get("report_as") == report_as):
            out.append(step)
    return out


def votes_table(steps: list[Model], heading: str, what: str) -> list[Block]:
    """Dot-vote steps' items that got dots, most dots first, as a table: the priorities with their votes."""
    rows = []
    for step in steps:
        results = step.get("results")
        if isinstance(results, dict):
            rows += [[i["text"], i["dots"]["total"]]
                     for i in sorted(results.get("items") or [], key=lambda i: -i["dots"]["total"])
                     if i["dots"]["total"]]
    return [section_block(heading, empty=nothing(), table=data_table(
        heading, [what, _("Dots")], rows) if rows else None)]


def concept_ratings(steps: list[Model], heading: str) -> list[Block]:
    """Rating steps with several criteria (e.g. useful, doable): one row per item, a mean per criterion."""
    blocks = []
    for step in steps:
        results = step.get("results")
        if not isinstance(results, dict):
            continue
        items = results.get("items") or []
        labels = [c["label"] for c in (items[0].get("criteria") or [])] if items else []
        rows = [[i["text"], *[mean_text(c["mean"]) for c in i.get("criteria") or []],
                 max((c["count"]["total"] for c in i.get("criteria") or []), default=0)] for i in items]
        # Best first: the highest sum of the criteria's means (useful and doable together).
        rows.sort(key=lambda r: -sum(float(x) for x in r[1:-1] if x != "–"))
        blocks.append(section_block(heading, empty=_("No answers."), table=data_table(
            step["title"], [_("Idea"), *[_("%(criterion)s, mean (1–5)", criterion=label) for label in labels],
                            _("Answers")], rows) if rows else None))
    return blocks


def action_cards(model: Model, heading: str) -> list[Block]:
    """Every action card of the report (a series: of the earlier meetings too) with its owner,
    deadline, theme, status and dated status history."""
    from dialogue.activities.commitments import history_text
    themes = {t["id"]: t["name"] for t in model.get("themes") or []}
    seen, rows = set(), []
    for step in model["steps"]:
        for c in step.get("commitments") or []:
            if c["id"] in seen:
                continue
            seen.add(c["id"])
            rows.append([c["text"], c.get("who", ""), c.get("due", ""), c.get("theme") or themes.get(c.get("theme_id"), ""),
                         status_label(c.get("status", "proposed")), history_text(c), c.get("meeting", "")])
    table = data_table(_("Who takes responsibility for what, by when"),
                       [_("What"), _("Who"), _("By when"), _("Theme"), _("Status"), _("Status history"),
                        _("Agreed in")], rows)
    return [section_block(heading, table=table if rows else None, empty=nothing())]
