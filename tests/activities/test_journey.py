"""Service path (`journey`): entries with and without JavaScript, exactly once, refused when
incomplete, counted per stage live, by table, and drawn as the journey map in every format."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from dialogue import db
from dialogue.export.formats import render
from dialogue.export.report import build_report
from dialogue.models import Contribution, Dialogue, DialogueTable, Participant
from tests.conftest import cid
from tests.support.report_data import add_step

NS = {"svg": "http://www.w3.org/2000/svg"}


def _journey(make, **config):
    d = make.dialogue(method="blank")
    step = add_step(db.session.get(Dialogue, d.id), 5, "journey", "Palvelupolku", "Lisää kipukohta.", **config)
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    assert staff.emit("act", "go_to_step", {"step_id": step.id, "client_id": cid()}, callback=True)["ok"]
    return db.session.get(Dialogue, d.id), step, staff


def test_the_phone_page_has_the_default_stages_and_feelings_with_words(make):
    d, step, _staff = _journey(make)
    page = make.participant_client(d).get(f"/p/{d.code}").get_data(as_text=True)
    for stage in ("Tiedon etsiminen", "Ensimmäinen yhteydenotto", "Odottaminen", "Tapaaminen", "Jälkiseuranta"):
        assert stage in page
    # Every face has its number and words beside it.
    for word in ("Tosi huono", "Huono", "Ei hyvä eikä huono", "Hyvä", "Tosi hyvä"):
        assert word in page
    assert 'name="feeling"' in page and 'name="type"' in page


def test_entry_without_javascript_is_stored_once_and_listed_as_mine(make):
    d, step, _staff = _journey(make)
    phone = make.participant_client(d)
    write = cid()
    for _ in range(2):
        r = phone.post(f"/p/{d.code}/act", data={"action": "journey_add", "step_id": step.id, "client_id": write,
                                                 "stage": "2", "type": "pain", "feeling": "1",
                                                 "text": "Odotin vastausta kolme viikkoa"})
        assert r.status_code == 303
    rows = db.session.query(Contribution).filter_by(step_id=step.id).all()
    assert [(c.text, c.extra) for c in rows] == [("Odotin vastausta kolme viikkoa",
                                                  {"stage": 2, "type": "pain", "feeling": 1})]
    page = phone.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Odotin vastausta kolme viikkoa" in page and "Tosi huono" in page


def test_incomplete_entries_are_refused_with_a_message(make):
    d, step, _staff = _journey(make)
    phone = make.participant_client(d)
    base = {"action": "journey_add", "step_id": step.id, "stage": "0", "type": "good", "feeling": "4", "text": "Hyvä"}
    for broken in ({"stage": "9"}, {"type": "kumpikin"}, {"feeling": "6"}, {"text": "  "}):
        phone.post(f"/p/{d.code}/act", data={**base, **broken, "client_id": cid()})
        assert "msg-error" in phone.get(f"/p/{d.code}").get_data(as_text=True)
    assert db.session.query(Contribution).filter_by(step_id=step.id).count() == 0


def test_socket_entries_show_as_counts_per_stage_on_the_screen(make):
    d, step, staff = _journey(make, stages=["Haku", "Tapaaminen"])
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_link_token)
    screen.get_received()
    phone = make.socket(make.participant_client(d), "participant", d)
    for stage, kind, feeling in ((0, "pain", 1), (0, "pain", 2), (1, "good", 5)):
        ack = phone.emit("act", "journey_add", {"step_id": step.id, "stage": stage, "type": kind,
                                                "feeling": feeling, "text": f"Asia {stage}{kind}",
                                                "client_id": cid()}, callback=True)
        assert ack["ok"], ack
    live = [e["args"][0] for e in screen.get_received() if e["name"] == "live"][-1]
    groups = live["step"]["results"]["groups"]
    assert [g["title"] for g in groups] == ["1. Haku", "2. Tapaaminen"]
    assert [[b["value"] for b in g["bars"]] for g in groups] == [[2, 0], [0, 1]]
    assert "1.5" in groups[0]["note"] and "5.0" in groups[1]["note"]


def test_by_table_entries_belong_to_the_writers_table(make):
    d, step, staff = _journey(make, by_table=True)
    with db.write() as s:
        table = DialogueTable(dialogue_id=d.id, name="Pöytä A", position=1, code="ABCD")
        s.add(table)
    phone = make.participant_client(d)
    r = phone.post(f"/p/{d.code}/act", data={"action": "journey_add", "step_id": step.id, "client_id": cid(),
                                             "stage": "0", "type": "good", "feeling": "5", "text": "Sain apua"})
    assert r.status_code == 303
    assert db.session.query(Contribution).filter_by(step_id=step.id).count() == 0  # no table yet
    with db.write() as s:
        for p in s.query(Participant).filter_by(dialogue_id=d.id):
            p.table_id = table.id
    phone.post(f"/p/{d.code}/act", data={"action": "journey_add", "step_id": step.id, "client_id": cid(),
                                         "stage": "0", "type": "good", "feeling": "5", "text": "Sain apua"})
    assert [c.table_id for c in db.session.query(Contribution).filter_by(step_id=step.id)] == [table.id]


def test_report_draws_the_journey_map_in_every_format(make):
    d, step, _staff = _journey(make, stages=["Haku", "Jono", "Tapaaminen"])
    phone = make.participant_client(d)
    for stage, kind, feeling, text in ((0, "pain", 2, "Sivut sekavat"), (0, "good", 4, "Chat auttoi"),
                                       (1, "pain", 1, "Pitkä jono"), (1, "pain", 2, "Ei tietoa ajasta")):
        phone.post(f"/p/{d.code}/act", data={"action": "journey_add", "step_id": step.id, "client_id": cid(),
                                             "stage": str(stage), "type": kind, "feeling": str(feeling), "text": text})
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="fi")
    html = render(model, "html").decode()
    start = html.index("<svg", html.index("journey-map") - 400)
    root = ET.fromstring(html[start:html.index("</svg>", start) + 6])
    groups = root.findall(".//svg:g[@class='stage']", NS)
    assert [g.get("data-name") for g in groups] == ["Haku", "Jono", "Tapaaminen"]
    assert [(g.get("data-pain"), g.get("data-good"), g.get("data-mean")) for g in groups] == [
        ("1", "1", "3.00"), ("2", "0", "1.50"), ("0", "0", None)]
    assert "Kipukohdat" in html and "Jono" in html
    assert b"Pitk\xc3\xa4 jono" in render(model, "json")
    assert render(model, "pdf").startswith(b"%PDF")
    assert render(model, "docx")[:2] == b"PK"
    for fmt in ("csv", "xlsx"):
        assert render(model, fmt)


def test_the_console_shows_the_counts_per_stage(make):
    d, step, staff = _journey(make, stages=["Haku", "Jono"])
    phone = make.participant_client(d)
    phone.post(f"/p/{d.code}/act", data={"action": "journey_add", "step_id": step.id, "client_id": cid(),
                                         "stage": "1", "type": "pain", "feeling": "2", "text": "Pitkä jono"})
    page = make.facilitator_client(d.owner).get(f"/console/d/{d.id}").get_data(as_text=True)
    box = page[page.index("data-voting-live"):]
    assert "1. Haku" in box and "2. Jono" in box and "Kipukohta" in box
    assert "tunne keskimäärin 2.0 / 5" in box
