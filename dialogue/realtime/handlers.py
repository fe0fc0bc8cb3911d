"""Socket.IO handlers: authenticate on connect, join rooms, send the full state.

Handlers are thin: the one write event `act` runs the same command as the HTML
form route. The actor is kept per connection until a row it is made of changes
(connections.py), so a revoked helper link or a removed participant is refused at once.
"""
from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import get_locale, gettext
from flask_socketio import ConnectionRefusedError, join_room

from dialogue import db
from dialogue.actors import (
    FACILITATOR,
    HELPER,
    PARTICIPANT,
    SCREEN,
    Actor,
    facilitator_actor,
    helper_actor,
    participant_actor,
    screen_dialogue,
)
from dialogue.commands import group_commit
from dialogue.commands.lifecycle import ENDED_STATES
from dialogue.extensions import socketio
from dialogue.models import Dialogue
from dialogue.realtime import broadcast, connections, snapshot
from dialogue.web.ratelimit import bucket_for, forget

# What each connection said it is: sid -> (role, dialogue_id, secret or None).
_credentials: dict[str, tuple[str, int, str | None]] = {}
# Each connection's language, chosen when it connected (its session is the one saved then):
# working it out again cost 4 % of the server's work on a vote (docs/performance.md).
_languages: dict[str, str] = {}


def _resolve(role: str, dialogue_id: int, secret: str | None) -> tuple[Dialogue | None, Actor | None]:
    dialogue = db.session.get(Dialogue, dialogue_id) if dialogue_id else None
    if role == SCREEN:
        dialogue = screen_dialogue(secret)
        return dialogue, (Actor(SCREEN, dialogue.id) if dialogue else None)
    if role == HELPER:
        actor = helper_actor(secret)
        dialogue = db.session.get(Dialogue, actor.dialogue_id) if actor else None
        return dialogue, actor
    if dialogue is None:
        return None, None
    if role == FACILITATOR:
        return dialogue, facilitator_actor(dialogue)
    if role == PARTICIPANT:
        return dialogue, participant_actor(dialogue)
    return None, None


def _rooms(actor: Actor) -> list[str]:
    did = actor.dialogue_id
    rooms = [broadcast.room(did, "all")]
    if actor.role == PARTICIPANT:
        rooms.append(broadcast.room(did, "participants"))
    elif actor.role == SCREEN:
        rooms.append(broadcast.room(did, "screen"))
    else:
        # A table host's rights end at their table: they get their table's state, not all staff's.
        rooms.append(broadcast.room(did, staff_part(actor)))
        if actor.helper_id:
            # Its own room, so revoking the link can disconnect it at once (helpers/links.py).
            rooms.append(broadcast.room(did, f"helper-{actor.helper_id}"))
    return rooms


def _initial_state(actor: Actor) -> None:
    # Stamped with `as_of` like every update, so a client keeps the newest (see broadcast.py).
    did = actor.dialogue_id
    if actor.role == PARTICIPANT:
        socketio.emit("state", snapshot.stamped_public_state(db.session, did), to=request.sid)
    elif actor.is_staff:
        part = staff_part(actor)
        states = snapshot.stamped_live_states(db.session, did, staff=part == "staff", screen=False,
                                              hosts=part != "staff")
        socketio.emit("live", states[part], to=request.sid)
    else:
        states = snapshot.stamped_live_states(db.session, did, staff=False, screen=True, hosts=False)
        socketio.emit("live", states["screen"], to=request.sid)


def staff_part(actor: Actor) -> str:
    """The live state a staff member gets: all staff's, or a table host's own table's."""
    return "staff" if actor.table_id is None else snapshot.table_part(actor.table_id)


@socketio.on("connect")
def on_connect(auth: Any = None):
    """Authenticate: `auth` says the role and dialogue; cookies or secret links prove it."""
    if not isinstance(auth, dict):
        raise ConnectionRefusedError("unauthorised")
    role = auth.get("role")
    try:
        dialogue_id = int(auth.get("dialogue") or 0)
    except (TypeError, ValueError):
        raise ConnectionRefusedError("unauthorised") from None
    secret = auth.get("token") if isinstance(auth.get("token"), str) else None
    stamp = connections.stamp_of(dialogue_id)
    dialogue, actor = _resolve(role, dialogue_id, secret)
    if dialogue is None or actor is None:
        raise ConnectionRefusedError("unauthorised")
    if actor.role == PARTICIPANT and dialogue.state in ENDED_STATES:
        raise ConnectionRefusedError("closed")  # closing ended the phones' sockets; they stay ended
    _credentials[request.sid] = (role, dialogue.id, secret)
    _languages[request.sid] = str(get_locale())
    if dialogue.id == dialogue_id:  # (a helper link names its own dialogue: its first event resolves it)
        connections.remember(request.sid, actor, stamp)
    for name in _rooms(actor):
        join_room(name)
    _initial_state(actor)


@socketio.on("disconnect")
def on_disconnect(*_args):
    _credentials.pop(request.sid, None)
    _languages.pop(request.sid, None)
    connections.forget(request.sid)
    forget(request.sid)


def _current_actor() -> Actor | None:
    creds = _credentials.get(request.sid)
    if creds is None:
        return None
    return connections.actor_for(request.sid, creds[1], lambda: _resolve(*creds)[1])


@socketio.on("sync")
def on_sync(*_args):
    """Send the full state again (after a phone wakes up, say)."""
    actor = _current_actor()
    if actor is None:
        return {"ok": False, "error": gettext("You are not allowed to do this.")}
    # Building the full state costs the server: a flood of syncs is slowed like a flood of writes.
    if not bucket_for(f"{actor.dialogue_id}:{actor.key}", staff=actor.role == FACILITATOR).take():
        return {"ok": False, "error": gettext("Too fast. Wait a moment and try again."), "retry": True}
    _initial_state(actor)
    return {"ok": True}


@socketio.on("act")
def on_act(name: Any = None, payload: Any = None):
    """Run a command; the return value is the acknowledgement the client waits for."""
    actor = _current_actor()
    if actor is not None and actor.role == SCREEN:
        actor = None
    # Per participant (or staff member), not per connection: reconnecting does not refill.
    key = f"{actor.dialogue_id}:{actor.key}" if actor else request.sid
    if not bucket_for(key, staff=actor is not None and actor.role == FACILITATOR).take():
        return {"ok": False, "error": gettext("Too fast. Wait a moment and try again."), "retry": True}
    return group_commit.write(actor, name, payload, _languages.get(request.sid))
