"""Taking part on paper: the printed form asks each step's question, and the console's entry
view, in the same order, puts a form's answers in with the others (issue 19)."""
from __future__ import annotations

import io
import re

from pypdf import PdfReader

from dialogue import db
from dialogue.commands.dialogues import create_dialogue
from dialogue.models import Contribution, Step
from tests.conftest import cid


def _dialogue(make, lang="fi"):
    owner = make.facilitator()
    dialogue = create_dialogue(owner, "blank", "Kyläkokous", lang)
    steps = [  # after the blank method's welcome (an info step)
        Step(dialogue_id=dialogue.id, position=10, kind="prompt",
             texts={"fi": {"title": "Mikä auttaisi töihin?", "body": "Kerro omin sanoin."}, "sv": {}},
             config={"max_length": 500}),
        Step(dialogue_id=dialogue.id, position=11, kind="dots",
             texts={"fi": {"title": "Mikä on tärkeintä?", "body": ""}},
             config={"dots": 3, "items": ["Bussiyhteydet", "Soita 040 123 4567", "Neuvonta"]}),
        Step(dialogue_id=dialogue.id, position=12, kind="feedback",
             texts={"fi": {"title": "Palaute", "body": ""}}, config={}),
    ]
    for step in steps:
        dialogue.steps.append(step)
    db.session.commit()
    return owner, dialogue


def _pdf_text(body: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(body)).pages)


def test_the_paper_form_asks_what_each_step_asks_in_the_dialogues_language(make):
    owner, dialogue = _dialogue(make)
    client = make.facilitator_client(owner)
    response = client.get(f"/console/d/{dialogue.id}/print/paper-form.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    # The welcome only informs: it is not on the form. The others are, numbered in order.
    assert "Tervetuloa" not in text
    assert "1. Mikä auttaisi töihin?" in text and "Kerro omin sanoin." in text
    assert "2. Mikä on tärkeintä?" in text and "Bussiyhteydet" in text and "Neuvonta" in text
    assert "040 123 4567" not in text  # a phone number in an item is masked on paper too
    assert "3. Palaute" in text and "Minua kuunneltiin." in text and "Täysin" in text
    assert "Älä kirjoita nimeäsi" in text
    assert dialogue.code in text


def test_the_console_lists_the_printables_and_the_cli_prints_them(make, runner, tmp_path):
    owner, dialogue = _dialogue(make)
    page = make.facilitator_client(owner).get(f"/console/d/{dialogue.id}/print").get_data(as_text=True)
    for name in ("join-poster", "paper-form"):
        assert f"/console/d/{dialogue.id}/print/{name}.pdf" in page
    assert f"/console/d/{dialogue.id}/paper" in page
    out = tmp_path / "poster.pdf"
    result = runner.invoke(args=["print", str(dialogue.id), "join-poster", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert dialogue.code in _pdf_text(out.read_bytes())
    unknown = runner.invoke(args=["print", str(dialogue.id), "nothing"])
    assert unknown.exit_code != 0 and "join-poster" in unknown.output and "paper-form" in unknown.output


def test_a_dialogue_that_asks_nothing_has_no_paper_form(make):
    owner = make.facilitator()
    dialogue = create_dialogue(owner, "blank", "Vain infoa", "fi")
    client = make.facilitator_client(owner)
    assert client.get(f"/console/d/{dialogue.id}/print/paper-form.pdf").status_code == 404
    page = client.get(f"/console/d/{dialogue.id}/print").get_data(as_text=True)
    assert "Yksikään vaihe ei vielä kysy mitään" in page
    assert f"/console/d/{dialogue.id}/paper\"" not in page


def test_answers_typed_in_from_a_form_join_the_others_without_a_name(make):
    owner, dialogue = _dialogue(make)
    client = make.facilitator_client(owner)
    page = client.get(f"/console/d/{dialogue.id}/paper").get_data(as_text=True)
    # The entry view follows the form: the same titles in the same order.
    order = [page.index(t) for t in ("1. Mikä auttaisi töihin?", "2. Mikä on tärkeintä?", "3. Palaute")]
    assert order == sorted(order)
    prompt = next(s for s in dialogue.steps if s.kind == "prompt")
    response = client.post(f"/console/d/{dialogue.id}/act", data={
        "action": "contribute", "client_id": cid(), "step_id": prompt.id,
        "text": "Kimppakyyti kirkolle", "next": f"/console/d/{dialogue.id}/paper"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/console/d/{dialogue.id}/paper")
    db.session.expire_all()
    row = db.session.query(Contribution).filter_by(step_id=prompt.id).one()
    assert row.text == "Kimppakyyti kirkolle" and row.source == "staff" and row.participant_id is None
    # Every form on the entry view comes back to the entry view.
    forms = re.findall(r'<form method="post"[^>]*data-action=[^>]*>.*?</form>', page, re.S)
    assert len(forms) == 3 and all(f'name="next" value="/console/d/{dialogue.id}/paper"' in f for f in forms)


def test_only_the_dialogues_own_facilitators_get_its_paper(make):
    owner, dialogue = _dialogue(make)
    stranger = make.facilitator_client(make.facilitator())
    for path in ("print", "print/paper-form.pdf", "print/join-poster.pdf", "paper"):
        assert stranger.get(f"/console/d/{dialogue.id}/{path}").status_code == 404
    assert make.app.test_client().get(f"/console/d/{dialogue.id}/paper").status_code in (302, 303)


def test_a_walk_on_paper_asks_station_by_station_and_staff_enter_it_by_station(make):
    """Someone on the walk without a phone: the form asks each station's ratings and texts,
    and the entry view puts a form's station in with the phones' observations."""
    owner = make.facilitator()
    dialogue = create_dialogue(owner, "kehittamiskavely", "Arjen reitti", "fi")
    client = make.facilitator_client(owner)
    text = _pdf_text(client.get(f"/console/d/{dialogue.id}/print/paper-form.pdf").data)
    for asked in ("Asema 1: Bussipysäkki – Tuntuu turvalliselta", "Asema 4: Asiakaskone – Mikä ei toimi",
                  "Tosi huono", "Tosi hyvä"):
        assert asked in text, asked
    page = client.get(f"/console/d/{dialogue.id}/paper").get_data(as_text=True)
    assert 'data-action="station_visit"' in page and "Odotustila" in page
    walk = next(s for s in dialogue.steps if s.kind == "stations")
    station = re.search(r'<option value="([A-Z0-9]+)">3\. Odotustila</option>', page).group(1)
    response = client.post(f"/console/d/{dialogue.id}/act", data={
        "action": "station_visit", "client_id": cid(), "step_id": walk.id, "station": station,
        "rating_0": "2", "not_works": "Vuoronumeroa ei kuule", "next": f"/console/d/{dialogue.id}/paper"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/console/d/{dialogue.id}/paper")
    db.session.expire_all()
    rows = db.session.query(Contribution).filter_by(step_id=walk.id).all()
    assert {r.text for r in rows} == {"", "Vuoronumeroa ei kuule"} and all(r.participant_id is None for r in rows)
    assert next(r for r in rows if not r.text).extra == {"station": station, "ratings": {"0": 2}}
