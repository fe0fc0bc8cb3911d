"""Key findings: drafted from a scripted dialogue's data, edited and approved by staff, and only
approved ones on the published page and in every export; the report's front page and its size.

What the drafts should say is read from the dialogue's data (theme counts, vote totals),
never from fixed strings.
"""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import func, select

from dialogue import db
from dialogue.commands.core import dispatch
from dialogue.export.formats import FORMATS, export
from dialogue.export.report import build_report
from dialogue.models import Contribution, Facilitator, Finding, Theme
from dialogue.synthesis.findings import draft_findings
from dialogue.synthesis.groups import min_group_size
from tests.conftest import csrf_token
from tests.support.findings_data import COMMITMENT, build_scripted
from tests.support.report_data import cid, ok


@pytest.fixture
def scripted(make):
    return build_scripted(make)


def _drafts(k):
    return draft_findings(db.session, k.dialogue, lang="en")


def _theme_counts(k) -> list[tuple[str, int]]:
    rows = db.session.execute(select(Theme.name, func.count(Contribution.id)).join(
        Contribution, Contribution.theme_id == Theme.id).where(
        Theme.dialogue_id == k.dialogue.id, Contribution.hidden.is_(False)).group_by(Theme.name)).all()
    return sorted(rows, key=lambda r: -r[1])


def test_drafts_name_the_top_themes_priorities_and_common_ground(scripted):
    drafts = _drafts(scripted)
    assert 3 <= len(drafts) <= 7
    model = build_report(db.session, scripted.dialogue, lang="en")
    steps = {s["kind"]: s for s in model["steps"]}

    themes = [d for d in drafts if d.source == "theme"]
    expected = _theme_counts(scripted)
    assert [t.text.split(" came up")[0] for t in themes] == [name for name, _n in expected]
    for draft, (name, n) in zip(themes, expected):
        assert draft.contributions == n and f"{n} contributions" in draft.text
        assert draft.text.count("“") >= 1  # a representative quote
        assert "040 123 4567" not in draft.text  # quotes are masked

    priorities = next(d for d in drafts if d.source == "priorities")
    items = sorted(steps["dots"]["results"]["items"], key=lambda i: -i["dots"]["total"])
    assert priorities.text.index(items[0]["text"]) < priorities.text.index(items[1]["text"])
    assert priorities.people == steps["dots"]["results"]["participants"]["total"]

    stance = steps["stance"]["results"]["items"]
    unanimous = next(i for i in stance if i["agree"]["total"] == i["votes"]["total"])
    common = next(d for d in drafts if d.source == "common_ground")
    assert unanimous["text"] in common.text
    split = next(i for i in stance if i["agree"]["total"] == i["disagree"]["total"])
    divided = next(d for d in drafts if d.source == "disagreement")
    assert split["text"] in divided.text and unanimous["text"] not in divided.text

    commitments = next(d for d in drafts if d.source == "commitments")
    assert COMMITMENT[0] in commitments.text
    assert any(d.source == "feedback" for d in drafts)
    # Each draft says what it rests on.
    assert all(d.basis()["steps"] for d in drafts)


def test_small_group_rule_holds(scripted, app):
    # With a minimum larger than the room, nothing speaks for a group of people.
    people = len(scripted.people)
    drafts = draft_findings(db.session, scripted.dialogue, lang="en", minimum=people + 1)
    assert all(d.people is None for d in drafts)  # only the commitments (not a group of people) remain
    assert all(d.people is None or d.people >= min_group_size() for d in _drafts(scripted))


def _staff_draft_all(k):
    ok(dispatch(k.staff, "finding_draft", {"client_id": cid()}))
    return list(db.session.scalars(select(Finding).where(Finding.dialogue_id == k.dialogue.id)
                                   .order_by(Finding.position)))


def test_unapproved_drafts_never_reach_a_published_page_or_an_export(scripted, make):
    findings = _staff_draft_all(scripted)
    approved, draft = findings[0], findings[1]
    ok(dispatch(scripted.staff, "finding_edit", {"client_id": cid(), "finding_id": draft.id,
                                                 "text": "LUONNOS-EI-JULKAISTA"}))
    ok(dispatch(scripted.staff, "finding_edit", {"client_id": cid(), "finding_id": approved.id,
                                                 "text": "HYVAKSYTTY-HAVAINTO iltabussit"}))
    ok(dispatch(scripted.staff, "finding_approve", {"client_id": cid(), "finding_id": approved.id,
                                                    "approved": "1"}))
    db.session.expire_all()
    for fmt in FORMATS:
        body, _f, _name = export(db.session, scripted.dialogue, fmt)
        if fmt == "pdf":
            text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
        elif fmt == "docx":
            doc = Document(io.BytesIO(body))
            text = " ".join(p.text for p in doc.paragraphs)
        elif fmt == "xlsx":
            wb = load_workbook(io.BytesIO(body))
            text = json.dumps([list(r) for ws in wb for r in ws.iter_rows(values_only=True)], ensure_ascii=False,
                              default=str)
        elif fmt == "csv":
            z = zipfile.ZipFile(io.BytesIO(body))
            text = " ".join(z.read(n).decode("utf-8-sig") for n in z.namelist())
        else:
            text = body.decode("utf-8")
        assert "HYVAKSYTTY-HAVAINTO" in text, fmt
        assert "LUONNOS-EI-JULKAISTA" not in text, fmt
    owner = make.facilitator_client(db.session.get(Facilitator, scripted.owner_id))
    # The console's report shows the draft, labelled as a draft.
    page = owner.get(f"/console/d/{scripted.dialogue.id}/report").get_data(as_text=True)
    assert "LUONNOS-EI-JULKAISTA" in page and 'id="draft-findings"' in page
    ok(dispatch(scripted.staff, "publish_results", {"client_id": cid(), "message": "Kiitos"}))
    from dialogue.models import Publication
    token = db.session.scalar(select(Publication).where(Publication.dialogue_id == scripted.dialogue.id)).link_token
    public = make.app.test_client().get(f"/r/{token}").get_data(as_text=True)
    assert "HYVAKSYTTY-HAVAINTO" in public and "LUONNOS-EI-JULKAISTA" not in public


def test_console_page_edits_reorders_merges_and_approves(scripted, make, app):
    owner = make.facilitator_client(db.session.get(Facilitator, scripted.owner_id))
    app.config["WTF_CSRF_ENABLED"] = True  # after logging in: the forms of this page carry the token
    d = scripted.dialogue
    url = f"/console/d/{d.id}/findings"
    page = owner.get(url).get_data(as_text=True)
    assert 'id="no-findings"' in page

    def post(**form):
        html = owner.get(url).get_data(as_text=True)
        r = owner.post(f"/console/d/{d.id}/act", data={"csrf_token": csrf_token(html), "client_id": cid(),
                                                       "next": url, **form})
        assert r.status_code == 303 and r.headers["Location"].endswith(url)

    post(action="finding_draft")
    rows = list(db.session.scalars(select(Finding).where(Finding.dialogue_id == d.id).order_by(Finding.position)))
    assert len(rows) >= 3 and not any(f.approved for f in rows)
    first, second, third = rows[0].id, rows[1].id, rows[2].id
    post(action="finding_move", finding_id=str(second), direction="up")
    post(action="finding_merge", finding_id=str(first), **{"merge_ids[]": [str(third)]})
    post(action="finding_add", text="Oma havainto: kyydit", note="Kirjurin muistiinpanot")
    post(action="finding_approve", finding_id=str(second), approved="1")
    db.session.expire_all()
    rows = list(db.session.scalars(select(Finding).where(Finding.dialogue_id == d.id).order_by(Finding.position)))
    assert rows[0].id == second and rows[0].approved
    assert db.session.get(Finding, third) is None
    merged = db.session.get(Finding, first)
    assert not merged.approved and merged.basis["contributions"] >= 1
    assert rows[-1].text == "Oma havainto: kyydit" and rows[-1].basis == {"note": "Kirjurin muistiinpanot"}
    page = owner.get(url).get_data(as_text=True)
    assert "Oma havainto: kyydit" in page
    # A post without the CSRF token is refused and changes nothing.
    r = owner.post(f"/console/d/{d.id}/act", data={"action": "finding_delete", "finding_id": str(second),
                                                   "client_id": cid()})
    assert r.status_code == 400
    assert db.session.get(Finding, second) is not None
    post(action="finding_delete", finding_id=str(second))
    db.session.expire_all()
    assert db.session.get(Finding, second) is None


def test_only_the_dialogues_facilitators_may_touch_findings(scripted, make):
    from dialogue.actors import PARTICIPANT, Actor
    ok(dispatch(scripted.staff, "finding_draft", {"client_id": cid()}))
    finding_id = db.session.scalar(select(Finding.id).where(Finding.dialogue_id == scripted.dialogue.id))
    participant = scripted.people[0]
    assert participant.role == PARTICIPANT
    ack = dispatch(participant, "finding_approve", {"client_id": cid(), "finding_id": finding_id})
    assert not ack["ok"]
    other = make.dialogue()
    outsider = Actor("facilitator", other.id, facilitator_id=other.owner_id)
    ack = dispatch(outsider, "finding_delete", {"client_id": cid(), "finding_id": finding_id})
    assert not ack["ok"] and db.session.get(Finding, finding_id) is not None
    stranger = make.facilitator_client(make.facilitator())
    assert stranger.get(f"/console/d/{scripted.dialogue.id}/findings").status_code == 404


def test_front_page_and_details_leave_out_setup_and_empty_steps(scripted):
    _staff_draft_all(scripted)
    ok(dispatch(scripted.staff, "finding_approve", {"client_id": cid(), "approved": "1", "finding_id": db.session.scalar(
        select(Finding.id).where(Finding.dialogue_id == scripted.dialogue.id).order_by(Finding.position))}))
    body, _f, _n = export(db.session, scripted.dialogue, "html")
    page = body.decode()
    front, details = page.split('class="report-details"')
    for label in ("Osallistujat", "Key findings" if "Key findings" in front else "Keskeiset havainnot"):
        assert label in front
    assert COMMITMENT[0] in front and COMMITMENT[1] in front
    assert "Tervetuloa" not in page and "Säännöt" not in page  # the setup slide
    assert "Mitä muuta haluat sanoa?" not in page  # nobody answered it
    assert "Mikä vaikeuttaa työnhakua?" in details


def test_a_small_dialogues_pdf_fits_on_three_pages(scripted):
    findings = _staff_draft_all(scripted)
    for f in findings:
        ok(dispatch(scripted.staff, "finding_approve", {"client_id": cid(), "finding_id": f.id, "approved": "1"}))
    contributions = db.session.scalar(select(func.count()).select_from(Contribution).where(
        Contribution.dialogue_id == scripted.dialogue.id, Contribution.source == "participant"))
    assert contributions == 15
    body, _f, _n = export(db.session, scripted.dialogue, "pdf")
    reader = PdfReader(io.BytesIO(body))
    assert len(reader.pages) <= 3
    first = reader.pages[0].extract_text()
    assert scripted.dialogue.title in first and COMMITMENT[0] in " ".join(first.split())
