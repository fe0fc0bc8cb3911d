"""Erätauko (Timeout dialogue): candidate themes for the theme choice, and the report in the
National Dialogues (Kansalliset dialogit) structure.

In Erätauko the group chooses, with dots, the themes to go deeper into. The candidates
come from what was said: the scribe (helper link) and the facilitator (console) put them
up while listening, before or during the choice. A theme choice is a `dots` step that
takes its items neither from a list nor from an earlier step; a candidate is an item of
that step entered by staff, and it is one of the dialogue's themes too (made if there is
none of that name), so that "teema" means one thing: the notes and answers staff put in a
theme are about the theme the group voted on.
"""
from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from dialogue import db
from dialogue.activities import voting
from dialogue.actors import STAFF
from dialogue.commands import CommandContext, command
from dialogue.export import sections as sec
from dialogue.methodology import Panel
from dialogue.models import Dialogue, Helper, Item, Step, Theme
from dialogue.realtime.snapshot import step_texts
from dialogue.textclean import clean_text

CANDIDATE_MAX = 200


def is_theme_choice(step: Step) -> bool:
    """A dots step whose items are put up by staff during the dialogue."""
    return (step.kind == "dots" and step.config.get("source_step") is None and not step.config.get("items")
            and not step.voting_closed)


def candidate_steps(dialogue: Dialogue, lang: str) -> list[dict[str, Any]]:
    """The theme choices still ahead (or on now), each with its title and current candidates."""
    current = dialogue.current_step
    here = current.position if current else -1
    return [{"step": step, "title": step_texts(step, lang)["title"],
             "items": [i.text for i in voting.visible_items(db.session, step.id)]}
            for step in dialogue.steps if is_theme_choice(step) and step.position >= here]


@command("add_candidate", roles=STAFF)
def add_candidate(ctx: CommandContext) -> dict:
    """Put up a candidate theme for a theme choice (a dots step), now or before it starts."""
    step = ctx.step()
    if not is_theme_choice(step):
        ctx.fail(_l("This step does not take candidate themes."))
    text = clean_text(ctx.payload.get("text"), CANDIDATE_MAX, multiline=False)
    existing = list(ctx.s.scalars(select(Item).where(Item.step_id == step.id)))
    if any(i.text.casefold() == text.casefold() and not i.hidden for i in existing):
        ctx.fail(_l("This theme is already a candidate."))
    if len(existing) >= voting.MAX_ITEMS:
        ctx.fail(_l("This step has too many items."))
    theme = ctx.s.scalar(select(Theme).where(Theme.dialogue_id == ctx.dialogue.id,
                                             func.lower(Theme.name) == text.lower()))
    if theme is None:
        theme = Theme(dialogue_id=ctx.dialogue.id, name=text)
        ctx.s.add(theme)
        ctx.s.flush()
    item = Item(step_id=step.id, text=text, position=voting.next_position(ctx.s, step.id), by_staff=True,
                extra={"theme_id": theme.id})
    ctx.s.add(item)
    ctx.s.flush()
    ctx.audit("add_candidate", step_id=step.id, item_id=item.id)
    # Phones on the choice now redraw (the public state carries the number of items).
    ctx.changed(everyone=True)
    return {"item_id": item.id, "message": str(_l("The theme is now a candidate."))}


# -- hooks --------------------------------------------------------------------------------------

def console_panels(dialogue: Dialogue, lang: str) -> list[Panel]:
    """The run view: the facilitator puts up candidate themes while listening."""
    return [Panel("methods/eratauko/candidates.html", {"c": c, "for_staff": True})
            for c in candidate_steps(dialogue, lang)]


def helper_panels(helper: Helper, dialogue: Dialogue, current: Step | None, lang: str) -> list[Panel]:
    """A scribe's page: candidate themes they hear in the conversation."""
    return [Panel("methods/eratauko/candidates.html", {"c": c, "for_staff": False})
            for c in candidate_steps(dialogue, lang)]


#: The headings filled from the method's themes (and `report_as` answers), in the report's order.
def national_headings() -> list[tuple[str, str]]:
    return [("concerns", _("Concerns")), ("helps", _("What helps")), ("hopes", _("Hopes")),
            ("disagreements", _("Disagreements and things left unsaid")), ("insights", _("Insights")),
            ("quotes", _("Anonymous quotes")), ("continue", _("Where to continue, and who")),
            ("message", _("Message to decision-makers"))]


def _question_steps(model: dict[str, Any], filed: set[str]) -> list[tuple[dict[str, Any], list[str]]]:
    """The steps where something was said, each with what was said there (not filed elsewhere)."""
    keys = sec.theme_keys(model)
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


def report_section(model: dict[str, Any]) -> dict[str, Any] | None:
    """Erätauko's report section in the National Dialogues (Kansalliset dialogit) structure."""
    d = model["dialogue"]
    headings = national_headings()
    filed = {key for key, _heading in headings}
    questions = _question_steps(model, filed)
    facts = [(_("Organiser"), d["organiser"]), (_("Date"), d["date"] or (d["created_at"] or "")[:10]),
             (_("Format"), ", ".join(x for x in (d["method_label"], d["place"], d["municipality"]) if x)),
             (_("Topic"), d["topic"]), (_("Participants"), str(model["participation"]["count"])),
             (_("Group (no names)"), sec.group_description(model))]
    blocks = [sec.section_block(_("About the dialogue"), facts=[(k, v) for k, v in facts if v]),
              sec.section_block(_("The questions discussed"), [s["title"] for s, _said in questions], empty=sec.nothing()),
              sec.section_block(_("Experiences and views per question"), empty=None if questions else sec.nothing())]
    blocks += [sec.section_block(step["title"], said, level=4) for step, said in questions]
    chosen = sec.chosen_themes(sec.of_kind(model, "dots"))
    if chosen:
        blocks.append(sec.section_block(_("Themes chosen to go deeper"), chosen))
    blocks += [sec.section_block(heading, sec.texts_under(model, key), empty=sec.nothing()) for key, heading in headings]
    blocks.append(sec.section_block(_("Was the discussion constructive?"), facts=sec.constructive(sec.of_kind(model, "feedback")), empty=_("No answers.")))
    return {"title": _("Report in the National Dialogues format"), "blocks": blocks}


