"""A socket event's request context, without the work it does not need.

Flask-SocketIO runs every socket event inside a Flask request context built from the
connection's first request. Two parts of building one are wasted on an event after the
first: decoding the session cookie (Flask-SocketIO puts the session it saved at the first
event in place of the one opened) and matching the address (/socket.io/) against every
page's route, only to fail. Together they cost about a tenth of the server's work on a
vote (docs/performance.md). Nothing in an event handler uses the route; the session stays
the one saved when the socket connected.
"""
from __future__ import annotations

from flask import Flask, Request
from werkzeug.routing import MapAdapter

#: Where Flask-SocketIO keeps a socket connection's session (its `manage_session` mode).
SOCKET_SESSION = "saved_session"


def is_socket_event(request: Request) -> bool:
    """Whether this request context is a socket event's after the connection's first."""
    return SOCKET_SESSION in request.environ


class App(Flask):
    """Osuva's Flask application: a socket event's context matches no route."""

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        if request is not None and is_socket_event(request):
            return None
        return super().create_url_adapter(request)
