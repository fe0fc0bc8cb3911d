"""Commitments: staff write cards, a decision-maker accepts, statuses are followed up."""
from __future__ import annotations

from dialogue import db
from dialogue.export.json_export import export_dialogue
from dialogue.models import Contribution, Dialogue, Step
from tests.conftest import cid


def _dialogue(make, config=None):
    d = make.dialogue(method="blank", ask_role=True)
    with db.write() as s:
        s.add(Step(dialogue_id=d.id, position=1, kind="commitments", config=config or {},
                   texts={"fi": {"title": "Sitoumukset", "body": ""}}))
    d = db.session.get(Dialogue, d.id)
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    step = d.steps[1]
    assert staff.emit("act", "go_to_step", {"step_id": step.id, "client_id": cid()}, callback=True)["ok"]
    return d, staff, step


def test_staff_write_a_card_and_it_reaches_phones_and_screen(make, client):
    d, staff, step = _dialogue(make)
    ack = staff.emit("act", "add_commitment", {"step_id": step.id, "client_id": cid(), "text": "Avataan neuvontapiste",
                                               "who": "Mikkelin kaupunki", "due": "2027-03-01"}, callback=True)
    assert ack["ok"], ack
    phone = make.participant_client(d)
    page = phone.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Avataan neuvontapiste" in page and "Mikkelin kaupunki" in page and "2027-03-01" in page
    screen = client.get(f"/s/{d.screen_link_token}/state").get_json()
    assert screen["step"]["results"]["list"][0]["text"] == "Avataan neuvontapiste"


def test_bad_card_is_refused_and_participants_cannot_write_cards(make):
    d, staff, step = _dialogue(make)
    ack = staff.emit("act", "add_commitment", {"step_id": step.id, "client_id": cid(), "text": "X", "who": "Y",
                                               "due": "ensi vuonna"}, callback=True)
    assert not ack["ok"] and ack["error"]
    phone = make.socket(make.participant_client(d), "participant", d)
    ack = phone.emit("act", "add_commitment", {"step_id": step.id, "client_id": cid(), "text": "X", "who": "Y"},
                     callback=True)
    assert not ack["ok"]
    assert db.session.query(Contribution).count() == 0


def test_only_a_decision_maker_accepts_and_status_is_exported(make):
    d, staff, step = _dialogue(make)
    card = staff.emit("act", "add_commitment", {"step_id": step.id, "client_id": cid(), "text": "Lisää bussivuoroja",
                                                "who": "Juvan kunta", "due": ""}, callback=True)["id"]
    resident = make.socket(make.participant_client(d, role="resident"), "participant", d)
    assert not resident.emit("act", "accept_commitment", {"contribution_id": card, "client_id": cid()},
                             callback=True)["ok"]
    dm_http = make.participant_client(d, role="decision_maker")
    assert "I accept this" in dm_http.get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    dm = make.socket(dm_http, "participant", d)
    assert dm.emit("act", "accept_commitment", {"contribution_id": card, "client_id": cid()}, callback=True)["ok"]
    assert staff.emit("act", "commitment_status", {"contribution_id": card, "status": "done", "client_id": cid(),
                                                   "status_note": "Kaksi vuoroa lisää"}, callback=True)["ok"]
    doc = export_dialogue(db.session, db.session.get(Dialogue, d.id))
    exported = doc["steps"][1]["commitments"][0]
    assert exported["status"] == "done" and exported["status_note"] == "Kaksi vuoroa lisää"
    assert exported["who"] == "Juvan kunta" and exported["accepted"]


def test_follow_up_meeting_shows_and_updates_the_original_cards(make):
    d, staff, step = _dialogue(make)
    card = staff.emit("act", "add_commitment", {"step_id": step.id, "client_id": cid(), "text": "Chat-palvelu",
                                                "who": "TE-palvelut", "due": "2027-01-31"}, callback=True)["id"]
    follow = make.dialogue(owner=d.owner, method="blank", follows_id=d.id)
    with db.write() as s:
        s.add(Step(dialogue_id=follow.id, position=1, kind="commitments", config={"follow_up": True},
                   texts={"fi": {"title": "Sanoitte – teimme", "body": ""}}))
    follow = db.session.get(Dialogue, follow.id)
    f_staff = make.socket(make.facilitator_client(d.owner), "facilitator", follow)
    assert f_staff.emit("act", "go_to_step", {"step_id": follow.steps[1].id, "client_id": cid()}, callback=True)["ok"]
    ack = f_staff.emit("act", "commitment_status", {"contribution_id": card, "status": "in_progress",
                                                    "status_note": "Pilotti alkaa", "client_id": cid()}, callback=True)
    assert ack["ok"], ack
    page = make.participant_client(follow).get(f"/p/{follow.code}?lang=en").get_data(as_text=True)
    assert "Chat-palvelu" in page and "In progress" in page and "Pilotti alkaa" in page
    # a dialogue that does not follow it up cannot touch the card
    other = make.dialogue(owner=d.owner, method="blank")
    o_staff = make.socket(make.facilitator_client(d.owner), "facilitator", other)
    assert not o_staff.emit("act", "commitment_status", {"contribution_id": card, "status": "done",
                                                         "client_id": cid()}, callback=True)["ok"]
