"""Agree / disagree / pass statements (`stance`): revotes, own order, participants' statements."""
from __future__ import annotations

import re

from dialogue import activities
from tests.conftest import cid
from tests.support.rooms import Room, by_id


def test_stance_revote_replaces_and_counts_shares(make):
    room = Room(make, "stance")
    s1 = room.item_ids()[0]
    phones = [room.phone() for _ in range(4)]
    for phone, vote in zip(phones, ["agree", "agree", "disagree", "pass"]):
        assert room.act(phone, "stance", step_id=room.step_id, item_id=s1, vote=vote)["ok"]
    assert room.act(phones[3], "stance", step_id=room.step_id, item_id=s1, vote="agree")["ok"]
    assert not room.act(phones[0], "stance", step_id=room.step_id, item_id=s1, vote="maybe")["ok"]
    row = by_id(room.results(), s1)
    assert (row["agree"]["total"], row["disagree"]["total"], row["pass"]["total"]) == (3, 1, 0)
    assert row["votes"]["total"] == 4 and row["shares"]["agree"] == 0.75
    assert room.votes() == 4


def test_stance_phone_shows_one_statement_at_a_time_in_own_order(make):
    items = [f"Väite numero {n}" for n in range(8)]
    room = Room(make, "stance", items=items)
    http = [make.participant_client(room.dialogue) for _ in range(2)]
    firsts = []
    for client in http:
        page = client.get(f"/p/{room.dialogue.code}").get_data(as_text=True)
        shown = [t for t in items if t in page]
        assert len(shown) == 1, shown  # only the current statement
        progress = re.search(r'class="progress">([^<]*)<', page).group(1)
        assert "1" in progress and "8" in progress
        assert page.count('name="vote"') == 3  # agree, disagree, pass for this one statement
        firsts.append(shown[0])
    # each participant's order is stable
    again = http[0].get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    assert firsts[0] in again
    step = room.step()
    orders = set()
    for n in range(6):
        orders.add(tuple(i.id for i in activities.voting.personal_order(step.id, n + 1, room.items())))
    assert len(orders) > 1  # orders differ between participants


def test_stance_answering_moves_to_the_next_statement_without_javascript(make):
    room = Room(make, "stance")
    client = make.participant_client(room.dialogue)
    page = client.get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    current = next(i for i in room.items() if i.text in page)
    r = client.post(f"/p/{room.dialogue.code}/act", data={
        "action": "stance", "step_id": room.step_id, "item_id": current.id, "vote": "agree", "client_id": cid()})
    assert r.status_code == 303
    page = client.get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    assert 'class="msg msg-ok"' in page  # the acknowledgement, flashed
    shown_now = [i for i in room.items() if i.text in page.split("<details")[0]]
    assert current not in shown_now and len(shown_now) == 1


def test_participant_statements_are_moderated_before_others_see_them(make):
    room = Room(make, "stance", allow_statements=True, moderate_statements=True)
    author, other = room.phone(), room.phone()
    ack = room.act(author, "add_statement", step_id=room.step_id, text="Kela-asiointi on vaikeaa")
    assert ack["ok"] and ack["pending"]
    new_id = ack["item_id"]
    refused = room.act(other, "stance", step_id=room.step_id, item_id=new_id, vote="agree")
    assert not refused["ok"]
    assert new_id not in [i["id"] for i in room.results()["items"]]
    assert room.act(room.staff, "moderate_item", item_id=new_id, approve="1")["ok"]
    assert room.act(other, "stance", step_id=room.step_id, item_id=new_id, vote="agree")["ok"]
    row = by_id(room.results(), new_id)
    assert row["added_by_participant"] and row["source"] == "participant"


def test_statements_only_when_allowed(make):
    room = Room(make, "stance")
    ack = room.act(room.phone(), "add_statement", step_id=room.step_id, text="Ei saa lisätä")
    assert not ack["ok"] and len(room.items()) == 3
