"""Every voting kind in the report: its table, its chart, the same numbers in each format."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from docx import Document
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from sqlalchemy import select

from dialogue import db
from dialogue.actors import FACILITATOR, PARTICIPANT, Actor, hash_token
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import join
from dialogue.export.content import step_blocks
from dialogue.export.formats import render
from dialogue.export.report import build_report
from dialogue.models import Dialogue, Item, Participant, Step
from tests.support.report_data import add_step, cid, ok

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "export.schema.json").read_text())


def _world(make):
    owner = make.facilitator()
    d = make.dialogue(owner=owner, method="blank", title="Äänestykset")
    with db.write() as s:
        s.get(Dialogue, d.id).current_step_id = None
        for step in s.scalars(select(Step).where(Step.dialogue_id == d.id)):
            s.delete(step)
    staff = Actor(FACILITATOR, d.id, facilitator_id=owner.id)
    steps = {
        "stance": add_step(d, 0, "stance", "Väitteet", items=["Bussit ovat tärkeitä", "Neuvonta riittää"]),
        "scale": add_step(d, 1, "scale", "Arvio", items=["Palvelu"]),
        "poll": add_step(d, 2, "poll", "Kysely", items=["Kyllä", "Ei"]),
        "rank": add_step(d, 3, "rank", "Järjestys", items=["A-idea", "B-idea", "C-idea"], k=2),
        "questions": add_step(d, 4, "questions", "Kysymykset"),
    }
    people = []
    for _ in range(3):
        token = join(d, None, None)
        pid = db.session.scalar(select(Participant.id).where(Participant.token_hash == hash_token(token)))
        people.append(Actor(PARTICIPANT, d.id, participant_id=pid))

    def go(step):
        ok(dispatch(staff, "go_to_step", {"client_id": cid(), "step_id": step.id}))
        return {i.text: i.id for i in db.session.scalars(select(Item).where(Item.step_id == step.id))}

    items = go(steps["stance"])
    for p, vote in zip(people, ("agree", "agree", "disagree")):
        ok(dispatch(p, "stance", {"client_id": cid(), "step_id": steps["stance"].id,
                                  "item_id": items["Bussit ovat tärkeitä"], "vote": vote}))
    items = go(steps["scale"])
    for p, value in zip(people, (4, 5, 4)):
        ok(dispatch(p, "rate", {"client_id": cid(), "step_id": steps["scale"].id, "item_id": items["Palvelu"],
                                "rating": str(value)}))
    items = go(steps["poll"])
    for p, choice in zip(people, ("Kyllä", "Kyllä", "Ei")):
        ok(dispatch(p, "poll_vote", {"client_id": cid(), "step_id": steps["poll"].id, "choice": str(items[choice])}))
    items = go(steps["rank"])
    for p in people:
        ok(dispatch(p, "rank", {"client_id": cid(), "step_id": steps["rank"].id,
                                "place_1": str(items["B-idea"]), "place_2": str(items["A-idea"])}))
    go(steps["questions"])
    asked = ok(dispatch(people[0], "ask", {"client_id": cid(), "step_id": steps["questions"].id,
                                           "text": "Milloin bussit kulkevat?"}))
    qid = asked.get("item_id") or db.session.scalar(select(Item.id).where(Item.step_id == steps["questions"].id))
    for p in people[1:]:
        ok(dispatch(p, "upvote", {"client_id": cid(), "step_id": steps["questions"].id, "item_id": str(qid)}))
    db.session.expire_all()
    return db.session.get(Dialogue, d.id)


def test_voting_kinds_in_the_model_and_every_format(make):
    d = _world(make)
    model = build_report(db.session, d, lang="en")
    assert list(Draft202012Validator(SCHEMA).iter_errors(json.loads(render(model, "json")))) == []
    by_kind = {s["kind"]: s for s in model["steps"]}

    stance = step_blocks(by_kind["stance"])
    row = next(r for r in stance.tables[0].rows if r[0] == "Bussit ovat tärkeitä")
    assert row[:7] == ["Bussit ovat tärkeitä", 2, 2, 0, 1, 1, 0]
    assert "Bussit ovat tärkeitä: samaa mieltä 2, eri mieltä 1, en osaa sanoa 0" in stance.chart.alt  # a Finnish dialogue

    scale = step_blocks(by_kind["scale"])
    assert scale.tables[0].rows[0] == ["Palvelu", 0, 0, 0, 2, 1, 3, 4.33]

    poll = step_blocks(by_kind["poll"])
    assert [r[:2] for r in poll.tables[0].rows] == [["Kyllä", 2], ["Ei", 1]]
    assert "Kyllä: 2" in poll.chart.alt

    rank = step_blocks(by_kind["rank"])
    b_row = next(r for r in rank.tables[0].rows if r[0] == "B-idea")
    assert b_row[1] == 6 and b_row[-2:] == [3, 0]  # 3 first places × 2 points

    questions = step_blocks(by_kind["questions"])
    assert questions.tables[0].rows[0][:2] == ["Milloin bussit kulkevat?", 2]

    # The same numbers come back from the spreadsheet, the CSV and the Word document.
    wb = load_workbook(io.BytesIO(render(model, "xlsx")))
    cells = [r for name in wb.sheetnames[1:] for r in wb[name].iter_rows(values_only=True)]
    assert any(r[:3] == ("Bussit ovat tärkeitä", 2, 2) for r in cells)
    assert any(r[:8] == ("Palvelu", 0, 0, 0, 2, 1, 3, 4.33) for r in cells)
    z = zipfile.ZipFile(io.BytesIO(render(model, "csv")))
    assert "Kyllä,2,2,0" in z.read("03-poll.csv").decode("utf-8-sig")
    doc = Document(io.BytesIO(render(model, "docx")))
    rows = [[c.text for c in row.cells] for t in doc.tables for row in t.rows]
    assert ["Milloin bussit kulkevat?", "2", ""] in rows
    assert len(doc.inline_shapes) == 5


def test_an_option_nobody_chose_is_left_out_of_reading_and_kept_in_spreadsheets(make):
    d = _world(make)
    model = build_report(db.session, d, lang="fi")
    # Nobody placed C-idea: the spreadsheet keeps its row of zeros for whoever analyses further ...
    wb = load_workbook(io.BytesIO(render(model, "xlsx")))
    assert any(r[0] == "C-idea" for name in wb.sheetnames[1:] for r in wb[name].iter_rows(values_only=True))
    # ... a reader of the report sees the options people chose, and that one was left out.
    html = render(model, "html").decode()
    assert "B-idea" in html and "C-idea" not in html
    assert "1 rivi, jossa vain nollia, jätetty pois" in html
    doc = Document(io.BytesIO(render(model, "docx")))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "B-idea" in cells and "C-idea" not in cells
