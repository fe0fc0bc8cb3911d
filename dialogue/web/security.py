"""HTTP security headers: a strict CSP (no inline scripts), no framing, no sniffing.

Cookies are HttpOnly and SameSite=Lax (config.py), and Secure when the request came
over HTTPS or OSUVA_SECURE_COOKIES says the site is behind HTTPS.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

from flask import Flask, Request, Response, request
from flask.sessions import SecureCookieSessionInterface, SessionMixin

from dialogue.web.socket_events import is_socket_event

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")


class SessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, marked Secure whenever the page was served over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return super().get_cookie_secure(app) or request.is_secure

    def open_session(self, app: Flask, request: Request) -> SessionMixin | None:
        # A socket's events use the session Flask-SocketIO saved at its first event (socket_events.py).
        if is_socket_event(request):
            return self.session_class()
        return super().open_session(app, request)


def allow_upload(max_bytes: int | None = None):
    """Let a route take a file: a body up to `max_bytes` (default UPLOAD_MAX_BYTES, 12 MB).

    Every other request keeps the 64 KB limit (MAX_CONTENT_LENGTH). The upload's other
    fields stay as small as any form's, and a body over the limit is refused with 413
    before it is read. (Set before CSRF checking reads the form: see init_app.)
    """
    def decorate(view):
        view.osuva_upload_limit = max_bytes or True
        return view
    return decorate


def _upload_limits(app: Flask) -> None:
    view = app.view_functions.get(request.endpoint or "")
    limit = getattr(view, "osuva_upload_limit", None)
    if limit:
        request.max_content_length = app.config["UPLOAD_MAX_BYTES"] if limit is True else limit
        request.max_form_memory_size = app.config["MAX_CONTENT_LENGTH"]
        request.max_form_parts = 50


def init_app(app: Flask) -> None:
    app.config.setdefault("UPLOAD_MAX_BYTES", 12 * 1024 * 1024)
    app.session_interface = SessionInterface()
    # First of all before-request hooks: CSRF checking reads the form, and the body limit
    # of an upload route must be in place before anything reads it.
    app.before_request_funcs.setdefault(None, []).insert(0, lambda: _upload_limits(app))

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response


def limit_socket_bodies(wsgi_app: Callable, limit: int, path: str = "/socket.io") -> Callable:
    """Refuse long-polling posts over `limit` bytes before Socket.IO reads them (413).

    Socket.IO enforces its own limit, but on a long-polling post it then waits for
    the connection to drain, and the request hangs; refusing first avoids that.
    """
    def app(environ: dict[str, Any], start_response: Callable) -> Iterable[bytes]:
        if environ.get("PATH_INFO", "").startswith(path) and environ.get("REQUEST_METHOD") == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = limit + 1
            if length > limit:
                start_response("413 Content Too Large", [("Content-Type", "text/plain"), ("Connection", "close")])
                return [b"too large"]
        return wsgi_app(environ, start_response)
    return app
