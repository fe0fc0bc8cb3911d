"""The database-dependent core on PostgreSQL: the migration, the vote row lock, exactly-once writes.

SQLite serialises every write (BEGIN IMMEDIATE), so the races below cannot happen
there; on PostgreSQL two transactions really run at the same time, and the code
relies on a row lock (`voting.lock_voter`, SELECT ... FOR UPDATE) and on the unique
idempotency record (`ProcessedWrite`). Each test runs on a fresh database of its own
(tests/support/pg.py); the voting test against the real server is in test_voting_live.py.
"""
from __future__ import annotations

import threading
import time

import pytest
from alembic import command as alembic_command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_babel import force_locale
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.pool import NullPool

from dialogue import db
from dialogue.activities import voting
from dialogue.commands.core import REGISTRY, Command, dispatch
from dialogue.db import alembic_config, upgrade
from dialogue.models import Base, ProcessedWrite, Vote
from tests.conftest import Factory, cid
from tests.support.pg import pg_app, pg_url  # noqa: F401  (fixtures)
from tests.support.rooms import Room


def test_migration_upgrades_and_downgrades_on_postgresql(pg_url):  # noqa: F811
    upgrade(pg_url)
    engine = create_engine(pg_url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert diff == [], "models changed: run python tools/regen_migration.py"
        alembic_command.downgrade(alembic_config(pg_url), "base")
        assert inspect(engine).get_table_names() == ["alembic_version"]
        with engine.connect() as conn:
            # No enum type or sequence may be left behind, or the next upgrade fails.
            leftovers = conn.execute(text(
                "SELECT typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
                "WHERE n.nspname = 'public' AND t.typtype = 'e' "
                "UNION ALL SELECT relname FROM pg_class WHERE relkind = 'S'")).scalars().all()
        assert leftovers == []
        upgrade(pg_url)  # and up again on the emptied database
        assert "vote" in inspect(engine).get_table_names()
    finally:
        engine.dispose()


def _run_at_once(app, calls):
    """Run dispatch(actor, name, payload) for each call in its own thread (its own session)."""
    acks: list[dict | None] = [None] * len(calls)

    def run(n, actor, name, payload):
        with app.app_context(), force_locale("en"):
            acks[n] = dispatch(actor, name, payload)

    threads = [threading.Thread(target=run, args=(n, *call)) for n, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "a write never finished"
    return acks


def _held_up_at(monkeypatch, name: str, barrier: threading.Barrier, passed: list) -> None:
    """Make command `name` wait at `barrier` before doing its work (both writes are past
    their idempotency check by then, each in its own open transaction)."""
    real = REGISTRY[name]

    def held_up(ctx):
        barrier.wait(timeout=10)
        passed.append(True)
        return real.func(ctx)

    monkeypatch.setitem(REGISTRY, name, Command(real.name, held_up, real.roles, real.audit, real.when))


def test_the_same_write_sent_twice_at_once_counts_once(pg_app, monkeypatch):  # noqa: F811
    room = Room(Factory(pg_app), "dots", dots=3, max_per_item=3)
    phone = room.phone()
    item = room.item_ids()[0]
    passed: list = []
    _held_up_at(monkeypatch, "dot", threading.Barrier(2), passed)
    payload = {"step_id": room.step_id, "item_id": item, "delta": 1, "client_id": cid()}

    acks = _run_at_once(pg_app, [(phone, "dot", dict(payload)), (phone, "dot", dict(payload))])

    assert len(passed) == 2, "both copies ran at the same time (the race really happened)"
    assert all(a and a["ok"] for a in acks), acks
    assert sorted(bool(a.get("duplicate")) for a in acks) == [False, True]
    first, second = acks
    assert {k: v for k, v in first.items() if k != "duplicate"} == \
        {k: v for k, v in second.items() if k != "duplicate"}, "the resent write gets the first answer"
    db.session.expire_all()
    votes = db.session.scalars(select(Vote).where(Vote.step_id == room.step_id)).all()
    assert [(v.item_id, v.value) for v in votes] == [(item, 1)]
    assert db.session.scalar(select(ProcessedWrite.id).where(
        ProcessedWrite.client_id == payload["client_id"])) is not None


def test_two_dots_at_once_wait_for_the_voters_row_lock(pg_app, monkeypatch):  # noqa: F811
    """A budget of one dot, two taps on two items at the same moment: one dot, one refusal.

    The first write to take the lock holds it until it sees the second write waiting
    for it in PostgreSQL (pg_stat_activity); without the lock both would read an
    unspent budget and both dots would count.
    """
    room = Room(Factory(pg_app), "dots", dots=1)
    phone = room.phone()
    a, b = room.item_ids()[:2]
    watcher = create_engine(pg_app.config["DATABASE_URL"], poolclass=NullPool)
    real_lock = voting.lock_voter
    barrier = threading.Barrier(2)
    state = {"holder": None, "saw_waiter": False}
    guard = threading.Lock()

    def lock_then_wait_for_the_other(ctx):
        barrier.wait(timeout=10)
        pid = real_lock(ctx)
        with guard:
            first = state["holder"] is None
            if first:
                state["holder"] = threading.get_ident()
        if first:
            state["saw_waiter"] = _another_write_waits_on_a_lock(watcher, deadline=10)
        return pid

    monkeypatch.setattr(voting, "lock_voter", lock_then_wait_for_the_other)
    try:
        acks = _run_at_once(pg_app, [
            (phone, "dot", {"step_id": room.step_id, "item_id": a, "delta": 1, "client_id": cid()}),
            (phone, "dot", {"step_id": room.step_id, "item_id": b, "delta": 1, "client_id": cid()})])
    finally:
        watcher.dispose()

    assert state["saw_waiter"], "the second write did not wait for the first one's row lock"
    assert sorted(bool(ack["ok"]) for ack in acks) == [False, True], acks
    refusal = next(ack for ack in acks if not ack["ok"])
    assert refusal["error"] == "You have no dots left. Take a dot back first if you want to move it."
    db.session.expire_all()
    assert sum(v.value for v in db.session.scalars(select(Vote).where(Vote.step_id == room.step_id))) == 1


def _another_write_waits_on_a_lock(engine, deadline: float) -> bool:
    """Poll PostgreSQL until a backend of this database waits for a lock (True) or time runs out."""
    end = time.monotonic() + deadline
    with engine.connect() as conn:
        while time.monotonic() < end:
            waiting = conn.execute(text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()")).scalar()
            conn.rollback()
            if waiting:
                return True
            time.sleep(0.02)  # polling a condition with a deadline, not hoping for timing
    return False


@pytest.fixture
def impatient_pg_app(monkeypatch, request):
    """pg_app, with writes waiting half a second (not 30) for a row another transaction holds."""
    monkeypatch.setattr(db, "BUSY_TIMEOUT_MS", 500)
    return request.getfixturevalue("pg_app")


def test_a_write_that_cannot_get_its_lock_is_answered_busy_and_stores_nothing(impatient_pg_app):
    """A row held by a stuck transaction must not hold a phone's write for ever: it is told
    "busy, try again" (its outbox resends it), and the resent write counts once."""
    room = Room(Factory(impatient_pg_app), "dots", dots=3)
    phone = room.phone()
    payload = {"step_id": room.step_id, "item_id": room.item_ids()[0], "delta": 1, "client_id": cid()}
    stuck = create_engine(impatient_pg_app.config["DATABASE_URL"], poolclass=NullPool)
    try:
        with stuck.connect() as conn:
            conn.execute(text("SELECT id FROM participant WHERE id = :id FOR UPDATE"), {"id": phone.participant_id})
            with force_locale("en"):
                ack = dispatch(phone, "dot", dict(payload))
            assert ack == {"ok": False, "retry": True,
                           "error": "The server is busy. Your answer was not saved; try again."}
            db.session.expire_all()
            assert db.session.scalars(select(Vote).where(Vote.step_id == room.step_id)).all() == []
            conn.rollback()  # the stuck transaction ends
        again = dispatch(phone, "dot", dict(payload))
        assert again["ok"] and not again.get("duplicate"), again
        assert dispatch(phone, "dot", dict(payload)).get("duplicate")
    finally:
        stuck.dispose()
    db.session.expire_all()
    assert [v.value for v in db.session.scalars(select(Vote).where(Vote.step_id == room.step_id))] == [1]
