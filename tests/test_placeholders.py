"""Facilitator placeholders ([[...]]) in step texts: staff are warned before the dialogue
starts; participants, the screen and the reports never see them."""
from __future__ import annotations

import json
import re
from pathlib import Path

from dialogue import db, placeholders
from dialogue.models import Dialogue
from tests.conftest import cid

SALONKI_HOLE = "Ohjaaja: kirjoita tähän aiheesta lyhyt ja selkeä teksti."


def test_find_and_strip():
    text = "Lue tämä. [[Ohjaaja: kirjoita tähän.]]\nJa tämä [[toinen\nrivi]] loppuu."
    assert placeholders.find(text) == ["Ohjaaja: kirjoita tähän.", "toinen\nrivi"]
    assert placeholders.strip(text) == "Lue tämä.\nJa tämä loppuu."
    assert placeholders.strip("[[vain paikka]]") == "" and placeholders.strip(None) == ""
    assert placeholders.public({"title": "Otsikko [[x]]", "body": "Teksti", "n": 3}) == \
        {"title": "Otsikko", "body": "Teksti", "n": 3}


def test_methods_mark_facilitator_places_as_placeholders():
    """A text for the facilitator in a method is a [[placeholder]], never plain brackets."""
    plain = re.compile(r"\((Ohjaaja|Facilitator|Samtalsledare|Ledare|Handledare):")
    for path in Path("methods").glob("*/method.json"):
        assert not plain.search(path.read_text(encoding="utf-8")), path
    salonki = json.loads(Path("methods/salonki/method.json").read_text(encoding="utf-8"))
    assert SALONKI_HOLE in placeholders.find(json.dumps(salonki, ensure_ascii=False))


def test_staff_are_warned_before_the_start_and_nobody_else_sees_the_placeholder(make, client):
    d = make.dialogue(method="salonki", state="draft")  # as the console makes it
    staff = make.facilitator_client(d.owner)
    prepare = staff.get(f"/console/d/{d.id}/prepare").get_data(as_text=True)
    assert 'id="placeholder-warning"' in prepare and SALONKI_HOLE in prepare
    reading = next(s for s in db.session.get(Dialogue, d.id).steps if SALONKI_HOLE in s.texts["fi"]["body"])
    assert f"/steps/{reading.id}" in prepare.split('id="placeholder-warning"')[1]
    run = staff.get(f"/console/d/{d.id}").get_data(as_text=True)
    assert 'id="placeholder-warning"' in run and SALONKI_HOLE in run

    staff.post(f"/console/d/{d.id}/act", data={"action": "set_state", "state": "running", "client_id": cid()})
    staff.post(f"/console/d/{d.id}/act", data={"action": "go_to_step", "step_id": reading.id, "client_id": cid()})
    assert db.session.get(Dialogue, d.id).current_step_id == reading.id
    # started: too late for the warning
    assert 'id="placeholder-warning"' not in staff.get(f"/console/d/{d.id}").get_data(as_text=True)

    phone = make.participant_client(d)
    page = phone.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Voit lukea sen jo kotona." in page
    assert "[[" not in page and "Ohjaaja:" not in page
    for lang in ("fi", "sv", "en"):
        screen = client.get(f"/s/{d.screen_link_token}?lang={lang}").get_data(as_text=True)
        assert 'id="step-body"' in screen
        assert "[[" not in screen.split('id="step-body"')[1].split("</p>")[0]
    # the screen's live state (what its script shows) leaves them out too; staff's keeps them
    screen_state = json.dumps(client.get(f"/s/{d.screen_link_token}/state").get_json(), ensure_ascii=False)
    assert "Voit lukea sen jo kotona." in screen_state and "[[" not in screen_state
    preview = staff.get(f"/console/d/{d.id}/steps/{reading.id}/preview").get_data(as_text=True)
    assert SALONKI_HOLE not in preview

    report = json.dumps(staff.get(f"/console/d/{d.id}/export.json").get_json(), ensure_ascii=False)
    assert "[[" not in report and "Ohjaaja:" not in report and "Voit lukea sen jo kotona." in report
    html = staff.get(f"/console/d/{d.id}/report").get_data(as_text=True)
    assert SALONKI_HOLE not in html  # (the pre-reading is a setup text: the report leaves it out)
