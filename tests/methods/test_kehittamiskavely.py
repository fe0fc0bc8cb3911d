"""Kehittämiskävely (methods/kehittamiskavely): a walk with two groups, three stations and six
phones (one group through its recorder) ends in a report that goes station by station — ratings
under the small-group rule, texts and photos — then the measures and their owners, in every
format; the demo plays through; the station sheets have one page and one QR code per station."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl
from jsonschema import Draft202012Validator
from pypdf import PdfReader

from dialogue import db, methodology
from dialogue.activities.stations import station_code
from dialogue.actors import facilitator_actor
from dialogue.commands.core import dispatch
from dialogue.demo import demo_facilitator, play
from dialogue.export.formats import render
from dialogue.export.report import build_report
from dialogue.models import Dialogue, DialogueTable, Helper, Participant
from tests.activities.test_stations import jpeg_with_gps
from tests.conftest import cid

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())
ROUTE = ["Bussipysäkki | Linja 2 keskustaan", "Palvelupiste | Ovi ja neuvonta", "Odotustila"]


def _go(staff, step):
    assert staff.emit("act", "go_to_step", {"step_id": step.id, "client_id": cid()}, callback=True)["ok"]


def _walk(make):
    """Six phones in two groups walk three stations; group 2's recorder adds the group's view."""
    d = make.dialogue(method="kehittamiskavely")
    dialogue = db.session.get(Dialogue, d.id)
    steps = list(dialogue.steps)
    walk = steps[2]
    with db.write() as s:
        s.get(type(walk), walk.id).config = {**walk.config, "stations": ROUTE}
    groups = list(db.session.query(DialogueTable).filter_by(dialogue_id=d.id).order_by(DialogueTable.position))
    assert [g.name for g in groups] == ["Ryhmä 1", "Ryhmä 2"]
    owner = make.facilitator_client(d.owner)
    staff = make.socket(owner, "facilitator", d)
    phones = [make.participant_client(d) for _ in range(6)]
    for n, phone in enumerate(phones):
        phone.get(f"/p/{d.code}")
    with db.write() as s:
        for n, p in enumerate(s.query(Participant).filter_by(dialogue_id=d.id).order_by(Participant.id)):
            p.table_id = groups[n % 2].id
    ack = dispatch(facilitator_actor(db.session.get(Dialogue, d.id), d.owner_id), "helper_create", {"kind": "recorder", "label": "Kirjuri 2",
                                                               "table": "Ryhmä 2", "client_id": cid()})
    assert ack["ok"], ack
    _go(staff, walk)
    codes = [station_code(line.split("|")[0].strip()) for line in ROUTE]
    for n, phone in enumerate(phones):
        for s_index, code in enumerate(codes):
            data = {"action": "station_visit", "step_id": walk.id, "client_id": cid(), "station": code,
                    "rating_0": str(2 + (n + s_index) % 3), "rating_1": str(1 + n % 5)}
            if s_index == 0:
                data["not_works"] = f"Aikataulua ei näe {n}"
            if s_index == 1 and n == 0:
                data["idea"] = "Automaattiovi"
                data["photo"] = (io.BytesIO(jpeg_with_gps((800, 600))), "ovi.jpg")
            r = phone.post(f"/p/{d.code}/act", data=data, content_type="multipart/form-data")
            assert r.status_code == 303
    token = db.session.query(Helper).filter_by(dialogue_id=d.id, label="Kirjuri 2").one().link_token
    helper = make.app.test_client()
    page = helper.get(f"/h/{token}?station={codes[2]}").get_data(as_text=True)
    assert "Asema 3: Odotustila" in page and 'name="station"' in page  # the recorder's station form
    r = helper.post(f"/h/{token}/act", data={"action": "station_visit", "step_id": walk.id, "client_id": cid(),
                                              "station": codes[2], "rating_0": "1",
                                              "not_works": "Ryhmä: vuoronumeroa ei kuule"})
    assert r.status_code == 303
    return db.session.get(Dialogue, d.id), steps, codes, owner, staff, phones


def test_a_walk_with_two_groups_reports_station_by_station_in_every_format(make):
    d, steps, codes, owner, staff, phones = _walk(make)
    # The console sees each station's arrivals and the photo (staff only).
    console = owner.get(f"/console/d/{d.id}").get_data(as_text=True)
    assert "Aikataulua ei näe 3" in console and "Ryhmä: vuoronumeroa ei kuule" in console
    photo_url = console.split('src="/console/d/')[1].split('"')[0]
    assert owner.get("/console/d/" + photo_url).mimetype == "image/jpeg"
    assert phones[0].get("/console/d/" + photo_url).status_code in (302, 401, 403, 404)
    # Prioritise, give owners, then report.
    _go(staff, steps[4])
    item = staff.emit("act", "go_to_step", {"step_id": steps[4].id, "client_id": cid()}, callback=True)
    assert item["ok"]
    ack = dispatch(facilitator_actor(db.session.get(Dialogue, d.id), d.owner_id), "add_commitment", {"step_id": steps[5].id, "client_id": cid(),
                                                                "text": "Automaattiovi palvelupisteeseen",
                                                                "who": "Tilapalvelut", "due": "2027-05-31"})
    assert ack["ok"], ack
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="fi")
    Draft202012Validator(SCHEMA).validate(model)
    blocks = model["method_section"]["blocks"]
    headings = [b["heading"] for b in blocks]
    assert headings[:2] == ["1. Bussipysäkki", "Mikä ei toimi"]
    first = blocks[0]
    # Six phones rated criterion 1 at the bus stop: shown; the photo is at the service point.
    rows = first["table"]["rows"]
    assert rows[0][0] == "Tuntuu turvalliselta" and rows[0][1] == 6 and sum(rows[0][2:7]) == 6
    service = next(b for b in blocks if b["heading"] == "2. Palvelupiste")
    assert len(service["photos"]) == 1
    waiting = next(b for b in blocks if b["heading"] == "3. Odotustila")
    assert waiting["facts"][0] == ["Havainnot", "7"]  # six phones and the recorder
    assert "Kuka hoitaa korjaukset" in headings
    html = render(model, "html").decode()
    assert "1. Bussipysäkki" in html and "data:image/jpeg;base64," in html and "Automaattiovi palvelupisteeseen" in html
    # Told once: the step-by-step details do not repeat the walk the section above tells.
    assert html.count("Ryhmä: vuoronumeroa ei kuule") == 1 and f'id="r-step-{steps[2].id}"' not in html
    pdf = render(model, "pdf")
    assert pdf.startswith(b"%PDF") and len(pdf) < 3_000_000
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Bussipysäkki" in text and "Tilapalvelut" in text
    assert any(page.images for page in PdfReader(io.BytesIO(pdf)).pages)  # the station's photo
    docx = render(model, "docx")
    with zipfile.ZipFile(io.BytesIO(docx)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert any(n.endswith((".jpg", ".jpeg")) for n in media)
        assert "Bussipysäkki" in z.read("word/document.xml").decode()
    assert len(docx) < 3_000_000
    sheet = openpyxl.load_workbook(io.BytesIO(render(model, "xlsx")))
    cells = [str(c.value) for ws in sheet.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert "Arviot asemittain" in cells and "Bussipysäkki" in cells
    csv = zipfile.ZipFile(io.BytesIO(render(model, "csv")))
    assert "Bussipysäkki" in csv.read("summary.csv").decode("utf-8-sig")
    assert any("Arviot asemittain" in csv.read(n).decode("utf-8-sig") for n in csv.namelist())
    exported = json.loads(render(model, "json"))
    walk = next(s for s in exported["steps"] if s["kind"] == "stations")
    assert [st["code"] for st in walk["stations"]["stations"]] == codes


def test_a_station_rated_by_fewer_than_the_small_group_shows_no_figures(make):
    d, steps, codes, owner, staff, phones = _walk(make)
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="fi")
    waiting = next(b for b in model["method_section"]["blocks"] if b["heading"] == "3. Odotustila")
    criteria = {r[0]: r for r in waiting["table"]["rows"]}
    assert criteria["Tuntuu turvalliselta"][1] == 7  # the recorder's rating counts in
    walk = next(s for s in model["steps"] if s["kind"] == "stations")
    assert all(not c["too_few"] for st in walk["stations"]["stations"] for c in st["criteria"] if c["count"])


def test_station_sheets_have_a_page_and_a_qr_code_per_station(make, tmp_path):
    import subprocess

    import zxingcpp
    from PIL import Image
    d, steps, codes, owner, staff, phones = _walk(make)
    r = owner.get(f"/console/d/{d.id}/print/station-sheets.pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(r.data))
    assert len(reader.pages) == 3
    (tmp_path / "s.pdf").write_bytes(r.data)
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(tmp_path / "s.pdf"), str(tmp_path / "p")], check=True)
    pages = sorted(tmp_path.glob("p*.png"))
    base = make.app.config["PUBLIC_URL"].rstrip("/")
    for page, code, pdf_page in zip(pages, codes, reader.pages):
        found = [c.text for c in zxingcpp.read_barcodes(Image.open(page))]
        assert found == [f"{base}/j/{d.code}/s/{code}"]
        assert code in pdf_page.extract_text()
    assert "Asemien kyltit" in owner.get(f"/console/d/{d.id}/print").get_data(as_text=True)


def test_the_demo_plays_through_with_ratings_observations_and_owners(make):
    owner, _password = demo_facilitator()
    d = play(owner, "kehittamiskavely", methodology.get("kehittamiskavely").folder / "demo.json")
    model = build_report(db.session, db.session.get(Dialogue, d.id), lang="fi")
    blocks = {b["heading"]: b for b in model["method_section"]["blocks"]}
    assert [h for h in blocks if h[0].isdigit()] == ["1. Bussipysäkki", "2. Palvelupiste", "3. Odotustila",
                                                     "4. Asiakaskone"]
    assert blocks["1. Bussipysäkki"]["table"]["rows"][0][1] == 5
    priorities = blocks["Korjaukset tärkeysjärjestyksessä"]["table"]["rows"]
    assert priorities[0][0].startswith("Palvelupiste: Luiska") and priorities[0][1] == 4
    assert len(blocks["Kuka hoitaa korjaukset"]["table"]["rows"]) == 3


def test_a_walks_phones_speak_of_groups_not_tables(make):
    """People sit at tables, but a walk's groups walk: the phone says group (method.json
    `table_word`), where another method's phone says table."""
    d = make.dialogue(method="kehittamiskavely")
    walk = list(db.session.get(Dialogue, d.id).steps)[2]
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    _go(staff, walk)
    phone = make.participant_client(d)
    page = phone.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Nyt toimimme ryhmissä" in page and "Valitse ryhmäsi" in page and "Liity tähän ryhmään" in page
    assert "pöy" not in page.lower()
    station = station_code("Bussipysäkki")
    refused = phone.post(f"/p/{d.code}/act", data={"action": "station_visit", "step_id": walk.id, "client_id": cid(),
                                                    "station": station, "rating_0": "3"}, follow_redirects=True)
    assert "Valitse ensin ryhmäsi." in refused.get_data(as_text=True)
    group = db.session.query(DialogueTable).filter_by(dialogue_id=d.id, name="Ryhmä 1").one()
    joined = phone.post(f"/p/{d.code}/act", data={"action": "table_join", "table_id": group.id, "client_id": cid()},
                        follow_redirects=True).get_data(as_text=True)
    assert "Olet ryhmässä Ryhmä 1." in joined and "Ryhmäsi:" in joined
    assert "Oma ryhmäsi" in phone.get(f"/p/{d.code}/table").get_data(as_text=True)
    # Another method's phone still sits at a table.
    partners = make.dialogue(method="kumppanuuspoyta")
    table = db.session.query(DialogueTable).filter_by(dialogue_id=partners.id).first()
    card = make.app.test_client().get(f"/j/{partners.code}/t/{table.code}").get_data(as_text=True)
    assert f"Pöytä: <strong>{table.name}</strong>" in card
    group_card = make.app.test_client().get(f"/j/{d.code}/t/{group.code}").get_data(as_text=True)
    assert "Ryhmä: <strong>Ryhmä 1</strong>" in group_card


def test_the_step_editor_shows_the_methods_route_as_lines_and_keeps_its_languages(make):
    """A method's stations are written in every language: the editor shows them as lines in the
    console's language (not as JSON); a line saved as shown keeps its Swedish and English, a
    changed line is one text for every language."""
    d = make.dialogue(method="kehittamiskavely")
    walk = list(db.session.get(Dialogue, d.id).steps)[2]
    owner = make.facilitator_client(d.owner)
    form = owner.get(f"/console/d/{d.id}/steps/{walk.id}").get_data(as_text=True)
    assert '[{&#34;fi&#34;' not in form and '[{"fi"' not in form
    box = form.split('name="cfg_stations"', 1)[1].split("</textarea>", 1)[0]
    lines = box.split(">", 1)[1].strip().splitlines()
    assert lines[0].startswith("Bussipysäkki | ") and len(lines) == 4
    lines[1] = "Palvelupiste | Sisäänkäynti ja uusi neuvontapiste"
    r = owner.post(f"/console/d/{d.id}/steps/{walk.id}", data={
        "title_fi": "Kävely", "config_form": "1", "cfg_stations": "\n".join(lines), "cfg_wall": "1", "cfg_by_table": "1"})
    assert r.status_code == 303, r.get_data(as_text=True)
    db.session.expire_all()
    saved = db.session.get(type(walk), walk.id).config["stations"]
    assert saved[0]["sv"].startswith("Busshållplats") and saved[1] == lines[1]
    phone = make.participant_client(d)
    _go(make.socket(owner, "facilitator", d), walk)
    group = db.session.query(DialogueTable).filter_by(dialogue_id=d.id, name="Ryhmä 1").one()
    phone.post(f"/p/{d.code}/act", data={"action": "table_join", "table_id": group.id, "client_id": cid()})
    route = phone.get(f"/p/{d.code}?lang=sv").get_data(as_text=True)
    assert "Busshållplats" in route and "Palvelupiste" in route
