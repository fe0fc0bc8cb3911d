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

from dialogue import activities, placeholders, tables
from dialogue.models import Contribution, Dialogue, Participant, Step, utcnow
from dialogue.synthesis import tally
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


def table_join_url(dialogue: Dialogue, table) -> str:
    """A table card's address: joining there puts the phone at that table."""
    return f"{join_url(dialogue)}/t/{table.code}"


def station_url(dialogue: Dialogue, code: str) -> str:
    """A station sheet's address: joining there opens that station of a walk."""
    return f"{join_url(dialogue)}/s/{code}"


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
        # What every phone shows changed (a voting step's items, a new action card): phones redraw.
        "items": activities.get(step.kind).phone_count(s, step) if step else 0,
        # How many hands are up (no more): a phone in the queue refreshes its place when it changes.
        "speakers_waiting": _speak_queue_length(s, dialogue.id) if step and step.config.get("speak_signal") else 0,
        # Who sits where changed (staff seated people, a new round): phones redraw their view.
        "seating": dialogue.seating,
    }


def _speak_queue_length(s: Session, dialogue_id: int) -> int:
    from dialogue.commands.speaking import (
        queue_length,  # here, not at the top: speaking registers commands
    )
    return queue_length(s, dialogue_id)


def wall(s: Session, step: Step, *, staff: bool, table_id: int | None = None) -> list[dict[str, Any]]:
    """The step's contributions, newest first; masked and without hidden ones for the screen.

    With `table_id`, only that table's (a table host's view, or the screen showing one table).
    """
    query = select(Contribution).where(
        Contribution.step_id == step.id, Contribution.private.is_(False),
        Contribution.source.in_(("participant", "staff")))
    if table_id is not None:
        query = query.where(Contribution.table_id == table_id)
    if not staff:
        query = query.where(Contribution.hidden.is_(False))
    rows = s.scalars(query.order_by(Contribution.id.desc()).limit(WALL_LIMIT))
    out = []
    for c in rows:
        if not staff and (c.extra or {}).get("read_aloud") is False:
            continue  # the author wanted it in the report only
        item = {"id": c.id, "text": mask(c.text) if (c.pii and not staff) else c.text,
                "decision_maker": c.author_role == "decision_maker"}
        if c.table_id is not None:
            item["table_id"] = c.table_id
        if staff:
            item.update(hidden=c.hidden, pii=c.pii, theme_id=c.theme_id, source=c.source,
                        report_only=(c.extra or {}).get("read_aloud") is False)
        out.append(item)
    return out


def dialogue_part(s: Session, dialogue: Dialogue) -> dict[str, Any]:
    """The part of the live state that is the same for the screen, the console and the
    table hosts: the public state, the dialogue's own fields and how many have joined."""
    return {
        **public_state(s, dialogue),
        "title": dialogue.title,
        "topic": dialogue.topic,
        "code": dialogue.code,
        "join_url": join_url(dialogue),
        "join_locked": dialogue.join_locked,
        "screen_mode": dialogue.screen_mode,
        "participants": participant_count(s, dialogue.id),
    }


def live_state(s: Session, dialogue: Dialogue, *, staff: bool, lang: str | None = None,
               table_id: int | None = None, common: dict[str, Any] | None = None) -> dict[str, Any]:
    """The full state for the screen (staff=False) or the console (staff=True).

    `table_id`: a table host's state, limited to their table (tables.py): its wall only,
    and no results (they span every table). `common`: `dialogue_part`, if already read.
    """
    lang = lang or dialogue.language
    step = dialogue.current_step
    state: dict[str, Any] = {**(common or dialogue_part(s, dialogue)), "step": None}
    if staff:
        from dialogue.commands.speaking import queue
        state["speak_queue"] = queue(s, dialogue.id)
    if step is not None:
        activity = activities.get(step.kind)
        results_visible = staff or step.revealed or not step.config.get("hide_results", False)
        # Phones down: the screen is quiet (title, topic, timer); nothing live reaches it.
        quiet = not staff and bool(step.config.get("phones_down"))
        grouped = tables.by_table(step)
        only = table_id if staff else dialogue.screen_table_id
        shown_wall = wall(s, step, staff=staff, table_id=only if grouped else None) \
            if activity.collects_contributions and not quiet and (staff or step.config.get("wall", True)) else None
        state["step"] = {
            "id": step.id, "kind": step.kind, "position": step.position,
            # The facilitator's own placeholders stay with staff (placeholders.py).
            **(step_texts(step, lang) if staff else placeholders.public(step_texts(step, lang))),
            "wall": shown_wall,
            "tables": _wall_by_table(s, dialogue.id, shown_wall, only) if grouped and shown_wall is not None else None,
            "revealed": step.revealed,
            "results_hidden": not results_visible,
            # A table host's state has no results: they span every table (notes, items, tallies).
            "results": None if quiet or table_id is not None else (
                activity.live_state(s, step, staff=staff) if results_visible else activity.while_hidden(s, step)),
        }
    return state


def _wall_by_table(s: Session, dialogue_id: int, entries: list[dict[str, Any]],
                   only: int | None) -> list[dict[str, Any]]:
    """A by-table step's wall as columns, one per table (or just the one table shown);
    each entry is labelled with its table's name too (the console's flat list)."""
    all_tables = tables.tables_of(s, dialogue_id)
    names = {t.id: t.name for t in all_tables}
    for entry in entries:
        entry["table"] = names.get(entry.get("table_id"), "")
    shown = [t for t in all_tables if only is None or t.id == only]
    return [{"id": g["id"], "name": g["name"], "wall": g["rows"]}
            for g in tables.group_by_table(entries, lambda e: e.get("table_id"), shown)]


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


def table_part(table_id: int) -> str:
    """The name of a table's staff room and live state (its table host's view)."""
    return f"table-{table_id}"


def stamped_live_states(s: Session, dialogue_id: int, *, staff: bool = True, screen: bool = True,
                        hosts: bool = True) -> dict[str, dict]:
    """The staff, screen and table hosts' live states, built once each and stamped with `as_of`.

    A table host's state (part `table-<id>`) is built for every table that has a host link.
    """
    stamp = as_of(s)
    dialogue = s.get(Dialogue, dialogue_id)
    if dialogue is None:
        return {}
    out = {}
    # Tally texts ("12 dots") in the dialogue's language, whoever's write triggered this.
    # Every view is of the same snapshot: what they share is read once, a step's votes
    # are counted once (docs/performance.md).
    with force_locale(dialogue.language), tally.counted_once(s):
        common = dialogue_part(s, dialogue)
        for name, wanted in (("staff", staff), ("screen", screen)):
            if wanted:
                out[name] = {**live_state(s, dialogue, staff=name == "staff", common=common), "as_of": stamp}
        if hosts:
            for table_id in tables.hosted_tables(s, dialogue_id):
                out[table_part(table_id)] = {
                    **live_state(s, dialogue, staff=True, table_id=table_id, common=common), "as_of": stamp}
    return out
