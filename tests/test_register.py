"""The findings register (kehittämiskohteet): approved key findings sent from dialogues, the same
finding linked from another dialogue, responses through each organisation's secret link, the
"you said – we did" loop on the published page, the register view's filters, every export
format and the project report's summary."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest
from docx import Document
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select, text

from dialogue import db, registers
from dialogue.actors import FACILITATOR, Actor
from dialogue.commands.core import dispatch
from dialogue.export.project import project_report
from dialogue.models import (
    Dialogue,
    Finding,
    Publication,
    RegisterEntry,
    RegisterEvidence,
    RegisterResponder,
    RegisterResponse,
)
from tests.conftest import csrf_token
from tests.support.report_data import cid, ok

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "export.schema.json").read_text())
BUS = "Iltabussi puuttuu, eikä kurssille pääse. Soita 040 123 4567."


class Room:
    """Two dialogues of one facilitator in two municipalities, by two methods, and a register."""

    def __init__(self, make):
        self.make = make
        self.owner = make.facilitator()
        self.d1 = make.dialogue(owner=self.owner, method="ideakierros", title="Työnhaku Juvalla",
                                municipality="Juva", date=dt.date(2026, 11, 20))
        self.d2 = make.dialogue(owner=self.owner, method="salonki", title="Salonki Mikkelissä",
                                municipality="Mikkeli", date=dt.date(2026, 12, 1))
        with db.write() as s:
            self.register_id = registers.create_register(s, "Hankkeen kehittämiskohteet", "project").id
        self.client = make.facilitator_client(self.owner)

    def staff(self, d: Dialogue) -> Actor:
        return Actor(FACILITATOR, d.id, facilitator_id=self.owner.id)

    def finding(self, d: Dialogue, text: str, *, approve: bool = True) -> int:
        finding_id = ok(dispatch(self.staff(d), "finding_add", {"client_id": cid(), "text": text}))["finding_id"]
        if approve:
            ok(dispatch(self.staff(d), "finding_approve", {"client_id": cid(), "finding_id": finding_id,
                                                            "approved": "1"}))
        return finding_id

    def send(self, d: Dialogue, finding_id: int, **payload) -> dict:
        payload.setdefault("register_id", self.register_id) if "entry_id" not in payload else None
        return dispatch(self.staff(d), "finding_to_register", {"client_id": cid(), "finding_id": finding_id,
                                                               **payload})

    def responder(self, name: str) -> tuple[int, str]:
        """An organisation added on the settings page: (its id, the key of the link shown once)."""
        url = f"/console/registers/{self.register_id}/settings"
        page = self.client.post(url, data={"action": "add_responder", "name": name, "client_id": cid()})
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        key = re.search(r'id="link-value" value="[^"]*/v/([^"]+)"', html).group(1)
        rid = db.session.scalar(select(RegisterResponder.id).where(RegisterResponder.name == name))
        return rid, key

    def view(self, **args) -> str:
        r = self.client.get(f"/console/registers/{self.register_id}", query_string=args)
        assert r.status_code == 200
        return r.get_data(as_text=True)

    def publish(self, d: Dialogue) -> str:
        ok(dispatch(self.staff(d), "publish_results", {"client_id": cid(), "message": "Kiitos"}))
        return db.session.scalar(select(Publication).where(Publication.dialogue_id == d.id)).link_token


@pytest.fixture
def room(make):
    return Room(make)


def _views(room) -> list[dict]:
    db.session.expire_all()
    from dialogue.models import FindingRegister
    return registers.entry_views(db.session, db.session.get(FindingRegister, room.register_id), lang="en")


def _entry_ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="card register-entry" id="entry-(\d+)"', html)]


def test_the_same_finding_from_two_dialogues_counts_two_dialogues(room):
    first = room.finding(room.d1, BUS)
    ack = ok(room.send(room.d1, first, area="transport"))
    entry_id = ack["entry_id"]
    again = room.finding(room.d2, "Kyytejä ei ole iltaisin kursseille")
    linked = ok(room.send(room.d2, again, entry_id=entry_id))
    assert linked["entry_id"] == entry_id
    (view,) = _views(room)
    assert view["dialogues"] == 2
    assert view["municipalities"] == ["Juva", "Mikkeli"]
    assert len(view["methods"]) == 2
    assert {ev["dialogue"] for ev in view["evidence"]} == {"Työnhaku Juvalla", "Salonki Mikkelissä"}
    # Masked everywhere: the entry's text and its evidence.
    assert "040 123 4567" not in json.dumps(view, ensure_ascii=False)
    # The page shows how often and where.
    html = room.view()
    assert "Juva, Mikkeli" in html and re.search(r"(2 dialogues|2 dialogissa|2 dialoger)", html)
    # A finding goes to the register once; the findings page links to its entry.
    assert not room.send(room.d1, first, area="transport")["ok"]
    page = room.client.get(f"/console/d/{room.d1.id}/findings").get_data(as_text=True)
    assert f'id="sent-{first}"' in page and f"/entries/{entry_id}" in page


def test_unapproved_drafts_and_demo_dialogues_never_reach_the_register(room, make):
    draft = room.finding(room.d1, "Luonnos: verkkopalvelu on vaikea", approve=False)
    ack = room.send(room.d1, draft, area="digital")
    assert not ack["ok"]
    demo = make.dialogue(owner=room.owner, title="Demo", municipality="Juva")
    with db.write() as s:
        s.get(Dialogue, demo.id).is_demo = True
    demo_finding = room.finding(demo, "Demon havainto")
    assert not room.send(demo, demo_finding, area="digital")["ok"]
    assert db.session.scalar(select(func.count()).select_from(RegisterEntry)) == 0
    # The findings page offers no send form for a draft.
    page = room.client.get(f"/console/d/{room.d1.id}/findings").get_data(as_text=True)
    assert f'id="send-{draft}"' not in page


def test_a_response_through_its_link_updates_the_published_page(room, make, app):
    rid, key = room.responder("TE-palvelut Etelä-Savo")
    # Only the link's hash is stored: a copy of the database does not hand out the key.
    dump = "\n".join(db.session.connection().connection.driver_connection.iterdump())
    assert key not in dump
    # The link is shown once; the settings page does not show it again.
    assert key not in room.client.get(f"/console/registers/{room.register_id}/settings").get_data(as_text=True)
    finding = room.finding(room.d1, BUS)
    entry_id = ok(room.send(room.d1, finding, area="transport", responder_id=rid))["entry_id"]
    token = room.publish(room.d1)
    public = make.app.test_client()
    assert 'id="we-did"' not in public.get(f"/r/{token}").get_data(as_text=True)

    app.config["WTF_CSRF_ENABLED"] = True
    from flask import g
    g.pop("csrf_token", None)  # the tests' app context outlives requests: a token of this client's own
    org = make.app.test_client()
    page = org.get(f"/v/{key}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'id="entry-{entry_id}"' in html and "040 123 4567" not in html
    r = org.post(f"/v/{key}", data={"csrf_token": csrf_token(html), "entry_id": str(entry_id), "status": "decided",
                                    "text": "Iltavuoro Juvalle kokeiluun keväällä", "public": "1", "client_id": cid()})
    assert r.status_code == 303, r.get_data(as_text=True)[-3000:]
    shown = public.get(f"/r/{token}").get_data(as_text=True)
    assert 'id="we-did"' in shown and "Iltavuoro Juvalle kokeiluun keväällä" in shown
    assert "TE-palvelut Etelä-Savo" in shown
    # A response not for participants never reaches the published page; the public one stays.
    html = org.get(f"/v/{key}").get_data(as_text=True)
    org.post(f"/v/{key}", data={"csrf_token": csrf_token(html), "entry_id": str(entry_id), "status": "done",
                                "text": "SISAINEN-VALMISTELU", "client_id": cid()})
    shown = public.get(f"/r/{token}").get_data(as_text=True)
    assert "SISAINEN-VALMISTELU" not in shown and "Iltavuoro Juvalle kokeiluun keväällä" in shown
    # Staff see the whole dated history on the entry.
    (view,) = _views(room)
    assert [h["status"] for h in view["history"]] == ["decided", "done"] and view["status"] == "done"
    assert all(h["date"] == dt.date.today().isoformat() for h in view["history"])
    entry_page = room.client.get(f"/console/registers/{room.register_id}/entries/{entry_id}").get_data(as_text=True)
    assert "SISAINEN-VALMISTELU" in entry_page
    # A finding whose approval is withdrawn leaves the published page.
    ok(dispatch(room.staff(room.d1), "finding_approve", {"client_id": cid(), "finding_id": finding, "approved": ""}))
    assert 'id="we-did"' not in public.get(f"/r/{token}").get_data(as_text=True)


def test_a_response_link_answers_only_its_own_entries(room):
    a, key_a = room.responder("Kela")
    b, key_b = room.responder("Kunta")
    entry_a = ok(room.send(room.d1, room.finding(room.d1, "Kelan päätökset kestävät"), area="money",
                           responder_id=a))["entry_id"]
    entry_b = ok(room.send(room.d1, room.finding(room.d1, "Bussit kulkevat harvoin"), area="transport",
                           responder_id=b))["entry_id"]
    org = room.make.app.test_client()
    html = org.get(f"/v/{key_a}").get_data(as_text=True)
    assert f'id="entry-{entry_a}"' in html and f'id="entry-{entry_b}"' not in html
    assert "Bussit kulkevat harvoin" not in html
    r = org.post(f"/v/{key_a}", data={"entry_id": str(entry_b), "status": "done", "text": "Ei meidän",
                                      "client_id": cid()})
    assert r.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(RegisterResponse)) == 0
    # Not taken forward needs a reason.
    r = org.post(f"/v/{key_a}", data={"entry_id": str(entry_a), "status": "declined", "client_id": cid()})
    assert r.status_code == 400
    assert org.get("/v/vaara-avain").status_code == 404
    # A new link replaces the old one.
    page = room.client.post(f"/console/registers/{room.register_id}/settings",
                            data={"action": "new_link", "responder_id": str(a)})
    new_key = re.search(r'id="link-value" value="[^"]*/v/([^"]+)"', page.get_data(as_text=True)).group(1)
    assert org.get(f"/v/{key_a}").status_code == 404
    assert org.get(f"/v/{new_key}").status_code == 200
    # Staff and organisations: someone not logged in gets no register page.
    assert org.get(f"/console/registers/{room.register_id}").status_code == 302


def _three_entries(room) -> dict[str, int]:
    kela, key = room.responder("Kela")
    d3 = room.make.dialogue(owner=room.owner, method="ideakierros", title="Kolmas", municipality="Juva",
                            date=dt.date(2026, 10, 1))
    ids = {}
    ids["bus"] = ok(room.send(room.d1, room.finding(room.d1, "Bussit kulkevat harvoin"), area="transport"))["entry_id"]
    ok(room.send(room.d2, room.finding(room.d2, "Bussit eivät kulje iltaisin"), entry_id=ids["bus"]))
    ids["web"] = ok(room.send(room.d2, room.finding(room.d2, "Verkkopalvelu on vaikea"), area="digital"))["entry_id"]
    ids["kela"] = ok(room.send(d3, room.finding(d3, "Kelan päätökset kestävät"), area="money",
                               responder_id=kela))["entry_id"]
    room.make.app.test_client().post(f"/v/{key}", data={"entry_id": str(ids["kela"]), "status": "considering",
                                                         "text": "Selvitämme", "public": "1", "client_id": cid()})
    return ids


def test_the_register_views_filters_and_order(room):
    ids = _three_entries(room)
    # Sorted by how often heard: the bus entry (two dialogues) first.
    assert _entry_ids(room.view())[0] == ids["bus"]
    assert set(_entry_ids(room.view())) == set(ids.values())
    assert _entry_ids(room.view(area="digital")) == [ids["web"]]
    assert set(_entry_ids(room.view(municipality="Juva"))) == {ids["bus"], ids["kela"]}
    assert set(_entry_ids(room.view(method="salonki"))) == {ids["bus"], ids["web"]}
    assert _entry_ids(room.view(status="considering")) == [ids["kela"]]
    assert set(_entry_ids(room.view(status="none"))) == {ids["bus"], ids["web"]}
    assert _entry_ids(room.view(**{"from": "2026-09-01", "to": "2026-10-31"})) == [ids["kela"]]
    assert set(_entry_ids(room.view(**{"from": "2026-11-25"}))) == {ids["bus"], ids["web"]}
    # The filter form is a plain GET form with labelled fields.
    html = room.view()
    assert '<form method="get" class="register-filters"' in html
    for name in ("area", "municipality", "method", "status", "from", "to", "sort"):
        assert f'id="f-{name}"' in html and f'for="f-{name}"' in html


def test_every_export_format(room):
    ids = _three_entries(room)
    base = f"/console/registers/{room.register_id}"

    def get(fmt, **args):
        r = room.client.get(f"{base}.{fmt}", query_string=args)
        assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
        return r.data

    data = json.loads(get("json"))
    errors = list(Draft202012Validator({"$defs": SCHEMA["$defs"], "$ref": "#/$defs/register"}).iter_errors(data))
    assert not errors, [e.message for e in errors]
    assert [e["id"] for e in data["entries"]][0] == ids["bus"] and data["entries"][0]["dialogues"] == 2
    # The export follows the view's filters.
    assert [e["id"] for e in json.loads(get("json", area="money"))["entries"]] == [ids["kela"]]

    rows = list(csv.reader(io.StringIO(get("csv").decode("utf-8-sig"))))
    assert len(rows) == 1 + 3
    header = rows[0]
    bus = next(r for r in rows[1:] if r[0] == "Bussit kulkevat harvoin")
    assert bus[header.index(header[2])] == "2"
    kela = next(r for r in rows[1:] if r[0] == "Kelan päätökset kestävät")
    assert "Selvitämme" in kela

    wb = load_workbook(io.BytesIO(get("xlsx")))
    cells = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    texts = [r[0] for r in cells]
    assert "Bussit kulkevat harvoin" in texts and "Verkkopalvelu on vaikea" in texts
    bus_row = cells[texts.index("Bussit kulkevat harvoin")]
    assert bus_row[2] == 2  # a number stays a number
    evidence = [list(r) for r in wb.worksheets[1].iter_rows(values_only=True)]
    assert sum(1 for r in evidence if r[0] == "Bussit kulkevat harvoin") == 2

    doc = Document(io.BytesIO(get("docx")))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:1] == ["Bussit kulkevat harvoin"] and "Kelan päätökset kestävät" in headings
    assert any("Selvitämme" in p.text for p in doc.paragraphs)

    reader = PdfReader(io.BytesIO(get("pdf")))
    pdf_text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    assert "Hankkeen kehittämiskohteet" in pdf_text and "Kelan päätökset kestävät" in pdf_text
    assert "Selvitämme" in pdf_text
    assert room.client.get(f"{base}.html").status_code == 404


def test_the_project_report_has_the_registers_summary(room):
    ids = _three_entries(room)
    report = project_report(db.session, lang="en")
    summary = report["register"]
    assert summary["entries"] == len(ids)
    assert {a["area"]: a["entries"] for a in summary["by_area"]} == {
        "Getting there (transport and distances)": 1, "Digital services": 1, "Money and benefits": 1}
    assert {s["status"]: s["entries"] for s in summary["by_status"]} == {"considering": 1, "none": 2}
    assert summary["median_days_to_first_response"] == 0 and summary["answered"] == 1
    # The period counts entries by when they were first heard.
    assert project_report(db.session, start=dt.date(2026, 11, 1), lang="en")["register"]["entries"] == 2
    page = room.client.get("/console/project?lang=en").get_data(as_text=True)
    assert "Findings register: entries by service area" in page and "Money and benefits" in page
    assert "Findings register: entries by status" in page and "Median days to the first response" in page
    assert room.client.get("/console/project.xlsx").status_code == 200


def test_service_areas_are_editable_per_register(room):
    url = f"/console/registers/{room.register_id}/settings"
    html = room.client.get(url).get_data(as_text=True)
    assert "transport:" in html  # the default list, by key
    r = room.client.post(url, data={"action": "areas", "areas": "transport: Liikenne\nAsuminen"})
    assert r.status_code == 303
    view = room.view()
    assert ">Asuminen<" in view and ">Liikenne<" in view and "Digitaaliset palvelut" not in view
    finding = room.finding(room.d1, "Asunnot ovat kalliita")
    assert not room.send(room.d1, finding, area="digital")["ok"]  # no longer one of the areas
    ok(room.send(room.d1, finding, area="asuminen"))
    r = room.client.post(url, data={"action": "areas", "areas": "   "})
    assert r.status_code == 400


def test_registers_index_makes_a_register_and_refuses_a_taken_name(room):
    r = room.client.post("/console/registers", data={"name": "Kunnan rekisteri", "kind": "organisation",
                                                      "organisation": "Juvan kunta"})
    assert r.status_code == 303
    r = room.client.post("/console/registers", data={"name": "Kunnan rekisteri", "kind": "organisation"})
    assert r.status_code == 400
    r = room.client.post("/console/registers", data={"name": "x" * 500, "kind": "named"})
    assert r.status_code == 400
    assert db.session.scalar(text("select count(*) from finding_register")) == 2
    assert db.session.scalar(select(func.count()).select_from(RegisterEvidence)) == 0
    assert db.session.scalar(select(func.count()).select_from(Finding)) == 0


def test_the_register_keeps_its_evidence_when_a_dialogues_raw_data_is_purged(room):
    from dialogue.commands.lifecycle import purge_dialogue
    finding = room.finding(room.d1, BUS)
    ok(room.send(room.d1, finding, area="transport"))
    with db.write() as s:
        purge_dialogue(s, s.get(Dialogue, room.d1.id))
    db.session.expire_all()
    assert db.session.get(Finding, finding) is None  # the dialogue's own findings went with its raw data
    (view,) = _views(room)
    assert view["dialogues"] == 1 and view["evidence"][0]["dialogue"] == "Työnhaku Juvalla"


def test_the_demo_makes_its_own_register_once_left_out_of_reporting(app, runner, make):
    from dialogue.models import FindingRegister
    for _ in range(2):  # seeding again adds nothing
        result = runner.invoke(args=["demo"])
        assert result.exit_code == 0, result.output
    db.session.expire_all()
    (register,) = db.session.scalars(select(FindingRegister)).all()
    assert register.is_demo
    views = registers.entry_views(db.session, register, lang="en")
    assert len(views) == 3 and views[0]["dialogues"] >= 2
    assert any(v["history"] for v in views) and all(v["responder"] for v in views)
    assert project_report(db.session, lang="en")["register"]["entries"] == 0
    client = make.facilitator_client(make.facilitator())
    assert "badge" in client.get(f"/console/registers/{register.id}").get_data(as_text=True)
    # A real dialogue's finding cannot be sent into the demo's register.
    owner = make.facilitator()
    d = make.dialogue(owner=owner, municipality="Juva")
    staff = Actor(FACILITATOR, d.id, facilitator_id=owner.id)
    finding_id = ok(dispatch(staff, "finding_add", {"client_id": cid(), "text": "Havainto"}))["finding_id"]
    ok(dispatch(staff, "finding_approve", {"client_id": cid(), "finding_id": finding_id, "approved": "1"}))
    ack = dispatch(staff, "finding_to_register", {"client_id": cid(), "finding_id": finding_id,
                                                  "entry_id": views[0]["id"]})
    assert not ack["ok"]


def test_experts_read_the_register_through_its_read_only_link(room):
    _three_entries(room)
    url = f"/console/registers/{room.register_id}/settings"
    page = room.client.post(url, data={"action": "viewer_link"}).get_data(as_text=True)
    key = re.search(r'id="viewer-link-value" value="[^"]*/x/([^"]+)"', page).group(1)
    assert key not in room.client.get(url).get_data(as_text=True)  # shown once
    expert = room.make.app.test_client()
    html = expert.get(f"/x/{key}", query_string={"area": "money"}).get_data(as_text=True)
    assert "Kelan päätökset kestävät" in html and "Bussit kulkevat harvoin" not in html
    assert "Selvitämme" in html  # the responses, read-only
    assert "/settings" not in html and "/entries/" not in html and 'action="/logout"' not in html
    assert 'method="post"' not in html.split("<main", 1)[1].split("</main>", 1)[0]
    rows = list(csv.reader(io.StringIO(expert.get(f"/x/{key}.csv").data.decode("utf-8-sig"))))
    assert len(rows) == 4
    # A new link stops the old one; a wrong key is refused.
    room.client.post(url, data={"action": "viewer_link"})
    assert expert.get(f"/x/{key}").status_code == 404
    assert expert.get("/x/vaara.csv").status_code == 404
