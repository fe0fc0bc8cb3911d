"""Questions to speakers (`questions`): upvotes, "I didn't understand", staff marks."""
from __future__ import annotations

from dialogue import db
from dialogue.models import (
    Dialogue,
)
from dialogue.realtime.snapshot import live_state
from tests.support.rooms import Room, by_id


def test_questions_upvotes_signal_and_staff_marks(make):
    room = Room(make, "questions", items=[], moderate=True)
    asker, voter = room.phone(), room.phone()
    ack = room.act(asker, "ask", step_id=room.step_id, text="Miten haen tukea?")
    assert ack["ok"] and ack["pending"]
    q = ack["item_id"]
    assert not room.act(voter, "upvote", step_id=room.step_id, item_id=q)["ok"]  # not yet approved
    assert room.act(room.staff, "moderate_item", item_id=q, approve="1")["ok"]
    assert room.act(voter, "upvote", step_id=room.step_id, item_id=q)["ok"]
    assert room.act(voter, "upvote", step_id=room.step_id, item_id=q)["ok"]  # the same upvote again
    assert not room.act(asker, "upvote", step_id=room.step_id, item_id=q)["ok"]  # own question
    assert by_id(room.results(), q)["upvotes"]["total"] == 1
    for phone in (asker, voter):
        assert room.act(phone, "not_understood", step_id=room.step_id, on="1")["ok"]
    assert room.act(voter, "not_understood", step_id=room.step_id, on="1")["ok"]
    assert room.results()["not_understood"] == {"active": 2, "presses": 2}
    staff_state = live_state(db.session, db.session.get(Dialogue, room.dialogue.id), staff=True)
    assert staff_state["step"]["results"]["not_understood"] == 2
    screen_state = live_state(db.session, db.session.get(Dialogue, room.dialogue.id), staff=False)
    assert "not_understood" not in screen_state["step"]["results"]
    assert room.act(room.staff, "clear_not_understood", step_id=room.step_id)["ok"]
    assert room.results()["not_understood"] == {"active": 0, "presses": 2}
    assert room.act(room.staff, "question_state", item_id=q, highlighted="1")["ok"]
    screen_state = live_state(db.session, db.session.get(Dialogue, room.dialogue.id), staff=False)
    assert screen_state["step"]["results"]["highlight"] == "Miten haen tukea?"
    assert room.act(room.staff, "question_state", item_id=q, answered="1")["ok"]
    row = by_id(room.results(), q)
    assert row["answered"] and not row["highlighted"]
    helper, _ = room.helper()
    assert not room.act(helper, "question_state", item_id=q, answered="")["ok"]
    assert room.results()["participants"]["phone"] == 2
