"""Nothing lost when the server dies: SIGKILL in the middle of a burst, restart, resend.

Forty phones send contributions and dots at once to the real server (python app.py,
eventlet, SQLite in WAL mode). When a good part of the writes has been acknowledged
the server is killed with SIGKILL (nothing gets to clean up), and started again on
the same database. Then:

- every write acknowledged before the crash is in the database, exactly once;
- nothing is half-written: every stored contribution and vote has its
  acknowledgement record, written in the same transaction;
- the phones reconnect and resend what was not acknowledged; afterwards every write
  is stored exactly once (the per-item dot totals equal what the phones sent);
- the tallies on the screen and in the export equal the stored votes.
"""
from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.live import LiveServer, socket_client
from tests.support.phone import ITEMS, Phone, database, prepare_live_dialogue

PHONES = 40
CONTRIBUTIONS_EACH = 6
DOTS_EACH = 6


def burst(phone: Phone, d: dict, plan: list[tuple[str, dict]]) -> None:
    for action, payload in plan:
        phone.send(action, payload)


def plan_for(n: int, d: dict) -> list[tuple[str, dict]]:
    """A phone's writes: contributions (their text names their write) and dots, interleaved."""
    plan = []
    for k in range(max(CONTRIBUTIONS_EACH, DOTS_EACH)):
        if k < CONTRIBUTIONS_EACH:
            plan.append(("contribute", {"step_id": d["prompt_id"], "text": f"puhelin {n} ajatus {k}"}))
        if k < DOTS_EACH:
            item = ITEMS[(n + k) % len(ITEMS)]
            plan.append(("dot", {"step_id": d["dots_id"], "item_id": d["items"][item], "delta": 1}))
    return plan


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path).start()
    yield live
    live.stop()


def test_sigkill_mid_burst_loses_nothing_and_duplicates_nothing(server):
    d = prepare_live_dialogue(server, dots=DOTS_EACH)
    with ThreadPoolExecutor(8) as pool:
        phones = list(pool.map(lambda _: Phone(server.url, d["code"], d["id"]).connect(), range(PHONES)))
    plans = [plan_for(n, d) for n in range(PHONES)]
    total = sum(len(p) for p in plans)

    acked = threading.Condition()
    count = Counter()

    def on_ack(_client_id, _ack):
        with acked:
            count["acks"] += 1
            acked.notify_all()

    for phone in phones:
        phone.listeners.append(on_ack)

    threads = [threading.Thread(target=burst, args=(phone, d, plan)) for phone, plan in zip(phones, plans)]
    for t in threads:
        t.start()
    # Kill when about a third has been acknowledged: the rest is in flight or not yet sent.
    with acked:
        reached = acked.wait_for(lambda: count["acks"] >= total // 3, timeout=60)
    assert reached, f"only {count['acks']} of {total} writes were acknowledged"
    server.kill()
    for t in threads:
        t.join()
    before_crash = {cid: (phone, ack) for phone in phones for cid, ack in list(phone.acks.items())}
    assert all(ack.get("ok") for _phone, ack in before_crash.values()), \
        [ack for _p, ack in before_crash.values() if not ack.get("ok")][:3]
    assert len(before_crash) < total, "the crash came too late: everything was already acknowledged"

    server.start()
    # Durability: every write acknowledged before the crash is stored, once.
    with database(server) as conn:
        stored = Counter(cid for (cid,) in conn.execute("SELECT client_id FROM processed_write"))
        for cid in before_crash:
            assert stored[cid] == 1, f"acknowledged write {cid} lost in the crash"
        check_nothing_half_written(conn, d)

    # The phones come back and resend what was never acknowledged.
    for phone in phones:
        phone.drop()
        phone.connect()
    for phone in phones:
        phone.wait_all_acked(timeout=60)
    failed = [ack for phone in phones for ack in phone.acks.values() if not ack.get("ok")]
    assert not failed, failed[:3]

    with database(server) as conn:
        check_nothing_half_written(conn, d)
        contributions = Counter(t for (t,) in conn.execute(
            "SELECT text FROM contribution WHERE step_id = ?", (d["prompt_id"],)))
        expected = Counter(p["text"] for plan in plans for a, p in plan if a == "contribute")
        assert contributions == expected  # every one present, none twice
        dots = dict(conn.execute("SELECT item_id, SUM(value) FROM vote WHERE step_id = ? GROUP BY item_id",
                                 (d["dots_id"],)).fetchall())
        sent = Counter(p["item_id"] for plan in plans for a, p in plan if a == "dot")
        assert dots == dict(sent)
        writes = conn.execute("SELECT count(*) FROM processed_write WHERE actor LIKE 'p:%'").fetchone()[0]
        assert writes == total

    # The tallies people see equal the stored votes: the export and the projector.
    export = json.loads(server.cli("export", str(d["id"]), "--format", "json"))
    dots_step = next(s for s in export["steps"] if s["id"] == d["dots_id"])
    reported = {i["id"]: i["dots"]["total"] for i in dots_step["results"]["items"]}
    assert reported == dict(sent)
    screen = socket_client(server.url, None, "screen", d["id"], token=d["screen_url"].rsplit("/", 1)[1])
    got = threading.Event()
    live_states = []
    screen.on("live", lambda data: (live_states.append(data), got.set()))
    screen.emit("sync")
    assert got.wait(10)
    bars = {b["label"]: b["value"] for b in live_states[-1]["step"]["results"]["bars"]}
    assert bars == {text: sent[item_id] for text, item_id in d["items"].items()}
    screen.disconnect()
    for phone in phones:
        phone.close()


def check_nothing_half_written(conn: sqlite3.Connection, d: dict) -> None:
    """Every contribution and every dot has its acknowledgement record (same transaction), and no more."""
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    acks = {cid: json.loads(resp) for cid, resp in conn.execute(
        "SELECT client_id, response FROM processed_write WHERE actor LIKE 'p:%'")}
    contribution_acks = {r["id"] for r in acks.values() if "remaining" not in r}
    stored = {row[0] for row in conn.execute("SELECT id FROM contribution WHERE step_id = ?", (d["prompt_id"],))}
    assert stored == contribution_acks, "a contribution without its acknowledgement, or the other way round"
    dot_acks = sum(1 for r in acks.values() if "remaining" in r)
    dots = conn.execute("SELECT COALESCE(SUM(value), 0) FROM vote WHERE step_id = ?", (d["dots_id"],)).fetchone()[0]
    assert dots == dot_acks, "a dot without its acknowledgement, or the other way round"
