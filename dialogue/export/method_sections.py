"""The report sections of the spoken dialogue methods: Erätauko, päättäjädialogi (and its
follow-up meeting) and salonki.

Each builder reads the report model only (never the database), like the rest of
`summary.py`, and returns `{"title", "blocks": [...]}`. A block has a `heading` and any
of `facts` ([label, value] pairs), `items` (texts) and `table` ({caption, columns,
rows}); `level` 4 puts it under the block before it. Every renderer (HTML, PDF, DOCX,
XLSX, CSV, JSON) draws these the same way.

Where things go is data, not guesswork: staff notes and contributions tagged with a
theme the method defined (its `key`, e.g. "concerns") go under that theme's heading;
a prompt step's `report_as` setting (e.g. "insights") puts its answers under that
heading; everything else said in a step is reported under the step's own question.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _, ngettext

from .summary import METHOD_SECTIONS, role_label
from .report import NOT_GIVEN

Model = dict[str, Any]
Block = dict[str, Any]


# -- reading the model ------------------------------------------------------------------

def _theme_keys(model: Model) -> dict[int, str]:
    """Theme id -> the method's key for it (only themes the method defined)."""
    return {t["id"]: t["key"] for t in model["themes"] if t.get("key")}


def _by_position(model: Model) -> dict[int, Model]:
    return {s["position"]: s for s in model["steps"]}


def _source(model: Model, step: Model) -> Model | None:
    position = (step.get("config") or {}).get("source_step")
    return _by_position(model).get(position) if isinstance(position, int) else None


def _texts_under(model: Model, key: str) -> list[str]:
    """Everything filed under a heading: answers of steps reported as `key`, then texts
    (contributions and staff notes) in the method's theme `key`."""
    keys = _theme_keys(model)
    out = [c["text"] for s in model["steps"] if (s.get("config") or {}).get("report_as") == key
           for c in s.get("contributions") or []]
    out += [c["text"] for s in model["steps"] for c in s.get("contributions") or []
            if keys.get(c.get("theme_id")) == key and (s.get("config") or {}).get("report_as") != key]
    out += [n["text"] for n in model.get("notes") or [] if keys.get(n.get("theme_id")) == key]
    return out


def _block(heading: str, items: list[str] | None = None, *, level: int = 3, facts=None, table=None,
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


def _table(caption: str, columns: list[str], rows: list[list[Any]]) -> dict[str, Any]:
    return {"caption": caption, "columns": columns, "rows": rows}


def _mean(value: Any) -> str:
    return "–" if value is None else f"{value:.1f}"


def nothing() -> str:
    return _("Nothing was written down under this heading.")


# -- Erätauko: the National Dialogues (Kansalliset dialogit) report ---------------------------

#: The headings filled from the method's themes (and `report_as` answers), in the report's order.
def national_headings() -> list[tuple[str, str]]:
    return [("concerns", _("Concerns")), ("helps", _("What helps")), ("hopes", _("Hopes")),
            ("disagreements", _("Disagreements and things left unsaid")), ("insights", _("Insights")),
            ("quotes", _("Anonymous quotes")), ("continue", _("Where to continue, and who")),
            ("message", _("Message to decision-makers"))]


def group_description(model: Model) -> str:
    """The participants as self-declared groups (never names; small groups already merged)."""
    part = model["participation"]
    named = [g for g in part["by_role"]["groups"] if g["group"] != NOT_GIVEN]
    if not named:
        return _("Participants did not tell their role.")
    return ", ".join(f"{role_label(g['group'])} {g['count']}" for g in named)


def _question_steps(model: Model, filed: set[str]) -> list[tuple[Model, list[str]]]:
    """The steps where something was said, each with what was said there (not filed elsewhere)."""
    keys = _theme_keys(model)
    out = []
    for step in model["steps"]:
        config = step.get("config") or {}
        if step["kind"] not in ("info", "prompt", "notes") or config.get("report_as") or \
                config.get("writers") == "decision_makers":
            continue
        said = [c["text"] for c in step.get("contributions") or [] if keys.get(c.get("theme_id")) not in filed]
        said += [n["text"] for n in model.get("notes") or []
                 if n["step_id"] == step["id"] and keys.get(n.get("theme_id")) not in filed]
        if said:
            out.append((step, said))
    return out


def _chosen_themes(model: Model) -> list[str]:
    """The theme choice's candidates by dots (Erätauko's "choosing themes to go deeper")."""
    out = []
    for step in model["steps"]:
        results = step.get("results") if step["kind"] == "dots" else None
        if not isinstance(results, dict):
            continue
        ranked = sorted(results.get("items") or [], key=lambda i: -i["dots"]["total"])
        out += [ngettext("%(text)s (%(num)s dot)", "%(text)s (%(num)s dots)", i["dots"]["total"], text=i["text"])
                for i in ranked]
    return out


def _constructive(model: Model) -> list[tuple[str, str]]:
    """The closing 1–5 questions as facts: mean, share answering 4 or 5, number of answers."""
    facts = []
    for step in model["steps"]:
        if step["kind"] != "feedback" or not isinstance(step.get("results"), dict):
            continue
        for q in step["results"].get("questions") or []:
            if not q["count"]:
                facts.append((q["text"], _("No answers.")))
                continue
            high = round(100 * sum(q["distribution"]["total"][3:]) / q["count"])
            facts.append((q["text"], ngettext(
                "mean %(mean)s / 5; %(share)s %% answered 4 or 5 (%(num)s answer)",
                "mean %(mean)s / 5; %(share)s %% answered 4 or 5 (%(num)s answers)",
                q["count"], mean=_mean(q["mean"]), share=high)))
    return facts


def national_dialogues(model: Model) -> Model:
    """Erätauko's report section in the National Dialogues (Kansalliset dialogit) structure."""
    d = model["dialogue"]
    headings = national_headings()
    filed = {key for key, _heading in headings}
    questions = _question_steps(model, filed)
    facts = [(_("Organiser"), d["organiser"]), (_("Date"), d["date"] or (d["created_at"] or "")[:10]),
             (_("Format"), ", ".join(x for x in (d["method_label"], d["place"], d["municipality"]) if x)),
             (_("Topic"), d["topic"]), (_("Participants"), str(model["participation"]["count"])),
             (_("Group (no names)"), group_description(model))]
    blocks = [_block(_("About the dialogue"), facts=[(k, v) for k, v in facts if v]),
              _block(_("The questions discussed"), [s["title"] for s, _said in questions], empty=nothing()),
              _block(_("Experiences and views per question"), empty=None if questions else nothing())]
    blocks += [_block(step["title"], said, level=4) for step, said in questions]
    chosen = _chosen_themes(model)
    if chosen:
        blocks.append(_block(_("Themes chosen to go deeper"), chosen))
    blocks += [_block(heading, _texts_under(model, key), empty=nothing()) for key, heading in headings]
    blocks.append(_block(_("Was the discussion constructive?"), facts=_constructive(model), empty=_("No answers.")))
    return {"title": _("Report in the National Dialogues format"), "blocks": blocks}


# -- päättäjädialogi and its follow-up meeting --------------------------------------------

def questions_by_votes(model: Model) -> list[Block]:
    """Every questions step's questions, most upvoted first, with whether they were answered."""
    blocks = []
    for step in model["steps"]:
        results = step.get("results") if step["kind"] == "questions" else None
        if not isinstance(results, dict):
            continue
        ranked = sorted(results.get("items") or [], key=lambda q: -q["upvotes"]["total"])
        rows = [[q["text"], q["upvotes"]["total"], _("yes") if q.get("answered") else ""] for q in ranked]
        blocks.append(_block(_("Questions by votes"), empty=nothing(), table=_table(
            step["title"], [_("Question"), _("Upvotes"), _("Answered")], rows) if rows else None))
    return blocks


def _status_label(status: str) -> str:
    from ..activities.commitments import status_labels
    return str(status_labels().get(status, status))


def commitment_blocks(model: Model, heading: str) -> list[Block]:
    """The commitments (in a follow-up: the followed dialogue's) with owners, dates and statuses."""
    cards = [c for s in model["steps"] for c in s.get("commitments") or []]
    rows = [[c["text"], c.get("who", ""), c.get("due", ""), _status_label(c.get("status", "proposed")),
             c.get("status_note", "")] for c in cards]
    table = _table(_("Who takes responsibility for what, by when"),
                   [_("What"), _("Who"), _("By when"), _("Status"), _("What was done")], rows)
    return [_block(heading, table=table if rows else None, empty=nothing())]


def rating_blocks(model: Model) -> list[Block]:
    """Rating steps of the commitments (clarity; in a follow-up, how they were kept): means per card."""
    blocks = []
    for step in model["steps"]:
        source = _source(model, step)
        results = step.get("results")
        if step["kind"] != "scale" or source is None or source["kind"] != "commitments" \
                or not isinstance(results, dict):
            continue
        rows = []
        for item in results.get("items") or []:
            for c in item.get("criteria") or []:
                rows.append([item["text"] + (f" – {c['label']}" if c.get("label") and len(item["criteria"]) > 1 else ""),
                             _mean(c["mean"]), c["count"]["total"]])
        blocks.append(_block(step["title"], empty=_("No answers."), table=_table(
            _("Mean rating of each commitment"), [_("Commitment"), _("Mean (1–5)"), _("Answers")], rows)
            if rows else None))
    return blocks


def decision_dialogue(model: Model) -> Model:
    """Päättäjädialogi: questions by votes, what was heard, commitments, clarity ratings."""
    heard = [c["text"] for s in model["steps"] if (s.get("config") or {}).get("writers") == "decision_makers"
             for c in s.get("contributions") or []]
    blocks = questions_by_votes(model)
    blocks.append(_block(_("What the decision-makers heard"), heard, empty=nothing()))
    blocks += commitment_blocks(model, _("Commitments"))
    blocks += rating_blocks(model)
    return {"title": _("Decision-maker dialogue: what was asked, heard and promised"), "blocks": blocks}


def follow_up(model: Model) -> Model:
    """A follow-up meeting ("you said – we did"): each commitment's status, and how residents rated it."""
    blocks = commitment_blocks(model, _("Commitments and their status"))
    blocks += rating_blocks(model)
    return {"title": _("You said – we did"), "blocks": blocks}


# -- salonki ---------------------------------------------------------------------------------

def _table_label(table: str) -> str:
    return _("Table %(name)s", name=table) if table else _("No table")


def table_notes(model: Model) -> list[Block]:
    """The table hosts' notes by theme (each with its table), and how many each table wrote per theme."""
    notes = model.get("notes") or []
    if not notes:
        return [_block(_("Table notes by theme"), empty=nothing())]
    by_theme: dict[str | None, list[Model]] = {}
    for n in notes:
        by_theme.setdefault(n.get("theme"), []).append(n)
    order = sorted((k for k in by_theme if k), key=lambda k: (-len(by_theme[k]), k)) + \
        ([None] if None in by_theme else [])
    blocks = [_block(_("Table notes by theme"))]
    for theme in order:
        items = [f"{n['text']} ({_table_label(n.get('table', ''))})" for n in by_theme[theme]]
        blocks.append(_block(theme or _("Not in a theme"), items, level=4))
    themes = [k for k in order if k]
    tables = sorted({n.get("table", "") for n in notes})
    rows = []
    for table in tables:
        mine = [n for n in notes if n.get("table", "") == table]
        rows.append([_table_label(table), *[sum(1 for n in mine if n.get("theme") == t) for t in themes],
                     len(mine)])
    blocks.append(_block(_("Table notes by table"), table=_table(
        _("Notes per table and theme"), [_("Table"), *themes, _("All notes")], rows)))
    return blocks


def poll_blocks(model: Model) -> list[Block]:
    blocks = []
    for step in model["steps"]:
        results = step.get("results") if step["kind"] == "poll" else None
        if not isinstance(results, dict) or not results.get("items"):
            continue
        rows = [[i["text"], i["votes"]["total"], f"{round(100 * i['share'])} %"] for i in results["items"]]
        blocks.append(_block(step["title"], table=_table(step["title"], [_("Option"), _("Votes"), _("Share of voters")],
                                                         rows)))
    return blocks


def salon(model: Model) -> Model:
    """Salonki: questions to the speakers, table notes by theme and table, take-aways, the poll."""
    blocks = questions_by_votes(model)
    blocks += table_notes(model)
    blocks.append(_block(_("What people take with them"), _texts_under(model, "take_away"), empty=nothing()))
    blocks += poll_blocks(model)
    return {"title": _("Salon: questions, table conversations and take-aways"), "blocks": blocks}


METHOD_SECTIONS.update({
    "eratauko": national_dialogues,
    "paattajadialogi": decision_dialogue,
    "seuranta": follow_up,
    "salonki": salon,
})
