"""Voting against the real server (python app.py, eventlet): many phones at the same moment.

120 python-socketio clients vote at once (a barrier releases them together), each with
more dots than its budget and one write resent with the same client id. The final
tallies must equal exactly the acknowledged votes, no budget or per-item cap may be
overspent, and the screen gets coalesced tallies while phones get only their own acks.

Everything runs twice: on SQLite (writes serialised by BEGIN IMMEDIATE) and on a fresh
PostgreSQL database (writes really concurrent; the voter's row lock keeps budgets exact).
"""
from __future__ import annotations

import contextlib
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.burst import Acks, fire_together
from tests.support.live import (
    LiveServer,
    add_steps,
    facilitator_session,
    joined_session,
    socket_client,
)
from tests.support.pg import fresh_database

PHONES = 120
BUDGET, CAP = 3, 2


class Frames:
    """Counts one event's frames on a client and keeps the last payload."""

    def __init__(self, client, event):
        self.count = 0
        self.last = None
        self.cond = threading.Condition()
        client.on(event, self._add)

    def _add(self, data=None):
        with self.cond:
            self.count += 1
            self.last = data
            self.cond.notify_all()

    def wait_for(self, predicate, timeout=15):
        with self.cond:
            assert self.cond.wait_for(lambda: self.last is not None and predicate(self.last), timeout), self.last


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def room(request, tmp_path_factory):
    with contextlib.ExitStack() as stack:
        env = {}
        if request.param == "postgresql":
            env["OSUVA_DATABASE_URL"] = stack.enter_context(fresh_database())
        server = LiveServer(tmp_path_factory.mktemp(f"voting-live-{request.param}"), extra_env=env).start()
        stack.callback(server.stop)
        d = server.new_dialogue(method="blank")
        steps = add_steps(server.database_url, d["id"], [
            ("dots", {"dots": BUDGET, "max_per_item": CAP, "items": ["Bussit", "Kirjasto", "Uimahalli"]}),
            ("stance", {"items": ["Palvelut ovat liian kaukana"]})])
        staff_http = facilitator_session(server.url)
        staff = socket_client(server.url, staff_http, "facilitator", d["id"])
        screen = socket_client(server.url, None, "screen", d["id"], token=d["screen_url"].rsplit("/", 1)[1])
        # Joining one by one costs ~0.1 s a phone (round trips); a few at a time is quicker.
        with ThreadPoolExecutor(8) as pool:
            sessions = list(pool.map(lambda _n: joined_session(server.url, d["code"]), range(PHONES)))
            phones = list(pool.map(lambda http: socket_client(server.url, http, "participant", d["id"]),
                                   sessions))
        yield {"server": server, "dialogue": d, "steps": steps, "staff_http": staff_http, "staff": staff,
               "screen": screen, "phones": phones}
        for client in [staff, screen, *phones]:
            client.disconnect()


def go(room, kind):
    ack = room["staff"].call("act", ("go_to_step", {"step_id": room["steps"][kind], "client_id": uuid.uuid4().hex}),
                             timeout=10)
    assert ack["ok"], ack


def step_export(room, kind):
    doc = room["staff_http"].get(f"{room['server'].url}/console/d/{room['dialogue']['id']}/export.json",
                                 timeout=30).json()
    return next(st for st in doc["steps"] if st["id"] == room["steps"][kind])




def test_simultaneous_dots_never_overspend_and_tallies_equal_the_acks(room):
    go(room, "dots")
    # Results are hidden until revealed: the facilitator shows them to the screen.
    ack = room["staff"].call("act", ("reveal", {"step_id": room["steps"]["dots"], "revealed": "1",
                                                "client_id": uuid.uuid4().hex}), timeout=10)
    assert ack["ok"], ack
    items = [i["id"] for i in step_export(room, "dots")["results"]["items"]]
    assert len(items) == 3
    a, b, c = items
    screen_live = Frames(room["screen"], "live")
    staff_live = Frames(room["staff"], "live")
    phone_live = [Frames(p, "live") for p in room["phones"]]
    step_id = room["steps"]["dots"]

    def writes(n):
        # 6 dots against a budget of 3 and a cap of 2 per item; the first write is also resent.
        first = {"step_id": step_id, "item_id": a, "delta": 1, "client_id": uuid.uuid4().hex}
        rest = [{"step_id": step_id, "item_id": item, "delta": 1, "client_id": uuid.uuid4().hex}
                for item in (a, a, b, b, c)]
        return [("dot", first), ("dot", dict(first)), *[("dot", p) for p in rest]]

    acks = Acks()
    sent = fire_together(room["phones"], writes, acks)
    acks.wait(sent)
    assert all(ack for _n, _p, ack in acks.items), "every write got an answer"
    busy = [ack for _n, _p, ack in acks.items if not ack.get("ok") and ack.get("retry")]
    assert not busy, busy[:3]

    # The votes that count: acknowledged ok, once per client id.
    counted: dict[str, tuple[int, int]] = {}
    for phone, payload, ack in acks.items:
        if ack.get("ok"):
            counted[payload["client_id"]] = (phone, payload["item_id"])
    per_phone: dict[int, list[int]] = {}
    for phone, item in counted.values():
        per_phone.setdefault(phone, []).append(item)
    for phone, mine in per_phone.items():
        assert len(mine) <= BUDGET, (phone, mine)
        assert all(mine.count(item) <= CAP for item in set(mine)), (phone, mine)
    # Each phone had enough valid writes to use its whole budget.
    assert sorted(len(m) for m in per_phone.values()) == [BUDGET] * PHONES
    refusals = [ack["error"] for _n, _p, ack in acks.items if not ack.get("ok")]
    assert refusals and all(refusals), "refusals carry a message"

    results = step_export(room, "dots")["results"]
    expected = {item: sum(1 for _p, i in counted.values() if i == item) for item in items}
    assert {i["id"]: i["dots"]["phone"] for i in results["items"]} == expected
    assert results["dots"]["total"] == len(counted) == PHONES * BUDGET
    assert results["participants"]["phone"] == PHONES
    # The screen saw the final tally, in coalesced updates (far fewer than votes).
    screen_live.wait_for(lambda s: s["step"] and s["step"]["results"] and
                         sum(b["value"] for b in s["step"]["results"]["bars"]) == PHONES * BUDGET)
    assert screen_live.count < len(counted) / 4, screen_live.count
    # The console, built from the same reads as the screen, counts the same votes and voters.
    staff_live.wait_for(lambda s: s["step"] and s["step"]["results"] and
                        sum(b["value"] for b in s["step"]["results"]["bars"]) == PHONES * BUDGET and
                        s["step"]["results"]["participants"] == PHONES)
    # Phones got no tally broadcasts at all: only their own acknowledgements.
    assert sum(f.count for f in phone_live) == 0


def test_simultaneous_revotes_leave_one_vote_each(room):
    go(room, "stance")
    statement = step_export(room, "stance")["results"]["items"][0]["id"]
    step_id = room["steps"]["stance"]

    def writes(n):
        return [("stance", {"step_id": step_id, "item_id": statement, "vote": vote,
                            "client_id": uuid.uuid4().hex}) for vote in ("agree", "disagree", "pass", "agree")]

    acks = Acks()
    sent = fire_together(room["phones"], writes, acks)
    acks.wait(sent)
    assert all(ack.get("ok") for _n, _p, ack in acks.items), [a for *_x, a in acks.items if not a.get("ok")][:3]
    row = step_export(room, "stance")["results"]["items"][0]
    assert row["votes"]["phone"] == PHONES
    assert row["agree"]["phone"] + row["disagree"]["phone"] + row["pass"]["phone"] == PHONES
