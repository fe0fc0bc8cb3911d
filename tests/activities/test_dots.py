"""Dot voting (`dots`): budgets, caps, and voting without JavaScript."""
from __future__ import annotations

import re

from tests.conftest import cid
from tests.support.rooms import Room, by_id


def test_dots_budget_and_cap_are_enforced_with_clear_messages(make):
    room = Room(make, "dots", dots=3, max_per_item=2)
    a, b, c = room.item_ids()
    phone = room.phone()
    first = room.act(phone, "dot", step_id=room.step_id, item_id=a, delta=1)
    assert first["ok"] and first["remaining"] == 2
    assert room.act(phone, "dot", step_id=room.step_id, item_id=a, delta=1)["remaining"] == 1
    over_cap = room.act(phone, "dot", step_id=room.step_id, item_id=a, delta=1)
    assert not over_cap["ok"] and "at most 2" in over_cap["error"]
    assert room.act(phone, "dot", step_id=room.step_id, item_id=b, delta=1)["remaining"] == 0
    over_budget = room.act(phone, "dot", step_id=room.step_id, item_id=c, delta=1)
    assert not over_budget["ok"] and "no dots left" in over_budget["error"]
    # moving a dot: take one back, then it can go elsewhere
    back = room.act(phone, "dot", step_id=room.step_id, item_id=a, delta=-1)
    assert back["ok"] and back["remaining"] == 1
    assert room.act(phone, "dot", step_id=room.step_id, item_id=c, delta=1)["ok"]
    nothing_here = room.act(phone, "dot", step_id=room.step_id, item_id=c, delta=-1)
    assert nothing_here["ok"]
    assert not room.act(phone, "dot", step_id=room.step_id, item_id=c, delta=-1)["ok"]
    results = room.results()
    assert [by_id(results, i)["dots"]["phone"] for i in (a, b, c)] == [1, 1, 0]
    assert results["dots"] == {"phone": 2, "staff": 0, "total": 2}
    assert results["participants"]["phone"] == 1


def test_dots_default_budget_is_three_and_cap_is_the_budget(make):
    room = Room(make, "dots")
    a = room.item_ids()[0]
    phone = room.phone()
    acks = [room.act(phone, "dot", step_id=room.step_id, item_id=a, delta=1) for _ in range(4)]
    assert [x["ok"] for x in acks] == [True, True, True, False]
    assert by_id(room.results(), a)["dots"]["total"] == 3


def test_dot_without_javascript_shows_remaining_dots(make):
    room = Room(make, "dots", dots=2)
    a = room.item_ids()[0]
    phone = make.participant_client(room.dialogue)
    r = phone.post(f"/p/{room.dialogue.code}/act", data={"action": "dot", "step_id": room.step_id,
                                                         "item_id": a, "delta": "1", "client_id": cid()})
    assert r.status_code == 303
    html = phone.get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    left = re.search(r'class="dots-left"[^>]*><strong>([^<]*)<', html).group(1)
    assert re.findall(r"\d+", left) == ["1", "2"]  # 1 of 2 dots left

    # When voting ends, the count of dots left goes: there is nothing left to give.
    assert room.act(room.staff, "close_voting", step_id=room.step_id, closed=True)["ok"]
    html = phone.get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    assert 'class="dots-left"' not in html and "Äänestys on päättynyt" in html
