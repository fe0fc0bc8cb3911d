"""`notes`: staff notes (scribe, table host, recorder) of what is said aloud.

A note is free text in the speakers' own words, without names, tagged by the step
it is about and optionally by a theme (and the helper's table). Notes are
contributions with source "note": moderation, themes, masking and the purge treat
them like every other text, and they never appear on the screen or the phones.

A `notes` step is a spoken phase (phones down by default) whose console view is
the notes feed; notes can also be written during any other step.
"""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from dialogue.activities.base import Activity, register
from dialogue.actors import STAFF
from dialogue.commands.core import CommandContext, command
from dialogue.models import Contribution, Theme
from dialogue.synthesis import pii
from dialogue.textclean import clean_int, clean_text

MAX_LENGTH = 2000
FEED_LIMIT = 50


def notes_query(dialogue_id: int, step_id: int | None = None):
    """Visible staff notes of a dialogue (or of one step), newest first."""
    query = select(Contribution).where(Contribution.dialogue_id == dialogue_id, Contribution.source == "note",
                                       Contribution.hidden.is_(False))
    if step_id is not None:
        query = query.where(Contribution.step_id == step_id)
    return query.order_by(Contribution.id.desc())


def note_json(c: Contribution, *, masked: bool) -> dict[str, Any]:
    """A note for the console (masked=False) or an export (masked=True)."""
    return {"id": c.id, "text": pii.mask(c.text) if masked else c.text, "step_id": c.step_id,
            "theme_id": c.theme_id, "table": c.at_table.name if c.at_table else "", "pii": c.pii,
            "at": c.created_at.isoformat(timespec="minutes") if c.created_at else None}


def export_notes(s: Session, dialogue_id: int) -> list[dict[str, Any]]:
    """Every visible note of the dialogue, oldest first, masked (for exports and reports)."""
    rows = s.scalars(notes_query(dialogue_id).order_by(None).order_by(Contribution.id))
    return [{k: v for k, v in note_json(c, masked=True).items() if k != "pii"} for c in rows]


@register
class Notes(Activity):
    key = "notes"
    participant_template = "activities/notes.html"
    staff_template = "activities/notes_staff.html"

    def label(self):
        return _l("Staff notes")

    def default_config(self) -> dict[str, Any]:
        return {"phones_down": True}

    def staff_context(self, s, step):
        themes = list(s.scalars(select(Theme).where(Theme.dialogue_id == step.dialogue_id).order_by(Theme.name)))
        notes = s.scalars(notes_query(step.dialogue_id, step.id).limit(FEED_LIMIT))
        return {"notes": [note_json(c, masked=False) for c in notes], "themes": themes}

    def live_state(self, s, step, *, staff):
        if not staff:
            return {}  # notes never go to the screen
        rows = s.scalars(notes_query(step.dialogue_id, step.id)).all()
        feed = [{k: note_json(c, masked=False)[k] for k in ("text", "table", "pii")} for c in rows[:FEED_LIMIT]]
        return {"notes": len(rows), "feed": feed}

    def export(self, s, step):
        rows = s.scalars(notes_query(step.dialogue_id, step.id).order_by(None).order_by(Contribution.id))
        return {"notes": [{k: v for k, v in note_json(c, masked=True).items() if k != "pii"} for c in rows]}


@command("note", roles=STAFF)
def note(ctx: CommandContext) -> dict:
    """Write a staff note about a step (default: the current one), optionally in a theme."""
    if ctx.payload.get("step_id") not in (None, ""):
        step = ctx.step()
    else:
        step = ctx.dialogue.current_step
        if step is None:
            ctx.fail(_l("No step is on. Choose the step the note is about."))
    text = clean_text(ctx.payload.get("text"), MAX_LENGTH)
    theme_id = None
    if ctx.payload.get("theme_id") not in (None, ""):
        theme = ctx.s.get(Theme, clean_int(ctx.payload.get("theme_id"), 1, 2**31))
        if theme is None or theme.dialogue_id != ctx.dialogue.id:
            ctx.fail(_l("This theme does not exist."))
        theme_id = theme.id
    c = Contribution(dialogue_id=ctx.dialogue.id, step_id=step.id, source="note", text=text,
                     helper_id=ctx.actor.helper_id, theme_id=theme_id, pii=bool(pii.find(text)),
                     table_id=ctx.actor.table_id, round=ctx.dialogue.table_round)
    ctx.s.add(c)
    ctx.s.flush()
    ctx.audit("note", contribution_id=c.id, step_id=step.id)
    ctx.changed(wall=True)
    message = _l("The note was saved.")
    if c.pii:
        message = _l("The note was saved. It seems to contain personal data: it is masked in reports.")
    return {"id": c.id, "pii": c.pii, "message": str(message)}
