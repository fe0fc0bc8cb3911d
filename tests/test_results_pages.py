"""The console report and downloads, step charts, published results and the project report."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import flask_babel
from openpyxl import load_workbook
from pypdf import PdfReader

from dialogue import db
from dialogue.actors import Actor
from dialogue.commands.core import dispatch
from dialogue.models import Facilitator
from tests.conftest import cid
from tests.support.report_data import HIDDEN_TEXT, build

FORMATS = {"json": "application/json", "html": "text/html", "pdf": "application/pdf",
           "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "csv": "application/zip"}


def _owner_client(make, known):
    return make.facilitator_client(db.session.get(Facilitator, known.dialogue.owner_id))


def test_run_view_has_download_buttons_that_work_while_running(make):
    known = build(make, with_dots=False)
    c = _owner_client(make, known)
    d = known.dialogue
    assert d.state == "running"
    page = c.get(f"/console/d/{d.id}").get_data(as_text=True)
    for fmt, mimetype in FORMATS.items():
        assert f"/console/d/{d.id}/report.{fmt}" in page
        r = c.get(f"/console/d/{d.id}/report.{fmt}")
        assert r.status_code == 200 and r.mimetype == mimetype
        assert "attachment" in r.headers["Content-Disposition"]
    report = c.get(f"/console/d/{d.id}/report").get_data(as_text=True)
    assert "Raporttitesti" in report and HIDDEN_TEXT not in report
    assert 'media print' not in report  # the print rules live in the linked stylesheet
    assert "css/report.css" in report


def test_other_facilitators_get_nothing(make):
    known = build(make, with_dots=False)
    d = known.dialogue
    stranger = make.facilitator_client(make.facilitator())
    for url in (f"/console/d/{d.id}/report", f"/console/d/{d.id}/report.pdf",
                f"/console/d/{d.id}/chart/{known.steps[1].id}.svg", f"/console/d/{d.id}/publish"):
        assert stranger.get(url).status_code == 404
    r = stranger.post(f"/console/d/{d.id}/publish", data={"action": "publish_results", "client_id": cid()})
    assert r.status_code == 404
    anonymous = make.app.test_client()
    assert anonymous.get(f"/console/d/{d.id}/report.json").status_code == 302  # to the login page


def test_step_chart_is_the_same_svg_for_console_and_screen(make):
    known = build(make)
    d, dots = known.dialogue, known.steps[2]
    # hidden from the screen until the facilitator shows the results
    assert make.app.test_client().get(f"/s/{d.screen_link_token}/chart/{dots.id}.svg").status_code == 404
    staff = Actor("facilitator", d.id, facilitator_id=d.owner_id)
    assert dispatch(staff, "reveal", {"client_id": cid(), "step_id": dots.id, "revealed": "1"})["ok"]
    staff_svg = _owner_client(make, known).get(f"/console/d/{d.id}/chart/{dots.id}.svg")
    screen_svg = make.app.test_client().get(f"/s/{d.screen_link_token}/chart/{dots.id}.svg")
    assert staff_svg.mimetype == "image/svg+xml" and staff_svg.data == screen_svg.data
    root = ET.fromstring(staff_svg.data)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.get("role") == "img"
    assert "Bussiyhteydet: 5" in root.find(f"{ns}desc").text
    assert make.app.test_client().get(f"/s/wrong-token/chart/{dots.id}.svg").status_code == 404


def test_publish_update_and_withdraw(make):
    known = build(make, with_dots=False)
    d = known.dialogue
    c = _owner_client(make, known)
    r = c.post(f"/console/d/{d.id}/publish", data={"action": "publish_results", "client_id": cid(),
                                                   "message": "Kiitos kaikille!"})
    assert r.status_code == 303
    page = c.get(f"/console/d/{d.id}/publish").get_data(as_text=True)
    token = page.split("/r/")[1].split('"')[0]
    visitor = make.app.test_client()
    results = visitor.get(f"/r/{token}").get_data(as_text=True)
    assert "Kiitos kaikille!" in results and "Raporttitesti" in results
    assert "Bussit kulkevat" not in results  # contributions only when the facilitator chooses
    assert token not in visitor.get("/r/").get_data(as_text=True)  # secret link: not listed
    c.post(f"/console/d/{d.id}/publish", data={"action": "publish_results", "client_id": cid(), "public": "1",
                                              "include_contributions": "1"})
    results = visitor.get(f"/r/{token}").get_data(as_text=True)
    assert "Bussit kulkevat harvoin Juvalle" in results and HIDDEN_TEXT not in results
    assert "040 123 4567" not in results
    assert token in visitor.get("/r/").get_data(as_text=True)
    c.post(f"/console/d/{d.id}/publish", data={"action": "withdraw_results", "client_id": cid()})
    assert visitor.get(f"/r/{token}").status_code == 404
    assert token not in visitor.get("/r/").get_data(as_text=True)
    # Publishing again makes a new link; the old one stays dead.
    c.post(f"/console/d/{d.id}/publish", data={"action": "publish_results", "client_id": cid()})
    page = c.get(f"/console/d/{d.id}/publish").get_data(as_text=True)
    new_token = page.split("/r/")[1].split('"')[0]
    assert new_token != token and visitor.get(f"/r/{new_token}").status_code == 200
    assert visitor.get(f"/r/{token}").status_code == 404


def test_project_report(make):
    known = build(make)
    # The test's app context is shared by its requests: forget the locale the build cached.
    flask_babel.refresh()
    c = _owner_client(make, known)
    page = c.get("/console/project?from=2025-03-01&to=2025-03-31&lang=en").get_data(as_text=True)
    assert "Tyhjä pohja" in page or "Blank" in page
    assert "2025-03" in page and "Liikenne" in page
    wb = load_workbook(io.BytesIO(c.get("/console/project.xlsx?from=2025-03-01&to=2025-03-31").data))
    summary = {r[0]: r[1] for r in wb[wb.sheetnames[0]].iter_rows(values_only=True) if r and len(r) > 1}
    assert summary["Dialogues"] == 1 and summary["Participants"] == 12
    cells = [r for name in wb.sheetnames for r in wb[name].iter_rows(values_only=True)]
    # "I felt heard": 6 answers overall (mean 3.5) are shown; "I could say" has only 3 and is not.
    assert ("All", 0, 1, 2, 2, 1, 6, 3.5) in cells
    assert not any(r and r[0] == "Closing survey: I could say what I wanted." for r in cells)
    assert ("Liikenne", 2, 1) in cells
    # Another period: nothing.
    empty = load_workbook(io.BytesIO(c.get("/console/project.xlsx?from=2024-01-01&to=2024-12-31").data))
    assert {r[0]: r[1] for r in empty[empty.sheetnames[0]].iter_rows(values_only=True)
            if r and len(r) > 1}["Dialogues"] == 0
    pdf = PdfReader(io.BytesIO(c.get("/console/project.pdf").data))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert "Liikenne" in text and "12" in text


def test_after_closing_the_results_are_published_withdrawn_and_exported(make):
    """Publishing is what happens after a dialogue ends: closed, it still publishes, withdraws
    and exports; archived, it can still withdraw."""
    known = build(make, with_dots=False)
    d = known.dialogue
    c = _owner_client(make, known)
    staff = Actor("facilitator", d.id, facilitator_id=d.owner_id)
    assert dispatch(staff, "set_state", {"client_id": cid(), "state": "closed"})["ok"]
    r = c.post(f"/console/d/{d.id}/publish", data={"action": "publish_results", "client_id": cid(),
                                                   "message": "Kiitos kaikille!"})
    assert r.status_code == 303
    page = c.get(f"/console/d/{d.id}/publish").get_data(as_text=True)
    token = page.split("/r/")[1].split('"')[0]
    visitor = make.app.test_client()
    assert "Kiitos kaikille!" in visitor.get(f"/r/{token}").get_data(as_text=True)
    for fmt in ("json", "csv", "xlsx", "pdf", "docx"):
        assert c.get(f"/console/d/{d.id}/report.{fmt}").status_code == 200, fmt
    assert dispatch(staff, "set_state", {"client_id": cid(), "state": "archived"})["ok"]
    c.post(f"/console/d/{d.id}/publish", data={"action": "withdraw_results", "client_id": cid()})
    assert visitor.get(f"/r/{token}").status_code == 404
