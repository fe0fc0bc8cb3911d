"""Polls (`poll`): single and multiple choice."""
from __future__ import annotations

from tests.support.rooms import Room, by_id


def test_poll_single_choice_replaces_and_multiple_is_limited(make):
    room = Room(make, "poll")
    a, b, c = room.item_ids()
    phone = room.phone()
    assert room.act(phone, "poll_vote", step_id=room.step_id, choice=str(a))["ok"]
    assert room.act(phone, "poll_vote", step_id=room.step_id, choice=str(b))["ok"]
    two = room.act(phone, "poll_vote", step_id=room.step_id, choice=[str(a), str(b)])
    assert not two["ok"]
    results = room.results()
    assert [by_id(results, i)["votes"]["total"] for i in (a, b, c)] == [0, 1, 0]
    multi = Room(make, "poll", multiple=True, max_choices=2)
    x, y, z = multi.item_ids()
    phone = multi.phone()
    assert multi.act(phone, "poll_vote", step_id=multi.step_id, choice=[str(x), str(y)])["ok"]
    assert not multi.act(phone, "poll_vote", step_id=multi.step_id, choice=[str(x), str(y), str(z)])["ok"]
    assert not multi.act(phone, "poll_vote", step_id=multi.step_id, choice=[])["ok"]
    results = multi.results()
    assert by_id(results, x)["share"] == 1.0 and results["votes"]["total"] == 2
