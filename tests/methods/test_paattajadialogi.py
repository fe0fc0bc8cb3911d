"""Päättäjädialogi (methods/paattajadialogi) and its follow-up meeting (methods/seuranta):
questions beforehand, decision-makers on helper links, commitments and clarity ratings,
"you said – we did"."""
from __future__ import annotations

import re

import pytest
from flask_babel import refresh

from dialogue import db, methodology
from dialogue.models import Contribution, Dialogue, Helper, Item
from tests.conftest import cid

pytestmark = pytest.mark.usefixtures("app")  # the app loads the method registry


SPOKEN_METHODS = ("eratauko", "paattajadialogi", "seuranta", "salonki")


def _lang_of(html: str) -> str:
    return re.search(r'<html lang="([a-z]{2})"', html).group(1)


def _go(staff, step) -> None:
    ack = staff.emit("act", "go_to_step", {"step_id": step.id, "client_id": cid()}, callback=True)
    assert ack["ok"], ack


def _dialogue_for(make, key):
    """A dialogue of `key`; a follow-up meeting follows a decision-maker dialogue with a commitment."""
    if key != "seuranta":
        return make.dialogue(method=key, topic="Työnhaku maaseudulla")
    first = make.dialogue(method="paattajadialogi")
    staff = make.socket(make.facilitator_client(first.owner), "facilitator", first)
    commit_step = next(s for s in first.steps if s.kind == "commitments")
    _go(staff, commit_step)
    assert staff.emit("act", "add_commitment", {"step_id": commit_step.id, "client_id": cid(),
                                                "text": "Bussi Juvalta kulkee myös iltaisin", "who": "Juvan kunta",
                                                "due": "2027-05-31"}, callback=True)["ok"]
    return make.dialogue(owner=first.owner, method="seuranta", follows_id=first.id)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace(
        '"', "&#34;")


def _broken(key: str, change) -> dict:
    import json
    data = json.loads((methodology.METHODS_DIR / key / "method.json").read_text(encoding="utf-8"))
    change(data)
    return data


def _staff(make, d):
    return make.socket(make.facilitator_client(d.owner), "facilitator", d)


def _steps(d) -> dict[str, object]:
    """A dialogue's steps by their English title."""
    return {s.texts["en"]["title"]: s for s in db.session.get(Dialogue, d.id).steps}


def _ok(ack) -> dict:
    assert ack.get("ok"), ack
    return ack


def _helper(make, d, kind="scribe", table=""):
    staff = _staff(make, d)
    _ok(staff.emit("act", "helper_create", {"kind": kind, "label": "Kirjuri", "table": table,
                                             "client_id": cid()}, callback=True))
    helper = db.session.query(Helper).filter_by(dialogue_id=d.id).order_by(Helper.id.desc()).first()
    return helper.link_token


# -- phones down ---------------------------------------------------------------------


def test_decision_maker_methods_ask_the_role_and_the_follow_up_is_not_offered_alone(make):
    assert make.dialogue(method="paattajadialogi").ask_role
    assert not make.dialogue(method="eratauko").ask_role
    assert "seuranta" not in methodology.listed() and "paattajadialogi" in methodology.listed()
    fac = make.facilitator()
    page = make.facilitator_client(fac).get("/console/new").get_data(as_text=True)
    assert 'value="paattajadialogi"' in page and 'value="seuranta"' not in page


def test_decision_maker_dialogue_questions_before_and_clarity_ratings_of_commitments(make, client):
    d = make.dialogue(method="paattajadialogi", state="open")
    staff = _staff(make, d)
    steps = _steps(d)
    questions = steps["Questions to the decision-makers"]
    # open before the meeting: a resident asks and another upvotes
    asker = make.socket(make.participant_client(d, role="resident"), "participant", d)
    q = _ok(asker.emit("act", "ask", {"step_id": questions.id, "text": "Miksi bussi ei kulje?",
                                      "client_id": cid()}, callback=True))
    voter = make.socket(make.participant_client(d, role="resident"), "participant", d)
    _ok(voter.emit("act", "upvote", {"step_id": questions.id, "item_id": q["item_id"], "client_id": cid()},
                   callback=True))
    _go(staff, steps["Joint dialogue"])  # starts the meeting
    assert db.session.get(Dialogue, d.id).state == "running"
    refresh()
    page = make.facilitator_client(d.owner).get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    assert "Questions by upvotes (1)" in page and "Miksi bussi ei kulje?" in page
    _go(staff, steps["Commitments"])
    card = _ok(staff.emit("act", "add_commitment", {"step_id": steps["Commitments"].id, "text": "Iltavuoro",
                                                    "who": "Juvan kunta", "due": "2027-06-30", "client_id": cid()},
                          callback=True))
    _go(staff, steps["How clear were the commitments?"])
    rating = steps["How clear were the commitments?"]
    item = db.session.query(Item).filter_by(step_id=rating.id).one()
    assert item.text == "Iltavuoro – Juvan kunta" and item.contribution_id == card["id"]
    _ok(asker.emit("act", "rate", {"step_id": rating.id, "item_id": item.id, "rating_clarity": 4,
                                   "client_id": cid()}, callback=True))
    _ok(voter.emit("act", "rate", {"step_id": rating.id, "item_id": item.id, "rating_clarity": 2,
                                   "client_id": cid()}, callback=True))
    from dialogue.export.report import build_report
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="en")
    blocks = {b["heading"]: b for b in model["method_section"]["blocks"]}
    assert blocks["Questions by votes"]["table"]["rows"] == [["Miksi bussi ei kulje?", 1, ""]]
    assert blocks["Commitments"]["table"]["rows"] == [["Iltavuoro", "Juvan kunta", "Jun 30, 2027", "Proposed", ""]]
    assert blocks["How clear were the commitments?"]["table"]["rows"] == [["Iltavuoro – Juvan kunta", "3.0", 2]]


def test_a_decision_maker_helper_link_writes_i_heard_and_accepts_commitments(make, client):
    d = make.dialogue(method="paattajadialogi")
    staff = _staff(make, d)
    steps = _steps(d)
    token = _helper(make, d, kind="decision_maker")
    helper_http = make.app.test_client()
    refresh()
    page = helper_http.get(f"/h/{token}?lang=en").get_data(as_text=True)
    assert "I heard…" in page and "Staff note" not in page
    _go(staff, steps["Decision-makers: I heard…"])
    helper_http.post(f"/h/{token}/act", data={"action": "contribute", "text": "Kuulin, että ilta on vaikea",
                                              "step_id": steps["Decision-makers: I heard…"].id, "client_id": cid()})
    wall = client.get(f"/s/{d.screen_link_token}/state").get_json()["step"]["wall"]
    assert wall == [{"id": wall[0]["id"], "text": "Kuulin, että ilta on vaikea", "decision_maker": True}]
    _go(staff, steps["Commitments"])
    card = _ok(staff.emit("act", "add_commitment", {"step_id": steps["Commitments"].id, "text": "Selvitetään",
                                                    "who": "Kunta", "client_id": cid()}, callback=True))
    refresh()
    assert 'value="accept_commitment"' in helper_http.get(f"/h/{token}?lang=en").get_data(as_text=True)
    helper_http.post(f"/h/{token}/act", data={"action": "accept_commitment", "contribution_id": card["id"],
                                              "client_id": cid()})
    assert db.session.get(Contribution, card["id"]).extra["status"] == "accepted"


# -- follow-up meetings ------------------------------------------------------------------


def test_the_console_makes_a_follow_up_meeting_that_shows_and_rates_the_commitments(make):
    d = make.dialogue(method="paattajadialogi")
    staff = _staff(make, d)
    steps = _steps(d)
    _go(staff, steps["Commitments"])
    card = _ok(staff.emit("act", "add_commitment", {"step_id": steps["Commitments"].id, "text": "Chat-palvelu",
                                                    "who": "TE-palvelut", "due": "2027-01-31", "client_id": cid()},
                          callback=True))
    console = make.facilitator_client(d.owner)
    refresh()
    assert "Create a follow-up meeting" in console.get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    r = console.post(f"/console/d/{d.id}/follow-up")
    assert r.status_code == 303 and "/prepare" in r.headers["Location"]
    follow = db.session.query(Dialogue).filter_by(follows_id=d.id).one()
    assert follow.method == "seuranta" and follow.state == "draft" and follow.ask_role
    # another facilitator cannot make one of a dialogue that is not theirs
    other = make.facilitator_client(make.facilitator())
    assert other.post(f"/console/d/{d.id}/follow-up").status_code == 404
    # a dialogue without commitments has no follow-up
    plain = make.dialogue(owner=d.owner, method="eratauko")
    assert console.post(f"/console/d/{plain.id}/follow-up").status_code == 404
    # the follow-up: the original card, its status set there, rated by residents
    f_staff = _staff(make, follow)
    f_steps = _steps(follow)
    refresh()
    assert "Follows up" in console.get(f"/console/d/{follow.id}?lang=en").get_data(as_text=True)
    _go(f_staff, f_steps["You said – we did"])
    _ok(f_staff.emit("act", "commitment_status", {"contribution_id": card["id"], "status": "done",
                                                  "status_note": "Avattu 1.2.", "client_id": cid()}, callback=True))
    _go(f_staff, f_steps["How were the commitments kept?"])
    rating = f_steps["How were the commitments kept?"]
    item = db.session.query(Item).filter_by(step_id=rating.id).one()
    assert item.text == "Chat-palvelu – TE-palvelut"
    resident = make.socket(make.participant_client(follow), "participant", follow)
    _ok(resident.emit("act", "rate", {"step_id": rating.id, "item_id": item.id, "rating_kept": 5,
                                      "client_id": cid()}, callback=True))
    from dialogue.export.report import build_report
    model = build_report(db.session, db.session.get(Dialogue, follow.id), lang="en")
    assert model["method_section"]["title"] == "You said – we did"
    blocks = {b["heading"]: b for b in model["method_section"]["blocks"]}
    assert blocks["Commitments and their status"]["table"]["rows"] == [
        ["Chat-palvelu", "TE-palvelut", "Jan 31, 2027", "Done", "Avattu 1.2."]]
    assert blocks["How were the commitments kept?"]["table"]["rows"] == [["Chat-palvelu – TE-palvelut", "5.0", 1]]


# -- private notes shared later ---------------------------------------------------------
