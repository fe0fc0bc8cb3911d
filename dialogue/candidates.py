"""Candidate themes for a theme choice: what the group could talk about more deeply.

In Erätauko the group chooses, with dots, the themes to go deeper into. The
candidates come from what was said: the scribe (helper link) and the facilitator
(console) put them up while listening, before or during the choice. A theme choice
is a `dots` step that takes its items neither from a list nor from an earlier step;
a candidate is an item of that step entered by staff.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .actors import STAFF
from .activities import voting
from .commands import CommandContext, command
from .models import Dialogue, Item, Step
from .state import step_texts
from .textclean import clean_text

CANDIDATE_MAX = 200


def is_theme_choice(step: Step) -> bool:
    """A dots step whose items are put up by staff during the dialogue."""
    return (step.kind == "dots" and step.config.get("source_step") is None and not step.config.get("items")
            and not step.voting_closed)


def candidate_steps(s: Session, dialogue: Dialogue, lang: str) -> list[dict[str, Any]]:
    """The theme choices still ahead (or on now), each with its title and current candidates."""
    current = s.get(Step, dialogue.current_step_id) if dialogue.current_step_id else None
    here = current.position if current else -1
    out = []
    for step in dialogue.steps:
        if is_theme_choice(step) and step.position >= here:
            out.append({"step": step, "title": step_texts(step, lang)["title"],
                        "items": [i.text for i in voting.visible_items(s, step.id)]})
    return out


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
    position = (ctx.s.scalar(select(func.max(Item.position)).where(Item.step_id == step.id)) or 0) + 1
    item = Item(step_id=step.id, text=text, position=position, by_staff=True)
    ctx.s.add(item)
    ctx.s.flush()
    ctx.audit("add_candidate", step_id=step.id, item_id=item.id)
    # Phones on the choice now redraw (the public state carries the number of items).
    ctx.changed(everyone=True)
    return {"item_id": item.id, "message": str(_l("The theme is now a candidate."))}
