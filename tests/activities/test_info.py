"""Information slides (`info`): participants confirm the ground rules once, and the console
and the screen count them; a slide that needs no confirmation refuses one."""
from __future__ import annotations

from dialogue.models import Acknowledgement
from tests.conftest import cid
from tests.support.rooms import Room


def test_confirming_counts_once_per_participant_and_reaches_the_console(make):
    room = Room(make, "info", items=(), acknowledge=True)
    phones = [room.phone() for _ in range(3)]
    for phone in phones:
        ack = room.act(phone, "acknowledge", step_id=room.step_id)
        assert ack["ok"] and ack["message"] == "Thank you. You have agreed to these."
    again = room.act(phones[0], "acknowledge", step_id=room.step_id)
    assert again["ok"]  # confirming twice is harmless, and still counts once
    from dialogue import activities, db
    step = room.step()
    assert db.session.query(Acknowledgement).filter_by(step_id=step.id).count() == 3
    assert activities.get("info").live_state(db.session, step, staff=True)["acknowledged"] == 3


def test_a_slide_without_confirmation_refuses_one_and_changes_nothing(make):
    room = Room(make, "info", items=())
    ack = room.act(room.phone(), "acknowledge", step_id=room.step_id, client_id=cid())
    assert not ack["ok"] and ack["error"] == "This step does not need to be acknowledged."
    from dialogue import db
    assert db.session.query(Acknowledgement).count() == 0
