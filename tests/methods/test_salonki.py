"""Salonki (methods/salonki): its report section in every format."""
from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft202012Validator

from dialogue import db
from dialogue.export.formats import render
from dialogue.export.report import build_report
from dialogue.models import Dialogue, Helper, Item, Theme
from tests.conftest import cid

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())


def _ok(ack):
    assert ack.get("ok"), ack
    return ack


def _steps(d):
    return {s.texts["en"]["title"]: s for s in db.session.get(Dialogue, d.id).steps}


def _helper_socket(make, staff, d, kind, table=""):
    _ok(staff.emit("act", "helper_create", {"kind": kind, "table": table, "client_id": cid()}, callback=True))
    helper = db.session.query(Helper).filter_by(dialogue_id=d.id).order_by(Helper.id.desc()).first()
    return make.socket(make.app.test_client(), "helper", d, token=helper.link_token)



def test_salon_report_has_questions_table_notes_take_aways_and_the_poll(make):
    d = make.dialogue(method="salonki")
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    steps = _steps(d)
    _ok(staff.emit("act", "theme_create", {"name": "Liikenne", "client_id": cid()}, callback=True))
    theme = db.session.query(Theme).filter_by(dialogue_id=d.id).one()
    hosts = [_helper_socket(make, staff, d, "table_host", table=t) for t in ("1", "2")]
    phones = [make.socket(make.participant_client(d), "participant", d) for _ in range(2)]

    def go(title):
        _ok(staff.emit("act", "go_to_step", {"step_id": steps[title].id, "client_id": cid()}, callback=True))

    go("Questions to the speakers")
    q = _ok(phones[0].emit("act", "ask", {"step_id": steps["Questions to the speakers"].id,
                                          "text": "Mitä maksaa?", "client_id": cid()}, callback=True))
    _ok(phones[1].emit("act", "upvote", {"step_id": steps["Questions to the speakers"].id, "item_id": q["item_id"],
                                         "client_id": cid()}, callback=True))
    go("Table conversations")
    _ok(hosts[0].emit("act", "note", {"text": "Bussit puuttuvat", "theme_id": theme.id, "client_id": cid()},
                      callback=True))
    _ok(hosts[1].emit("act", "note", {"text": "Kirjasto on hyvä paikka", "client_id": cid()}, callback=True))
    go("One thing I take with me")
    _ok(phones[0].emit("act", "contribute", {"step_id": steps["One thing I take with me"].id,
                                             "text": "Kysyn neuvoa rohkeammin", "client_id": cid()}, callback=True))
    with db.write() as s:
        poll = s.get(type(steps["Quick poll"]), steps["Quick poll"].id)
        poll.config = {**poll.config, "items": ["Kyllä", "Ei"]}
    go("Quick poll")
    yes = db.session.query(Item).filter_by(step_id=steps["Quick poll"].id, text="Kyllä").one()
    _ok(phones[0].emit("act", "poll_vote", {"step_id": steps["Quick poll"].id, "choice": yes.id,
                                            "client_id": cid()}, callback=True))
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="en")
    section = model["method_section"]
    blocks = {b["heading"]: b for b in section["blocks"]}
    assert blocks["Questions by votes"]["table"]["rows"] == [["Mitä maksaa?", 1, ""]]
    assert blocks["Liikenne"]["items"] == ["Bussit puuttuvat (Table 1)"]
    assert blocks["Not in a theme"]["items"] == ["Kirjasto on hyvä paikka (Table 2)"]
    assert blocks["Table notes by table"]["table"]["rows"] == [["Table 1", 1, 1], ["Table 2", 0, 1]]
    assert blocks["What people take with them"]["items"] == ["Kysyn neuvoa rohkeammin"]
    assert blocks["Quick poll"]["table"]["rows"] == [["Kyllä", 1, "100 %"], ["Ei", 0, "0 %"]]
    assert list(Draft202012Validator(SCHEMA).iter_errors(json.loads(render(model, "json")))) == []
    assert "Bussit puuttuvat (Table 1)" in render(model, "html").decode()
