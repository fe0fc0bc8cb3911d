"""A development walk on the real server (python app.py, eventlet): two groups, three stations,
six phones. Observations go over the socket, one photo as the phone's form post; the screen's
per-station counts follow live, and the report comes out in every export format."""
from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from jsonschema import Draft202012Validator
from pypdf import PdfReader

from dialogue.activities.stations import station_code
from tests.activities.test_stations import jpeg_with_gps
from tests.support.live import (
    LiveServer,
    Recorder,
    csrf_from,
    facilitator_session,
    joined_session,
    socket_client,
)
from tests.support.phone import act, database, staff_socket

SCHEMA = json.loads((Path(__file__).resolve().parent.parent / "docs" / "export.schema.json").read_text())
STATIONS = ("Bussipysäkki", "Palvelupiste", "Odotustila")


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path).start()
    yield live
    live.stop()


def test_a_walk_with_two_groups_three_stations_and_six_phones(server):
    d = server.new_dialogue(method="kehittamiskavely")
    with database(server) as conn:
        walk = conn.execute("SELECT id FROM step WHERE dialogue_id = ? AND kind = 'stations'", (d["id"],)).fetchone()[0]
    staff = staff_socket(server, d)
    screen = Recorder(socket_client(server.url, None, "screen", d["id"], token=d["screen_url"].rsplit("/", 1)[1]),
                      "live")
    sessions = [joined_session(server.url, d["code"]) for _ in range(6)]
    phones = [socket_client(server.url, http, "participant", d["id"]) for http in sessions]
    act(staff, "table_assign", mode="even")
    act(staff, "go_to_step", step_id=walk)

    for n, phone in enumerate(phones):
        for s, name in enumerate(STATIONS):
            ack = phone.call("act", ("station_visit", {
                "step_id": walk, "station": station_code(name), "client_id": uuid.uuid4().hex,
                "rating_0": str(1 + (n + s) % 5), "rating_1": str(1 + n % 5),
                "not_works" if n % 2 else "works": f"Havainto {n} asemalla {name}"}), timeout=10)
            assert ack["ok"], ack
    # A photo from the first phone, as its form posts it (a file does not travel over the socket).
    page = sessions[0].get(f"{server.url}/p/{d['code']}", timeout=10)
    posted = sessions[0].post(f"{server.url}/p/{d['code']}/act", timeout=30, allow_redirects=False, data={
        "csrf_token": csrf_from(page.text), "action": "station_visit", "client_id": uuid.uuid4().hex,
        "step_id": walk, "station": station_code("Palvelupiste"), "idea": "Luiska sivuovelle"},
        files={"photo": ("ovi.jpg", jpeg_with_gps((800, 600)), "image/jpeg")})
    assert posted.status_code == 303

    def observations(state):
        groups = ((state.get("step") or {}).get("results") or {}).get("groups") or []
        return [g["note"] for g in groups[:3]]
    screen.wait_for(lambda s: observations(s) == ["6 havaintoa", "7 havaintoa", "6 havaintoa"])
    with database(server) as conn:
        groups = dict(conn.execute(
            "SELECT t.name, count(*) FROM contribution c JOIN dialogue_table t ON t.id = c.table_id "
            "WHERE c.step_id = ? AND c.text != '' GROUP BY t.name", (walk,)).fetchall())
    # Three phones a group, nine texts each; the photo's idea went to the first phone's group.
    assert set(groups) == {"Ryhmä 1", "Ryhmä 2"} and sorted(groups.values()) == [9, 10]

    # The report in every format, as the facilitator downloads it from the console.
    owner = facilitator_session(server.url)
    out = {}
    for fmt in ("pdf", "docx", "xlsx", "csv", "json", "html"):  # CSV: a zip of CSV files
        response = owner.get(f"{server.url}/console/d/{d['id']}/report.{fmt}", timeout=60)
        assert response.status_code == 200, (fmt, response.status_code)
        out[fmt] = response.content
    pdf = PdfReader(io.BytesIO(out["pdf"]))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert all(name in text for name in STATIONS) and any(p.images for p in pdf.pages)
    doc = Document(io.BytesIO(out["docx"]))
    assert "1. Bussipysäkki" in [p.text for p in doc.paragraphs] and doc.inline_shapes
    sheet = openpyxl.load_workbook(io.BytesIO(out["xlsx"]))
    cells = {str(c.value) for ws in sheet.worksheets for row in ws.iter_rows() for c in row if c.value is not None}
    assert set(STATIONS) <= cells
    assert any("Odotustila" in zipfile.ZipFile(io.BytesIO(out["csv"])).read(n).decode("utf-8-sig")
               for n in zipfile.ZipFile(io.BytesIO(out["csv"])).namelist())
    exported = json.loads(out["json"])
    Draft202012Validator(SCHEMA).validate(exported)
    rows = next(s for s in exported["steps"] if s["kind"] == "stations")["stations"]["stations"]
    assert [r["visits"] for r in rows[:3]] == [6, 7, 6]
    assert "Havainto 1 asemalla Odotustila" in out["html"].decode()
