"""Features of spoken dialogues: the speak signal, private notes, read-aloud choice."""
from __future__ import annotations

from dialogue import db
from dialogue.models import Contribution, Dialogue, Step
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
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_token)
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


def test_private_note_stays_private_until_shared(make):
    d = _dialogue_with(make, [("prompt", {"private_notes": True})])
    staff, step = _go(make, d, 1)
    author_http = make.participant_client(d)
    author = make.socket(author_http, "participant", d)
    other_http = make.participant_client(d)
    ack = author.emit("act", "contribute", {"step_id": step.id, "text": "Oma ajatus", "client_id": cid()},
                      callback=True)
    assert ack["ok"]
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_token)
    wall = [m["args"][0] for m in screen.get_received() if m["name"] == "live"][-1]["step"]["wall"]
    assert wall == []
    assert "Oma ajatus" in author_http.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Oma ajatus" not in other_http.get(f"/p/{d.code}").get_data(as_text=True)
    # another participant cannot share it
    other = make.socket(other_http, "participant", d)
    assert not other.emit("act", "share_note", {"contribution_id": ack["id"], "client_id": cid()}, callback=True)["ok"]
    assert author.emit("act", "share_note", {"contribution_id": ack["id"], "client_id": cid()}, callback=True)["ok"]
    wall = [m["args"][0] for m in screen.get_received() if m["name"] == "live"][-1]["step"]["wall"]
    assert [c["text"] for c in wall] == ["Oma ajatus"]


def test_read_aloud_choice_keeps_report_only_insights_off_the_screen(make, client):
    d = _dialogue_with(make, [("prompt", {"read_aloud_choice": True})])
    staff, step = _go(make, d, 1)
    phone_http = make.participant_client(d)
    phone_http.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": step.id, "client_id": cid(),
                                              "text": "Saa lukea", "read_aloud": "1"})
    phone_http.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": step.id, "client_id": cid(),
                                              "text": "Vain raporttiin", "read_aloud": ""})
    screen = client.get(f"/s/{d.screen_token}/state").get_json()
    assert [c["text"] for c in screen["step"]["wall"]] == ["Saa lukea"]
    flags = {c.text: c.extra.get("read_aloud") for c in db.session.query(Contribution)}
    assert flags == {"Saa lukea": True, "Vain raporttiin": False}


def test_i_heard_step_is_written_by_decision_makers_and_read_by_residents(make, client):
    d = _dialogue_with(make, [("prompt", {"writers": "decision_makers"})])
    with db.write() as s:
        s.get(Dialogue, d.id).ask_role = True
    staff, step = _go(make, d, 1)
    resident = make.participant_client(d, role="resident")
    resident.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": step.id, "client_id": cid(),
                                            "text": "Asukas yrittää"})
    assert db.session.query(Contribution).count() == 0
    dm = make.participant_client(d, role="decision_maker")
    dm.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": step.id, "client_id": cid(),
                                      "text": "Kuulin, että bussit ovat ongelma"})
    page = resident.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Kuulin, että bussit ovat ongelma" in page and 'name="text"' not in page
    wall = client.get(f"/s/{d.screen_token}/state").get_json()["step"]["wall"]
    assert wall[0]["decision_maker"] is True
