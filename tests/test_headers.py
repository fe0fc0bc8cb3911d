"""Headers, cookies, CSRF and socket origins.

Every page any persona can open (every GET route of tests/support/authz_table.py) carries a
strict Content-Security-Policy and the other security headers, and its HTML has no
inline script, event handler or style attribute for the CSP to trip over.
"""
from __future__ import annotations

from html.parser import HTMLParser

import pytest
import socketio as socketio_client

from dialogue import db
from dialogue.models import Participant
from tests.support.authz_table import ROUTES
from tests.support.live import LiveServer, joined_session
from tests.support.world import PERSONAS, World, app_routes, route_values, url_of


def csp_directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def check_headers(response, where: str) -> list[str]:
    problems = []
    csp = response.headers.get("Content-Security-Policy", "")
    directives = csp_directives(csp)
    if directives.get("default-src") != ["'self'"]:
        problems.append(f"{where}: default-src is {directives.get('default-src')}")
    scripts = directives.get("script-src", directives.get("default-src", []))
    if any(s in scripts for s in ("'unsafe-inline'", "'unsafe-eval'", "*", "data:")):
        problems.append(f"{where}: script-src allows {scripts}")
    if any("'unsafe-inline'" in values for values in directives.values()):
        problems.append(f"{where}: CSP allows inline code: {csp}")
    if directives.get("frame-ancestors") != ["'none'"]:
        problems.append(f"{where}: frame-ancestors is {directives.get('frame-ancestors')}")
    if directives.get("object-src") != ["'none'"]:
        problems.append(f"{where}: object-src is {directives.get('object-src')}")
    if response.headers.get("X-Content-Type-Options") != "nosniff":
        problems.append(f"{where}: no X-Content-Type-Options: nosniff")
    if response.headers.get("Referrer-Policy") not in ("no-referrer", "same-origin", "strict-origin"):
        problems.append(f"{where}: Referrer-Policy is {response.headers.get('Referrer-Policy')}")
    return problems


class InlineCode(HTMLParser):
    """Finds what a strict CSP would block: inline scripts, handlers, styles, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script":
            if "src" not in names:
                self.found.append("an inline <script>")
            self._in_script = True
        if tag == "style":
            self.found.append("a <style> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"an event handler {name}= on <{tag}>")
            if name == "style":
                self.found.append(f"a style attribute on <{tag}>")
            if name in ("href", "src", "action", "formaction") and (value or "").strip().lower().startswith(
                    "javascript:"):
                self.found.append(f"a javascript: URL on <{tag}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.found.append("script content in the page")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def test_every_page_has_the_security_headers_and_no_inline_code(make):
    w = World(make)
    w.contribution("Seinällä näkyvä ajatus")
    routes = app_routes(w.app)
    problems, seen = [], 0
    for key, entry in sorted(ROUTES.items()):
        method, _endpoint = key.split(" ", 1)
        if method != "GET" or key not in routes:
            continue
        rule = routes[key]
        for persona in sorted(entry.allowed, key=PERSONAS.index):
            response = w.client(persona).get(url_of(w.app, rule, route_values(w, rule, entry, persona)))
            assert response.status_code < 500, key
            problems += check_headers(response, f"{key} as {persona}")
            if response.mimetype == "text/html":
                seen += 1
                problems += [f"{key} as {persona}: {p}" for p in inline_code(response.get_data(as_text=True))]
    # error pages too
    for response, where in ((w.client("anonymous").get("/ei-ole"), "404"),
                            (w.client("anonymous").post("/", data={"code": "x" * 100}), "400"),
                            (w.client("anonymous").post("/", data={"code": "x" * 70_000}), "413")):
        problems += check_headers(response, where)
        problems += [f"{where}: {p}" for p in inline_code(response.get_data(as_text=True))]
    assert seen >= 5
    assert not problems, "\n".join(problems)


def _session_cookie(response) -> str:
    cookies = [v for v in response.headers.getlist("Set-Cookie") if v.startswith("session=")]
    assert cookies, "no session cookie was set"
    return cookies[-1]


def test_session_cookie_is_httponly_and_samesite_lax_and_secure_over_https(app, make):
    d = make.dialogue()
    plain = app.test_client().post(f"/j/{d.code}")
    cookie = _session_cookie(plain)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # a laptop on a village hall's Wi-Fi serves plain HTTP
    tls = app.test_client().post(f"/j/{d.code}", base_url="https://osuva.example")
    cookie = _session_cookie(tls)
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    app.config["SESSION_COOKIE_SECURE"] = True  # OSUVA_SECURE_COOKIES=1: behind an HTTPS proxy
    behind_proxy = app.test_client().post(f"/j/{d.code}")
    assert "Secure" in _session_cookie(behind_proxy)


def test_forms_need_the_csrf_token(app, make):
    """A page elsewhere cannot post a participant's or facilitator's form for them."""
    d = make.dialogue()
    phone = make.participant_client(d)
    owner = make.facilitator_client(d.owner)
    app.config["WTF_CSRF_ENABLED"] = True
    before = db.session.query(Participant).count()
    for client, url, data in ((phone, f"/p/{d.code}/act", {"action": "contribute", "text": "x"}),
                              (owner, f"/console/d/{d.id}/act", {"action": "lock_join", "locked": "1"}),
                              (app.test_client(), f"/j/{d.code}", {}),
                              (app.test_client(), "/login", {"email": d.owner.email, "password": "salasana123"})):
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert 'class="msg msg-error"' in response.get_data(as_text=True) or "expired" in response.get_data(
            as_text=True) or response.status_code == 400
    db.session.expire_all()
    assert db.session.query(Participant).count() == before
    assert db.session.get(type(d), d.id).join_locked is False


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("origin")).start()
    yield live
    live.stop()


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_sockets_accept_only_the_apps_own_origin(server, transport):
    if not hasattr(server, "dialogue"):
        server.dialogue = server.new_dialogue()
    http = joined_session(server.url, server.dialogue["code"])
    for origin, accepted in ((server.url, True), ("http://evil.example", False),
                             (server.url.replace("127.0.0.1", "localhost"), False), ("null", False)):
        # websocket-client sends its own Origin unless told which one to send
        client = socketio_client.Client(http_session=http, reconnection=False,
                                        websocket_extra_options={"origin": origin})
        try:
            client.connect(server.url, auth={"role": "participant", "dialogue": server.dialogue["id"]},
                           headers={} if transport == "websocket" else {"Origin": origin},
                           transports=[transport], wait_timeout=5)
            connected = True
        except socketio_client.exceptions.ConnectionError:
            connected = False
        if connected:
            client.disconnect()
        assert connected == accepted, (origin, transport)
