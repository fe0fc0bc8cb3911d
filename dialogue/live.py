"""Live updates after a write has committed.

Phones get the small public state only when the dialogue moves (a step change, the
timer); votes and contributions never cause a broadcast to every phone (that grows
as N²). The screen and staff rooms get the wall and tallies, coalesced: a change
marks the dialogue dirty and one background task sends at most a few updates per
second, each built once for all the screens and once for all the staff.
"""
from __future__ import annotations

import logging
import threading

from flask import Flask
from flask_babel import force_locale

from .extensions import socketio

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
    from . import db, state
    from .models import Dialogue
    dialogue = db.session.get(Dialogue, dialogue_id)
    if dialogue is None:
        return
    socketio.emit("state", state.public_state(db.session, dialogue), to=room(dialogue_id, "participants"))
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
    from . import db, state
    from .models import Dialogue
    dialogue = db.session.get(Dialogue, dialogue_id)
    if dialogue is None:
        return
    # Tally texts ("12 dots") in the dialogue's language, whoever's write triggered this.
    with force_locale(dialogue.language):
        staff_state = state.live_state(db.session, dialogue, staff=True)
        screen_state = state.live_state(db.session, dialogue, staff=False)
    socketio.emit("live", staff_state, to=room(dialogue_id, "staff"))
    socketio.emit("live", screen_state, to=room(dialogue_id, "screen"))


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
                except Exception:  # keep the loop alive; the next change retries
                    log.exception("sending live state failed")
