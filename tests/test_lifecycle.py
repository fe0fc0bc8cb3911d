"""A dialogue's life: states, what closing stops, retention, `flask purge`, the audit log."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from dialogue import db
from dialogue.commands.core import refusal
from dialogue.commands.lifecycle import retention_date
from dialogue.models import (
    AuditEvent,
    Contribution,
    Dialogue,
    Helper,
    Item,
    Participant,
    ProcessedWrite,
    StaffCount,
    Step,
    Theme,
    Vote,
    utcnow,
)
from tests.conftest import cid


def fresh(dialogue_id: int) -> Dialogue:
    db.session.expire_all()
    return db.session.get(Dialogue, dialogue_id)


def staff_socket(make, d):
    return make.socket(make.facilitator_client(d.owner), "facilitator", d)


def set_state(sock, state):
    return sock.emit("act", "set_state", {"state": state, "client_id": cid()}, callback=True)


# -- states ---------------------------------------------------------------------------------

def test_the_way_through_the_states(make):
    d = make.dialogue(state="draft")
    staff = staff_socket(make, d)
    assert set_state(staff, "archived")["ok"] is False  # not from a draft
    assert set_state(staff, "open")["ok"]
    # open: participants can join before the meeting
    assert make.app.test_client().post(f"/j/{d.code}").status_code == 302
    assert set_state(staff, "running")["ok"]
    ack = set_state(staff, "closed")
    assert ack["ok"] and fresh(d.id).closed_at is not None
    assert make.app.test_client().post(f"/j/{d.code}").status_code == 400  # no joining after closing
    assert set_state(staff, "archived")["ok"]
    assert set_state(staff, "running")["ok"] is False  # out of the archive first
    assert set_state(staff, "closed")["ok"]
    assert set_state(staff, "running")["ok"]  # opened again by mistake-fixing
    assert fresh(d.id).closed_at is None
    assert set_state(staff, "nonsense")["ok"] is False
    changes = db.session.scalars(select(AuditEvent.detail).where(AuditEvent.action == "set_state")).all()
    assert [(c["before"], c["after"]) for c in changes] == [
        ("draft", "open"), ("open", "running"), ("running", "closed"), ("closed", "archived"),
        ("archived", "closed"), ("closed", "running")]


def test_phones_hear_that_the_dialogue_closed(make):
    d = make.dialogue()
    phone = make.socket(make.participant_client(d), "participant", d)
    phone.get_received()
    set_state(staff_socket(make, d), "closed")
    # The closed state comes first; then the server ends the phone's socket (its page reloads).
    # (The test client keeps what it received in `queue`; get_received() refuses once disconnected.)
    assert not phone.is_connected()
    assert [m["args"][0] for m in phone.queue if m["name"] == "state"][-1]["state"] == "closed"


def test_closing_stops_the_timer_with_the_time_left(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    staff.emit("act", "go_to_step", {"step_id": d.steps[1].id, "client_id": cid()}, callback=True)
    staff.emit("act", "timer_start", {"client_id": cid()}, callback=True)
    set_state(staff, "closed")
    step = db.session.get(Step, d.steps[1].id)
    db.session.refresh(step)
    assert step.timer_started_at is None and 590 <= step.timer_seconds <= 600


MEETING_WRITES = [
    ("contribute", "participant"), ("note", "facilitator"), ("timer_start", "facilitator"),
    ("add_step", "facilitator"), ("update_step", "facilitator"), ("go_to_step", "facilitator"),
    ("helper_create", "facilitator"), ("contribute", "facilitator"),
]


@pytest.mark.parametrize("name, role", MEETING_WRITES)
def test_closing_stops_every_write_to_what_was_said(make, name, role):
    d = make.dialogue()
    prompt = d.steps[1]
    staff = staff_socket(make, d)
    staff.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    sock = staff if role == "facilitator" else make.socket(make.participant_client(d), "participant", d)
    set_state(staff, "closed")
    before = db.session.scalar(select(func.count()).select_from(Contribution))
    if role == "participant":  # closing ended the phone's socket: it writes nothing more
        assert not sock.is_connected()
        assert db.session.scalar(select(func.count()).select_from(Contribution)) == before
        return
    ack = sock.emit("act", name, {"step_id": prompt.id, "text": "Liian myöhään", "kind": "info", "minutes": 5,
                                  "title_fi": "Muutettu", "client_id": cid()}, callback=True)
    assert ack["ok"] is False and ack["error"]
    assert db.session.scalar(select(func.count()).select_from(Contribution)) == before
    assert len(fresh(d.id).steps) == 4 and db.session.get(Step, prompt.id).texts["fi"]["title"] != "Muutettu"


def test_after_closing_the_facilitator_still_moderates_and_fixes_details(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    staff.emit("act", "go_to_step", {"step_id": d.steps[1].id, "client_id": cid()}, callback=True)
    phone = make.socket(make.participant_client(d), "participant", d)
    c_id = phone.emit("act", "contribute", {"step_id": d.steps[1].id, "text": "Sanottu", "client_id": cid()},
                      callback=True)["id"]
    set_state(staff, "closed")
    for name, payload in [("set_hidden", {"contribution_id": c_id, "hidden": True}),
                          ("update_details", {"organiser": "Korjattu järjestäjä"}),
                          ("screen_mode", {"mode": "results"}), ("set_retention", {"days": 30})]:
        assert staff.emit("act", name, {**payload, "client_id": cid()}, callback=True)["ok"], name


def test_an_archived_dialogue_takes_only_state_and_retention_changes(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    set_state(staff, "closed")
    set_state(staff, "archived")
    assert staff.emit("act", "theme_create", {"name": "Ei enää", "client_id": cid()}, callback=True)["ok"] is False
    assert staff.emit("act", "set_retention", {"days": 10, "client_id": cid()}, callback=True)["ok"]


def test_the_rule_in_one_place():
    d = Dialogue(state="draft")
    assert refusal(d, "facilitator", "meeting") is None and refusal(d, "participant", "meeting")
    d.state = "open"
    assert refusal(d, "helper", "meeting") is None
    d.state = "closed"
    assert refusal(d, "facilitator", "meeting") and refusal(d, "facilitator", "afterwards") is None
    assert refusal(d, "helper", "afterwards") and refusal(d, "facilitator", "always") is None
    d.state = "archived"
    assert refusal(d, "facilitator", "afterwards") and refusal(d, "facilitator", "always") is None


# -- retention and purge ---------------------------------------------------------------------

def test_retention_is_180_days_after_closing_and_can_be_changed(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    assert fresh(d.id).retention_days == 180 and retention_date(fresh(d.id)) is None
    ack = staff.emit("act", "set_retention", {"until": "2030-01-01", "client_id": cid()}, callback=True)
    assert ack["ok"] is False  # a date only after closing
    set_state(staff, "closed")
    closed = fresh(d.id).closed_at.date()
    assert retention_date(fresh(d.id)) == closed + dt.timedelta(days=180)
    until = closed + dt.timedelta(days=30)
    ack = staff.emit("act", "set_retention", {"until": until.isoformat(), "client_id": cid()}, callback=True)
    assert ack["ok"] and ack["retention_date"] == until.isoformat()
    for bad in ({"days": 0}, {"days": 4000}, {"days": "x"}, {"until": "1.1.2030"}):
        assert staff.emit("act", "set_retention", {**bad, "client_id": cid()}, callback=True)["ok"] is False, bad
    page = make.facilitator_client(d.owner).get(f"/console/d/{d.id}/data").get_data(as_text=True)
    assert until.strftime("%d.%m.%Y") in page and 'id="retention-what"' in page


def fill(make, d):
    """Participants, contributions, a note, votes, a paper count and a theme in `d`."""
    staff = staff_socket(make, d)
    prompt = d.steps[1]
    staff.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    phones = [make.socket(make.participant_client(d), "participant", d) for _ in range(2)]
    ids = [p.emit("act", "contribute", {"step_id": prompt.id, "text": f"Asia {n}", "client_id": cid()},
                  callback=True)["id"] for n, p in enumerate(phones)]
    theme = staff.emit("act", "theme_create", {"name": "Liikenne", "client_id": cid()}, callback=True)["theme_id"]
    staff.emit("act", "assign_theme", {"contribution_ids": ids, "theme_id": theme, "client_id": cid()}, callback=True)
    staff.emit("act", "note", {"text": "Muistiinpano 040 1234567", "client_id": cid()}, callback=True)
    staff.emit("act", "helper_create", {"kind": "scribe", "client_id": cid()}, callback=True)
    staff.emit("act", "add_step", {"kind": "dots", "client_id": cid()}, callback=True)
    dots = db.session.scalars(select(Step).where(Step.dialogue_id == d.id, Step.kind == "dots")).one()
    staff.emit("act", "update_step", {"step_id": dots.id, "cfg_source_step": prompt.position, "client_id": cid()},
               callback=True)
    staff.emit("act", "go_to_step", {"step_id": dots.id, "client_id": cid()}, callback=True)
    item = db.session.scalars(select(Item).where(Item.step_id == dots.id)).first()
    for p in phones:
        assert p.emit("act", "dot", {"step_id": dots.id, "item_id": item.id, "client_id": cid()}, callback=True)["ok"]
    staff.emit("act", "staff_count", {"step_id": dots.id, "item_id": item.id, "n_1": 3, "client_id": cid()},
               callback=True)
    set_state(staff, "closed")
    return staff


def age(d, days):
    with db.write() as s:
        s.get(Dialogue, d.id).closed_at = utcnow() - dt.timedelta(days=days)


def count(model, **where):
    db.session.expire_all()
    query = select(func.count()).select_from(model)
    for key, value in where.items():
        query = query.where(getattr(model, key) == value)
    return db.session.scalar(query)


def test_purge_deletes_raw_data_past_the_retention_date_and_keeps_the_numbers(make, runner):
    due, kept = make.dialogue(title="Vanha"), make.dialogue(title="Tuore")
    fill(make, due)
    fill(make, kept)
    age(due, 181)
    age(kept, 179)
    assert count(Vote) == 4 and count(Participant) == 4
    dry = runner.invoke(args=["purge", "--dry-run"])
    assert dry.exit_code == 0 and "Vanha" in dry.output and "Tuore" not in dry.output
    assert count(Participant, dialogue_id=due.id) == 2  # a dry run deletes nothing

    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    line = json.loads(result.output.strip().splitlines()[-1])
    assert line["id"] == due.id and line["deleted"]["participants"] == 2 and line["deleted"]["notes"] == 1
    for model in (Participant, Contribution, Helper, ProcessedWrite):
        assert count(model, dialogue_id=due.id) == 0, model
        assert count(model, dialogue_id=kept.id) > 0, model
    due_steps = [s.id for s in fresh(due.id).steps]
    for model in (Vote, Item, StaffCount):
        assert db.session.scalar(select(func.count()).select_from(model).where(model.step_id.in_(due_steps))) == 0
    d = fresh(due.id)
    assert d.purged_at is not None and d.title == "Vanha" and len(d.steps) == 5
    assert d.summary["participants"] == 2
    assert {t["name"]: t["contributions"] for t in d.summary["themes"]} == {"Liikenne": 2}
    dots_summary = next(s for s in d.summary["steps"] if s["kind"] == "dots")
    assert dots_summary["results"]  # the aggregated numbers are kept
    assert count(Theme, dialogue_id=due.id) == 1
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.dialogue_id == due.id)).all()
    assert "purge" in actions and "set_state" in actions  # the staff log stays
    # again: nothing more to do; a purged dialogue cannot be opened again
    assert "Nothing to purge" in runner.invoke(args=["purge"]).output
    staff = staff_socket(make, due)
    assert set_state(staff, "running")["ok"] is False
    # the console says so
    page = make.facilitator_client(due.owner).get(f"/console/d/{due.id}/data").get_data(as_text=True)
    assert d.purged_at.strftime("%d.%m.%Y") in page


def test_purge_on_a_given_day_and_only_closed_dialogues(make, runner):
    closed, running = make.dialogue(title="Suljettu"), make.dialogue(title="Käynnissä")
    staff = staff_socket(make, closed)
    set_state(staff, "closed")
    staff.emit("act", "set_retention", {"days": 10, "client_id": cid()}, callback=True)
    with db.write() as s:
        s.get(Dialogue, running.id).closed_at = utcnow() - dt.timedelta(days=400)  # inconsistent, but running
    soon = (utcnow() + dt.timedelta(days=5)).date().isoformat()
    later = (utcnow() + dt.timedelta(days=11)).date().isoformat()
    assert "Nothing to purge" in runner.invoke(args=["purge", "--today", soon]).output
    out = runner.invoke(args=["purge", "--today", later]).output
    assert "Suljettu" in out and "Käynnissä" not in out
    assert fresh(closed.id).purged_at is not None and fresh(running.id).purged_at is None


def test_the_console_shows_what_will_be_deleted_and_when(make):
    d = make.dialogue()
    fill(make, d)
    page = make.facilitator_client(d.owner).get(f"/console/d/{d.id}/data").get_data(as_text=True)
    what = page.split('id="retention-what"', 1)[1].split("</ul>", 1)[0]
    for number in ("2", "1"):  # 2 participants and contributions, 1 note
        assert f">{number} " in what
    assert retention_date(fresh(d.id)).strftime("%d.%m.%Y") in page
    dashboard = make.facilitator_client(d.owner).get("/console/").get_data(as_text=True)
    assert retention_date(fresh(d.id)).strftime("%d.%m.%Y") in dashboard


# -- the audit log -------------------------------------------------------------------------------

def test_the_audit_log_has_staff_actions_and_never_participants(make):
    d = make.dialogue()
    staff = staff_socket(make, d)
    staff.emit("act", "go_to_step", {"step_id": d.steps[1].id, "client_id": cid()}, callback=True)
    phone = make.socket(make.participant_client(d), "participant", d)
    phone.emit("act", "contribute", {"step_id": d.steps[1].id, "text": "Osallistujan teksti", "client_id": cid()},
               callback=True)
    staff.emit("act", "theme_create", {"name": "Teema", "client_id": cid()}, callback=True)
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["go_to_step", "theme_create"]
    assert all(e.actor == f"f:{d.owner_id}" for e in events)
    page = make.facilitator_client(d.owner).get(f"/console/d/{d.id}/data").get_data(as_text=True)
    log = page.split('id="audit-h"', 1)[1]
    assert d.owner.email in log and "Osallistujan teksti" not in log


def _main(html: str) -> str:
    """The page's main content (the footer has a form of its own)."""
    return html.split("<main")[1].split("</main>")[0]


def test_a_closed_dialogue_offers_no_joining_anywhere(make, client):
    """Closed: /j/CODE says it has ended with no form, the screen has no QR code, and the
    console's join panel agrees; in a draft the panel says nobody can join yet."""
    d = make.dialogue(state="draft")
    staff_http = make.facilitator_client(d.owner)
    run = staff_http.get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    assert "Joining is open." not in run and "cannot join yet" in run
    staff = staff_socket(make, d)
    set_state(staff, "running")
    assert "<form" in _main(client.get(f"/j/{d.code}").get_data(as_text=True))
    assert "qr.svg" in client.get(f"/s/{d.screen_link_token}").get_data(as_text=True)
    set_state(staff, "closed")
    page = client.get(f"/j/{d.code}")
    main = _main(page.get_data(as_text=True))
    assert page.status_code == 200 and 'id="join-refused"' in main and "<form" not in main
    refused = client.post(f"/j/{d.code}", data={})
    assert refused.status_code == 400 and "<form" not in _main(refused.get_data(as_text=True))
    screen = client.get(f"/s/{d.screen_link_token}").get_data(as_text=True)
    assert "qr.svg" not in screen and 'id="join-ended"' in screen and d.code not in _main(screen)
    run = staff_http.get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    assert "Joining is open." not in run and 'id="join-lock"' not in run
    assert "nobody can join any more" in run
    assert db.session.scalar(select(func.count()).select_from(Participant)
                             .where(Participant.dialogue_id == d.id)) == 0
