"""The foundation: create, join, contribute, follow live, hide, export."""
from __future__ import annotations

import json

from dialogue import db
from dialogue.models import Contribution, Dialogue
from tests.conftest import cid


def steps(dialogue_id):
    return db.session.get(Dialogue, dialogue_id).steps


def test_home_page_asks_for_the_code(client):
    page = client.get("/")
    assert page.status_code == 200
    assert "Liity keskusteluun" in page.get_data(as_text=True)


def test_wrong_code_gets_a_clear_message(client):
    page = client.post("/", data={"code": "ZZZZZZ"})
    assert page.status_code == 400
    html = page.get_data(as_text=True)
    assert 'role="alert"' in html


def test_repeated_wrong_codes_are_slowed_down(client):
    for _ in range(5):
        assert client.post("/", data={"code": "ZZZZZZ"}).status_code == 400
    assert client.post("/", data={"code": "ZZZZZZ"}).status_code == 429


def test_right_code_leads_to_the_join_page_in_any_case(client, make):
    d = make.dialogue()
    page = client.post("/", data={"code": f" {d.code.lower()[:3]} {d.code.lower()[3:]} "})
    assert page.status_code == 302
    assert page.headers["Location"].endswith(f"/j/{d.code}")


def test_join_creates_an_anonymous_participant_and_shows_the_step(make):
    d = make.dialogue()
    phone = make.participant_client(d)
    page = phone.get(f"/p/{d.code}")
    assert page.status_code == 200
    assert "Tervetuloa" in page.get_data(as_text=True)


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
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_token)
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


def test_participant_cannot_use_staff_events(make):
    d = make.dialogue()
    phone = make.socket(make.participant_client(d), "participant", d)
    ack = phone.emit("act", "go_to_step", {"step_id": steps(d.id)[1].id, "client_id": cid()}, callback=True)
    assert ack == {"ok": False, "error": ack["error"]} and ack["error"]
    assert db.session.get(Dialogue, d.id).current_step_id == steps(d.id)[0].id


def test_participant_of_one_dialogue_cannot_write_to_another(make):
    a, b = make.dialogue(), make.dialogue()
    phone_http = make.participant_client(a)
    assert not make.socket(phone_http, "participant", b).is_connected()
    r = phone_http.post(f"/p/{b.code}/act", data={"action": "contribute", "step_id": steps(b.id)[1].id,
                                                  "client_id": cid(), "text": "x"})
    assert db.session.query(Contribution).count() == 0


def test_step_change_reaches_every_phone(make):
    d = make.dialogue()
    phones = [make.socket(make.participant_client(d), "participant", d) for _ in range(3)]
    for p in phones:
        p.get_received()
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    staff.emit("act", "go_to_step", {"step_id": steps(d.id)[2].id, "client_id": cid()}, callback=True)
    for p in phones:
        states = [m["args"][0] for m in p.get_received() if m["name"] == "state"]
        assert states[-1]["step_id"] == steps(d.id)[2].id


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
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_token)
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


def test_facilitator_sees_only_own_dialogues(make):
    mine = make.dialogue(title="Oma")
    other = make.dialogue(title="Toisen")
    c = make.facilitator_client(mine.owner)
    assert "Oma" in c.get("/console/").get_data(as_text=True)
    assert "Toisen" not in c.get("/console/").get_data(as_text=True)
    assert c.get(f"/console/d/{other.id}").status_code == 404
    assert c.get(f"/console/d/{other.id}/export.json").status_code == 404


def test_cli_creates_facilitator_and_dialogue(runner):
    result = runner.invoke(args=["create-facilitator", "uusi@example.fi", "--password", "pitkasalasana"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["new-dialogue", "--method", "ideakierros", "--title", "Juva",
                                 "--owner", "uusi@example.fi", "--lang", "sv"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc) >= {"id", "code", "join_url", "screen_url"}
    assert doc["join_url"] == f"http://osuva.test/j/{doc['code']}"
    assert db.session.get(Dialogue, doc["id"]).language == "sv"


def test_join_code_avoids_look_alikes(make):
    codes = {make.dialogue().code for _ in range(20)}
    assert all(len(c) == 6 and not set(c) & set("0O1IL") for c in codes)


def test_qr_code_is_svg_for_the_join_address(client, make):
    d = make.dialogue()
    r = client.get(f"/j/{d.code}/qr.svg")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml"
    assert r.get_data(as_text=True).startswith("<svg")
