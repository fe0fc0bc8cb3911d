"""The PostgreSQL connection pool serves waiters first come, first served, for a bounded time
(dialogue/dbpool.py)."""
from __future__ import annotations

import sqlite3
import threading

import pytest
from sqlalchemy import exc

from dialogue import db
from dialogue.dbpool import FairGate, FairQueuePool


def wait_until(condition, timeout=10.0) -> None:
    done = threading.Event()
    for _ in range(int(timeout / 0.01)):
        if condition():
            return
        done.wait(0.01)
    raise AssertionError("condition not met")


def test_a_freed_place_goes_to_the_longest_waiter_not_to_a_newcomer():
    gate = FairGate(1)
    assert gate.acquire(1)
    order: list[int] = []

    def waiter(n: int) -> None:
        assert gate.acquire(10)
        order.append(n)
        gate.release()

    threads = []
    for n in range(5):
        t = threading.Thread(target=waiter, args=(n,))
        t.start()
        threads.append(t)
        wait_until(lambda n=n: gate.waiting() == n + 1)  # in line, in this order
    gate.release()
    for t in threads:
        t.join(10)
    assert order == [0, 1, 2, 3, 4]
    # Everyone gave the place back: a newcomer gets it at once, and only one place there is.
    assert gate.acquire(0.01) and not gate.acquire(0.01)


def test_a_waiter_gives_up_after_the_timeout_and_leaves_the_line():
    gate = FairGate(1)
    assert gate.acquire(1)
    assert not gate.acquire(0.05)
    assert gate.waiting() == 0
    gate.release()
    assert gate.acquire(0.05)


def test_the_pool_refuses_after_its_timeout_and_serves_again_when_a_connection_returns():
    pool = FairQueuePool(lambda: sqlite3.connect(":memory:"), pool_size=1, max_overflow=0, timeout=0.05)
    first = pool.connect()
    with pytest.raises(exc.TimeoutError):
        pool.connect()
    first.close()
    second = pool.connect()
    second.close()
    # Recreated (after a dispose), it is still fair.
    assert isinstance(pool.recreate(), FairQueuePool)


def test_postgresql_engines_use_the_fair_pool():
    engine = db.make_engine("postgresql+psycopg2://nobody@127.0.0.1:1/none", pool_size=3, pool_timeout=2)
    try:
        assert isinstance(engine.pool, FairQueuePool)
        assert engine.pool.timeout() == 2 and engine.pool.size() == 3
    finally:
        engine.dispose()
