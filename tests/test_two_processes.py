"""Two server processes sharing one PostgreSQL database and one Redis message queue.

`python app.py` twice (A and B, started at the same moment on a fresh database), with
OSUVA_MESSAGE_QUEUE on a Redis channel of this run's own. Phones on A vote and write;
the screens on both processes must end up showing every change (the coalesced
updates of both processes reach every screen, and a screen keeps the newest by
`as_of`); a step change made on B reaches the phones on A. CI runs Redis and
PostgreSQL (`.ci/run` starts them): if either is missing the test fails, it is not skipped.
"""
from __future__ import annotations

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
from tests.support.queue import REDIS, redis_channel

PHONES_PER_PROCESS = 15
BUDGET = 3


class Newest:
    """One event's states as a screen keeps them: the newest by `as_of`, whatever the order."""

    def __init__(self, client, event):
        self.cond = threading.Condition()
        self.state = None
        self.frames = 0
        self.overtaken = 0  # arrived after a newer one (from the other process): ignored
        client.on(event, self._add)

    def _add(self, data=None):
        with self.cond:
            self.frames += 1
            if self.state is not None and data["as_of"] < self.state["as_of"]:
                self.overtaken += 1
            else:
                self.state = data
            self.cond.notify_all()

    def wait_for(self, predicate, timeout=20):
        with self.cond:
            assert self.cond.wait_for(lambda: self.state is not None and predicate(self.state), timeout), \
                self.state




@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    channel = redis_channel()
    with fresh_database() as url:
        env = {"OSUVA_DATABASE_URL": url, "OSUVA_MESSAGE_QUEUE": REDIS, "OSUVA_MESSAGE_QUEUE_CHANNEL": channel}
        a = LiveServer(tmp_path_factory.mktemp("process-a"), extra_env=env)
        b = LiveServer(tmp_path_factory.mktemp("process-b"), extra_env=env)
        try:
            # At the same moment, on the empty database: both migrate (one after the other).
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda server: server.start(), (a, b)))
            d = a.new_dialogue(method="blank")
            steps = add_steps(url, d["id"], [
                ("prompt", {}), ("dots", {"dots": BUDGET, "items": ["Bussit", "Kirjasto", "Uimahalli"]})])
            staff_http = facilitator_session(b.url)
            token = d["screen_url"].rsplit("/", 1)[1]
            clients = {"staff_b": socket_client(b.url, staff_http, "facilitator", d["id"]),
                       "screen_a": socket_client(a.url, None, "screen", d["id"], token=token),
                       "screen_b": socket_client(b.url, None, "screen", d["id"], token=token)}
            with ThreadPoolExecutor(8) as pool:
                # Phones join on either process: the cookie is signed with the secret both share.
                joined = list(pool.map(lambda n: joined_session((a, b)[n % 2].url, d["code"]),
                                       range(2 * PHONES_PER_PROCESS)))
                phones_a = list(pool.map(lambda http: socket_client(a.url, http, "participant", d["id"]),
                                         joined[:PHONES_PER_PROCESS]))
                phones_b = list(pool.map(lambda http: socket_client(b.url, http, "participant", d["id"]),
                                         joined[PHONES_PER_PROCESS:]))
            yield {"a": a, "b": b, "dialogue": d, "steps": steps, "staff_http": staff_http,
                   "phones_a": phones_a, "phones_b": phones_b, **clients}
            for client in [*clients.values(), *phones_a, *phones_b]:
                client.disconnect()
        finally:
            a.stop()
            b.stop()
        for server in (a, b):
            log = server.log_path.read_text(errors="replace")
            assert "Traceback" not in log, log[-3000:]


def test_revoking_a_helper_link_on_b_disconnects_its_socket_on_a(pair):
    ack = pair["staff_b"].call("act", ("helper_create", {"kind": "scribe", "label": "Kirjuri",
                                                         "client_id": uuid.uuid4().hex}), timeout=10)
    assert ack["ok"], ack
    helper = socket_client(pair["a"].url, None, "helper", pair["dialogue"]["id"], token=ack["url"].rsplit("/", 1)[1])
    gone = threading.Event()
    helper.on("disconnect", lambda *_: gone.set())
    assert helper.connected
    revoked = pair["staff_b"].call("act", ("helper_revoke", {"helper_id": ack["helper_id"],
                                                             "client_id": uuid.uuid4().hex}), timeout=10)
    assert revoked["ok"], revoked
    assert gone.wait(10), "the revoked helper's socket on the other process stayed connected"


def test_a_step_change_on_b_reaches_the_phones_on_a(pair):
    states = [Newest(p, "state") for p in pair["phones_a"]]
    ack = pair["staff_b"].call("act", ("go_to_step", {"step_id": pair["steps"]["prompt"],
                                                      "client_id": uuid.uuid4().hex}), timeout=10)
    assert ack["ok"], ack
    for s in states:
        s.wait_for(lambda st: st["step_id"] == pair["steps"]["prompt"] and st["kind"] == "prompt")


def test_contributions_on_a_reach_the_screen_on_b(pair):
    go(pair, "prompt")
    screen_b = Newest(pair["screen_b"], "live")
    texts = [f"Toive {n}" for n in range(5)]
    for n, text in enumerate(texts):
        ack = pair["phones_a"][n].call("act", ("contribute", {"step_id": pair["steps"]["prompt"], "text": text,
                                                              "client_id": uuid.uuid4().hex}), timeout=10)
        assert ack["ok"], ack
    screen_b.wait_for(lambda st: st["step"] and st["step"]["wall"] is not None and
                      set(texts) <= {c["text"] for c in st["step"]["wall"]})


def test_votes_on_both_processes_reach_every_screen_exactly(pair):
    go(pair, "dots")
    step_id = pair["steps"]["dots"]
    # Results are hidden until revealed: the facilitator (on B) shows them to the screens.
    ack = pair["staff_b"].call("act", ("reveal", {"step_id": step_id, "revealed": "1",
                                                  "client_id": uuid.uuid4().hex}), timeout=10)
    assert ack["ok"], ack
    items = [i["id"] for i in step_export(pair)["results"]["items"]]
    screens = {name: Newest(pair[name], "live") for name in ("screen_a", "screen_b")}
    phones = pair["phones_a"] + pair["phones_b"]

    def writes(n):
        return [("dot", {"step_id": step_id, "item_id": items[(n + k) % len(items)], "delta": 1,
                         "client_id": uuid.uuid4().hex}) for k in range(BUDGET + 1)]  # one too many

    acks = Acks()
    acks.wait(fire_together(phones, writes, acks))
    counted = sum(1 for _n, _p, ack in acks.items if ack.get("ok"))
    assert counted == len(phones) * BUDGET, [a for *_x, a in acks.items if not a.get("ok")][:3]

    def shows_every_vote(state):
        results = state["step"] and state["step"]["results"]
        return bool(results) and sum(bar["value"] for bar in results["bars"]) == counted

    for screen in screens.values():
        screen.wait_for(shows_every_vote)
        assert screen.frames < counted / 2, "updates are coalesced, not one per vote"
    export = step_export(pair)["results"]
    assert export["dots"]["phone"] == counted and export["participants"]["phone"] == len(phones)


def go(pair, kind):
    ack = pair["staff_b"].call("act", ("go_to_step", {"step_id": pair["steps"][kind],
                                                      "client_id": uuid.uuid4().hex}), timeout=10)
    assert ack["ok"], ack


def step_export(pair):
    doc = pair["staff_http"].get(f"{pair['b'].url}/console/d/{pair['dialogue']['id']}/export.json",
                                 timeout=30).json()
    return next(st for st in doc["steps"] if st["id"] == pair["steps"]["dots"])


def test_closing_the_dialogue_on_b_disconnects_the_phones_on_both_processes(pair):
    """Last in this module: the dialogue stays closed."""
    phones = pair["phones_a"] + pair["phones_b"]
    gone = [threading.Event() for _ in phones]
    for phone, event in zip(phones, gone):
        phone.on("disconnect", lambda *_a, e=event: e.set())
    assert all(p.connected for p in phones)
    ack = pair["staff_b"].call("act", ("set_state", {"state": "closed", "client_id": uuid.uuid4().hex}), timeout=10)
    assert ack["ok"], ack
    assert all(e.wait(10) for e in gone), "a phone's socket stayed connected after closing"
    # The screens and the facilitator stay: the results are shown after closing.
    assert pair["screen_a"].connected and pair["screen_b"].connected and pair["staff_b"].connected
