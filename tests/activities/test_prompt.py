"""Open contributions (`prompt`): written with and without JavaScript, exactly once, on the wall
and off it when hidden; private notes shared later; the read-aloud choice; "I heard…" entries."""
from __future__ import annotations

import json
import re

from dialogue import db
from dialogue.models import Contribution, Dialogue, Step
from tests.conftest import cid


def steps(dialogue_id):
    return db.session.get(Dialogue, dialogue_id).steps


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


def test_contribution_without_javascript_is_stored_once_per_client_id(make):
    d = make.dialogue()
    owner_client = make.facilitator_client(d.owner)
    prompt = steps(d.id)[1]
    owner_client.post(f"/console/d/{d.id}/act", data={"action": "go_to_step", "step_id": prompt.id, "client_id": cid()})
    phone = make.participant_client(d)
    write_id = cid()
    for _ in range(2):
        r = phone.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": prompt.id,
                                                 "client_id": write_id, "text": "  Bussi kulkee harvoin  "})
        assert r.status_code == 303
    rows = db.session.query(Contribution).filter_by(step_id=prompt.id).all()
    assert [c.text for c in rows] == ["Bussi kulkee harvoin"]
    page = phone.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Bussi kulkee harvoin" in page


def test_empty_contribution_is_refused_with_a_message(make):
    d = make.dialogue()
    prompt = steps(d.id)[1]
    make.facilitator_client(d.owner).post(
        f"/console/d/{d.id}/act", data={"action": "go_to_step", "step_id": prompt.id, "client_id": cid()})
    phone = make.participant_client(d)
    phone.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": prompt.id,
                                         "client_id": cid(), "text": "   \n "})
    page = phone.get(f"/p/{d.code}").get_data(as_text=True)
    assert "msg-error" in page
    assert db.session.query(Contribution).count() == 0


def test_contribution_to_a_step_that_is_not_on_is_refused(make):
    d = make.dialogue()
    prompt = steps(d.id)[1]
    phone = make.participant_client(d)
    phone.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": prompt.id,
                                         "client_id": cid(), "text": "Liian aikaisin"})
    assert db.session.query(Contribution).count() == 0


def test_socket_contribute_acks_after_commit_and_reaches_the_screen(make):
    d = make.dialogue()
    owner = make.facilitator_client(d.owner)
    staff = make.socket(owner, "facilitator", d)
    ack = staff.emit("act", "go_to_step", {"step_id": steps(d.id)[1].id, "client_id": cid()}, callback=True)
    assert ack["ok"]
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_link_token)
    screen.get_received()
    phone_http = make.participant_client(d)
    phone = make.socket(phone_http, "participant", d)
    first = phone.get_received()
    assert first[0]["name"] == "state" and first[0]["args"][0]["step_id"] == steps(d.id)[1].id
    write_id = cid()
    ack = phone.emit("act", "contribute", {"step_id": steps(d.id)[1].id, "client_id": write_id,
                                          "text": "Neuvoja saa puhelimessa"}, callback=True)
    assert ack["ok"] and not ack.get("duplicate")
    again = phone.emit("act", "contribute", {"step_id": steps(d.id)[1].id, "client_id": write_id,
                                            "text": "Neuvoja saa puhelimessa"}, callback=True)
    assert again["ok"] and again["duplicate"]
    assert db.session.query(Contribution).count() == 1
    lives = [m["args"][0] for m in screen.get_received() if m["name"] == "live"]
    assert lives and lives[-1]["step"]["wall"][0]["text"] == "Neuvoja saa puhelimessa"
    # phones get no wall broadcast
    assert all(m["name"] != "live" for m in phone.get_received())


def test_hidden_contribution_leaves_screen_and_export(make, runner, tmp_path):
    d = make.dialogue()
    staff_http = make.facilitator_client(d.owner)
    staff = make.socket(staff_http, "facilitator", d)
    prompt = steps(d.id)[1]
    staff.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    phone = make.socket(make.participant_client(d), "participant", d)
    for text in ("Pidä tämä", "Piilota tämä"):
        phone.emit("act", "contribute", {"step_id": prompt.id, "client_id": cid(), "text": text}, callback=True)
    hidden_id = db.session.query(Contribution).filter_by(text="Piilota tämä").one().id
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_link_token)
    screen.get_received()
    staff.emit("act", "set_hidden", {"contribution_id": hidden_id, "hidden": True, "client_id": cid()}, callback=True)
    wall = [m["args"][0] for m in screen.get_received() if m["name"] == "live"][-1]["step"]["wall"]
    assert [c["text"] for c in wall] == ["Pidä tämä"]
    out = tmp_path / "export.json"
    result = runner.invoke(args=["export", str(d.id), "--format", "json", "--out", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text())
    assert doc["schema"].startswith("osuva.dialogue/")
    texts = [c["text"] for c in doc["steps"][1]["contributions"]]
    assert texts == ["Pidä tämä"]
    download = staff_http.get(f"/console/d/{d.id}/export.json")
    assert download.status_code == 200 and "Piilota tämä" not in download.get_data(as_text=True)


def test_private_note_stays_private_until_shared(make):
    d = _dialogue_with(make, [("prompt", {"private_notes": True})])
    staff, step = _go(make, d, 1)
    author_http = make.participant_client(d)
    author = make.socket(author_http, "participant", d)
    other_http = make.participant_client(d)
    ack = author.emit("act", "contribute", {"step_id": step.id, "text": "Oma ajatus", "client_id": cid()},
                      callback=True)
    assert ack["ok"]
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_link_token)
    wall = [m["args"][0] for m in screen.get_received() if m["name"] == "live"][-1]["step"]["wall"]
    assert wall == []
    page = author_http.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Oma ajatus" in page
    # A private note is saved, not sent; its share button comes before the form (no scrolling down for it).
    assert "Tallenna muistiinpano" in page and "Lähetä" not in page.split("<main", 1)[1]
    assert page.index('data-action="share_note"') < page.index("<textarea")
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
    # Nothing that shares one's words is preselected: neither answer is checked, one must be chosen.
    page = phone_http.get(f"/p/{d.code}").get_data(as_text=True)
    radios = re.findall(r"<input[^>]*name=\"read_aloud\"[^>]*>", page)
    assert len(radios) == 2 and not any("checked" in r for r in radios)
    assert all("required" in r for r in radios)
    phone_http.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": step.id, "client_id": cid(),
                                              "text": "Saa lukea", "read_aloud": "1"})
    phone_http.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": step.id, "client_id": cid(),
                                              "text": "Vain raporttiin", "read_aloud": ""})
    phone_http.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": step.id, "client_id": cid(),
                                              "text": "Ei valintaa"})
    screen = client.get(f"/s/{d.screen_link_token}/state").get_json()
    assert [c["text"] for c in screen["step"]["wall"]] == ["Saa lukea"]
    flags = {c.text: c.extra.get("read_aloud") for c in db.session.query(Contribution)}
    assert flags == {"Saa lukea": True, "Vain raporttiin": False, "Ei valintaa": False}


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
    wall = client.get(f"/s/{d.screen_link_token}/state").get_json()["step"]["wall"]
    assert wall[0]["decision_maker"] is True
