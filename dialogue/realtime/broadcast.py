"""Live updates after a write has committed: rooms, coalesced emits (the state itself: snapshot.py).

Phones get the small public state only when the dialogue moves (a step change, the
timer); votes and contributions never cause a broadcast to every phone (that grows
as N²). The screen and staff rooms get the wall and tallies, coalesced: a change
marks the dialogue dirty and one background task sends at most a few updates per
second, each built once for all the screens and once for all the staff.

With several server processes (OSUVA_MESSAGE_QUEUE), each process sends the updates
for the changes it made itself; the message queue carries them to the clients of every
process. Two processes' updates can overtake each other on the way (each process
delivers to its own clients at once, to the others' through the queue), so every state
carries `as_of`, the time it was read at, and clients keep the newest.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask

from dialogue import db
from dialogue.extensions import socketio
from dialogue.realtime import snapshot

log = logging.getLogger(__name__)

_app: Flask | None = None
_dirty: set[int] = set()
_lock = threading.Lock()
_flusher_started = False


def room(dialogue_id: int, part: str = "all") -> str:
    """Room names: every client of a dialogue, its staff, its screens."""
    return f"d{dialogue_id}:{part}"


def init_app(app: Flask) -> None:
    global _app, _flusher_started
    _app = app
    _flusher_started = False
    _dirty.clear()


def dialogue_changed(dialogue_id: int) -> None:
    """The dialogue moved (step, timer, state): tell every phone now, staff and screens too."""
    public = snapshot.stamped_public_state(db.session, dialogue_id)
    if public is None:
        return
    socketio.emit("state", public, to=room(dialogue_id, "participants"))
    _mark(dialogue_id)


def wall_changed(dialogue_id: int) -> None:
    """A contribution came, went or changed: the screens and staff update soon."""
    _mark(dialogue_id)


def tally_changed(dialogue_id: int) -> None:
    """A vote came: the screens and staff update soon (coalesced)."""
    _mark(dialogue_id)


def _mark(dialogue_id: int) -> None:
    global _flusher_started
    if _app is None:
        return
    if _app.config["TALLY_INTERVAL"] <= 0:
        send_live_state(dialogue_id)
        return
    with _lock:
        _dirty.add(dialogue_id)
        start = not _flusher_started
        _flusher_started = True
    if start:
        socketio.start_background_task(_flush_forever)


def send_live_state(dialogue_id: int) -> None:
    """Build and send the live state to the dialogue's staff and screen rooms."""
    states = snapshot.stamped_live_states(db.session, dialogue_id)
    # The read is over: hand the connection back before sending (emits can wait on sockets).
    db.session.rollback()
    for part, live_state in states.items():
        socketio.emit("live", live_state, to=room(dialogue_id, part))


def _flush_forever() -> None:
    assert _app is not None
    while True:
        socketio.sleep(_app.config["TALLY_INTERVAL"])
        with _lock:
            dirty = list(_dirty)
            _dirty.clear()
        if not dirty:
            continue
        with _app.app_context():
            for dialogue_id in dirty:
                try:
                    send_live_state(dialogue_id)
                except Exception:  # keep the loop alive and try again next round (database busy, say)
                    log.exception("sending live state failed")
                    with _lock:
                        _dirty.add(dialogue_id)
