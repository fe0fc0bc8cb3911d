"""The state a client gets: on every (re)connect in full, and after each change.

Participants get the public part of the current step (the rest of their view is
server-rendered HTML); the screen and staff get the live wall and the aggregates.
Nothing here says who wrote or voted what.
"""
from __future__ import annotations

import datetime as dt
import time
from typing import Any

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from dialogue import activities
from dialogue.models import Contribution, Dialogue, Participant, Step, utcnow
from dialogue.synthesis.pii import mask

WALL_LIMIT = 200


def step_texts(step: Step, lang: str) -> dict[str, str]:
    """A step's title and body in `lang`, falling back to Finnish, then any language."""
    texts = step.texts or {}
    for key in (lang, "fi", *texts):
        if texts.get(key):
            return {"title": texts[key].get("title", ""), "body": texts[key].get("body", "")}
    return {"title": "", "body": ""}


def timer_state(step: Step | None) -> dict[str, Any]:
    """Seconds left and whether the timer runs; clients count down from this."""
    if step is None:
        return {"seconds": 0, "running": False}
    left = step.timer_seconds
    if step.timer_started_at is not None:
        left -= int((utcnow() - step.timer_started_at).total_seconds())
    return {"seconds": max(0, left), "running": step.timer_started_at is not None and left > 0}


def public_url() -> str:
    return current_app.config["PUBLIC_URL"].rstrip("/")


def join_url(dialogue: Dialogue) -> str:
    return f"{public_url()}/j/{dialogue.code}"


def participant_count(s: Session, dialogue_id: int) -> int:
    return s.scalar(select(func.count()).select_from(Participant).where(
        Participant.dialogue_id == dialogue_id, Participant.removed.is_(False))) or 0


def public_state(s: Session, dialogue: Dialogue) -> dict[str, Any]:
    """What every phone may know: which step is on, phones-down, the timer."""
    step = dialogue.current_step
    return {
        "dialogue_id": dialogue.id,
        "state": dialogue.state,
        "step_id": step.id if step else None,
        "kind": step.kind if step else None,
        "phones_down": bool(step and step.config.get("phones_down")),
        # Voting steps: phones reload their view when results are revealed or voting ends.
        "revealed": bool(step and step.revealed),
        "voting_closed": bool(step and step.voting_closed),
        "timer": timer_state(step),
        # A voting step's number of items: phones redraw when staff put up a new one (e.g. a candidate theme).
        "items": _item_count(s, step),
        # How many hands are up (no more): a phone in the queue refreshes its place when it changes.
        "speakers_waiting": _speak_queue_length(s, dialogue.id) if step and step.config.get("speak_signal") else 0,
    }


def _item_count(s: Session, step: Step | None) -> int:
    from dialogue.activities.voting import VotingActivity
    from dialogue.models import Item
    if step is None or not isinstance(activities.get(step.kind), VotingActivity):
        return 0
    return s.scalar(select(func.count()).select_from(Item).where(
        Item.step_id == step.id, Item.hidden.is_(False), Item.pending.is_(False))) or 0


def _speak_queue_length(s: Session, dialogue_id: int) -> int:
    from dialogue.commands.speaking import (
        queue_length,  # here, not at the top: speaking registers commands
    )
    return queue_length(s, dialogue_id)


def wall(s: Session, step: Step, *, staff: bool) -> list[dict[str, Any]]:
    """The step's contributions, newest first; masked and without hidden ones for the screen."""
    query = select(Contribution).where(
        Contribution.step_id == step.id, Contribution.private.is_(False),
        Contribution.source.in_(("participant", "staff")))
    if not staff:
        query = query.where(Contribution.hidden.is_(False))
    rows = s.scalars(query.order_by(Contribution.id.desc()).limit(WALL_LIMIT))
    out = []
    for c in rows:
        if not staff and (c.extra or {}).get("read_aloud") is False:
            continue  # the author wanted it in the report only
        item = {"id": c.id, "text": mask(c.text) if (c.pii and not staff) else c.text,
                "decision_maker": c.author_role == "decision_maker"}
        if staff:
            item.update(hidden=c.hidden, pii=c.pii, theme_id=c.theme_id, source=c.source,
                        report_only=(c.extra or {}).get("read_aloud") is False)
        out.append(item)
    return out


def live_state(s: Session, dialogue: Dialogue, *, staff: bool, lang: str | None = None) -> dict[str, Any]:
    """The full state for the screen (staff=False) or the console (staff=True)."""
    lang = lang or dialogue.language
    step = dialogue.current_step
    state: dict[str, Any] = {
        **public_state(s, dialogue),
        "title": dialogue.title,
        "topic": dialogue.topic,
        "code": dialogue.code,
        "join_url": join_url(dialogue),
        "join_locked": dialogue.join_locked,
        "screen_mode": dialogue.screen_mode,
        "participants": participant_count(s, dialogue.id),
        "step": None,
    }
    if staff:
        from dialogue.commands.speaking import queue
        state["speak_queue"] = queue(s, dialogue.id)
    if step is not None:
        activity = activities.get(step.kind)
        results_visible = staff or step.revealed or not step.config.get("hide_results", False)
        # Phones down: the screen is quiet (title, topic, timer); nothing live reaches it.
        quiet = not staff and bool(step.config.get("phones_down"))
        state["step"] = {
            "id": step.id, "kind": step.kind, "position": step.position,
            **step_texts(step, lang),
            "wall": wall(s, step, staff=staff) if activity.collects_contributions and not quiet and (
                staff or step.config.get("wall", True)) else None,
            "revealed": step.revealed,
            "results_hidden": not results_visible,
            "results": activity.live_state(s, step, staff=staff) if results_visible and not quiet else None,
        }
    return state


def iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value else None


# -- stamped states: what the broadcaster sends ---------------------------------------------

def as_of(s: Session) -> float:
    """The time the state built next is at least as new as; call it before building.

    PostgreSQL: the database's clock, the same for every process (each statement after
    it sees every commit made before it). SQLite: this machine's clock, after ending the
    session's read transaction (the next read starts a fresh snapshot).
    """
    if s.get_bind().dialect.name == "postgresql":
        return float(s.scalar(text("SELECT extract(epoch FROM clock_timestamp())")))
    s.rollback()
    return time.time()


def stamped_public_state(s: Session, dialogue_id: int) -> dict | None:
    """The phones' state of a dialogue, stamped with `as_of` (None if it is gone)."""
    stamp = as_of(s)
    dialogue = s.get(Dialogue, dialogue_id)
    return None if dialogue is None else {**public_state(s, dialogue), "as_of": stamp}


def stamped_live_states(s: Session, dialogue_id: int, *, staff: bool = True, screen: bool = True) -> dict[str, dict]:
    """The staff and/or screen live state, built once each and stamped with `as_of`."""
    stamp = as_of(s)
    dialogue = s.get(Dialogue, dialogue_id)
    if dialogue is None:
        return {}
    out = {}
    # Tally texts ("12 dots") in the dialogue's language, whoever's write triggered this.
    with force_locale(dialogue.language):
        for name, wanted in (("staff", staff), ("screen", screen)):
            if wanted:
                out[name] = {**live_state(s, dialogue, staff=name == "staff"), "as_of": stamp}
    return out
