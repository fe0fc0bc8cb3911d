"""The authorisation matrix: every route, socket event and command, tried as every persona.

The table of who may do what is declared in tests/support/authz_table.py; this file checks
the app against it, and checks that the table is complete: a route, socket event or
command without an entry fails here until its author declares who may use it.

For each attempt: an allowed persona succeeds; anyone else gets a clear refusal
(an error acknowledgement, a refusal status or a redirect to log in / join) and
the database is exactly as it was. Outsiders (people of the other dialogue) also
try the attack that matters most: from inside their own dialogue, with the target
dialogue's ids in the payload.
"""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from dialogue import db
from dialogue.commands.core import REGISTRY
from dialogue.extensions import socketio
from dialogue.models import ProcessedWrite
from dialogue.links import hash_token
from tests.support.authz_table import (
    ACT_ENDPOINTS,
    COMMANDS,
    EVENTS,
    ROUTES,
    SPECIAL_EVENTS,
    Route,
)
from tests.support.world import (
    MARKER,
    OUTSIDERS,
    PERSONAS,
    World,
    app_routes,
    cid,
    route_values,
    url_of,
)

#: The socket role each persona may connect to the target dialogue as.
NATURAL_ROLE = {"participant": "participant", "helper": "helper", "helper_other_table": "helper",
                "co_facilitator": "facilitator", "owner": "facilitator", "screen": "screen"}


def socket_events() -> set[str]:
    return set(socketio.server.handlers.get("/", {}))


# -- the table is complete ------------------------------------------------------------

def test_every_route_has_declared_roles(app):
    routes = set(app_routes(app))
    missing = sorted(routes - set(ROUTES))
    stale = sorted(set(ROUTES) - routes)
    assert not missing, f"declare who may use these routes in tests/support/authz_table.py ROUTES: {missing}"
    assert not stale, f"these ROUTES entries name no route any more: {stale}"


def test_every_command_has_declared_roles(app):
    missing = sorted(set(REGISTRY) - set(COMMANDS))
    stale = sorted(set(COMMANDS) - set(REGISTRY))
    assert not missing, f"declare who may run these commands in tests/support/authz_table.py COMMANDS: {missing}"
    assert not stale, f"these COMMANDS entries name no command any more: {stale}"


def test_every_socket_event_has_declared_roles(app):
    events = socket_events()
    missing = sorted(events - set(EVENTS) - SPECIAL_EVENTS)
    assert not missing, f"declare who may send these socket events in tests/support/authz_table.py EVENTS: {missing}"
    assert not sorted(set(EVENTS) - events), "EVENTS names events that no longer exist"


def test_every_command_route_is_declared(app):
    act_routes = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint.endswith(".act")}
    assert act_routes == set(ACT_ENDPOINTS), "declare each command route (…/act) in ACT_ENDPOINTS"


def test_declared_roles_agree_with_the_commands_own_roles(app):
    """A persona allowed by the table must have a role the command accepts (the table is not wishful)."""
    role_of = {"participant": "participant", "helper": "helper", "helper_other_table": "helper",
               "owner": "facilitator", "co_facilitator": "facilitator"}
    for name, entry in COMMANDS.items():
        for persona in entry.allowed:
            assert role_of.get(persona) in REGISTRY[name].roles, (name, persona)


# -- helpers ------------------------------------------------------------------------------

def outcome(response, entry: Route) -> str:
    """'refused', 'ok' or 'error' for an HTTP response."""
    assert response.status_code < 500, f"server error {response.status_code}"
    if response.status_code in (401, 403, 404):
        return "refused"
    if response.status_code in (301, 302, 303, 307, 308):
        path = urlsplit(response.headers["Location"]).path
        if path.startswith("/login") or any(path.startswith(p) for p in entry.refusal_redirects):
            return "refused"
    return "ok" if response.status_code < 400 else "error"


def form_fields(payload: dict[str, Any]) -> dict[str, Any] | None:
    """A payload as an HTML form would send it (None if it cannot be expressed as one)."""
    data: dict[str, Any] = {}
    for key, value in payload.items():
        if isinstance(value, dict):
            return None
        if isinstance(value, list):
            data[f"{key}[]"] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[key] = "1"
        elif value is not None:
            data[key] = str(value)
    return data


def take_flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as sess:
        return list(sess.pop("_flashes", []))


def processed(client_id: str) -> bool:
    db.session.rollback()
    found = db.session.scalar(select(ProcessedWrite.id).where(ProcessedWrite.client_id == client_id))
    db.session.rollback()
    return found is not None


# -- HTTP routes --------------------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(k for k in ROUTES if k.split(" ", 1)[1] not in ACT_ENDPOINTS))
def test_route_matrix(make, key):
    w = World(make)
    routes = app_routes(w.app)
    assert key in routes, f"{key} is declared but the app has no such route"
    method, _endpoint = key.split(" ", 1)
    rule, entry = routes[key], ROUTES[key]
    failures = []
    for persona in PERSONAS:
        url = url_of(w.app, rule, route_values(w, rule, entry, persona))
        client = w.client(persona)
        before = w.snapshot()
        if method == "GET":
            response = client.get(url)
        else:
            response = client.open(url, method=method, data=entry.data(w) if entry.data else {})
        result = outcome(response, entry)
        after = w.snapshot()
        body = response.get_data().decode("utf-8", "replace")  # some routes send PDFs
        allowed = persona in entry.allowed
        if allowed and result != "ok":
            failures.append(f"{persona}: expected success, got {response.status_code} ({result})")
        if not allowed:
            if result != "refused":
                failures.append(f"{persona}: expected a refusal, got {response.status_code}")
            if after != before:
                failures.append(f"{persona}: a refused request changed the database")
        if method == "GET" and after != before:
            failures.append(f"{persona}: a GET changed the database")
        if (not allowed or persona in OUTSIDERS) and not entry.shows_title and MARKER in body:
            failures.append(f"{persona}: the target dialogue's title leaked")
        for secret in (w.d.screen_link_token, w.helper_token):
            if not allowed and secret in body:
                failures.append(f"{persona}: a secret link leaked")
    assert not failures, f"{key}:\n" + "\n".join(failures)


# -- commands --------------------------------------------------------------------------------

def _socket_attempt(w: World, name: str, persona: str, payload: dict, own: bool) -> tuple[bool, str, bool]:
    """Run command `name` over the socket; (ok, error, connected)."""
    payload = dict(payload, client_id=cid())
    sock = w.socket(persona, own=own)
    if not sock.is_connected():
        return False, "", False
    try:
        ack = sock.emit("act", name, payload, callback=True)
    finally:
        sock.disconnect()
    assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
    if ack["ok"]:
        assert processed(payload["client_id"]), "acknowledged but not stored"
    return ack["ok"], str(ack.get("error", "")), True


def _http_attempt(w: World, name: str, persona: str, payload: dict, endpoint: str,
                  own: bool) -> tuple[bool, str] | None:
    """Run command `name` through the form route `endpoint`; (ok, error), or None if not expressible."""
    entry = COMMANDS[name]
    payload = dict(payload, client_id=cid())
    fields = entry.form(w) if entry.form else form_fields(payload)
    if fields is None:
        return None
    fields = dict(fields, action=name, client_id=payload["client_id"])
    rule = next(r for r in w.app.url_map.iter_rules() if r.endpoint == endpoint)
    url = url_of(w.app, rule, route_values(w, rule, ROUTES[f"POST {endpoint}"], persona, own=own))
    client = w.client(persona)
    response = client.post(url, data=fields)
    assert response.status_code < 500, f"server error {response.status_code}"
    ok = processed(payload["client_id"])
    errors = [text for category, text in take_flashes(client) if category == "error"]
    if response.status_code in (403, 404) or "/login" in response.headers.get("Location", ""):
        errors.append(f"HTTP {response.status_code}")
    if ok:
        assert not errors, errors
    return ok, "; ".join(errors)


@pytest.mark.parametrize("name", sorted(set(COMMANDS) | set(REGISTRY)))
def test_command_matrix(make, name):
    assert name in COMMANDS, f"declare who may run {name!r} in tests/support/authz_table.py"
    assert name in REGISTRY, f"{name!r} is declared but no such command exists"
    w = World(make)
    entry = COMMANDS[name]
    failures = []

    def check(label: str, persona: str, expect_ok: bool | None, attempt):
        """expect_ok None: from the other dialogue; whatever happens there, the target is untouched."""
        payload = entry.payload(w)  # may prepare the world: before the snapshot
        before = w.snapshot()
        result = attempt(payload)
        if result is None:
            return
        ok, error = result[0], result[1]
        if expect_ok is None:
            if w.snapshot() != before:
                failures.append(f"{label} as {persona}: changed the target dialogue")
            if not ok and not error:
                failures.append(f"{label} as {persona}: refused without a message")
            return
        if expect_ok and not ok:
            failures.append(f"{label} as {persona}: expected success, got {error!r}")
        if not expect_ok:
            if ok:
                failures.append(f"{label} as {persona}: expected a refusal, but it succeeded")
            elif not error:
                failures.append(f"{label} as {persona}: refused without a message")
            if w.snapshot() != before:
                failures.append(f"{label} as {persona}: a refused attempt changed the database")

    for persona in PERSONAS:
        allowed = persona in entry.allowed
        # the socket, connected to the target dialogue
        probe = w.socket(persona)
        connected = probe.is_connected()
        if connected:
            probe.disconnect()
        if connected != (persona in NATURAL_ROLE):
            failures.append(f"socket as {persona}: connection {'accepted' if connected else 'refused'}")
        if connected:
            check("socket", persona, allowed, lambda p: _socket_attempt(w, name, persona, p, own=False))
        # outsiders, from inside their own dialogue, aiming at the target's ids
        if persona in OUTSIDERS:
            check("socket from own dialogue", persona, None, lambda p: _socket_attempt(w, name, persona, p, own=True))
        # every form route that runs commands
        for endpoint, serves in ACT_ENDPOINTS.items():
            check(f"POST {endpoint}", persona, allowed and persona in serves,
                  lambda p: _http_attempt(w, name, persona, p, endpoint, own=False))
            if persona in OUTSIDERS:
                check(f"POST {endpoint} from own dialogue", persona, None,
                      lambda p: _http_attempt(w, name, persona, p, endpoint, own=True))
    assert not failures, f"{name}:\n" + "\n".join(failures)


# -- socket connections and events ------------------------------------------------------------

CLAIMS = ("participant", "helper", "facilitator", "screen", "admin", None)


def test_socket_connect_matrix(make):
    """Each persona, claiming each role: only their own role in the target dialogue connects."""
    w = World(make)
    failures = []
    for persona in PERSONAS:
        for claim in CLAIMS:
            for token in {w.secret(persona, "helper", own=True), w.secret(persona, "screen"), None}:
                auth = {"role": claim, "dialogue": w.d.id}
                if token:
                    auth["token"] = token
                sock = socketio.test_client(w.app, flask_test_client=w.client(persona), auth=auth)
                connected = sock.is_connected()
                if connected and claim == "helper" and persona == "helper_other":
                    # a helper link names its own dialogue: this one connects there, not here
                    first = sock.get_received()[0]["args"][0]
                    assert first["dialogue_id"] == w.d2.id
                    sock.disconnect()
                    continue
                expected = claim is not None and NATURAL_ROLE.get(persona) == claim and (
                    claim not in ("helper", "screen") or token == w.secret(persona, claim))
                if connected != expected:
                    failures.append(f"{persona} claiming {claim} with {'a' if token else 'no'} token: "
                                    f"{'connected' if connected else 'refused'}")
                if connected:
                    sock.disconnect()
    # malformed auth never connects
    for auth in (None, "participant", [1, 2], {"role": "participant", "dialogue": "x"},
                 {"role": "facilitator", "dialogue": -1}, {"role": "screen", "dialogue": w.d.id, "token": 5}):
        sock = socketio.test_client(w.app, flask_test_client=w.client("owner"), auth=auth)
        if sock.is_connected():
            failures.append(f"connected with auth {auth!r}")
            sock.disconnect()
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("event", sorted(EVENTS))
def test_socket_event_matrix(make, event):
    w = World(make)
    entry = EVENTS[event]
    failures = []
    for persona in NATURAL_ROLE:
        sock = w.socket(persona)
        assert sock.is_connected(), persona
        before = w.snapshot()
        ack = sock.emit(event, *entry.args(w), callback=True)
        sock.disconnect()
        if persona in entry.allowed and not entry.succeeded(ack):
            failures.append(f"{persona}: expected success, got {ack!r}")
        if persona not in entry.allowed:
            if not (isinstance(ack, dict) and ack.get("ok") is False and ack.get("error")):
                failures.append(f"{persona}: expected a refusal, got {ack!r}")
            if w.snapshot() != before:
                failures.append(f"{persona}: a refused event changed the database")
    assert not failures, f"{event}:\n" + "\n".join(failures)


def test_revoked_helper_and_removed_participant_are_refused_at_once(make):
    """A connection stays open, but the next event is checked again: revoking works immediately."""
    from dialogue.models import Helper, Participant
    w = World(make)
    step = w.current("prompt")
    helper = w.socket("helper")
    phone = w.socket("participant")
    for sock in (helper, phone):
        ack = sock.emit("act", "contribute", {"step_id": step.id, "text": "Ennen", "client_id": cid()}, callback=True)
        assert ack["ok"], ack
    with db.write() as s:
        s.scalars(select(Helper).where(Helper.token == hash_token(w.helper_token))).one().revoked = True
        s.get(Participant, w.participant_id).removed = True
    before = w.snapshot()
    for sock in (helper, phone):
        ack = sock.emit("act", "contribute", {"step_id": step.id, "text": "Jälkeen", "client_id": cid()}, callback=True)
        assert ack["ok"] is False and ack["error"]
        assert sock.emit("sync", callback=True)["ok"] is False
    assert w.snapshot() == before
    assert w.client("participant").get(f"/p/{w.d.code}").status_code == 302
