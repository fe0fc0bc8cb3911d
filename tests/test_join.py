"""Joining a dialogue: the code, anonymous participants, live step changes, who may see what."""
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
