"""The report sections of Erätauko (National Dialogues structure) and salonki, in every format.

The reports are built in English, so the headings are the msgids and the tests do not
depend on translations; what participants and staff wrote is Finnish.
"""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from docx import Document
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from pypdf import PdfReader

from dialogue import db
from dialogue.export.formats import render
from dialogue.export.report import build_report
from dialogue.models import Dialogue, Helper, Item, Theme
from tests.conftest import cid

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "export.schema.json").read_text())


def _ok(ack):
    assert ack.get("ok"), ack
    return ack


def _steps(d):
    return {s.texts["en"]["title"]: s for s in db.session.get(Dialogue, d.id).steps}


def _helper_socket(make, staff, d, kind, table=""):
    _ok(staff.emit("act", "helper_create", {"kind": kind, "table": table, "client_id": cid()}, callback=True))
    helper = db.session.query(Helper).filter_by(dialogue_id=d.id).order_by(Helper.id.desc()).first()
    return make.socket(make.app.test_client(), "helper", d, token=helper.token)


def _eratauko(make):
    d = make.dialogue(method="eratauko", topic="Työnhaku maaseudulla", organiser="Osuva-hanke", place="Kirjasto",
                      municipality="Juva")
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    steps = _steps(d)
    themes = {t.key: t.id for t in db.session.query(Theme).filter_by(dialogue_id=d.id)}
    scribe = _helper_socket(make, staff, d, "scribe")
    phones = [make.socket(make.participant_client(d), "participant", d) for _ in range(2)]

    def go(title):
        _ok(staff.emit("act", "go_to_step", {"step_id": steps[title].id, "client_id": cid()}, callback=True))

    def write(phone, title, text, **extra):
        return _ok(phone.emit("act", "contribute", {"step_id": steps[title].id, "text": text, "client_id": cid(),
                                                    **extra}, callback=True))

    def note(text, theme=None):
        _ok(scribe.emit("act", "note", {"text": text, "theme_id": themes.get(theme, ""), "client_id": cid()},
                        callback=True))

    go("A moment for your own thoughts")
    shared = write(phones[0], "A moment for your own thoughts", "Matkat ovat pitkiä")
    write(phones[1], "A moment for your own thoughts", "Tämä jää omaksi")
    _ok(phones[0].emit("act", "share_note", {"contribution_id": shared["id"], "client_id": cid()}, callback=True))
    go("Joint dialogue")
    note("Bussi kulkee kerran päivässä.")
    note("Pelkään, että tuki loppuu.", "concerns")
    note("Vertaistuki auttaa.", "helps")
    note("Toivon omaa yhteyshenkilöä.", "hopes")
    note("Kukaan ei puhunut velasta.", "disagreements")
    note("”Minut nähtiin ihmisenä.”", "quotes")
    note("Kunnan pitää kuulla kyliä.", "message")
    go("Insights")
    write(phones[0], "Insights", "Yksin en ole", read_aloud="1")
    write(phones[1], "Insights", "Vain raporttiin tämä", read_aloud="")
    go("What was your most important insight?")
    write(phones[0], "What was your most important insight?", "Muillakin on sama huoli")
    go("Where should this conversation continue?")
    write(phones[1], "Where should this conversation continue?", "Kunnanvaltuustossa, valtuutetut")
    go("How did the conversation go?")
    for phone, value in zip(phones, (5, 4)):
        _ok(phone.emit("act", "give_feedback", {"step_id": steps["How did the conversation go?"].id,
                                                "q_constructive": value, "q_right_issues": 4, "client_id": cid()},
                       callback=True))
    return db.session.get(Dialogue, d.id)


def test_eratauko_report_follows_the_national_dialogues_structure(make):
    d = _eratauko(make)
    model = build_report(db.session, d, lang="en")
    section = model["method_section"]
    assert section["title"] == "Report in the National Dialogues format"
    headings = [b["heading"] for b in section["blocks"] if b["level"] == 3]
    assert headings == ["About the dialogue", "The questions discussed", "Experiences and views per question",
                        "Concerns", "What helps", "Hopes", "Disagreements and things left unsaid", "Insights",
                        "Anonymous quotes", "Where to continue, and who", "Message to decision-makers",
                        "Was the discussion constructive?"]
    blocks = {b["heading"]: b for b in section["blocks"]}
    facts = dict(blocks["About the dialogue"]["facts"])
    assert facts["Organiser"] == "Osuva-hanke" and facts["Topic"] == "Työnhaku maaseudulla"
    assert facts["Participants"] == "2" and "Kirjasto" in facts["Format"] and "Juva" in facts["Format"]
    assert blocks["The questions discussed"]["items"] == ["A moment for your own thoughts", "Joint dialogue"]
    # per question: the shared note and the scribe's untagged note; the private note never
    assert blocks["A moment for your own thoughts"]["items"] == ["Matkat ovat pitkiä"]
    assert blocks["Joint dialogue"]["items"] == ["Bussi kulkee kerran päivässä."]
    assert blocks["Concerns"]["items"] == ["Pelkään, että tuki loppuu."]
    assert blocks["What helps"]["items"] == ["Vertaistuki auttaa."]
    assert blocks["Hopes"]["items"] == ["Toivon omaa yhteyshenkilöä."]
    assert blocks["Disagreements and things left unsaid"]["items"] == ["Kukaan ei puhunut velasta."]
    assert blocks["Anonymous quotes"]["items"] == ["”Minut nähtiin ihmisenä.”"]
    assert blocks["Message to decision-makers"]["items"] == ["Kunnan pitää kuulla kyliä."]
    # insights: read aloud or not, both are in the report; and the most important insight
    assert blocks["Insights"]["items"] == ["Yksin en ole", "Vain raporttiin tämä", "Muillakin on sama huoli"]
    assert blocks["Where to continue, and who"]["items"] == ["Kunnanvaltuustossa, valtuutetut"]
    constructive = dict(blocks["Was the discussion constructive?"]["facts"])
    assert constructive["The discussion was constructive."].startswith("mean 4.5 / 5; 100 % answered 4 or 5")
    assert "Tämä jää omaksi" not in json.dumps(model, ensure_ascii=False)
    assert list(Draft202012Validator(SCHEMA).iter_errors(json.loads(render(model, "json")))) == []


def test_the_section_is_in_every_format(make):
    d = _eratauko(make)
    model = build_report(db.session, d, lang="en")
    html = render(model, "html").decode()
    assert "Report in the National Dialogues format" in html and "<h4>Joint dialogue</h4>" in html
    assert "Pelkään, että tuki loppuu." in html
    doc = Document(io.BytesIO(render(model, "docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Concerns" in paragraphs and "Pelkään, että tuki loppuu." in paragraphs
    assert any(p.style.name == "Heading 3" and p.text == "Joint dialogue" for p in doc.paragraphs)
    wb = load_workbook(io.BytesIO(render(model, "xlsx")))
    cells = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "Report in the National Dialogues format" in cells and "Vertaistuki auttaa." in cells
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render(model, "pdf"))).pages)
    assert "National Dialogues" in pdf and "Vertaistuki auttaa." in pdf
    with zipfile.ZipFile(io.BytesIO(render(model, "csv"))) as z:
        summary = z.read("summary.csv").decode("utf-8-sig")
    assert "Message to decision-makers" in summary and "Kunnan pitää kuulla kyliä." in summary


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
