"""Generated payloads at every socket event and every route (Hypothesis).

For every example: no server error, no exception in the log, and a refusal is a
proper acknowledgement. After the run the database is still consistent: SQLite's
own checks pass and no row crosses dialogues (a vote on another dialogue's item, a
text in another dialogue's step, ...).

Payloads are either arbitrary JSON or a valid payload of a declared command with
fields replaced or dropped, so that the generator gets past the first checks.
Examples are bounded (a few hundred, no deadline): this runs in every CI run.
"""
from __future__ import annotations

import logging
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from dialogue import db
from dialogue.commands.core import REGISTRY
from dialogue.extensions import socketio
from dialogue.web import ratelimit
from tests.support.authz_table import COMMANDS, ROUTES
from tests.support.world import (
    PERSONAS,
    World,
    app_routes,
    cid,
    integrity_problems,
    route_values,
    url_of,
)

# OSUVA_FUZZ_EXAMPLES=5000 for a longer hunt on a developer's machine.
FUZZ = settings(max_examples=int(os.environ.get("OSUVA_FUZZ_EXAMPLES", "300")), deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=60),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=8)
# Values that reach deeper: ids near the real ones, choices the commands know.
near_values = st.one_of(json_values, st.integers(min_value=-2, max_value=60), st.sampled_from(
    ["", " ", "1", "agree", "up", "down", "closed", "running", "qr", "scribe", "heard", "done", "on",
     "true", "false", "0", "😀" * 3, "<img src=x onerror=alert(1)>", "\x00", "a" * 600]))


def rarely(data, one_in: int) -> bool:
    """True about once in `one_in` draws (Hypothesis favours the ends of a range, so not 0)."""
    return data.draw(st.integers(0, one_in - 1)) == one_in // 2


def mutated(valid: dict[str, Any], data) -> Any:
    """A valid payload with some fields replaced, dropped or added; sometimes anything at all."""
    if rarely(data, 20):
        return data.draw(json_values)
    payload = dict(valid)
    for key in list(payload):
        if rarely(data, 10):
            payload.pop(key)
        elif rarely(data, 6):
            payload[key] = data.draw(near_values)
    if rarely(data, 4):
        payload[data.draw(st.sampled_from(["step_id", "item_id", "text", "contribution_id", "theme_id", "x"]))] = \
            data.draw(near_values)
    if not rarely(data, 20):
        payload["client_id"] = cid()
    return payload


@pytest.fixture
def world(make, monkeypatch):
    # The rate limits have their own tests; here they would only slow the generator down.
    monkeypatch.setattr(ratelimit.TokenBucket, "take", lambda self: True)
    return World(make)


def errors_in(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]


def cross_dialogue_rows() -> list[str]:
    """Rows whose parts belong to different dialogues (none may exist)."""
    checks = {
        "contribution in another dialogue's step": """
            SELECT c.id FROM contribution c JOIN step s ON s.id = c.step_id WHERE s.dialogue_id != c.dialogue_id""",
        "vote on another step's item": """
            SELECT v.id FROM vote v JOIN item i ON i.id = v.item_id WHERE i.step_id != v.step_id""",
        "vote by another dialogue's participant": """
            SELECT v.id FROM vote v JOIN step s ON s.id = v.step_id JOIN participant p ON p.id = v.participant_id
            WHERE p.dialogue_id != s.dialogue_id""",
        "contribution by another dialogue's participant": """
            SELECT c.id FROM contribution c JOIN participant p ON p.id = c.participant_id
            WHERE p.dialogue_id != c.dialogue_id""",
        "contribution in another dialogue's theme": """
            SELECT c.id FROM contribution c JOIN theme t ON t.id = c.theme_id WHERE t.dialogue_id != c.dialogue_id""",
        "item from another dialogue's contribution": """
            SELECT i.id FROM item i JOIN step s ON s.id = i.step_id JOIN contribution c ON c.id = i.contribution_id
            WHERE c.dialogue_id != s.dialogue_id""",
        "staff count on another step's item": """
            SELECT sc.id FROM staff_count sc JOIN item i ON i.id = sc.item_id WHERE i.step_id != sc.step_id""",
        "a dialogue's current step in another dialogue": """
            SELECT d.id FROM dialogue d JOIN step s ON s.id = d.current_step_id WHERE s.dialogue_id != d.id""",
        "a failed write recorded as done": """
            SELECT id FROM processed_write WHERE response NOT LIKE '%"ok": true%'""",
    }
    found = []
    with db.engine.connect() as conn:
        for label, sql in checks.items():
            rows = conn.execute(text(sql)).fetchall()
            if rows:
                found.append(f"{label}: {rows[:5]}")
    return found


def test_generated_socket_events_never_break_anything(world, caplog):
    w = world
    connectable = [p for p in PERSONAS if p not in ("anonymous",)]
    sockets = {p: w.socket(p, own=True) for p in connectable}
    sockets = {p: s for p, s in sockets.items() if s.is_connected()}
    valid = {name: entry.payload(w) for name, entry in COMMANDS.items()}
    events = sorted(socketio.server.handlers["/"]) + ["no-such-event"]

    # Drawn from the personas connected at the start, whatever has happened since: choices that
    # changed with the run's state would make Hypothesis refuse the run as inconsistent.
    personas = sorted(sockets)

    @FUZZ
    @given(data=st.data())
    def run(data):
        caplog.clear()
        # Mostly commands, mostly by someone allowed to run them: that is where the code is.
        event = data.draw(st.sampled_from(["act"] * 12 + events))
        if event in ("connect", "disconnect"):
            return  # the connection itself: test_authz_matrix tries every way to connect
        name = data.draw(json_values) if rarely(data, 10) else data.draw(st.sampled_from(sorted(REGISTRY)))
        allowed = sorted(set(COMMANDS[name].allowed) & set(personas)) if isinstance(name, str) and name in COMMANDS else []
        persona = data.draw(st.sampled_from(allowed if allowed and not rarely(data, 4) else personas))
        sock = sockets[persona]
        if not sock.is_connected():
            return  # a revoked helper link or a removed participant was disconnected: fine
        if event == "act":
            payload = mutated(valid.get(name, {}), data) if isinstance(name, str) else data.draw(json_values)
            ack = sock.emit("act", name, payload, callback=True)
            assert isinstance(ack, dict) and isinstance(ack.get("ok"), bool), ack
            if not ack["ok"]:
                assert isinstance(ack.get("error"), str) and ack["error"].strip(), ack
                assert sock.is_connected(), f"a refused {name!r} cost {persona} the connection"
        else:
            args = data.draw(st.lists(json_values, max_size=3))
            sock.emit(event, *args, callback=True)
            assert sock.is_connected(), f"{event!r} cost {persona} the connection"
        assert not errors_in(caplog)

    run()
    assert not integrity_problems()
    assert not cross_dialogue_rows()


def test_generated_requests_to_every_route_never_break_anything(world, caplog):
    w = world
    routes = app_routes(w.app)
    keys = sorted(k for k in ROUTES if k in routes)
    field_names = st.sampled_from(["action", "text", "step_id", "item_id", "contribution_id", "client_id", "code",
                                   "email", "password", "title", "kind", "next", "csrf_token", "title_fi",
                                   "cfg_max_length", "minutes", "theme_id", "language", "message"])

    @FUZZ
    @given(data=st.data())
    def run(data):
        caplog.clear()
        key = data.draw(st.sampled_from(keys))
        method, _endpoint = key.split(" ", 1)
        rule, entry = routes[key], ROUTES[key]
        persona = data.draw(st.sampled_from(PERSONAS))
        values = route_values(w, rule, entry, persona)
        for name in rule.arguments:
            if data.draw(st.integers(0, 3)) == 0:  # sometimes a wrong value in the address itself
                values[name] = data.draw(st.one_of(st.integers(-5, 10**12), st.text(
                    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="/?#%"),
                    min_size=1, max_size=30)))
        try:
            url = url_of(w.app, rule, values)
        except Exception:
            return  # a value the URL converter itself refuses never reaches the app
        query = data.draw(st.dictionaries(st.sampled_from(["lang", "step", "theme", "from", "to", "votes", "next"]),
                                          st.text(max_size=20), max_size=2))
        form = data.draw(st.dictionaries(field_names, st.one_of(st.text(max_size=80), st.sampled_from(
            ["1", "0", "", str(w.d.id), str(w.d2.id), "prompt", "contribute", "lock_join"])), max_size=6))
        client = w.client(persona)
        if method == "GET":
            response = client.get(url, query_string=query)
        else:
            response = client.open(url, method=method, query_string=query, data=form)
        assert response.status_code < 500, (key, persona, url, form, response.status_code)
        assert not errors_in(caplog), (key, url, form)

    run()
    assert not integrity_problems()
    assert not cross_dialogue_rows()
