"""Palvelumuotoilu (methods/palvelumuotoilu): the demo plays through every step, and the report
section — journey map picture, prioritised pain points, rated ideas, action plan — is in every format."""
from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
import zipfile

import openpyxl
from pathlib import Path

from jsonschema import Draft202012Validator

from dialogue import db, methodology
from dialogue.demo import demo_facilitator, play
from dialogue.export.formats import render
from dialogue.export.report import build_report
from dialogue.models import Dialogue, DialogueTable

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())
NS = {"svg": "http://www.w3.org/2000/svg"}


def _demo(make, lang="fi"):
    owner, _password = demo_facilitator()
    d = play(owner, "palvelumuotoilu", methodology.get("palvelumuotoilu").folder / "demo.json")
    return build_report(db.session, db.session.get(Dialogue, d.id), lang=lang), d


def test_the_method_has_two_tables_and_a_jobseekers_path(make):
    d = make.dialogue(method="palvelumuotoilu")
    assert [t.name for t in db.session.query(DialogueTable).filter_by(dialogue_id=d.id)] == ["Pöytä 1", "Pöytä 2"]
    journey = next(s for s in db.session.get(Dialogue, d.id).steps if s.kind == "journey")
    phone = make.participant_client(d)
    make.socket(make.facilitator_client(d.owner), "facilitator", d).emit(
        "act", "go_to_step", {"step_id": journey.id, "client_id": "x" * 32}, callback=True)
    page = phone.get(f"/p/{d.code}").get_data(as_text=True)
    for stage in ("Tiedon etsiminen", "Ensimmäinen yhteydenotto", "Odottaminen", "Tapaaminen", "Jälkiseuranta"):
        assert stage in page


def test_report_section_has_the_map_the_priorities_the_ratings_and_the_plan(make):
    model, _d = _demo(make, lang="en")
    section = model["method_section"]
    blocks = {b["heading"]: b for b in section["blocks"]}
    journey = blocks["The journey map"]
    assert [r[0] for r in journey["table"]["rows"]] == ["Finding information", "First contact", "Waiting",
                                                        "The meeting", "Follow-up"] or \
        [r[0] for r in journey["table"]["rows"]][0] == "Tiedon etsiminen"
    assert [r[1:3] for r in journey["table"]["rows"]] == [[2, 1], [1, 1], [2, 0], [1, 1], [1, 1]]
    root = ET.fromstring(journey["picture"]["svg"])
    points = {int(c.get("data-stage")): float(c.get("data-mean"))
              for c in root.findall(".//svg:circle[@class='feeling-point']", NS)}
    assert points == {0: 2.33, 1: 3.0, 2: 1.5, 3: 4.0, 4: 3.0}
    pains = blocks["The most important pain points"]["table"]["rows"]
    assert pains[0] == ["Odottaminen: En tiennyt, kauanko pitää odottaa.", 3]
    assert all(not r[0].startswith("Tapaaminen: Asiantuntija") for r in pains)  # good moments are not pains
    assert blocks["The best ideas"]["table"]["rows"][0] == ["Tekstiviesti, joka kertoo, kauanko odotus kestää.", 3]
    rated = blocks["Ideas rated: useful and doable"]["table"]
    assert rated["columns"][1:3] == ["Useful, mean (1–5)", "Doable, mean (1–5)"]
    assert rated["rows"][0] == ["Tekstiviesti, joka kertoo, kauanko odotus kestää.", "4.5", "4.5", 2]
    plan = blocks["Action plan"]["table"]["rows"]
    assert [r[:3] for r in plan] == [
        ["Tekstiviesti odotusajasta kaikille uusille asiakkaille.", "TE-palvelut, asiakaspalvelu", "2027-03-31"],
        ["Paperiset ohjeet kirjastoihin.", "Kunnan kirjastot", "2027-02-28"]]
    assert list(Draft202012Validator(SCHEMA).iter_errors(json.loads(render(model, "json")))) == []


def test_every_export_format_has_the_section(make):
    model, _d = _demo(make, lang="fi")
    html = render(model, "html").decode()
    assert "Palvelun polku" in html and 'class="chart journey-map"' in html
    assert "Tekstiviesti odotusajasta" in html and "Tärkeimmät kipukohdat" in html
    assert "Tärkeimmät kipukohdat" in render(model, "json").decode()
    assert render(model, "pdf").startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(render(model, "docx"))) as docx:
        document = docx.read("word/document.xml").decode()
        assert "Tärkeimmät kipukohdat" in document and "Tekstiviesti odotusajasta" in document
        assert any(name.startswith("word/media/") for name in docx.namelist())  # the map as a picture
    assert "Tärkeimmät kipukohdat" in zipfile.ZipFile(io.BytesIO(render(model, "csv"))).read("summary.csv").decode("utf-8-sig")
    workbook = openpyxl.load_workbook(io.BytesIO(render(model, "xlsx")))
    assert "Tärkeimmät kipukohdat" in {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}
