"""Kumppanuuspöytä (methods/kumppanuuspoyta): a series of three meetings — open action cards
carried forward, dated status updates, a dropped card's reason — and the final document in
every export format."""
from __future__ import annotations

import datetime as dt
import io
import json
import uuid
import zipfile

import openpyxl
from pathlib import Path

from jsonschema import Draft202012Validator

from dialogue import db, methodology
from dialogue.actors import facilitator_actor
from dialogue.commands.core import dispatch
from dialogue.commands.dialogues import create_follow_up, follow_up_method
from dialogue.demo import demo_facilitator, play
from dialogue.export.formats import render
from dialogue.export.report import build_report
from dialogue.models import Contribution, Dialogue, DialogueTable, Item

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())
TODAY = dt.date.today().isoformat()


def _ok(ack):
    assert ack.get("ok"), ack
    return ack


def _run(d, actor, action, **payload):
    return _ok(dispatch(actor, action, {"client_id": uuid.uuid4().hex, **payload}))


def _staff(d):
    return facilitator_actor(db.session.get(Dialogue, d.id), d.owner_id)


def _steps(d):
    return {s.texts["en"]["title"]: s for s in db.session.get(Dialogue, d.id).steps}


def _go(d, title):
    step = _steps(d)[title]
    _run(d, _staff(d), "go_to_step", step_id=step.id)
    return step


def _next_meeting(owner, d, title):
    assert follow_up_method(db.session.get(Dialogue, d.id)) == "kumppanuuspoyta"
    follow = create_follow_up(db.session.get(Dialogue, d.id), owner, title)
    with db.write() as s:
        s.get(Dialogue, follow.id).state = "running"
    return db.session.get(Dialogue, follow.id)


def _cards(step_id):
    return {c.text: c for c in db.session.query(Contribution).filter_by(step_id=step_id, source="commitment")}


def _review_texts(d):
    page_step = db.session.get(Dialogue, d.id).steps[0]
    from dialogue import activities
    return [c["text"] for c in activities.get("commitments").staff_context(db.session, page_step)["cards"]]


def _section(d, lang="en"):
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang=lang)
    return model, {b["heading"]: b for b in model["method_section"]["blocks"]}


def test_a_series_of_three_meetings_carries_open_cards_forward_and_reports_their_history(make):
    owner, _password = demo_facilitator()
    first = play(owner, "kumppanuuspoyta", methodology.get("kumppanuuspoyta").folder / "demo.json")
    with db.write() as s:
        s.get(Dialogue, first.id).state = "closed"
    cards = _cards(_steps(first)["Action cards"].id)
    assert set(cards) == {"Neuvontapiste kirjastoon tiistaisin.", "Kimppakyytien kokeilu kahdesta kylästä."}

    # Meeting 2: the goal and the tables are inherited; the first step reviews meeting 1's cards.
    second = _next_meeting(owner, first, "Kumppanuuspöytä 2")
    steps = db.session.get(Dialogue, second.id).steps
    assert steps[0].kind == "commitments" and steps[0].config["follow_up"] and steps[0].config["open_only"]
    assert db.session.get(Dialogue, second.id).current_step_id == steps[0].id
    assert [t.name for t in db.session.query(DialogueTable).filter_by(dialogue_id=second.id)] == ["Pöytä 1", "Pöytä 2"]
    vote = _steps(second)["Agreeing the goal"]
    assert vote.config["items"] == ["Jokainen työtön löytää meiltä yhden paikan, josta saa apua."]
    assert vote.config["source_step"] == _steps(second)["Proposals for the goal"].position
    assert sorted(_review_texts(second)) == sorted(cards)
    staff = _staff(second)
    _run(second, staff, "commitment_status", contribution_id=cards["Neuvontapiste kirjastoon tiistaisin."].id,
         status="in_progress", status_note="Tila on varattu.")
    refused = dispatch(staff, "commitment_status", {"client_id": uuid.uuid4().hex, "status": "dropped",
                                                    "contribution_id": cards["Kimppakyytien kokeilu kahdesta kylästä."].id})
    assert not refused["ok"]  # dropped needs its reason
    _run(second, staff, "commitment_status", contribution_id=cards["Kimppakyytien kokeilu kahdesta kylästä."].id,
         status="dropped", status_note="Kyliin tuli palveluliikenne, kimppakyytejä ei tarvita.")
    # A phone in the review sees each card's dated history.
    phone = make.participant_client(second)
    page = phone.get(f"/p/{second.code}").get_data(as_text=True)
    assert f"{TODAY} Työn alla: Tila on varattu." in page and "Kyliin tuli palveluliikenne" in page

    actions = _go(second, "Action cards")
    _run(second, staff, "add_commitment", step_id=actions.id, text="Selkokielinen esite kaikista palveluista.",
         who="Järjestöjen yhteistyöryhmä", due="2027-06-30")

    # Meeting 3: the dropped card is not carried forward; the open ones (of both meetings) are.
    third = _next_meeting(owner, second, "Kumppanuuspöytä 3")
    assert sorted(_review_texts(third)) == ["Neuvontapiste kirjastoon tiistaisin.",
                                            "Selkokielinen esite kaikista palveluista."]
    _run(third, _staff(third), "commitment_status", contribution_id=cards["Neuvontapiste kirjastoon tiistaisin."].id,
         status="done", status_note="Neuvontapiste on auki tiistaisin.")

    model, blocks = _section(third)
    rows = {r[0]: r for r in blocks["Action cards"]["table"]["rows"]}
    assert set(rows) == {"Neuvontapiste kirjastoon tiistaisin.", "Kimppakyytien kokeilu kahdesta kylästä.",
                         "Selkokielinen esite kaikista palveluista."}
    library = rows["Neuvontapiste kirjastoon tiistaisin."]
    assert library[1:5] == ["Kunnan työllisyyspalvelut", "2027-02-28", "Neuvonta", "Done"]
    assert library[5] == (f"{TODAY} Accepted; {TODAY} In progress: Tila on varattu.; "
                          f"{TODAY} Done: Neuvontapiste on auki tiistaisin.")
    assert library[6].startswith("Demo: Kumppanuuspöytä")
    dropped = rows["Kimppakyytien kokeilu kahdesta kylästä."]
    assert dropped[4] == "Dropped" and "Kyliin tuli palveluliikenne" in dropped[5] and TODAY in dropped[5]
    assert rows["Selkokielinen esite kaikista palveluista."][6] == "Kumppanuuspöytä 2"
    assert list(Draft202012Validator(SCHEMA).iter_errors(json.loads(render(model, "json")))) == []
    html = render(model, "html").decode()
    assert "Kyliin tuli palveluliikenne" in html and f"{TODAY} In progress" in html


def test_the_final_document_has_goal_ideas_priorities_cards_proposals_and_minutes(app):
    owner, _password = demo_facilitator()
    d = play(owner, "kumppanuuspoyta", methodology.get("kumppanuuspoyta").folder / "demo.json")
    model, blocks = _section(d)
    assert model["method_section"]["title"] == "Partnership table: the final document"
    goal = dict(blocks["The goal"]["facts"])
    assert goal["The goal"] == "Jokainen työtön löytää meiltä yhden paikan, josta saa apua."
    assert goal["Support"] == "agree 3, disagree 0, pass 0"
    assert blocks["Neuvonta"]["items"] == ["Yhteinen neuvontapiste kirjastoon kerran viikossa.",
                                           "Yksi esite kaikista palveluista selkokielellä."]
    assert blocks["Not in a theme"]["items"] == ["Vertaistukiryhmä, joka kokoontuu kahvilassa."]
    assert blocks["Priorities"]["table"]["rows"][0] == ["Yhteinen neuvontapiste kirjastoon kerran viikossa.", 2]
    cards = blocks["Action cards"]["table"]["rows"]
    assert [r[:5] for r in cards] == [
        ["Neuvontapiste kirjastoon tiistaisin.", "Kunnan työllisyyspalvelut", "2027-02-28", "Neuvonta", "Accepted"],
        ["Kimppakyytien kokeilu kahdesta kylästä.", "Kylätoimikunta", "2027-04-30", "Liikkuminen", "Proposed"]]
    assert blocks["Proposals to the municipality"]["items"] == ["Kunta varaa tilan neuvontapisteelle maksutta."]
    minutes = blocks["The minutes and their approval"]
    assert minutes["facts"] == [["Muistio on oikein, ja hyväksyn sen.", "agree 3, disagree 0, pass 0"]]
    # Written by Osuva from the meeting (in the dialogue's language) and approved on the phones.
    written = "\n".join(minutes["items"])
    for said in ("Jokainen työtön löytää meiltä yhden paikan, josta saa apua.",
                 "Yhteinen neuvontapiste kirjastoon kerran viikossa. (2)",
                 "Neuvontapiste kirjastoon tiistaisin. · Kunnan työllisyyspalvelut · Feb 28, 2027",  # (en report)
                 "Kunta varaa tilan neuvontapisteelle maksutta."):
        assert said in written, said


def test_the_minutes_statement_is_in_the_dialogues_language(make):
    d = make.dialogue(method="kumppanuuspoyta", lang="sv")
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    minutes = _steps(d)["Approving the minutes"]
    assert staff.emit("act", "go_to_step", {"step_id": minutes.id, "client_id": uuid.uuid4().hex},
                      callback=True)["ok"]
    assert [i.text for i in db.session.query(Item).filter_by(step_id=minutes.id)] == [
        "Promemorian är riktig och jag godkänner den."]


def test_the_final_document_in_every_export_format(app):
    owner, _password = demo_facilitator()
    d = play(owner, "kumppanuuspoyta", methodology.get("kumppanuuspoyta").folder / "demo.json")
    model, _blocks = _section(d, lang="fi")
    title = model["method_section"]["title"]
    for fmt in ("html", "json"):
        body = render(model, fmt).decode()
        assert title in body and "Kunnan työllisyyspalvelut" in body
    assert render(model, "pdf").startswith(b"%PDF")
    with zipfile.ZipFile(io.BytesIO(render(model, "docx"))) as docx:
        document = docx.read("word/document.xml").decode()
        assert title in document and "Kunnan työllisyyspalvelut" in document
    assert title in zipfile.ZipFile(io.BytesIO(render(model, "csv"))).read("summary.csv").decode("utf-8-sig")
    workbook = openpyxl.load_workbook(io.BytesIO(render(model, "xlsx")))
    assert title in {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}


def test_the_console_shows_a_series_as_one_line_of_meetings(make):
    first = make.dialogue(method="kumppanuuspoyta", title="Pöytä syksy")
    owner_client = make.facilitator_client(first.owner)
    staff = make.socket(owner_client, "facilitator", first)
    actions = _steps(first)["Action cards"]
    assert staff.emit("act", "go_to_step", {"step_id": actions.id, "client_id": uuid.uuid4().hex},
                      callback=True)["ok"]
    r = owner_client.post(f"/console/d/{first.id}/follow-up",
                          data={"csrf_token": _csrf(owner_client.get(f"/console/d/{first.id}"))})
    assert r.status_code == 303
    second = db.session.query(Dialogue).filter_by(follows_id=first.id).one()
    assert second.method == "kumppanuuspoyta"
    page = owner_client.get(f"/console/d/{second.id}").get_data(as_text=True)
    line = page[page.index('class="series"'):]
    line = line[:line.index("</ol>")]
    assert line.index("Pöytä syksy") < line.index(second.title)
    assert 'aria-current="page"' in line and f"/console/d/{first.id}\"" in line


def _csrf(response):
    from tests.conftest import csrf_token
    return csrf_token(response.get_data(as_text=True))


def test_anyone_proposes_an_action_card_without_javascript_and_staff_accept_it(make):
    d = make.dialogue(method="kumppanuuspoyta")
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    actions = _steps(d)["Action cards"]
    assert staff.emit("act", "go_to_step", {"step_id": actions.id, "client_id": uuid.uuid4().hex},
                      callback=True)["ok"]
    phone = make.participant_client(d)
    assert "Ehdota toimenpidekorttia" in phone.get(f"/p/{d.code}").get_data(as_text=True)
    r = phone.post(f"/p/{d.code}/act", data={"action": "add_commitment", "step_id": actions.id,
                                             "client_id": uuid.uuid4().hex, "text": "Kahvila avoinna myös perjantaisin",
                                             "who": "Seurakunta", "due": "2027-05-31"})
    assert r.status_code == 303
    card = db.session.query(Contribution).filter_by(step_id=actions.id, source="commitment").one()
    assert (card.text, card.extra["who"], card.extra["status"]) == ("Kahvila avoinna myös perjantaisin",
                                                                    "Seurakunta", "proposed")
    assert "Kahvila avoinna myös perjantaisin" in phone.get(f"/p/{d.code}").get_data(as_text=True)
    assert staff.emit("act", "accept_commitment", {"contribution_id": card.id, "client_id": uuid.uuid4().hex},
                      callback=True)["ok"]
    db.session.expire_all()
    assert db.session.get(Contribution, card.id).extra["status"] == "accepted"
