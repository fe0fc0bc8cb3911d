"""The silent "I'd like to speak" signal: an anonymous queue only the facilitator sees."""
from __future__ import annotations

from dialogue import db
from dialogue.models import Dialogue, Step
from tests.conftest import cid


def _dialogue_with(make, config_by_kind):
    d = make.dialogue(method="blank")
    with db.write() as s:
        for n, (kind, config) in enumerate(config_by_kind, 1):
            s.add(Step(dialogue_id=d.id, position=n, kind=kind, config=config,
                       texts={"fi": {"title": f"Vaihe {n}", "body": ""}}))
    return db.session.get(Dialogue, d.id)


def _go(make, d, position):
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    step = db.session.get(Dialogue, d.id).steps[position]
    assert staff.emit("act", "go_to_step", {"step_id": step.id, "client_id": cid()}, callback=True)["ok"]
    return staff, step


def test_speak_signal_is_an_anonymous_queue_for_the_facilitator_only(make):
    d = _dialogue_with(make, [("info", {"phones_down": True, "speak_signal": True})])
    staff, step = _go(make, d, 1)
    phone_http = make.participant_client(d)
    page = phone_http.get(f"/p/{d.code}").get_data(as_text=True)
    assert 'name="action" value="speak"' in page
    phone = make.socket(phone_http, "participant", d)
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_link_token)
    screen.get_received()
    staff.get_received()
    assert phone.emit("act", "speak", {"raise": True, "client_id": cid()}, callback=True)["ok"]
    staff_live = [m["args"][0] for m in staff.get_received() if m["name"] == "live"][-1]
    assert len(staff_live["speak_queue"]) == 1 and set(staff_live["speak_queue"][0]) == {"id", "waiting_seconds"}
    assert all("speak_queue" not in m["args"][0] for m in screen.get_received() if m["name"] == "live")
    request_id = staff_live["speak_queue"][0]["id"]
    assert staff.emit("act", "speaker_done", {"request_id": request_id, "client_id": cid()}, callback=True)["ok"]
    staff_live = [m["args"][0] for m in staff.get_received() if m["name"] == "live"][-1]
    assert staff_live["speak_queue"] == []
    # a participant cannot clear the queue
    assert not phone.emit("act", "speaker_done", {"request_id": request_id, "client_id": cid()}, callback=True)["ok"]


def test_speak_is_refused_outside_a_step_with_the_signal(make):
    d = _dialogue_with(make, [("info", {"phones_down": True})])
    _go(make, d, 1)
    phone = make.socket(make.participant_client(d), "participant", d)
    ack = phone.emit("act", "speak", {"raise": True, "client_id": cid()}, callback=True)
    assert not ack["ok"] and ack["error"]
