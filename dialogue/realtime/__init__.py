"""Real time: socket handlers (handlers.py), the broadcaster (broadcast.py: rooms,
coalesced emits after commit), the state a client gets on (re)connect (snapshot.py) and
orders every process carries out on its own sockets (control.py)."""
from __future__ import annotations

from flask import Flask

from dialogue.realtime import broadcast, connections, control


def load() -> None:
    """Declare the socket handlers (they register on import)."""
    from dialogue.realtime import handlers  # noqa: F401


def init_app(app: Flask) -> None:
    """Bind the broadcaster to the app (its coalescing flusher runs in the app's context), and
    listen for the other processes' orders on sockets (control.py), keep connections' actors
    when this is the only process (connections.py)."""
    broadcast.init_app(app)
    control.init_app(app)
    connections.init_app(app)
