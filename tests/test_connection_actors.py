"""An open socket keeps who it is only until that changes (dialogue/realtime/connections.py).

The server keeps each connection's actor between events instead of reading it again on
every vote. Whatever changes who someone is, or what they may touch, must reach their
very next event: a move to another table, a table removed under them, a removed
participant, a co-facilitator whose share ends.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from dialogue import db
from dialogue.models import Contribution, Participant
from tests.test_tables import act, add_tables, by_table, ok, phones, staff_of

pytestmark = pytest.mark.usefixtures("app")


def _prompt_by_table(make):
    d = make.dialogue()
    staff = staff_of(make, d)
    prompt = by_table(d, "prompt")
    ok(act(staff, "go_to_step", step_id=prompt.id))
    return d, staff, prompt


def _table_of(text: str) -> int | None:
    db.session.expire_all()
    return db.session.scalar(select(Contribution.table_id).where(Contribution.text == text))


def test_a_phone_moved_to_another_table_writes_at_its_new_table_at_once(make):
    d, staff, prompt = _prompt_by_table(make)
    a, b = add_tables(staff, "A", "B")
    [(_http, phone)] = phones(make, d, 1)
    ok(act(phone, "table_join", table_id=a))
    ok(act(phone, "contribute", step_id=prompt.id, text="Ensin A:ssa"))
    person = db.session.scalar(select(Participant.id).where(Participant.dialogue_id == d.id))
    ok(act(staff, "table_move", participant_id=person, table_id=b))
    ok(act(phone, "contribute", step_id=prompt.id, text="Sitten B:ssä"))
    assert (_table_of("Ensin A:ssa"), _table_of("Sitten B:ssä")) == (a, b)


def test_a_phone_whose_table_is_removed_is_asked_to_choose_again(make):
    d, staff, prompt = _prompt_by_table(make)
    a, empty = add_tables(staff, "A", "Tyhjä")
    [(_http, phone)] = phones(make, d, 1)
    ok(act(phone, "table_join", table_id=empty))
    ok(act(phone, "table_join", table_id=a))
    ok(act(phone, "table_join", table_id=empty))
    ok(act(staff, "table_remove", table_id=empty))  # seats cleared by one UPDATE of every row
    refused = act(phone, "contribute", step_id=prompt.id, text="Mihin tämä menee?")
    assert not refused["ok"] and refused["error"] == "Valitse ensin pöytäsi."
    assert _table_of("Mihin tämä menee?") is None and not db.session.scalars(select(Contribution)).all()


def test_a_co_facilitator_whose_share_ends_is_refused_on_the_next_event(make):
    d = make.dialogue()
    owner = staff_of(make, d)
    colleague = make.facilitator()
    ok(act(owner, "share_add", email=colleague.email))
    theirs = make.socket(make.facilitator_client(colleague), "facilitator", d)
    assert theirs.is_connected()
    ok(act(theirs, "screen_mode", mode="qr"))
    ok(act(owner, "share_remove", facilitator_id=colleague.id))
    refused = act(theirs, "screen_mode", mode="results")
    assert not refused["ok"] and refused["error"]
    assert theirs.emit("sync", callback=True)["ok"] is False


def test_a_participant_removed_from_the_console_page_is_refused_on_the_next_event(make):
    d, staff, prompt = _prompt_by_table(make)
    (_http, phone), = phones(make, d, 1)
    with db.write() as s:  # this step is worked as one room
        prompt = s.merge(prompt)
        prompt.config = {k: v for k, v in prompt.config.items() if k != "by_table"}
    ok(act(phone, "contribute", step_id=prompt.id, text="Asiaton viesti"))
    written = db.session.scalar(select(Contribution.id).where(Contribution.text == "Asiaton viesti"))
    console = make.facilitator_client(d.owner)
    response = console.post(f"/console/d/{d.id}/act", data={"action": "remove_participant",
                                                             "contribution_id": written, "client_id": "x" * 16})
    assert response.status_code in (200, 302, 303)
    refused = act(phone, "contribute", step_id=prompt.id, text="Toinen viesti")
    assert not refused["ok"] and refused["error"]
    assert db.session.scalar(select(Contribution.id).where(Contribution.text == "Toinen viesti")) is None



def test_a_phone_that_chose_swedish_is_answered_in_swedish_on_every_event(make):
    # The socket's events use the session saved at its first event (the cookie is not read again).
    d = make.dialogue()
    http = make.participant_client(d)
    assert 'lang="sv"' in http.get(f"/p/{d.code}?lang=sv", follow_redirects=True).get_data(as_text=True)
    phone = make.socket(http, "participant", d)
    answers = [act(phone, "contribute", step_id=10**9, text="Hej") for _ in range(3)]
    assert [a["error"] for a in answers] == ["Det här steget finns inte."] * 3
