"""Real time: socket handlers (handlers.py), the broadcaster (broadcast.py: rooms,
coalesced emits after commit) and the state a client gets on (re)connect (snapshot.py)."""
from __future__ import annotations

from flask import Flask

from dialogue.realtime import broadcast


def load() -> None:
    """Declare the socket handlers (they register on import)."""
    from dialogue.realtime import handlers  # noqa: F401


def init_app(app: Flask) -> None:
    """Bind the broadcaster to the app (its coalescing flusher runs in the app's context)."""
    broadcast.init_app(app)
