"""What every voting kind shares: exactly-once votes, integrity, hidden results, staff counts,
items from earlier steps, pages, live updates and exports."""
from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from dialogue import activities, db
from dialogue.actors import Actor, hash_token
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import join
from dialogue.export.json_export import export_dialogue
from dialogue.models import (
    Contribution,
    Dialogue,
    Item,
    Participant,
    StaffCount,
    Step,
    Vote,
)
from dialogue.realtime.snapshot import live_state
from tests.conftest import cid
from tests.support.rooms import ITEMS, Room, by_id


def test_same_client_id_is_one_vote(make):
    room = Room(make, "dots")
    a = room.item_ids()[0]
    phone = room.phone()
    write_id = cid()
    first = room.act(phone, "dot", step_id=room.step_id, item_id=a, delta=1, client_id=write_id)
    again = room.act(phone, "dot", step_id=room.step_id, item_id=a, delta=1, client_id=write_id)
    assert first["ok"] and again["ok"] and again["duplicate"] and again["remaining"] == first["remaining"] == 2
    assert by_id(room.results(), a)["dots"]["total"] == 1


def test_votes_on_bad_items_are_refused_and_change_nothing(make):
    room = Room(make, "dots")
    other = Room(make, "dots")
    a, b, _ = room.item_ids()
    phone = room.phone()
    assert room.act(room.staff, "set_item_hidden", item_id=b, hidden="1")["ok"]
    for item_id in (b, other.item_ids()[0], 999999, "x", None):
        ack = room.act(phone, "dot", step_id=room.step_id, item_id=item_id, delta=1)
        assert not ack["ok"] and "not available" in ack["error"], item_id
    # another dialogue's step, through this dialogue
    ack = room.act(phone, "dot", step_id=other.step_id, item_id=other.item_ids()[0], delta=1)
    assert not ack["ok"] and ack["error"]
    assert db.session.query(Vote).count() == 0
    # a hidden item leaves the results and the export too
    assert b not in [i["id"] for i in room.results()["items"]]


def test_votes_only_while_the_step_is_open(make):
    room = Room(make, "dots")
    a = room.item_ids()[0]
    phone = room.phone()
    # another step made current: this one is closed to phones
    later = room.add_step("info")
    assert room.act(room.staff, "go_to_step", step_id=later)["ok"]
    ack = room.act(phone, "dot", step_id=room.step_id, item_id=a, delta=1)
    assert not ack["ok"] and "closed" in ack["error"]
    # back on it, but voting ended
    assert room.act(room.staff, "go_to_step", step_id=room.step_id)["ok"]
    assert room.act(room.staff, "close_voting", step_id=room.step_id, closed="1")["ok"]
    ack = room.act(phone, "dot", step_id=room.step_id, item_id=a, delta=1)
    assert not ack["ok"] and "ended" in ack["error"]
    assert room.votes() == 0
    assert room.act(room.staff, "close_voting", step_id=room.step_id, closed="")["ok"]
    assert room.act(phone, "dot", step_id=room.step_id, item_id=a, delta=1)["ok"]


def test_vote_rule_is_a_database_constraint(make):
    room = Room(make, "stance")
    item = room.items()[0]
    phone = room.phone()
    db.session.add(Vote(step_id=room.step_id, item_id=item.id, participant_id=phone.participant_id, value=1))
    db.session.commit()
    db.session.add(Vote(step_id=room.step_id, item_id=item.id, participant_id=phone.participant_id, value=-1))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_participants_only_vote_and_staff_only_run(make):
    room = Room(make, "dots")
    a = room.item_ids()[0]
    helper, _token = room.helper()
    assert not room.act(room.staff, "dot", step_id=room.step_id, item_id=a, delta=1)["ok"]
    assert not room.act(helper, "dot", step_id=room.step_id, item_id=a, delta=1)["ok"]
    phone = room.phone()
    for name, payload in [("reveal", {"revealed": "1"}), ("close_voting", {"closed": "1"}),
                          ("staff_count", {"item_id": a, "n_1": 5}), ("add_item", {"text": "x"}),
                          ("refresh_items", {}), ("set_item_hidden", {"item_id": a, "hidden": "1"})]:
        assert not room.act(phone, name, step_id=room.step_id, **payload)["ok"], name
    for name, payload in [("reveal", {"revealed": "1"}), ("close_voting", {"closed": "1"})]:
        assert not room.act(helper, name, step_id=room.step_id, **payload)["ok"], name
    assert not room.step().revealed and not room.step().voting_closed


def test_hidden_results_until_revealed_but_staff_always_see(make):
    room = Room(make, "dots", hide_results=True)
    a = room.item_ids()[0]
    phone_http = make.participant_client(room.dialogue)
    phone = make.socket(phone_http, "participant", room.dialogue)
    ack = phone.emit("act", "dot", {"step_id": room.step_id, "item_id": a, "delta": 1, "client_id": cid()},
                     callback=True)
    assert ack["ok"] and ack["remaining"] == 2
    d = db.session.get(Dialogue, room.dialogue.id)
    screen = live_state(db.session, d, staff=False)["step"]
    assert screen["results"] is None and screen["results_hidden"]
    staff = live_state(db.session, d, staff=True)["step"]
    assert staff["results"]["bars"][0]["value"] == 1
    page = phone_http.get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    assert "vote-results" not in page
    console = make.facilitator_client(room.owner).get(f"/console/d/{room.dialogue.id}").get_data(as_text=True)
    assert 'value="reveal"' in console
    screen_json = make.app.test_client().get(f"/s/{d.screen_link_token}/state").get_json()
    assert screen_json["step"]["results"] is None
    assert room.act(room.staff, "reveal", step_id=room.step_id, revealed="1")["ok"]
    db.session.expire_all()
    d = db.session.get(Dialogue, room.dialogue.id)
    assert live_state(db.session, d, staff=False)["step"]["results"]["bars"][0]["value"] == 1
    page = phone_http.get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    assert "vote-results" in page
    states = [m["args"][0] for m in phone.get_received() if m["name"] == "state"]
    assert states and states[-1]["revealed"]


def test_results_never_say_who_voted_what(make):
    room = Room(make, "stance")
    phones = [room.phone() for _ in range(3)]
    for phone in phones:
        room.act(phone, "stance", step_id=room.step_id, item_id=room.item_ids()[0], vote="agree")
    d = db.session.get(Dialogue, room.dialogue.id)
    blobs = [json.dumps(live_state(db.session, d, staff=True)), json.dumps(export_dialogue(db.session, d))]
    for blob in blobs:
        assert "participant_id" not in blob


def test_staff_counts_count_in_tallies_and_are_marked_in_the_export(make):
    room = Room(make, "stance")
    s1 = room.item_ids()[0]
    helper, _ = room.helper()
    phone = room.phone()
    room.act(phone, "stance", step_id=room.step_id, item_id=s1, vote="agree")
    ack = room.act(helper, "staff_count", step_id=room.step_id, item_id=s1, n_1="4", **{"n_-1": "2"}, people="6")
    assert ack["ok"], ack
    assert not room.act(helper, "staff_count", step_id=room.step_id, item_id=s1, n_1="-3")["ok"]
    assert not room.act(helper, "staff_count", step_id=room.step_id, item_id=s1)["ok"]
    step_doc = room.export_step()
    row = by_id(step_doc["results"], s1)
    assert row["agree"] == {"phone": 1, "staff": 4, "total": 5}
    assert row["disagree"] == {"phone": 0, "staff": 2, "total": 2}
    assert step_doc["results"]["participants"] == {"phone": 1, "staff": 6, "total": 7}
    # a wrong entry is removed by the facilitator (not by helpers)
    entry = db.session.scalar(select(StaffCount).where(StaffCount.value == -1))
    assert not room.act(helper, "remove_staff_count", entry_id=entry.id)["ok"]
    assert room.act(room.staff, "remove_staff_count", entry_id=entry.id)["ok"]
    assert by_id(room.results(), s1)["disagree"]["total"] == 0


def test_staff_count_for_dots_scale_and_rank(make):
    dots = Room(make, "dots")
    a = dots.item_ids()[0]
    assert dots.act(dots.staff, "staff_count", step_id=dots.step_id, item_id=a, n_1=7)["ok"]
    assert by_id(dots.results(), a)["dots"] == {"phone": 0, "staff": 7, "total": 7}
    scale = Room(make, "scale", criteria=["Hyödyllinen", "Toteutettava"])
    x = scale.item_ids()[0]
    assert not scale.act(scale.staff, "staff_count", step_id=scale.step_id, item_id=x, n_4=3)["ok"]
    assert scale.act(scale.staff, "staff_count", step_id=scale.step_id, item_id=x, criterion="c2", n_4=3, n_2=1)["ok"]
    crit = by_id(scale.results(), x)["criteria"][1]
    assert crit["distribution"]["staff"] == [0, 1, 0, 3, 0] and crit["mean"] == 3.5
    rank = Room(make, "rank", k=3)
    r = rank.item_ids()[1]
    assert rank.act(rank.staff, "staff_count", step_id=rank.step_id, item_id=r, n_1=2, n_3=1)["ok"]
    assert by_id(rank.results(), r)["score"] == {"phone": 0, "staff": 7, "total": 7}


def test_helper_enters_counts_over_the_socket(make):
    room = Room(make, "poll")
    helper, token = room.helper()
    sock = make.socket(make.app.test_client(), "helper", room.dialogue, token=token)
    assert sock.is_connected()
    option = room.item_ids()[2]
    ack = sock.emit("act", "staff_count", {"step_id": room.step_id, "item_id": option, "n_1": 9,
                                           "client_id": cid()}, callback=True)
    assert ack["ok"]
    assert by_id(room.results(), option)["votes"]["staff"] == 9


def test_items_come_from_an_earlier_steps_visible_contributions(make):
    d = make.dialogue(method="blank")
    staff = Actor("facilitator", d.id, facilitator_id=d.owner.id)
    with db.write() as s:
        prompt = Step(dialogue_id=d.id, position=1, kind="prompt", texts={"fi": {"title": "Ideat"}},
                      config=activities.get("prompt").clean_config({}))
        dots = Step(dialogue_id=d.id, position=2, kind="dots", texts={"fi": {"title": "Pisteet"}},
                    config=activities.get("dots").clean_config({"source_step": 1}))
        s.add_all([prompt, dots])
        s.flush()
        prompt_id, dots_id = prompt.id, dots.id
    assert dispatch(staff, "go_to_step", {"step_id": prompt_id, "client_id": cid()})["ok"]
    token = join(db.session.get(Dialogue, d.id))
    pid = db.session.scalar(select(Participant.id).where(Participant.token_hash == hash_token(token)))
    phone = Actor("participant", d.id, participant_id=pid)
    for text in ("Enemmän iltavuoroja", "Piilotettava", "Kolmas idea"):
        assert dispatch(phone, "contribute", {"step_id": prompt_id, "text": text, "client_id": cid()})["ok"]
    hidden = db.session.scalar(select(Contribution).where(Contribution.text == "Piilotettava"))
    dispatch(staff, "set_hidden", {"contribution_id": hidden.id, "hidden": True, "client_id": cid()})
    assert dispatch(staff, "go_to_step", {"step_id": dots_id, "client_id": cid()})["ok"]
    texts = [i.text for i in db.session.scalars(select(Item).where(Item.step_id == dots_id, Item.hidden.is_(False)))]
    assert texts == ["Enemmän iltavuoroja", "Kolmas idea"]
    # a late contribution (staff enter it) arrives with a refresh; a second refresh adds nothing
    dispatch(staff, "contribute", {"step_id": prompt_id, "text": "Myöhäinen", "client_id": cid()})
    ack = dispatch(staff, "refresh_items", {"step_id": dots_id, "client_id": cid()})
    assert ack["ok"] and ack["added"] == 1
    assert dispatch(staff, "refresh_items", {"step_id": dots_id, "client_id": cid()})["added"] == 0
    doc = export_dialogue(db.session, db.session.get(Dialogue, d.id))
    items = doc["steps"][-1]["results"]["items"]
    assert [i["source"] for i in items] == ["contribution"] * 3 and all(i["contribution_id"] for i in items)


def test_config_is_validated(make):
    dots = activities.get("dots")
    for bad in ({"dots": 0}, {"dots": 3, "max_per_item": 4}, {"items": [""]}, {"source_step": -1},
                {"hide_results": "yes"}, {"colour": "red"}):
        with pytest.raises(ValueError):
            dots.clean_config(bad)
    with pytest.raises(ValueError):
        activities.get("scale").clean_config({"labels": ["a", "b"]})
    with pytest.raises(ValueError):
        activities.get("rank").clean_config({"k": 0})
    assert dots.clean_config({})["dots"] == 3


@pytest.mark.parametrize("kind", ["dots", "stance", "scale", "poll", "rank", "questions"])
def test_phone_and_console_pages_render_every_kind(make, kind):
    room = Room(make, kind)
    phone = make.participant_client(room.dialogue)
    page = phone.get(f"/p/{room.dialogue.code}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'method="post"' in html and 'name="client_id"' in html
    assert "<input" in html or "<button" in html
    console = make.facilitator_client(room.owner).get(f"/console/d/{room.dialogue.id}")
    assert console.status_code == 200
    html = console.get_data(as_text=True)
    assert 'value="close_voting"' in html and 'value="staff_count"' in html
    # Every vote-like kind hides its results until revealed (questions show their upvotes).
    assert ('value="reveal"' in html) == (kind != "questions")


@pytest.mark.parametrize("kind", ["dots", "stance", "scale", "poll", "rank", "questions", "feedback"])
def test_results_are_hidden_until_revealed_by_default(make, kind):
    """A new step of any vote-like kind shows no totals to phones or the screen until revealed."""
    from dialogue.activities.base import HIDE_RESULTS_DEFAULT
    room = Room(make, kind, items=None if kind == "feedback" else ITEMS)
    assert room.step().config["hide_results"] is (HIDE_RESULTS_DEFAULT and kind != "questions")
    d = db.session.get(Dialogue, room.dialogue.id)
    screen = make.app.test_client().get(f"/s/{d.screen_link_token}/state").get_json()["step"]
    assert screen["results_hidden"] is (kind != "questions")
    assert (screen["results"] is None) is (kind != "questions")
    if kind != "questions":
        assert room.act(room.staff, "reveal", step_id=room.step_id, revealed="1")["ok"]
        screen = make.app.test_client().get(f"/s/{d.screen_link_token}/state").get_json()["step"]
        assert not screen["results_hidden"] and screen["results"] is not None


def test_socket_votes_reach_staff_and_screen_but_not_other_phones(make):
    room = Room(make, "dots", hide_results=False)
    a = room.item_ids()[0]
    screen = make.socket(make.app.test_client(), "screen", room.dialogue, token=room.dialogue.screen_link_token)
    staff = make.socket(make.facilitator_client(room.owner), "facilitator", room.dialogue)
    voter = make.socket(make.participant_client(room.dialogue), "participant", room.dialogue)
    bystander = make.socket(make.participant_client(room.dialogue), "participant", room.dialogue)
    for client in (screen, staff, voter, bystander):
        client.get_received()
    ack = voter.emit("act", "dot", {"step_id": room.step_id, "item_id": a, "delta": 1, "client_id": cid()},
                     callback=True)
    assert ack["ok"] and ack["remaining"] == 2
    screen_live = [m["args"][0] for m in screen.get_received() if m["name"] == "live"]
    assert screen_live[-1]["step"]["results"]["bars"][0] == {"label": ITEMS[0], "value": 1, "share": 1.0,
                                                             "text": screen_live[-1]["step"]["results"]["bars"][0]["text"]}
    assert "1" in screen_live[-1]["step"]["results"]["bars"][0]["text"]
    assert [m for m in staff.get_received() if m["name"] == "live"]
    assert bystander.get_received() == []
    assert [m["name"] for m in voter.get_received()] == []


def test_export_carries_results_for_every_kind(make):
    shapes = {"dots": {"budget", "max_per_item", "participants", "dots", "items"},
              "stance": {"participants", "items"}, "scale": {"scale", "labels", "participants", "items"},
              "poll": {"multiple", "participants", "votes", "items"}, "rank": {"k", "participants", "items"},
              "questions": {"participants", "not_understood", "items"}}
    for kind, keys in shapes.items():
        room = Room(make, kind)
        results = room.export_step()["results"]
        assert set(results) == keys, kind
        assert results["participants"] == {"phone": 0, "staff": 0, "total": 0}
        assert len(results["items"]) == 3


def test_voting_exports_validate_against_the_schema(make):
    from pathlib import Path

    import jsonschema
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())
    room = Room(make, "dots")
    payloads = {"dots": {"delta": 1}, "stance": {"vote": "agree"}, "scale": {"rating": 4, "comment": "Hyvä"},
                "poll": {}, "rank": {}, "questions": {}}
    phone = room.phone()
    for kind, payload in payloads.items():
        step_id = room.step_id if kind == "dots" else room.add_step(kind, items=list(ITEMS))
        assert room.act(room.staff, "go_to_step", step_id=step_id)["ok"]
        first = room.items(step_id)[0].id
        if kind == "poll":
            payload = {"choice": str(first)}
        elif kind == "rank":
            payload = {"place_1": first}
        elif kind == "questions":
            asked = room.act(phone, "ask", step_id=step_id, text="Kysymys")
            other = room.phone()
            assert room.act(other, "upvote", step_id=step_id, item_id=asked["item_id"])["ok"]
            assert room.act(other, "not_understood", step_id=step_id)["ok"]
            payload = None
        if payload is not None:
            assert room.act(phone, {"dots": "dot", "stance": "stance", "scale": "rate", "poll": "poll_vote",
                                    "rank": "rank"}[kind], step_id=step_id, item_id=first, **payload)["ok"]
        assert room.act(room.staff, "staff_count", step_id=step_id, item_id=first, n_1=2, people=2)["ok"]
    db.session.expire_all()
    doc = export_dialogue(db.session, db.session.get(Dialogue, room.dialogue.id))
    jsonschema.Draft202012Validator(schema).validate(doc)
    kinds = [st["kind"] for st in doc["steps"] if "results" in st]
    assert kinds == ["dots", "stance", "scale", "poll", "rank", "questions"]


@pytest.mark.parametrize("kind, action, config", [
    ("questions", "ask", {"items": [], "moderate": True}),
    ("stance", "add_statement", {"allow_statements": True, "moderate_statements": True}),
])
def test_an_entry_waiting_for_moderation_is_shown_only_to_its_writer(make, kind, action, config):
    room = Room(make, kind, **config)
    writer, other = make.participant_client(room.dialogue), make.participant_client(room.dialogue)
    text = "Odottaa tarkistusta"
    r = writer.post(f"/p/{room.dialogue.code}/act", data={
        "action": action, "step_id": room.step_id, "text": text, "client_id": cid()})
    assert r.status_code == 303
    page = writer.get(f"/p/{room.dialogue.code}").get_data(as_text=True)
    assert re.search(r'<ul class="mine"><li>' + text + "</li></ul>", page), page
    assert text not in other.get(f"/p/{room.dialogue.code}").get_data(as_text=True)
