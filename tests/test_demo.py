"""The demo (`flask --app app demo` and the dashboard's "Try the demo"): one dialogue per method
with invented content, marked as a demo, left out of project reporting, made once (issue 19)."""
from __future__ import annotations

import io
import json

from pypdf import PdfReader
from sqlalchemy import func, select

from dialogue import db, methodology
from dialogue.export.formats import FORMATS, export
from dialogue.export.project import project_report
from dialogue.models import Contribution, Dialogue, DraftSection, Step, Vote

#: The blank method is a starting point with one welcome step: nothing to show in a demo.
WITHOUT_DEMO = {"blank"}


def _run_demo(runner) -> dict:
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


def test_the_demo_makes_one_dialogue_per_method_with_content_and_once_only(app, runner):
    first = _run_demo(runner)
    assert first["facilitator"] and first["password"]
    methods = {d["method"] for d in first["dialogues"]}
    assert methods == set(methodology.listed()) - WITHOUT_DEMO
    for entry in first["dialogues"]:
        dialogue = db.session.get(Dialogue, entry["id"])
        assert dialogue.is_demo and dialogue.code == entry["code"]
        written = db.session.scalar(select(func.count()).select_from(Contribution).where(
            Contribution.dialogue_id == dialogue.id))
        # A jury writes its recommendations as the sections of a draft statement.
        written += db.session.scalar(select(func.count()).select_from(DraftSection).join(
            Step, Step.id == DraftSection.step_id).where(Step.dialogue_id == dialogue.id))
        assert written >= 3, f"{entry['method']}: the demo has almost nothing in it"
    # Again: nothing new, and the password is not printed again.
    count = db.session.scalar(select(func.count()).select_from(Dialogue))
    second = _run_demo(runner)
    assert second["dialogues"] == first["dialogues"] and "password" not in second
    assert db.session.scalar(select(func.count()).select_from(Dialogue)) == count


def test_every_demo_report_renders_in_every_format_and_says_it_is_invented(app, runner):
    for entry in _run_demo(runner)["dialogues"]:
        dialogue = db.session.get(Dialogue, entry["id"])
        for fmt in FORMATS:
            body, _format, _name = export(db.session, dialogue, fmt)
            assert body, f"{entry['method']} {fmt}"
            if fmt == "pdf":  # the printed report says on its first page that it is invented
                text = " ".join(PdfReader(io.BytesIO(body)).pages[0].extract_text().split())
                assert "keksitty sisältö" in text.lower(), entry["method"]
        model = json.loads(export(db.session, dialogue, "json")[0])
        assert model["dialogue"]["demo"] is True
        assert "demo" in export(db.session, dialogue, "html")[0].decode()


def test_demo_dialogues_are_left_out_of_project_reporting(app, runner, make):
    real = make.dialogue(title="Oikea dialogi")
    participant = make.participant_client(real)
    assert participant is not None
    _run_demo(runner)
    votes = db.session.scalar(select(func.count()).select_from(Vote))
    assert votes > 0  # the demos did vote
    report = project_report(db.session)
    assert report["dialogues"] == 1 and report["participants"] == 1


def test_a_new_facilitator_can_try_the_demo_from_an_empty_dashboard(make):
    account = make.facilitator()
    client = make.facilitator_client(account)
    page = client.get("/console/").get_data(as_text=True)
    assert 'id="try-demo"' in page
    assert 'class="dash-group"' not in page and 'id="q"' not in page  # one thing to do, no empty lists
    response = client.post("/console/demo", data={})
    assert response.status_code == 303
    page = client.get("/console/").get_data(as_text=True)
    mine = db.session.scalars(select(Dialogue).where(Dialogue.owner_id == account.id)).all()
    assert mine and all(d.is_demo for d in mine)
    assert all(d.title in page for d in mine) and page.count(">Demo</span>") == len(mine)
    assert 'id="try-demo"' not in page
    run_page = client.get(f"/console/d/{mine[0].id}").get_data(as_text=True)
    assert "Demo: keksitty sisältö" in run_page


def test_demo_reports_lead_with_approved_key_findings_drawn_from_their_data(app, runner):
    made = _run_demo(runner)["dialogues"]
    models = {e["method"]: json.loads(export(db.session, db.session.get(Dialogue, e["id"]), "json")[0]) for e in made}
    led = [method for method, model in models.items() if model["findings"]]
    assert len(led) >= len(models) - 1, f"only {led} lead with key findings"
    # The jury's front page: its most supported recommendation first, with its support.
    jury = models["kansalaisraati"]
    sections = [r for s in jury["steps"] for r in (s.get("draft") or {}).get("sections") or [] if r["support"]["votes"]]
    best = max(sections, key=lambda r: r["support"]["shares"]["agree"])
    assert best["text"][:40] in jury["findings"][0]["text"] and f"{best['support']['agree']} / " in jury["findings"][0]["text"]
