"""What the spoken dialogue methods need beyond their definitions: the quiet screen while
phones are down, the speak queue in the console, candidate themes for the theme
choice, the read-aloud list, ratings of commitments, decision-makers through a helper
link, and follow-up meetings."""
from __future__ import annotations

from flask_babel import refresh

from dialogue import db
from dialogue.models import AuditEvent, Contribution, Dialogue, Helper, Item
from tests.conftest import cid


def _staff(make, d):
    return make.socket(make.facilitator_client(d.owner), "facilitator", d)


def _steps(d) -> dict[str, object]:
    """A dialogue's steps by their English title."""
    return {s.texts["en"]["title"]: s for s in db.session.get(Dialogue, d.id).steps}


def _go(staff, step) -> None:
    assert staff.emit("act", "go_to_step", {"step_id": step.id, "client_id": cid()}, callback=True)["ok"]


def _ok(ack) -> dict:
    assert ack.get("ok"), ack
    return ack


def _helper(make, d, kind="scribe", table=""):
    staff = _staff(make, d)
    _ok(staff.emit("act", "helper_create", {"kind": kind, "label": "Kirjuri", "table": table,
                                             "client_id": cid()}, callback=True))
    helper = db.session.query(Helper).filter_by(dialogue_id=d.id).order_by(Helper.id.desc()).first()
    return helper.token


# -- phones down ---------------------------------------------------------------------

def test_phones_down_quiets_the_screen_but_not_the_console(make, client):
    d = make.dialogue(method="eratauko", topic="Työnhaku maaseudulla")
    staff = _staff(make, d)
    steps = _steps(d)
    _go(staff, steps["A moment for your own thoughts"])
    phone = make.socket(make.participant_client(d), "participant", d)
    note = _ok(phone.emit("act", "contribute", {"step_id": steps["A moment for your own thoughts"].id,
                                                "text": "Jaettu ajatus", "client_id": cid()}, callback=True))
    _ok(phone.emit("act", "share_note", {"contribution_id": note["id"], "client_id": cid()}, callback=True))
    _go(staff, steps["Joint dialogue"])
    screen = client.get(f"/s/{d.screen_token}/state").get_json()
    assert screen["phones_down"] and screen["topic"] == "Työnhaku maaseudulla"
    assert screen["step"]["wall"] is None and screen["step"]["results"] is None
    page = client.get(f"/s/{d.screen_token}").get_data(as_text=True)
    assert 'class="screen mode-step phones-down"' in page and "Työnhaku maaseudulla" in page
    # a prompt step with phones down: the console still sees the wall, the screen does not
    with db.write() as s:
        s.get(type(steps["Reflection"]), steps["Reflection"].id).config = {
            **steps["Reflection"].config, "phones_down": True}
    _go(staff, steps["Reflection"])
    _ok(phone.emit("act", "contribute", {"step_id": steps["Reflection"].id, "text": "Toinen", "client_id": cid()},
                   callback=True))
    assert client.get(f"/s/{d.screen_token}/state").get_json()["step"]["wall"] is None


# -- the speak queue ----------------------------------------------------------------------

def test_the_console_shows_the_speak_queue_and_the_first_is_marked_done(make):
    d = make.dialogue(method="eratauko")
    staff = _staff(make, d)
    _go(staff, _steps(d)["Joint dialogue"])
    phones = [make.participant_client(d) for _ in range(2)]
    for http in phones:
        _ok(make.socket(http, "participant", d).emit("act", "speak", {"raise": True, "client_id": cid()},
                                                     callback=True))
    refresh()
    first = phones[0].get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    refresh()
    second = phones[1].get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    assert "You are next." in first and "You are number 2 in the queue." in second
    console = make.facilitator_client(d.owner)
    refresh()
    page = console.get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    assert "Wants to speak" in page and 'data-speak-count>2<' in page
    assert 'value="speaker_done"' in page and "speak_queue.js" in page
    # the "done" button without a request id: the first in the queue has spoken
    refresh()
    r = console.post(f"/console/d/{d.id}/act", data={"action": "speaker_done", "client_id": cid()},
                     follow_redirects=True)
    assert "Marked as spoken." in r.get_data(as_text=True)
    refresh()
    assert "You are next." in phones[1].get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    refresh()
    assert "I would like to speak" in phones[0].get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    # nobody waiting after the second: the button says so instead of failing silently
    _ok(staff.emit("act", "speaker_done", {"client_id": cid()}, callback=True))
    ack = staff.emit("act", "speaker_done", {"client_id": cid()}, callback=True)
    assert not ack["ok"] and ack["error"]


def test_phones_in_the_queue_learn_when_it_moves(make):
    d = make.dialogue(method="eratauko")
    staff = _staff(make, d)
    _go(staff, _steps(d)["Joint dialogue"])
    phone = make.socket(make.participant_client(d), "participant", d)
    phone.get_received()
    _ok(phone.emit("act", "speak", {"raise": True, "client_id": cid()}, callback=True))
    states = [m["args"][0] for m in phone.get_received() if m["name"] == "state"]
    assert states and states[-1]["speakers_waiting"] == 1


# -- candidate themes for the theme choice ---------------------------------------------

def test_scribe_and_facilitator_put_up_candidate_themes_that_phones_vote_on(make):
    d = make.dialogue(method="eratauko")
    staff = _staff(make, d)
    steps = _steps(d)
    choice = steps["What shall we talk more about?"]
    _go(staff, steps["Joint dialogue"])
    token = _helper(make, d)
    scribe_page = make.app.test_client().get(f"/h/{token}?lang=en").get_data(as_text=True)
    assert "Themes to choose from" in scribe_page and 'value="add_candidate"' in scribe_page
    scribe = make.socket(make.app.test_client(), "helper", d, token=token)
    _ok(scribe.emit("act", "add_candidate", {"step_id": choice.id, "text": "Bussiyhteydet", "client_id": cid()},
                    callback=True))
    # the facilitator adds one from the run view's form (no JavaScript: a form post)
    console = make.facilitator_client(d.owner)
    refresh()
    assert "Themes to choose from" in console.get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    console.post(f"/console/d/{d.id}/act", data={"action": "add_candidate", "step_id": choice.id,
                                                 "text": "Yksinäisyys", "client_id": cid()})
    dup = staff.emit("act", "add_candidate", {"step_id": choice.id, "text": "bussiyhteydet", "client_id": cid()},
                     callback=True)
    assert not dup["ok"]
    # a participant cannot, and a step that takes its items elsewhere does not take candidates
    phone_http = make.participant_client(d)
    phone = make.socket(phone_http, "participant", d)
    assert not phone.emit("act", "add_candidate", {"step_id": choice.id, "text": "X", "client_id": cid()},
                          callback=True)["ok"]
    assert not staff.emit("act", "add_candidate", {"step_id": steps["Reflection"].id, "text": "X",
                                                   "client_id": cid()}, callback=True)["ok"]
    _go(staff, choice)
    page = phone_http.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Bussiyhteydet" in page and "Yksinäisyys" in page
    item = db.session.query(Item).filter_by(step_id=choice.id, text="Bussiyhteydet").one()
    _ok(phone.emit("act", "dot", {"step_id": choice.id, "item_id": item.id, "delta": 1, "client_id": cid()},
                   callback=True))
    # a candidate put up during the choice reaches phones: their state carries the number of items
    phone.get_received()
    _ok(staff.emit("act", "add_candidate", {"step_id": choice.id, "text": "Mielenterveys", "client_id": cid()},
                   callback=True))
    states = [m["args"][0] for m in phone.get_received() if m["name"] == "state"]
    assert states[-1]["items"] == 3
    assert db.session.query(AuditEvent).filter_by(dialogue_id=d.id, action="add_candidate").count() == 3


# -- sharing insights: the read-aloud list ---------------------------------------------

def test_sharing_insights_shows_only_those_allowed_to_be_read_aloud(make, client):
    d = make.dialogue(method="eratauko")
    staff = _staff(make, d)
    steps = _steps(d)
    _go(staff, steps["Insights"])
    phone = make.participant_client(d)
    for text, aloud in (("Saa lukea ääneen", "1"), ("Vain raporttiin", "")):
        phone.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": steps["Insights"].id,
                                             "text": text, "read_aloud": aloud, "client_id": cid()})
    console = make.facilitator_client(d.owner)
    refresh()
    insights_console = console.get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    assert "Not to be read aloud" in insights_console  # the facilitator sees which one is report-only
    _go(staff, steps["Sharing insights"])
    refresh()
    page = console.get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    assert "To read aloud (1)" in page and "Saa lukea ääneen" in page and "Vain raporttiin" not in page
    screen = client.get(f"/s/{d.screen_token}/state").get_json()
    assert [c["text"] for c in screen["step"]["results"]["list"]] == ["Saa lukea ääneen"]


# -- päättäjädialogi: the joint dialogue lists the questions; commitments are rated ------------

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
    assert blocks["Commitments"]["table"]["rows"] == [["Iltavuoro", "Juvan kunta", "2027-06-30", "Proposed", ""]]
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
    wall = client.get(f"/s/{d.screen_token}/state").get_json()["step"]["wall"]
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
        ["Chat-palvelu", "TE-palvelut", "2027-01-31", "Done", "Avattu 1.2."]]
    assert blocks["How were the commitments kept?"]["table"]["rows"] == [["Chat-palvelu – TE-palvelut", "5.0", 1]]


# -- private notes shared later ---------------------------------------------------------

def test_a_reflection_note_can_still_be_shared_in_the_next_reflection(make):
    d = make.dialogue(method="eratauko")
    staff = _staff(make, d)
    steps = _steps(d)
    author_http = make.participant_client(d)
    author = make.socket(author_http, "participant", d)
    _go(staff, steps["A moment for your own thoughts"])
    note = _ok(author.emit("act", "contribute", {"step_id": steps["A moment for your own thoughts"].id,
                                                 "text": "Ensimmäinen ajatus", "client_id": cid()}, callback=True))
    _go(staff, steps["Reflection"])
    other = make.participant_client(d)
    refresh()
    page = author_http.get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    assert "Your earlier notes" in page and "Ensimmäinen ajatus" in page
    refresh()
    assert "Ensimmäinen ajatus" not in other.get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    author_http.post(f"/p/{d.code}/act", data={"action": "share_note", "contribution_id": note["id"],
                                               "client_id": cid()})
    assert db.session.get(Contribution, note["id"]).private is False
    refresh()
    assert "Your earlier notes" not in author_http.get(f"/p/{d.code}?lang=en").get_data(as_text=True)
