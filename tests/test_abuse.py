"""Abuse: floods are slowed per phone, guessing is limited on the server, disruption is one action away."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from dialogue import db
from dialogue.models import AuditEvent, Contribution, Dialogue, Item, Participant
from dialogue.web import ratelimit
from tests.support.world import World, cid


@pytest.fixture(autouse=True)
def stopped_clock(monkeypatch):
    """Buckets refill only with time; a stopped clock makes the counts exact however slow the machine is."""
    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(monotonic=lambda: 1000.0))


def test_a_flood_from_one_phone_is_slowed_without_slowing_the_others(make):
    w = World(make)
    step = w.current("prompt")
    flooder, neighbour = w.socket("participant"), make.socket(make.participant_client(w.d), "participant", w.d)
    answers = [flooder.emit("act", "contribute", {"step_id": step.id, "text": f"Roskaa {n}", "client_id": cid()},
                            callback=True) for n in range(60)]
    slowed = [a for a in answers if not a["ok"]]
    assert slowed and all(a.get("retry") and a["error"] for a in slowed)
    assert len(answers) - len(slowed) == ratelimit.BURST  # the burst, and nothing refilled on a stopped clock
    # a new connection of the same phone does not get a fresh bucket
    again = w.socket("participant")
    assert again.emit("act", "contribute", {"step_id": step.id, "text": "Taas", "client_id": cid()},
                      callback=True).get("retry")
    # the neighbour is not slowed at all
    for n in range(10):
        ack = neighbour.emit("act", "contribute", {"step_id": step.id, "text": f"Oma {n}", "client_id": cid()},
                             callback=True)
        assert ack["ok"], ack
    # nor is a flood of state requests free
    syncs = [flooder.emit("sync", callback=True) for _ in range(40)]
    assert any(s.get("retry") for s in syncs)


def test_a_flood_of_form_posts_is_slowed_too(make):
    """The no-JavaScript path shares the phone's bucket with its socket."""
    w = World(make)
    step = w.current("prompt")
    phone = w.client("participant")
    for n in range(40):
        phone.post(f"/p/{w.d.code}/act", data={"action": "contribute", "step_id": step.id,
                                               "text": f"Roskaa {n}", "client_id": cid()})
    stored = db.session.scalar(select(func.count()).select_from(Contribution))
    assert stored == ratelimit.BURST
    page = phone.get(f"/p/{w.d.code}").get_data(as_text=True)
    assert "msg-error" in page


def test_join_codes_cannot_be_guessed_by_dropping_cookies(make):
    d = make.dialogue()
    inside = make.participant_client(d)
    statuses = []
    for n in range(40):
        fresh = make.app.test_client()  # a new browser each time: no cookie remembers the tries
        code = f"Z{n:05d}"[:6].replace("0", "Q").replace("1", "R")
        statuses.append(fresh.post("/", data={"code": code}).status_code)
    assert statuses[:5] == [400] * 5 and statuses[-1] == 429
    # once limited, right and wrong codes get the same answer, on every address that reveals codes
    for url in (f"/j/{d.code}", "/j/ZZZZZZ", f"/j/{d.code}/qr.svg", "/j/ZZZZZZ/qr.svg", f"/p/{d.code}"):
        assert make.app.test_client().get(url).status_code == 429, url
    assert make.app.test_client().post("/", data={"code": d.code}).status_code == 429
    # a phone already in keeps working
    assert inside.get(f"/p/{d.code}").status_code == 200


def test_wrong_codes_in_the_address_count_as_guesses(make):
    d = make.dialogue()
    statuses = [make.app.test_client().get(f"/j/ZZZZ{n:02d}").status_code for n in range(35)]
    assert statuses[0] == 404 and statuses[-1] == 429
    assert make.app.test_client().get(f"/j/{d.code}").status_code == 429


def test_password_guessing_is_limited_per_account_even_without_cookies(make):
    target, other = make.facilitator(), make.facilitator()
    statuses = [make.app.test_client().post("/login", data={"email": target.email, "password": f"arvaus{n}"})
                .status_code for n in range(12)]
    assert statuses[0] == 400 and statuses[-1] == 429
    # the right password does not get through while the account is limited ...
    assert make.app.test_client().post("/login", data={"email": target.email, "password": "salasana123"}
                                       ).status_code == 429
    # ... and another account is not affected
    assert make.app.test_client().post("/login", data={"email": other.email, "password": "salasana123"}
                                       ).status_code == 302


def test_password_guessing_is_limited_per_address(make):
    accounts = [make.facilitator() for _ in range(3)]
    statuses = []
    for n in range(24):
        account = accounts[n % 3]
        statuses.append(make.app.test_client().post(
            "/login", data={"email": account.email, "password": f"arvaus{n}"}).status_code)
    assert 429 in statuses and statuses.index(429) <= 21


def test_locking_joining_keeps_those_in_and_new_people_out(make):
    w = World(make)
    step = w.current("prompt")
    owner = w.socket("owner")
    assert owner.emit("act", "lock_join", {"locked": True, "client_id": cid()}, callback=True)["ok"]
    newcomer = make.app.test_client()
    page = newcomer.post(f"/j/{w.d.code}")
    assert page.status_code == 400 and 'role="alert"' in page.get_data(as_text=True)
    assert db.session.scalar(select(Participant.id).where(Participant.dialogue_id == w.d.id,
                                                          Participant.id != w.participant_id)) is None
    ack = w.socket("participant").emit("act", "contribute", {"step_id": step.id, "text": "Olen yhä mukana",
                                                             "client_id": cid()}, callback=True)
    assert ack["ok"], ack


def test_one_action_removes_a_disruptive_participant_and_everything_they_wrote(make):
    w = World(make)
    step = w.current("prompt")
    troll = w.socket("participant")
    calm_http = make.participant_client(w.d)
    calm = make.socket(calm_http, "participant", w.d)
    for text in ("Häiriköinti 1", "Häiriköinti 2"):
        assert troll.emit("act", "contribute", {"step_id": step.id, "text": text, "client_id": cid()},
                          callback=True)["ok"]
    assert calm.emit("act", "contribute", {"step_id": step.id, "text": "Asiallinen", "client_id": cid()},
                     callback=True)["ok"]
    questions = w.current("questions")
    asked = troll.emit("act", "ask", {"step_id": questions.id, "text": "Häiriköivä kysymys", "client_id": cid()},
                       callback=True)
    assert asked["ok"], asked
    first = db.session.scalar(select(Contribution.id).where(Contribution.text == "Häiriköinti 1"))
    # the facilitator removes "the writer of this text", without ever learning who that is
    owner = w.client("owner")
    page = owner.get(f"/console/d/{w.d.id}/contributions").get_data(as_text=True)
    assert page.count('value="remove_participant"') == 3  # a form beside each phone's text
    r = owner.post(f"/console/d/{w.d.id}/act", data={"action": "remove_participant", "contribution_id": first,
                                                     "client_id": cid()})
    assert r.status_code == 303
    db.session.expire_all()
    hidden = {c.text: c.hidden for c in db.session.scalars(select(Contribution))}
    assert hidden == {"Häiriköinti 1": True, "Häiriköinti 2": True, "Asiallinen": False}
    assert db.session.get(Item, asked["item_id"]).hidden is True
    assert db.session.get(Participant, w.participant_id).removed is True
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "remove_participant")).all()
    assert len(events) == 1 and events[0].actor.startswith("f:")
    # refused at once, on the open socket and over HTTP; the others carry on
    ack = troll.emit("act", "contribute", {"step_id": questions.id, "text": "Vielä", "client_id": cid()}, callback=True)
    assert ack["ok"] is False and ack["error"]
    assert w.client("participant").get(f"/p/{w.d.code}").status_code == 302
    assert calm.emit("act", "ask", {"step_id": questions.id, "text": "Asiallinen kysymys", "client_id": cid()},
                     callback=True)["ok"]
    # texts entered by staff have no writer to remove
    staff_text = w.contribution("Paperilta", participant=False)
    ack = w.socket("owner").emit("act", "remove_participant", {"contribution_id": staff_text.id, "client_id": cid()},
                                 callback=True)
    assert ack["ok"] is False and ack["error"]
    assert db.session.get(Dialogue, w.d.id).state in ("running", "open")
