"""Ranking (`rank`): scores and ballot rules."""
from __future__ import annotations

from tests.support.rooms import Room, by_id


def test_rank_scores_and_ballot_rules(make):
    room = Room(make, "rank", k=2)
    a, b, c = room.item_ids()
    p1, p2 = room.phone(), room.phone()
    assert room.act(p1, "rank", step_id=room.step_id, place_1=a, place_2=b)["ok"]
    assert room.act(p2, "rank", step_id=room.step_id, place_1=b, place_2="")["ok"]
    assert not room.act(p2, "rank", step_id=room.step_id, place_1=c, place_2=c)["ok"]
    assert not room.act(p2, "rank", step_id=room.step_id, place_1="", place_2=c)["ok"]
    assert room.act(p1, "rank", step_id=room.step_id, place_1=c, place_2=a)["ok"]  # a new ballot replaces
    results = room.results()
    assert [by_id(results, i)["score"]["total"] for i in (a, b, c)] == [1, 2, 2]
    assert by_id(results, c)["places"]["total"] == [1, 0]
    page = make.participant_client(room.dialogue).get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    assert page.count("<select") == 2 and "draggable" not in page
