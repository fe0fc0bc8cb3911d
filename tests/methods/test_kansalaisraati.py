"""Kansalaisraati (methods/kansalaisraati): the public statement (julkilausuma) in every format,
from the tables' drafts through merging, support, amendments and minority statements to the
final approval, played through the same commands as phones, table hosts and the console."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from jsonschema import Draft202012Validator
from pypdf import PdfReader
from sqlalchemy import select

from dialogue import db
from dialogue.export.formats import FORMATS, export, render
from dialogue.export.report import build_report
from dialogue.models import Dialogue, DialogueTable, DraftSection, Helper, Publication
from tests.conftest import cid

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())


def _ok(ack):
    assert ack.get("ok"), ack
    return ack


def test_jury_statement_in_every_format(make):
    d = make.dialogue(method="kansalaisraati", topic="Miten työnhaku helpottuu?",
                      organiser="Mikkelin työllisyyspalvelut")
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    steps = {s.texts["en"]["title"]: s for s in db.session.get(Dialogue, d.id).steps}
    table_ids = list(db.session.scalars(select(DialogueTable.id).where(DialogueTable.dialogue_id == d.id)))
    assert len(table_ids) == 3  # the method's default tables
    phones = [make.socket(make.participant_client(d), "participant", d) for _ in range(6)]

    def act(who, action, **payload):
        return _ok(who.emit("act", action, {**payload, "client_id": cid()}, callback=True))

    def go(title):
        act(staff, "go_to_step", step_id=steps[title].id)
        return steps[title].id

    for n, phone in enumerate(phones):
        act(phone, "table_join", table_id=table_ids[n % 2])
    hearing = go("Expert hearing 1")
    act(phones[0], "ask", step_id=hearing, text="Paljonko neuvonta maksaa?")
    act(staff, "helper_create", kind="table_host", label="Vetäjä", table="Pöytä 1")
    token = db.session.scalar(select(Helper).where(Helper.dialogue_id == d.id, Helper.label == "Vetäjä")).link_token
    host = make.socket(make.app.test_client(), "helper", d, token=token)
    tables_step = go("At the tables: draft recommendations")
    act(host, "draft_add_section", step_id=tables_step, text="Neuvontapiste kirjastoon.")
    act(phones[1], "draft_add_section", step_id=tables_step, text="Iltabussit Juvalta Mikkeliin.")
    merged_step = go("The jury's recommendations")
    sections = list(db.session.scalars(select(DraftSection).where(DraftSection.step_id == merged_step)
                                       .order_by(DraftSection.number)))
    assert [s.text for s in sections] == ["Neuvontapiste kirjastoon.", "Iltabussit Juvalta Mikkeliin."]
    first, second = sections[0].id, sections[1].id
    support = go("Do you support the recommendations?")
    for phone, vote in zip(phones, ["agree", "agree", "agree", "agree", "disagree", "cant_say"]):
        act(phone, "draft_support", step_id=support, section_id=first, vote=vote)
        act(phone, "draft_support", step_id=support, section_id=second, vote="agree")
    amend = go("Amendments")
    accepted = act(phones[2], "draft_amend", step_id=amend, section_id=first,
                   text="Neuvontapiste kirjastoon ja puhelinneuvonta.", reason="Kaikki eivät pääse paikalle.")
    rejected = act(phones[3], "draft_amend", step_id=amend, section_id=second, text="Taksiseteli.", reason="")
    act(staff, "draft_decide", amendment_id=accepted["amendment_id"], accept=True)
    act(staff, "draft_decide", amendment_id=rejected["amendment_id"], accept=False)
    minority = go("Minority statements")
    m = act(phones[4], "draft_minority", step_id=minority, section_id=second, text="Kimppakyydit olisivat halvempia.")
    act(phones[5], "draft_join", step_id=minority, minority_id=m["minority_id"], joined=True)
    final = go("Do you approve the statement?")
    for phone, vote in zip(phones, ["agree"] * 5 + ["disagree"]):
        act(phone, "draft_final", step_id=final, vote=vote)

    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="en")
    section = model["method_section"]
    assert section["title"] == "Public statement of the citizens' jury"
    blocks = {b["heading"]: b for b in section["blocks"]}
    assert ["Question", "Miten työnhaku helpottuu?"] in blocks["The question and who asked it"]["facts"]
    assert ["Commissioned by", "Mikkelin työllisyyspalvelut"] in blocks["The question and who asked it"]["facts"]
    assert ["Jury members", "6"] in blocks["The jury"]["facts"]
    assert blocks["Experts heard"]["items"] == ["Expert hearing 1", "Expert hearing 2"]
    first_block = blocks["Recommendation 1"]
    assert first_block["items"][0] == "Neuvontapiste kirjastoon ja puhelinneuvonta."
    assert "Accepted amendment 1: Neuvontapiste kirjastoon ja puhelinneuvonta." in first_block["items"]
    assert first_block["facts"] == [["Support", "agree 4 (67 %), disagree 1 (17 %), can't say 1 (17 %)"]]
    second_block = blocks["Recommendation 2"]
    assert second_block["items"] == ["Iltabussit Juvalta Mikkeliin.",
                                     "Minority statement (2 joined): Kimppakyydit olisivat halvempia."]
    assert "Taksiseteli." not in json.dumps(section)  # a rejected amendment is not part of the statement
    assert ["Answers", "6"] in blocks["Final approval of the statement"]["facts"]
    assert blocks["Support for the recommendations"]["table"]["rows"][0][:3] == [
        1, "Neuvontapiste kirjastoon ja puhelinneuvonta.", 4]
    assert list(Draft202012Validator(SCHEMA).iter_errors(json.loads(render(model, "json")))) == []
    dialogue = db.session.get(Dialogue, d.id)
    for fmt in FORMATS:
        body, _format, _name = export(db.session, dialogue, fmt)
        assert body, fmt
    html = export(db.session, dialogue, "html")[0].decode()
    assert "Public statement of the citizens" in html or "julkilausuma" in html.lower()
    assert "Kimppakyydit olisivat halvempia." in html
    # published: the recommendations with their support, for anyone with the link
    act(staff, "publish_results", message="Raadin julkilausuma", public=True)
    key = db.session.scalar(select(Publication).where(Publication.dialogue_id == d.id)).link_token
    published = make.app.test_client().get(f"/r/{key}").get_data(as_text=True)
    assert "Neuvontapiste kirjastoon ja puhelinneuvonta." in published and "<svg" in published
    for fmt in ("csv", "docx", "xlsx"):  # zipped CSV files and XML: the statement's words are in them
        with zipfile.ZipFile(io.BytesIO(export(db.session, dialogue, fmt)[0])) as z:
            xml = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                          if n.endswith((".xml", ".csv")))
        assert "Kimppakyydit olisivat halvempia." in xml, fmt
    pdf = PdfReader(io.BytesIO(export(db.session, dialogue, "pdf")[0]))
    assert "Kimppakyydit" in "".join(page.extract_text() for page in pdf.pages)


def test_the_commissioning_bodys_response_is_entered_after_closing_and_reported(make):
    d = make.dialogue(method="kansalaisraati", topic="Miten työnhaku helpottuu?")
    console = make.facilitator_client(d.owner)
    steps = {s.texts["en"]["title"]: s for s in db.session.get(Dialogue, d.id).steps}
    staff = make.socket(console, "facilitator", d)
    _ok(staff.emit("act", "set_state", {"state": "closed", "client_id": cid()}, callback=True))
    page = console.get(f"/console/d/{d.id}").get_data(as_text=True)
    assert 'data-action="draft_response"' in page
    r = console.post(f"/console/d/{d.id}/act", data={
        "action": "draft_response", "step_id": steps["Do you approve the statement?"].id, "client_id": cid(),
        "text": "Kaupunki perustaa neuvontapisteen kirjastoon keväällä 2027."})
    assert r.status_code == 303
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="en")
    blocks = {b["heading"]: b for b in model["method_section"]["blocks"]}
    assert blocks["Response of the commissioning body"]["items"] == [
        "Kaupunki perustaa neuvontapisteen kirjastoon keväällä 2027."]
    assert "keväällä 2027" in export(db.session, db.session.get(Dialogue, d.id), "html")[0].decode()


def test_the_step_editor_and_preview_of_a_draft_step(make):
    d = make.dialogue(method="kansalaisraati")
    console = make.facilitator_client(d.owner)
    step = next(s for s in db.session.get(Dialogue, d.id).steps if s.config.get("amendments"))
    page = console.get(f"/console/d/{d.id}/steps/{step.id}").get_data(as_text=True)
    assert 'name="cfg_amendments"' in page and 'name="cfg_source_step"' in page
    preview = console.get(f"/console/d/{d.id}/steps/{step.id}/preview")
    assert preview.status_code == 200


def test_the_commissioning_body_answers_through_its_own_link_after_closing(make):
    """A respondent link (no account) shows the statement and takes the response, also once the
    jury has closed; another helper link cannot answer; the published page shows the response."""
    d = make.dialogue(method="kansalaisraati", topic="Miten työnhaku helpottuu?")
    console = make.facilitator_client(d.owner)
    staff = make.socket(console, "facilitator", d)
    statement = next(s for s in db.session.get(Dialogue, d.id).steps if s.config.get("final_approval"))
    links = {}
    for kind in ("respondent", "scribe"):
        _ok(staff.emit("act", "helper_create", {"kind": kind, "label": kind, "client_id": cid()}, callback=True))
        links[kind] = db.session.scalars(select(Helper).where(Helper.dialogue_id == d.id)
                                         .order_by(Helper.id.desc())).first().link_token
    _ok(staff.emit("act", "set_state", {"state": "closed", "client_id": cid()}, callback=True))
    body = make.app.test_client()
    page = body.get(f"/h/{links['respondent']}").get_data(as_text=True)
    assert 'data-action="draft_response"' in page and 'id="note-text"' not in page  # no staff notes here
    r = body.post(f"/h/{links['respondent']}/act", data={
        "action": "draft_response", "step_id": statement.id, "client_id": cid(),
        "text": "Kaupunki avaa neuvontapisteen kirjastoon."})
    assert r.status_code == 303
    scribe = make.socket(make.app.test_client(), "helper", d, token=links["scribe"])
    refused = scribe.emit("act", "draft_response", {"step_id": statement.id, "text": "Toinen vastaus",
                                                      "client_id": cid()}, callback=True)
    assert not refused["ok"]
    _ok(staff.emit("act", "publish_results", {"message": "Julkilausuma ja vastine", "client_id": cid()},
                   callback=True))
    key = db.session.scalar(select(Publication).where(Publication.dialogue_id == d.id)).link_token
    published = make.app.test_client().get(f"/r/{key}").get_data(as_text=True)
    assert "Kaupunki avaa neuvontapisteen kirjastoon." in published and "Toinen vastaus" not in published
