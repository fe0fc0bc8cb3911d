"""Who each socket connection is: resolved when it connects, kept until it may have changed.

Resolving a connection's actor (its dialogue, its participant row or helper link, the
co-facilitator shares) took a few queries on every event: 15 % of the server's work on
every vote (docs/performance.md). Each connection's actor is now kept in memory and
resolved again only after a row that decides who someone is, or what they may touch, has
changed in that dialogue: a participant (removed, moved to another table), a helper link
(revoked, moved), a co-facilitator's share, a table, the dialogue itself (owner, screen
link). The rows are watched on every database session and the change counts once the
transaction has committed, so no command has to remember to say so, and a revoked link or
a removed participant is still refused on its very next event.

A change made by another server process is not seen here: with several processes (a
message queue) every event resolves its actor again, as before. The command line changes
these rows only in `purge`, of closed dialogues, which refuse every participant's write by
their state (read by every write, core.run_in).
"""
from __future__ import annotations

import collections
from typing import Callable

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session

from dialogue.actors import Actor
from dialogue.models import Dialogue, DialogueShare, DialogueTable, Helper, Participant

#: The rows an actor is made of (see actors.py and tables.py).
WATCHED = (Dialogue, DialogueShare, DialogueTable, Helper, Participant)

_enabled = False
#: Changes committed per dialogue, and bulk changes (any dialogue): an actor kept under an
#: older count is stale.
_changes: collections.Counter[int] = collections.Counter()
_bulk_changes = 0
#: sid -> (the counts when it was resolved, the actor)
_kept: dict[str, tuple[tuple[int, int], Actor]] = {}


def init_app(app) -> None:
    """Keep actors only when this is the one process that changes the rows (no message queue)."""
    global _enabled
    _enabled = not app.config.get("MESSAGE_QUEUE")
    _kept.clear()


def actor_for(sid: str, dialogue_id: int, resolve: Callable[[], Actor | None]) -> Actor | None:
    """The actor of connection `sid` in `dialogue_id`: kept, or `resolve()`d now and kept."""
    stamp = stamp_of(dialogue_id)  # before resolving: a change meanwhile makes it stale
    kept = _kept.get(sid)
    if _enabled and kept is not None and kept[0] == stamp:
        return kept[1]
    actor = resolve()
    remember(sid, actor, stamp)
    return actor


def stamp_of(dialogue_id: int) -> tuple[int, int]:
    """The change counts now: take them before reading the rows an actor is made of."""
    return (_bulk_changes, _changes[dialogue_id])


def remember(sid: str, actor: Actor | None, stamp: tuple[int, int]) -> None:
    """Keep `actor` (resolved after `stamp` was taken) for connection `sid`; None forgets it."""
    if actor is None or not _enabled:
        _kept.pop(sid, None)
    else:
        _kept[sid] = (stamp, actor)


def forget(sid: str) -> None:
    """The connection has ended."""
    _kept.pop(sid, None)


# -- watching the rows --------------------------------------------------------------------

def _dialogue_of(row) -> int | None:
    return row.id if isinstance(row, Dialogue) else getattr(row, "dialogue_id", None)


@event.listens_for(Session, "after_flush")
def _note_changed_rows(session: Session, _flush_context) -> None:
    # New rows change no one's existing connection (a refused connection is never kept).
    changed = {_dialogue_of(row) for row in (*session.dirty, *session.deleted) if isinstance(row, WATCHED)}
    if changed:
        session.info.setdefault("actors_changed", set()).update(changed)


@event.listens_for(Session, "do_orm_execute")
def _note_bulk_changes(state: ORMExecuteState) -> None:
    # UPDATE/DELETE statements (seating.py clears a table's seats) touch rows of any dialogue.
    if (state.is_update or state.is_delete) and any(m.class_ in WATCHED for m in state.all_mappers):
        state.session.info["actors_changed_in_bulk"] = True


@event.listens_for(Session, "after_commit")
def _count_committed_changes(session: Session) -> None:
    # What a rolled-back write noted is counted too (its session ends after it, or a group's
    # commit carries it): an actor resolved once more than needed, never one kept too long.
    global _bulk_changes
    for dialogue_id in session.info.pop("actors_changed", ()):
        _changes[dialogue_id] += 1
    if session.info.pop("actors_changed_in_bulk", False):
        _bulk_changes += 1
