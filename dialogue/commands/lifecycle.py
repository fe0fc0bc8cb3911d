"""A dialogue's life: its states, which writes each state allows, retention and purge.

States: draft -> open (joining and early answers before the meeting) -> running ->
closed -> archived. Which writes each state allows is the state rule in
`commands.core.refusal`; here are the transitions between states.

Retention: the raw data of a closed dialogue is kept `retention_days` (default 180)
after closing. `purge` then deletes participants, contributions, votes, notes,
photos and every other raw row, keeping the dialogue, its steps, its themes, the
staff audit log and the aggregated numbers (`Dialogue.summary`).
"""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from dialogue import activities
from dialogue.actors import FACILITATOR_ONLY
from dialogue.commands.core import (
    ALWAYS,
    CommandContext,
    command,
)
from dialogue.models import (
    STATES,
    WRITABLE_STATES,
    AuditEvent,
    Base,
    Contribution,
    Dialogue,
    Participant,
    Step,
    Theme,
    Vote,
    utcnow,
)
from dialogue.realtime import broadcast, control
from dialogue.realtime.snapshot import step_texts, timer_state
from dialogue.synthesis.groups import large_enough
from dialogue.textclean import InvalidInput, clean_int

DEFAULT_RETENTION_DAYS = 180
MAX_RETENTION_DAYS = 3650

#: Where each state may go (the console offers exactly these).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("open", "running"),
    "open": ("draft", "running", "closed"),
    "running": ("closed",),
    "closed": ("running", "archived"),
    "archived": ("closed",),
}

#: Tables never purged: the dialogue's frame, the staff's themes and the audit log, and the
#: findings register's evidence (approved findings, aggregated and masked: the project's record).
KEEP_TABLES = frozenset({"facilitator", "dialogue", "step", "theme", "audit_event", "dialogue_share",
                         "register_evidence"})


# -- retention -----------------------------------------------------------------

def retention_date(dialogue: Dialogue) -> dt.date | None:
    """The day the raw data will be deleted; None while the dialogue has not closed."""
    if dialogue.closed_at is None:
        return None
    return (dialogue.closed_at + dt.timedelta(days=dialogue.retention_days)).date()


def is_due(dialogue: Dialogue, now: dt.datetime | None = None) -> bool:
    """Whether the dialogue's raw data should be purged now."""
    when = retention_date(dialogue)
    return (when is not None and dialogue.purged_at is None and dialogue.state in ("closed", "archived")
            and when <= (now or utcnow()).date())


def raw_counts(s: Session, dialogue: Dialogue) -> dict[str, int]:
    """What a purge would delete, counted (the console shows it)."""
    def count(model, *where) -> int:
        return s.scalar(select(func.count()).select_from(model).where(*where)) or 0
    step_ids = select(Step.id).where(Step.dialogue_id == dialogue.id)
    mine = Contribution.dialogue_id == dialogue.id
    return {
        "participants": count(Participant, Participant.dialogue_id == dialogue.id),
        "contributions": count(Contribution, mine, Contribution.source != "note"),
        "notes": count(Contribution, mine, Contribution.source == "note"),
        "votes": count(Vote, Vote.step_id.in_(step_ids)),
        "photos": len(_photo_paths(s, dialogue)),
    }


# -- state changes ------------------------------------------------------------

#: The states in which participants take no part any more: their sockets are closed.
ENDED_STATES = ("closed", "archived")


@command("set_state", roles=FACILITATOR_ONLY, when=ALWAYS)
def set_state(ctx: CommandContext) -> dict:
    """Move the dialogue to another state (only along TRANSITIONS)."""
    d = ctx.dialogue
    target = ctx.payload.get("state")
    if target not in STATES or target not in TRANSITIONS[d.state]:
        ctx.fail(_l("The dialogue cannot move to that state now."))
    if d.purged_at is not None and target not in ("closed", "archived"):
        ctx.fail(_l("The raw data of this dialogue has been deleted; it cannot be opened again."))
    previous = d.state
    if target == "closed":
        d.closed_at = utcnow()
        step = d.current_step
        if step is not None and step.timer_started_at is not None:
            step.timer_seconds = timer_state(step)["seconds"]
            step.timer_started_at = None
    elif target in WRITABLE_STATES:
        d.closed_at = None  # retention counts from the last closing
        if d.current_step_id is None and d.steps:
            d.current_step_id = d.steps[0].id
    d.state = target
    ctx.audit("set_state", before=previous, after=target)
    ctx.changed(everyone=True)
    if target in ENDED_STATES:
        # After the phones got the closed state: end their sockets on every server process
        # (their pages reload and show the dialogue closed; see realtime/handlers.py).
        did = d.id
        ctx.effects.append(lambda: control.disconnect_room(broadcast.room(did, "participants")))
    return {"state": target}


@command("set_retention", roles=FACILITATOR_ONLY, when=ALWAYS)
def set_retention(ctx: CommandContext) -> dict:
    """How long the raw data is kept after closing: `days`, or a date `until` (after closing)."""
    d = ctx.dialogue
    if d.purged_at is not None:
        ctx.fail(_l("The raw data of this dialogue has already been deleted."))
    until = ctx.payload.get("until")
    if until:
        if d.closed_at is None:
            ctx.fail(_l("Set a date after the dialogue has closed; before that, set the number of days."))
        try:
            day = dt.date.fromisoformat(str(until).strip())
        except ValueError:
            raise InvalidInput(_l("Write the date as YYYY-MM-DD.")) from None
        days = (day - d.closed_at.date()).days
        if not 1 <= days <= MAX_RETENTION_DAYS:
            ctx.fail(_l("Choose a date between the day after closing and ten years after it."))
    else:
        days = clean_int(ctx.payload.get("days"), 1, MAX_RETENTION_DAYS)
    d.retention_days = days
    ctx.audit("set_retention", days=days)
    return {"retention_days": days, "retention_date": str(retention_date(d) or ""),
            "message": str(_l("The retention time was saved."))}


# -- purge ---------------------------------------------------------------------

def summary(s: Session, dialogue: Dialogue) -> dict[str, Any]:
    """The aggregated numbers kept after a purge: counts and each step's public results."""
    roles = dict(s.execute(select(Participant.role, func.count()).where(
        Participant.dialogue_id == dialogue.id, Participant.role.is_not(None)).group_by(Participant.role)).all())
    steps = []
    written = _participant_texts(s, dialogue)
    for step in dialogue.steps:
        activity = activities.get(step.kind)
        shown = s.scalar(select(func.count()).select_from(Contribution).where(
            Contribution.step_id == step.id, Contribution.hidden.is_(False), Contribution.private.is_(False),
            Contribution.source != "note")) or 0
        steps.append({"position": step.position, "kind": step.kind, "title": step_texts(step, dialogue.language)["title"],
                      "contributions": shown,
                      "results": _without_texts(activity.live_state(s, step, staff=False), written)})
    themes = [{"name": t.name, "contributions": n} for t, n in s.execute(
        select(Theme, func.count(Contribution.id)).outerjoin(
            Contribution, (Contribution.theme_id == Theme.id) & Contribution.hidden.is_(False))
        .where(Theme.dialogue_id == dialogue.id).group_by(Theme.id).order_by(Theme.name)).all()]
    return {
        "participants": s.scalar(select(func.count()).select_from(Participant).where(
            Participant.dialogue_id == dialogue.id, Participant.removed.is_(False))) or 0,
        # Groups smaller than the minimum are never reported separately.
        "roles": {role: n for role, n in roles.items() if large_enough(n)},
        "steps": steps,
        "themes": themes,
    }


PARTICIPANT_TEXT = "…"  # what a participant's own words become in the kept summary


def _participant_texts(s: Session, dialogue: Dialogue) -> set[str]:
    """Everything participants wrote in the dialogue (as stored and as masked), to keep out of the summary."""
    from dialogue.models import Item
    from dialogue.synthesis.pii import mask
    step_ids = select(Step.id).where(Step.dialogue_id == dialogue.id)
    written = set(s.scalars(select(Contribution.text).where(
        Contribution.dialogue_id == dialogue.id, Contribution.participant_id.is_not(None))))
    written |= set(s.scalars(select(Item.text).where(Item.step_id.in_(step_ids), (
        Item.participant_id.is_not(None)) | Item.contribution_id.in_(select(Contribution.id).where(
            Contribution.dialogue_id == dialogue.id, Contribution.participant_id.is_not(None))))))
    return written | {mask(t) for t in written}


def _without_texts(value: Any, texts: set[str]) -> Any:
    """`value` (JSON-like) with every string that is a participant's text replaced.

    Results keep their numbers; a bar labelled with a participant's question or
    statement keeps its count, not their words: those are raw data, purged with the rest.
    """
    if isinstance(value, str):
        return PARTICIPANT_TEXT if value in texts else value
    if isinstance(value, dict):
        return {k: _without_texts(v, texts) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_texts(v, texts) for v in value]
    return value


def _photo_paths(s: Session, dialogue: Dialogue) -> list[Path]:
    """Photo files of the dialogue: `extra["photo"]` paths under instance/uploads, and its folder."""
    uploads = Path(current_app.instance_path) / "uploads"
    paths = []
    for extra in s.scalars(select(Contribution.extra).where(Contribution.dialogue_id == dialogue.id)):
        name = (extra or {}).get("photo")
        if isinstance(name, str) and name:
            path = (uploads / name).resolve()
            if path.is_file() and uploads.resolve() in path.parents:
                paths.append(path)
    return paths


def purge_dialogue(s: Session, dialogue: Dialogue, now: dt.datetime | None = None) -> dict[str, int]:
    """Delete a dialogue's raw data now (inside the caller's transaction); return what went.

    Every table that is not in KEEP_TABLES and hangs on the dialogue or its steps is
    emptied for it, so raw data added by new activities is purged too.
    """
    counts = raw_counts(s, dialogue)
    dialogue.summary = summary(s, dialogue)
    photos = _photo_paths(s, dialogue)
    step_ids = [step.id for step in dialogue.steps]
    s.execute(update(Contribution).where(Contribution.dialogue_id == dialogue.id).values(theme_id=None))
    for table in reversed(Base.metadata.sorted_tables):
        if table.name in KEEP_TABLES:
            continue
        if "dialogue_id" in table.c:
            s.execute(delete(table).where(table.c.dialogue_id == dialogue.id))
        elif "step_id" in table.c and step_ids:
            s.execute(delete(table).where(table.c.step_id.in_(step_ids)))
    # The audit log keeps who did what and when; free text in its details goes.
    for event in s.scalars(select(AuditEvent).where(AuditEvent.dialogue_id == dialogue.id)):
        event.detail = {k: v for k, v in (event.detail or {}).items() if not isinstance(v, str) or len(v) <= 20}
    dialogue.purged_at = now or utcnow()
    dialogue.current_step_id = None
    s.add(AuditEvent(dialogue_id=dialogue.id, actor="system", action="purge", detail=counts))
    for path in photos:
        path.unlink(missing_ok=True)
    folder = Path(current_app.instance_path) / "uploads" / str(dialogue.id)
    if folder.is_dir():
        shutil.rmtree(folder, ignore_errors=True)
    return counts


def due_dialogues(s: Session, now: dt.datetime | None = None) -> list[Dialogue]:
    """Dialogues whose retention date has come and whose raw data is still there."""
    candidates = s.scalars(select(Dialogue).where(
        Dialogue.closed_at.is_not(None), Dialogue.purged_at.is_(None),
        Dialogue.state.in_(("closed", "archived"))).order_by(Dialogue.id))
    return [d for d in candidates if is_due(d, now)]


def purge(now: dt.datetime | None = None, *, dry_run: bool = False) -> list[tuple[Dialogue, dict[str, int]]]:
    """Purge every dialogue that is due; each in its own transaction. Returns what was (or would be) deleted."""
    from dialogue import db
    done = []
    for d in due_dialogues(db.session, now):
        if dry_run:
            done.append((d, raw_counts(db.session, d)))
            continue
        with db.write() as s:
            dialogue = s.get(Dialogue, d.id)
            if dialogue is not None and is_due(dialogue, now):  # still due inside the transaction
                done.append((dialogue, purge_dialogue(s, dialogue, now)))
    if done and not dry_run:
        db.release_deleted()  # no copy of the deleted rows left in SQLite's write-ahead log
    return done
