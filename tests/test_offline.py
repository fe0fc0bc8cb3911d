"""The participant pages offline (issue 17): the service worker's route, and the posts the
phone's outbox (static/js/offline.js) sends later. The browser side is in tests/e2e/test_offline.py."""
from __future__ import annotations

import os

from sqlalchemy import func, select

from dialogue import db
from dialogue.models import Contribution
from dialogue.participate import offline
from tests.conftest import cid, csrf_token
from tests.test_console import act

JSON = {"Accept": "application/json"}


def _prompt_step(make):
    d = make.dialogue()
    owner = make.facilitator_client(d.owner)
    act(owner, d, "go_to_step", step_id=d.steps[1].id)
    assert d.steps[1].kind == "prompt"
    return d, d.steps[1]


def _stored(step_id: int, text: str) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(Contribution).where(
        Contribution.step_id == step_id, Contribution.text == text))


def test_the_service_worker_is_served_for_the_participant_pages_and_always_asked_again(client):
    r = client.get("/p/sw.js")
    assert r.status_code == 200
    assert r.mimetype == "text/javascript"
    assert r.headers["Cache-Control"] == "no-cache"
    assert r.headers["Service-Worker-Allowed"] == "/p/"
    body = r.get_data(as_text=True)
    assert f'var VERSION = "{offline.cache_version()}"' in body and "__VERSION__" not in body
    for name in offline.PRECACHE:
        assert f'"/static/{name}"' in body
    # its own CSP: no other host, and the page's CSP lets a same-origin worker run
    assert "default-src 'self'" in r.headers["Content-Security-Policy"]


def test_a_new_deploy_gives_the_worker_a_new_cache_version(app):
    before = offline.cache_version()
    path = offline._static("js/offline.js")
    original = path.read_bytes()
    stat = path.stat()
    try:
        path.write_bytes(original + b"\n")
        assert offline.cache_version() != before
    finally:
        path.write_bytes(original)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert offline.cache_version() == before


def test_the_step_page_registers_the_worker_and_marks_the_prompt_form(make):
    d, step = _prompt_step(make)
    phone = make.participant_client(d)
    html = phone.get(f"/p/{d.code}").get_data(as_text=True)
    assert 'data-sw="/p/sw.js"' in html
    assert '/static/js/offline.js' in html
    assert 'data-action="contribute" data-offline' in html
    assert 'id="outbox-status" class="outbox-status" role="status" aria-live="polite"' in html
    # the waiting count comes in the page's language, in both plural forms
    assert "data-one=\"{n} vastaus odottaa. Se lähetetään, kun yhteys palaa.\"" in html


def test_a_kept_answer_posted_twice_is_stored_once(make):
    d, step = _prompt_step(make)
    phone = make.participant_client(d)
    write = {"action": "contribute", "step_id": step.id, "client_id": cid(), "text": "Polku on liukas"}
    first = phone.post(f"/p/{d.code}/act", data=write, headers=JSON)
    assert first.status_code == 200 and first.get_json()["ok"] is True
    # the answer got lost on the way back: the outbox sends the same client_id again
    again = phone.post(f"/p/{d.code}/act", data=write, headers=JSON)
    assert again.status_code == 200 and again.get_json()["ok"] is True
    assert _stored(step.id, "Polku on liukas") == 1


def test_without_json_the_form_post_still_redirects_back(make):
    d, step = _prompt_step(make)
    phone = make.participant_client(d)
    r = phone.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": step.id, "client_id": cid(),
                                             "text": "Ilman skriptiä"})
    assert r.status_code == 303 and r.headers["Location"].endswith(f"/p/{d.code}#main")
    assert _stored(step.id, "Ilman skriptiä") == 1


def test_a_refused_answer_says_why_and_is_not_to_be_retried(make):
    d, step = _prompt_step(make)
    phone = make.participant_client(d)
    r = phone.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": step.id, "client_id": cid(),
                                             "text": ""}, headers=JSON)
    assert r.status_code == 422
    ack = r.get_json()
    assert ack["ok"] is False and ack["error"] and ack["retry"] is False
    assert not ack.get("csrf")


def test_an_expired_token_is_told_apart_so_the_outbox_fetches_a_fresh_one(app, make):
    d, step = _prompt_step(make)
    phone = make.participant_client(d)
    app.config["WTF_CSRF_ENABLED"] = True
    write = {"action": "contribute", "step_id": step.id, "client_id": cid(), "text": "Vanha avain"}
    r = phone.post(f"/p/{d.code}/act", data={**write, "csrf_token": "stale"}, headers=JSON)
    assert r.status_code == 400 and r.get_json()["csrf"] is True and r.get_json()["error"]
    assert _stored(step.id, "Vanha avain") == 0
    # what offline.js does next: a fresh token from the page, and the same answer again
    token = csrf_token(phone.get(f"/p/{d.code}").get_data(as_text=True))
    r = phone.post(f"/p/{d.code}/act", data={**write, "csrf_token": token}, headers=JSON)
    assert r.status_code == 200 and r.get_json()["ok"] is True
    assert _stored(step.id, "Vanha avain") == 1
    # a browser without the outbox still gets the page that says what happened
    plain = phone.post(f"/p/{d.code}/act", data={**write, "csrf_token": "stale"})
    assert plain.status_code == 400 and "text/html" in plain.content_type


def test_a_copy_kept_for_the_way_does_not_change_the_station_the_phone_has_open(make):
    """The worker fetches a walk's other stations while online; the phone stays where it is."""
    from dialogue.activities.stations import station_code
    from dialogue.commands.dialogues import create_dialogue
    owner = make.facilitator()
    d = create_dialogue(owner, "kehittamiskavely", "Reitti", "fi")
    walk = next(s for s in d.steps if s.kind == "stations")
    staff = make.facilitator_client(owner)
    phone = make.participant_client(d)
    act(staff, d, "table_assign", mode="even")
    act(staff, d, "go_to_step", step_id=walk.id)
    phone.get(f"/p/{d.code}?station={station_code('Odotustila')}")
    copy = phone.get(f"/p/{d.code}?station={station_code('Asiakaskone')}", headers={"Osuva-Offline-Copy": "1"})
    assert "Asema 4: Asiakaskone" in copy.get_data(as_text=True)  # the copy is that station's page
    assert "Asema 3: Odotustila" in phone.get(f"/p/{d.code}").get_data(as_text=True)
