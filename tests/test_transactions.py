"""Transaction discipline: every write inside `db.write()`, no live update sent from inside one.

A guard watches every SQL statement and every socket emit while every command runs
(as someone allowed to run it, over the socket and the form route) and every page is
opened: an INSERT, UPDATE or DELETE outside a write transaction, or an emit (network
I/O) while a write transaction is open, is reported. Writes that hold the SQLite
write lock across network I/O would stall every other phone.
"""
from __future__ import annotations

import contextlib
import threading

import pytest
from sqlalchemy import event, text

from dialogue import db
from dialogue.extensions import socketio
from dialogue.web import ratelimit
from tests.support.authz_table import COMMANDS, ROUTES
from tests.support.world import PERSONAS, World, app_routes, cid, route_values, url_of

WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


@pytest.fixture
def guard(app, monkeypatch):
    problems: list[str] = []
    inside = threading.local()
    real_write = db.write

    @contextlib.contextmanager
    def write():
        inside.depth = getattr(inside, "depth", 0) + 1
        try:
            with real_write() as s:
                yield s
        finally:
            inside.depth -= 1

    def statement(conn, _cursor, sql, _params, _context, _many):
        verb = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if verb in WRITES and not conn.get_execution_options().get("osuva_write"):
            problems.append(f"a write outside a write transaction: {sql[:100]}")

    real_emit = socketio.emit

    def emit(event_name, *args, **kwargs):
        if getattr(inside, "depth", 0):
            problems.append(f"'{event_name}' sent while a write transaction was open")
        return real_emit(event_name, *args, **kwargs)

    monkeypatch.setattr(db, "write", write)
    monkeypatch.setattr(socketio, "emit", emit)
    event.listen(db.engine, "before_cursor_execute", statement)
    yield problems
    event.remove(db.engine, "before_cursor_execute", statement)


def test_the_guard_sees_a_write_outside_a_transaction(guard):
    with db.engine.connect() as conn:
        conn.execute(text("UPDATE dialogue SET title = title"))
    assert guard and "outside" in guard[0]
    guard.clear()


def test_every_command_and_page_writes_only_in_transactions_and_emits_after_commit(make, guard, monkeypatch):
    monkeypatch.setattr(ratelimit.TokenBucket, "take", lambda self: True)  # one fast "person" runs them all
    w = World(make)
    ran = 0
    for name, entry in sorted(COMMANDS.items()):
        persona = next(p for p in ("participant", "helper", "owner", "co_facilitator") if p in entry.allowed)
        w.set_state("running")  # an earlier command may have closed it
        ack = w.socket(persona).emit("act", name, dict(entry.payload(w), client_id=cid()), callback=True)
        ran += bool(ack.get("ok"))
    assert ran >= len(COMMANDS) - 3  # nearly all of them really wrote something
    routes = app_routes(w.app)
    for key, entry in sorted(ROUTES.items()):
        if key not in routes:
            continue
        method, _endpoint = key.split(" ", 1)
        rule = routes[key]
        for persona in sorted(entry.allowed, key=PERSONAS.index)[:1]:
            url = url_of(w.app, rule, route_values(w, rule, entry, persona))
            data = entry.data(w) if entry.data else {}
            w.client(persona).open(url, method=method, data=data)
    assert not guard, "\n".join(guard)
