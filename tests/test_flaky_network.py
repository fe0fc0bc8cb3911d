"""A bad connection loses nothing and doubles nothing (the real server, simulated phones).

Phones drop their connection without a goodbye, again and again, with writes in
flight; acknowledgements get lost after the server stored the write; a phone falls
asleep for a minute while the room goes on without it. Each phone keeps unacknowledged
writes in its outbox and resends them after reconnecting, as static/js/act.js does.

"Asleep for a minute" is simulated in server terms, without waiting a minute: the
phone's connection goes away (first half-open, then gone), other phones write and the
facilitator changes things, and only then the phone comes back on a new connection.
"""
from __future__ import annotations

from collections import Counter

import pytest

from tests.support.live import LiveServer, joined_session
from tests.support.phone import (
    ITEMS,
    Phone,
    act,
    database,
    prepare_live_dialogue,
    staff_socket,
)

ROUNDS = 8


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    live = LiveServer(tmp_path_factory.mktemp("flaky")).start()
    yield live
    live.stop()


def stored_texts(server, step_id: int) -> Counter:
    with database(server) as conn:
        return Counter(t for (t,) in conn.execute("SELECT text FROM contribution WHERE step_id = ?", (step_id,)))


def stored_dots(server, step_id: int) -> dict[int, int]:
    with database(server) as conn:
        return dict(conn.execute("SELECT item_id, SUM(value) FROM vote WHERE step_id = ? GROUP BY item_id",
                                 (step_id,)).fetchall())


def test_phones_that_drop_again_and_again_end_with_each_write_once(server):
    d = prepare_live_dialogue(server, dots=ROUNDS)
    phones = [Phone(server.url, d["code"], d["id"]).connect() for _ in range(4)]
    expected_texts, expected_dots = Counter(), Counter()
    lost_acks = []
    for r in range(ROUNDS):
        for n, phone in enumerate(phones):
            text = f"puhelin {n} kierros {r}"
            phone.send("contribute", {"step_id": d["prompt_id"], "text": text})
            item_id = d["items"][ITEMS[(n + r) % len(ITEMS)]]
            phone.send("dot", {"step_id": d["dots_id"], "item_id": item_id, "delta": 1})
            expected_texts[text] += 1
            expected_dots[item_id] += 1
            if r % 3 == 1:
                # Stored by the server, but the answer never arrives.
                text = f"puhelin {n} kierros {r} (vastaus katosi)"
                lost_acks.append((phone, phone.send_and_lose_ack(
                    "contribute", {"step_id": d["prompt_id"], "text": text})))
                expected_texts[text] += 1
            phone.drop()  # writes may be in flight: sent, half-sent or not sent at all
        for phone in phones:
            phone.connect()  # a new connection; the outbox is sent again
    for phone in phones:
        phone.wait_all_acked()
        assert all(ack["ok"] for ack in phone.acks.values()), [a for a in phone.acks.values() if not a["ok"]]
        assert set(phone.acks) == set(phone.sent_order)
    # a write whose answer was lost is answered as the same write when resent
    for phone, client_id in lost_acks:
        assert phone.acks[client_id].get("duplicate") is True
    assert stored_texts(server, d["prompt_id"]) == expected_texts
    assert stored_dots(server, d["dots_id"]) == dict(expected_dots)
    for phone in phones:
        phone.close()


def test_a_phone_asleep_for_a_minute_catches_up_and_its_writes_count_once(server):
    d = prepare_live_dialogue(server, dots=5)
    sleeper = Phone(server.url, d["code"], d["id"]).connect()
    others = [Phone(server.url, d["code"], d["id"]).connect() for _ in range(3)]
    bus, library = d["items"][ITEMS[0]], d["items"][ITEMS[1]]

    # Before falling asleep: two writes acknowledged, one stored but its answer lost.
    sleeper.send("contribute", {"step_id": d["prompt_id"], "text": "Ennen unta"})
    sleeper.send("dot", {"step_id": d["dots_id"], "item_id": bus, "delta": 1})
    sleeper.wait_all_acked()
    lost = sleeper.send_and_lose_ack("dot", {"step_id": d["dots_id"], "item_id": bus, "delta": 1})
    # Asleep: the connection is half-open (the server has not noticed yet) ...
    half_open = sleeper.forget_socket()
    # ... and what the person typed before the screen went dark waits in the outbox.
    queued = [sleeper.send("contribute", {"step_id": d["prompt_id"], "text": "Kirjoitettu ennen unta"}),
              sleeper.send("dot", {"step_id": d["dots_id"], "item_id": library, "delta": 1})]
    assert set(queued) <= set(sleeper.outbox)

    # The room goes on: others write, the facilitator adds an item and hides a text.
    for n, phone in enumerate(others):
        phone.send("contribute", {"step_id": d["prompt_id"], "text": f"Muiden ajatus {n}"})
        phone.send("dot", {"step_id": d["dots_id"], "item_id": library, "delta": 1})
        phone.wait_all_acked()
    staff = staff_socket(server, d)
    new_item = act(staff, "add_item", step_id=d["dots_id"], text="Uusi kohta unen aikana")["item_id"]
    with database(server) as conn:
        hidden_id = conn.execute("SELECT id FROM contribution WHERE text = 'Muiden ajatus 0'").fetchone()[0]
    act(staff, "set_hidden", contribution_id=hidden_id, hidden=True)
    # A minute passes: the server gives up on the sleeping phone's old connection.
    half_open.disconnect()

    # The phone wakes up: a new connection, the full state, the outbox resent.
    sleeper.connect()
    sleeper.wait_all_acked()
    assert sleeper.wait_until(lambda: any(s.get("step_id") == d["dots_id"] for s in sleeper.states), 10)
    assert all(sleeper.acks[c]["ok"] for c in queued)
    assert sleeper.acks[lost]["ok"] and sleeper.acks[lost]["duplicate"] is True
    panel = sleeper.http.get(f"{server.url}/p/{d['code']}/panel", timeout=10).text
    assert "Uusi kohta unen aikana" in panel  # what changed while asleep is on the phone now

    texts = stored_texts(server, d["prompt_id"])
    assert texts["Ennen unta"] == 1 and texts["Kirjoitettu ennen unta"] == 1
    assert stored_dots(server, d["dots_id"]) == {bus: 2, library: 1 + len(others)}
    assert new_item not in stored_dots(server, d["dots_id"])
    staff.disconnect()
    for phone in [sleeper, *others]:
        phone.close()


def test_a_write_for_a_step_that_ended_while_asleep_is_refused_clearly_not_lost_silently(server):
    d = prepare_live_dialogue(server, dots=3)
    sleeper = Phone(server.url, d["code"], d["id"]).connect()
    half_open = sleeper.forget_socket()
    late = sleeper.send("dot", {"step_id": d["dots_id"], "item_id": d["items"][ITEMS[2]], "delta": 1})
    staff = staff_socket(server, d)
    with database(server) as conn:
        info_id = conn.execute("SELECT id FROM step WHERE dialogue_id = ? AND kind = 'info' ORDER BY position",
                               (d["id"],)).fetchone()[0]
    act(staff, "go_to_step", step_id=info_id)  # the dots step is over
    half_open.disconnect()
    sleeper.connect()
    sleeper.wait_all_acked()
    ack = sleeper.acks[late]
    assert ack["ok"] is False and ack["error"]  # the phone shows why; nothing half-done
    assert stored_dots(server, d["dots_id"]) == {}
    staff.disconnect()
    sleeper.close()


def test_a_phone_back_online_with_a_full_outbox_is_slowed_but_loses_nothing(server):
    """More queued writes than the rate limit's burst: some are told to wait, all arrive once."""
    d = prepare_live_dialogue(server, dots=3)
    phone = Phone(server.url, d["code"], d["id"], http=joined_session(server.url, d["code"]))
    texts = [f"Jonossa {n}" for n in range(30)]
    for text in texts:
        phone.send("contribute", {"step_id": d["prompt_id"], "text": text})  # offline: all queued
    assert len(phone.outbox) == 30
    phone.connect()
    phone.wait_all_acked(timeout=60)
    assert phone.retries > 0  # the flood was slowed down ...
    assert all(ack["ok"] for ack in phone.acks.values())
    assert stored_texts(server, d["prompt_id"]) == Counter(texts)  # ... and nothing was lost
    phone.close()
