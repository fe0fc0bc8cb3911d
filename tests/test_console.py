"""The facilitator console: dashboard, create, duplicate, details, steps, preview, run view,
timer, co-facilitators, and that nobody else can see or change a dialogue."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from dialogue import db
from dialogue.models import AuditEvent, Contribution, Dialogue, DialogueShare, Step
from tests.conftest import cid


def fresh(dialogue_id: int) -> Dialogue:
    db.session.expire_all()
    return db.session.get(Dialogue, dialogue_id)


def act(client, dialogue, action, **fields):
    """Post a console form (no JavaScript); return the response."""
    return client.post(f"/console/d/{dialogue.id}/act", data={"action": action, "client_id": cid(), **fields})


def flashes(client) -> list[tuple[str, str]]:
    with client.session_transaction() as sess:
        return list(sess.pop("_flashes", []))


# -- dashboard ----------------------------------------------------------------------

def test_dashboard_groups_dialogues_by_state_and_searches(make):
    owner = make.facilitator()
    running = make.dialogue(owner=owner, title="Juvan kävely")
    draft = make.dialogue(owner=owner, title="Mikkelin raati", state="draft", municipality="Mikkeli")
    closed = make.dialogue(owner=owner, title="Kangasniemen salonki", state="closed")
    archived = make.dialogue(owner=owner, title="Vanha", state="archived")
    c = make.facilitator_client(owner)
    page = c.get("/console/").get_data(as_text=True)

    def group(key):
        part = page.split(f'id="dialogues-{key}"', 1)[1]
        return part.split("</section>", 1)[0]
    assert draft.title in group("upcoming") and running.title in group("running")
    assert closed.title in group("closed") and archived.title in group("archived")
    assert running.title not in group("upcoming")
    found = c.get("/console/?q=mikkeli").get_data(as_text=True)
    assert draft.title in found and running.title not in found
    by_code = c.get(f"/console/?q={running.code.lower()}").get_data(as_text=True)
    assert running.title in by_code and draft.title not in by_code


def test_dashboard_lists_shared_dialogues_but_never_others(make):
    a, b, c_ = make.facilitator(), make.facilitator(), make.facilitator()
    shared = make.dialogue(owner=a, title="Jaettu")
    secret = make.dialogue(owner=a, title="Salainen")
    with db.write() as s:
        s.add(DialogueShare(dialogue_id=shared.id, facilitator_id=b.id))
    page = make.facilitator_client(b).get("/console/").get_data(as_text=True)
    assert "Jaettu" in page and "Salainen" not in page
    assert "Jaettu" not in make.facilitator_client(c_).get("/console/").get_data(as_text=True)
    assert secret.id


# -- create and duplicate ------------------------------------------------------------------

def test_new_dialogue_shows_methods_and_starts_as_a_draft(make):
    owner = make.facilitator()
    c = make.facilitator_client(owner)
    page = c.get("/console/new").get_data(as_text=True)
    assert 'id="method-ideakierros"' in page and "5–100" in page and "20–40 min" in page
    # nothing is said to have been created before it is
    assert "luotiin" not in page and "tehdään ensin luonnokseksi" in page
    assert "skapades" not in c.get("/console/new?lang=sv").get_data(as_text=True)
    c.get("/console/new?lang=fi")
    r = c.post("/console/new", data={"method": "ideakierros", "title": "Juvan ideat", "language": "fi"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/prepare")
    d = db.session.scalar(select(Dialogue).where(Dialogue.title == "Juvan ideat"))
    assert d.state == "draft" and len(d.steps) == 4
    # a draft takes no participants yet
    join = make.app.test_client().post(f"/j/{d.code}")
    assert join.status_code == 400


def test_duplicate_copies_details_and_steps_into_a_new_draft(make):
    d = make.dialogue(title="Mikkelin dialogi", municipality="Mikkeli", place="Kirjasto", organiser="Hanke")
    owner = make.facilitator_client(d.owner)
    act(owner, d, "go_to_step", step_id=d.steps[1].id)
    phone = make.participant_client(d)
    phone.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": d.steps[1].id, "client_id": cid(),
                                         "text": "Ei kopioidu"})
    act(owner, d, "update_step", step_id=d.steps[1].id, title_fi="Muokattu kysymys")
    r = owner.post(f"/console/d/{d.id}/duplicate")
    assert r.status_code == 303
    copy = db.session.scalar(select(Dialogue).where(Dialogue.id != d.id))
    assert copy.state == "draft" and copy.code != d.code and copy.screen_link_token != d.screen_link_token
    assert (copy.municipality, copy.place, copy.organiser, copy.method) == ("Mikkeli", "Kirjasto", "Hanke", d.method)
    assert d.title in copy.title
    assert [s.kind for s in copy.steps] == [s.kind for s in fresh(d.id).steps]
    assert copy.steps[1].texts["fi"]["title"] == "Muokattu kysymys"
    assert db.session.scalar(select(Contribution).where(Contribution.dialogue_id == copy.id)) is None
    assert r.headers["Location"].endswith(f"/console/d/{copy.id}/prepare")


# -- details ----------------------------------------------------------------------------

def test_details_are_saved_from_the_form(make):
    d = make.dialogue()
    c = make.facilitator_client(d.owner)
    r = c.post(f"/console/d/{d.id}/prepare", data={
        "details_form": "1", "title": "Hirvensalmen dialogi", "topic": "Työllisyys", "municipality": "Hirvensalmi",
        "place": "Kunnantalo", "date": "2026-12-03", "language": "sv", "organiser": "Hanke", "ask_role": "1"})
    assert r.status_code == 303
    d2 = fresh(d.id)
    assert (d2.title, d2.municipality, d2.place, str(d2.date), d2.language, d2.ask_role) == (
        "Hirvensalmen dialogi", "Hirvensalmi", "Kunnantalo", "2026-12-03", "sv", True)
    # participants now may state their role and municipality
    assert 'id="role"' in make.app.test_client().get(f"/j/{d.code}").get_data(as_text=True)
    # an unticked box is a no
    c.post(f"/console/d/{d.id}/prepare", data={"details_form": "1", "title": "Hirvensalmen dialogi"})
    assert fresh(d.id).ask_role is False


@pytest.mark.parametrize("field, value", [("date", "3.12.2026"), ("municipality", "Helsinki"), ("title", ""),
                                          ("title", "x" * 201), ("language", "de")])
def test_bad_details_are_refused_and_what_was_typed_stays(make, field, value):
    d = make.dialogue(title="Alkuperäinen")
    c = make.facilitator_client(d.owner)
    data = {"details_form": "1", "title": "Uusi otsikko", "place": "Kirjasto", field: value}
    r = c.post(f"/console/d/{d.id}/prepare", data=data)
    assert r.status_code == 400
    page = r.get_data(as_text=True)
    assert 'role="alert"' in page and 'value="Kirjasto"' in page
    assert fresh(d.id).title == "Alkuperäinen"


# -- steps ---------------------------------------------------------------------------------

def test_steps_are_added_edited_moved_and_removed(make):
    d = make.dialogue()
    c = make.facilitator_client(d.owner)
    act(c, d, "add_step", kind="notes")
    steps = fresh(d.id).steps
    assert [s.kind for s in steps][-1] == "notes" and steps[-1].texts["fi"]["title"]
    new = steps[-1]
    r = c.post(f"/console/d/{d.id}/steps/{new.id}", data={
        "config_form": "1", "title_fi": "Yhteinen keskustelu", "body_fi": "Puhelimet pois.",
        "title_sv": "Gemensam diskussion", "title_en": "Joint dialogue", "minutes": "30", "cfg_phones_down": "1"})
    assert r.status_code == 303
    edited = db.session.get(Step, new.id)
    db.session.refresh(edited)
    assert edited.texts["sv"]["title"] == "Gemensam diskussion" and edited.minutes == 30
    assert edited.config == {"phones_down": True}
    act(c, d, "move_step", step_id=new.id, direction="up")
    assert [s.id for s in fresh(d.id).steps][-2] == new.id
    assert [s.position for s in fresh(d.id).steps] == list(range(5))
    act(c, d, "remove_step", step_id=new.id)
    assert new.id not in [s.id for s in fresh(d.id).steps]
    assert [s.position for s in fresh(d.id).steps] == list(range(4))


def test_step_settings_are_checked_by_the_activity(make):
    d = make.dialogue()
    prompt = d.steps[1]
    c = make.facilitator_client(d.owner)
    r = c.post(f"/console/d/{d.id}/steps/{prompt.id}", data={
        "config_form": "1", "title_fi": "Kysymys", "cfg_max_length": "5", "body_fi": "Kirjoitettu teksti"})
    assert r.status_code == 400
    assert "Kirjoitettu teksti" in r.get_data(as_text=True)
    assert db.session.get(Step, prompt.id).config["max_length"] == 500
    # the main language needs a title
    r = c.post(f"/console/d/{d.id}/steps/{prompt.id}", data={"config_form": "1", "title_fi": ""})
    assert r.status_code == 400


def test_removing_a_step_with_answers_needs_confirmation(make):
    d = make.dialogue()
    prompt = d.steps[1]
    c = make.facilitator_client(d.owner)
    act(c, d, "go_to_step", step_id=prompt.id)
    make.participant_client(d).post(f"/p/{d.code}/act", data={
        "action": "contribute", "step_id": prompt.id, "client_id": cid(), "text": "Vastaus"})
    flashes(c)
    act(c, d, "remove_step", step_id=prompt.id)
    assert [cat for cat, _m in flashes(c)] == ["error"]
    assert db.session.get(Step, prompt.id) is not None
    act(c, d, "remove_step", step_id=prompt.id, confirm="1")
    db.session.expire_all()
    assert db.session.get(Step, prompt.id) is None
    assert db.session.query(Contribution).count() == 0
    # the current step moved on to the next one
    assert fresh(d.id).current_step_id == fresh(d.id).steps[1].id


def test_preview_shows_the_phone_view_in_each_language_and_cannot_send(make):
    d = make.dialogue()
    prompt = d.steps[1]
    c = make.facilitator_client(d.owner)
    page = c.get(f"/console/d/{d.id}/steps/{prompt.id}/preview?lang=sv").get_data(as_text=True)
    assert "Vad fungerar bra?" in page
    frame = page.split('class="phone-frame"', 1)[1]
    assert frame.split(">", 1)[0].count("disabled") == 1  # a disabled fieldset: nothing can be sent
    assert "<textarea" in frame
    assert c.get(f"/console/d/{d.id}/steps/{prompt.id}/preview?lang=en").get_data(as_text=True).count(
        "What works well?") >= 1


def test_steps_of_another_dialogue_cannot_be_edited_or_previewed(make):
    a, b = make.dialogue(), make.dialogue()
    c = make.facilitator_client(a.owner)
    assert c.get(f"/console/d/{a.id}/steps/{b.steps[1].id}").status_code == 404
    assert c.get(f"/console/d/{a.id}/steps/{b.steps[1].id}/preview").status_code == 404
    act(c, a, "update_step", step_id=b.steps[1].id, title_fi="Kaapattu")
    assert db.session.get(Step, b.steps[1].id).texts["fi"]["title"] != "Kaapattu"


# -- the run view ----------------------------------------------------------------------------

def test_run_view_names_the_current_and_next_step_and_is_reachable_by_keyboard(make):
    d = make.dialogue()
    c = make.facilitator_client(d.owner)
    page = c.get(f"/console/d/{d.id}").get_data(as_text=True)
    assert 'id="current-h"' in page and "Tervetuloa" in page
    next_part = page.split('id="next-h"', 1)[1].split("</section>", 1)[0]
    assert "Mikä toimii hyvin?" in next_part
    for element_id in ("go-next", "timer-start", "timer-add", "screen-qr", "screen-step", "screen-results",
                       "screen-pause", "join-lock", "participant-count"):
        assert f'id="{element_id}"' in page, element_id
    # every button is a real button in a form (Tab reaches it, Enter presses it)
    assert 'aria-keyshortcuts="n"' in page


def test_run_view_includes_the_current_steps_staff_controls(make):
    d = make.dialogue()
    c = make.facilitator_client(d.owner)
    act(c, d, "add_step", kind="notes")
    notes_step = fresh(d.id).steps[-1]
    act(c, d, "go_to_step", step_id=notes_step.id)
    page = c.get(f"/console/d/{d.id}").get_data(as_text=True)
    assert 'id="notes-h"' in page and 'id="note-text"' in page


def test_next_url_after_a_form_stays_inside_the_dialogues_console(make):
    d = make.dialogue()
    c = make.facilitator_client(d.owner)
    ok = act(c, d, "lock_join", locked="1", next=f"/console/d/{d.id}/data#state-h")
    assert ok.headers["Location"].endswith(f"/console/d/{d.id}/data#state-h")
    for evil in ("https://evil.example/", "//evil.example/x", "/console/d/999/run", "/p/ABC"):
        r = act(c, d, "lock_join", locked="", next=evil)
        assert r.headers["Location"].endswith(f"/console/d/{d.id}"), evil


# -- the timer ----------------------------------------------------------------------------------

def test_timer_start_pause_and_add_reach_phones_and_the_screen(make):
    d = make.dialogue()
    prompt = d.steps[1]
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    staff.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    phone = make.socket(make.participant_client(d), "participant", d)
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_link_token)
    phone.get_received()
    screen.get_received()
    ack = staff.emit("act", "timer_start", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    assert ack["ok"] and ack["timer"]["running"] and 595 <= ack["timer"]["seconds"] <= 600  # the step's 10 min
    phone_timer = [m["args"][0] for m in phone.get_received() if m["name"] == "state"][-1]["timer"]
    assert phone_timer["running"] and phone_timer["seconds"] > 590
    assert [m["args"][0] for m in screen.get_received() if m["name"] == "live"][-1]["timer"]["running"]
    ack = staff.emit("act", "timer_pause", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    assert ack["ok"] and not ack["timer"]["running"]
    paused = ack["timer"]["seconds"]
    ack = staff.emit("act", "timer_add", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    assert ack["timer"] == {"seconds": paused + 60, "running": False}
    assert [m["args"][0] for m in phone.get_received() if m["name"] == "state"][-1]["timer"]["seconds"] == paused + 60
    ack = staff.emit("act", "timer_start", {"client_id": cid()}, callback=True)  # the current step by default
    assert ack["timer"]["running"] and ack["timer"]["seconds"] >= paused + 59
    # a reload shows the same time (the server keeps it)
    page = make.participant_client(d).get(f"/p/{d.code}").get_data(as_text=True)
    assert 'data-running="true"' in page


def test_a_closed_dialogues_run_view_offers_no_timer(make):
    d = make.dialogue()
    owner = make.facilitator_client(d.owner)
    assert 'id="timer-start-form"' in owner.get(f"/console/d/{d.id}").get_data(as_text=True)
    staff = make.socket(owner, "facilitator", d)
    assert staff.emit("act", "set_state", {"state": "closed", "client_id": cid()}, callback=True)["ok"]
    page = owner.get(f"/console/d/{d.id}").get_data(as_text=True)
    assert 'id="timer-box"' not in page and 'data-action="timer_start"' not in page


def test_timer_of_a_step_without_minutes_needs_the_minutes(make):
    d = make.dialogue(method="blank")
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    step = d.steps[0]
    ack = staff.emit("act", "timer_start", {"step_id": step.id, "client_id": cid()}, callback=True)
    assert ack["ok"] is False and ack["error"]
    ack = staff.emit("act", "timer_start", {"step_id": step.id, "minutes": 3, "client_id": cid()}, callback=True)
    assert ack["ok"] and ack["timer"]["seconds"] >= 179
    ack = staff.emit("act", "timer_start", {"step_id": step.id, "minutes": 0, "client_id": cid()}, callback=True)
    assert ack["ok"]  # already running: starting again changes nothing
    ack = staff.emit("act", "timer_reset", {"step_id": step.id, "client_id": cid()}, callback=True)
    assert ack["timer"] == {"seconds": 0, "running": False}


def test_reveal_shows_hidden_results_on_the_screen(make):
    d = make.dialogue()
    prompt = d.steps[1]
    with db.write() as s:
        step = s.get(Step, prompt.id)
        step.config = {**step.config, "hide_results": True}
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    staff.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_link_token)
    assert screen.get_received()[-1]["args"][0]["step"]["results"] is None
    ack = staff.emit("act", "reveal", {"step_id": prompt.id, "revealed": True, "client_id": cid()}, callback=True)
    assert ack["ok"] and ack["step_id"] == prompt.id and ack["revealed"] is True
    shown = [m["args"][0] for m in screen.get_received() if m["name"] == "live"][-1]
    assert shown["step"]["results"] == {"contributions": 0}
    staff.emit("act", "reveal", {"step_id": prompt.id, "revealed": False, "client_id": cid()}, callback=True)
    assert [m["args"][0] for m in screen.get_received() if m["name"] == "live"][-1]["step"]["results"] is None


# -- co-facilitators ----------------------------------------------------------------------------

def test_owner_shares_a_dialogue_with_another_facilitator(make):
    d = make.dialogue()
    co = make.facilitator(email="kaveri@example.fi")
    owner = make.facilitator_client(d.owner)
    co_client = make.facilitator_client(co)
    assert co_client.get(f"/console/d/{d.id}").status_code == 404
    act(owner, d, "share_add", email="KAVERI@example.fi ")
    assert co_client.get(f"/console/d/{d.id}").status_code == 200
    assert "kaveri@example.fi" in owner.get(f"/console/d/{d.id}/prepare").get_data(as_text=True)
    # a co-facilitator runs it but does not share it further
    third = make.facilitator()
    flashes(co_client)
    act(co_client, d, "share_add", email=third.email)
    assert [cat for cat, _m in flashes(co_client)] == ["error"]
    assert db.session.get(DialogueShare, (d.id, third.id)) is None
    # unknown accounts are refused with a message
    flashes(owner)
    act(owner, d, "share_add", email="ei.ole@example.fi")
    assert [cat for cat, _m in flashes(owner)] == ["error"]
    act(owner, d, "share_remove", facilitator_id=co.id)
    assert co_client.get(f"/console/d/{d.id}").status_code == 404


# -- nobody else ------------------------------------------------------------------------------

def console_pages(d: Dialogue) -> list[str]:
    step = d.steps[1].id
    return [f"/console/d/{d.id}", f"/console/d/{d.id}/prepare", f"/console/d/{d.id}/steps/{step}",
            f"/console/d/{d.id}/steps/{step}/preview", f"/console/d/{d.id}/contributions",
            f"/console/d/{d.id}/suggestions", f"/console/d/{d.id}/helpers", f"/console/d/{d.id}/data",
            f"/console/d/{d.id}/export.json"]


def test_a_facilitator_cannot_see_anothers_dialogue(make):
    d = make.dialogue(title="Toisen dialogi")
    stranger = make.facilitator_client(make.facilitator())
    for url in console_pages(d):
        r = stranger.get(url)
        assert r.status_code == 404, url
        assert "Toisen dialogi" not in r.get_data(as_text=True)
    anonymous = make.app.test_client()
    for url in console_pages(d):
        assert anonymous.get(url).status_code == 302, url


WRITES = [
    ("update_details", {"title": "Kaapattu"}), ("add_step", {"kind": "info"}), ("set_state", {"state": "closed"}),
    ("set_retention", {"days": 1}), ("helper_create", {"kind": "scribe"}), ("theme_create", {"name": "Kaapattu"}),
    ("timer_start", {"minutes": 5}), ("note", {"text": "Kaapattu"}), ("share_add", {"email": "x@example.fi"}),
]


@pytest.mark.parametrize("action, payload", WRITES)
def test_a_facilitator_cannot_change_anothers_dialogue(make, action, payload):
    d = make.dialogue(title="Toisen dialogi")
    stranger_account = make.facilitator(email="x@example.fi")
    stranger = make.facilitator_client(stranger_account)
    before = (fresh(d.id).title, fresh(d.id).state, len(fresh(d.id).steps), fresh(d.id).retention_days)
    r = act(stranger, d, action, **payload)
    assert r.status_code == 404
    duplicate = stranger.post(f"/console/d/{d.id}/duplicate")
    assert duplicate.status_code == 404
    # the socket does not even connect to another's dialogue
    assert not make.socket(stranger, "facilitator", d).is_connected()
    # nor does a socket to one's own dialogue reach another's ids
    own = make.dialogue(owner=stranger_account)
    sock = make.socket(stranger, "facilitator", own)
    sock.emit("act", "update_step", {"step_id": d.steps[1].id, "title_fi": "Kaapattu", "client_id": cid()},
              callback=True)
    after = (fresh(d.id).title, fresh(d.id).state, len(fresh(d.id).steps), fresh(d.id).retention_days)
    assert after == before
    assert db.session.get(Step, d.steps[1].id).texts["fi"]["title"] != "Kaapattu"


STAFF_COMMANDS = ["timer_start", "timer_pause", "timer_add", "timer_reset", "reveal", "set_state", "set_retention",
                  "update_details", "add_step", "update_step", "move_step", "remove_step", "share_add",
                  "share_remove", "theme_create", "theme_rename", "theme_merge", "theme_delete", "assign_theme",
                  "fix_text", "merge_contributions", "note", "helper_create", "helper_revoke"]


@pytest.mark.parametrize("name", STAFF_COMMANDS)
def test_a_participant_cannot_use_staff_events(make, name):
    d = make.dialogue()
    phone = make.socket(make.participant_client(d), "participant", d)
    ack = phone.emit("act", name, {"step_id": d.steps[1].id, "state": "closed", "days": 1, "kind": "info",
                                   "name": "x", "text": "x", "client_id": cid()}, callback=True)
    assert ack["ok"] is False and ack["error"]
    assert db.session.scalar(select(AuditEvent.id)) is None
    assert fresh(d.id).state == "running"


def test_screen_link_cannot_write(make):
    d = make.dialogue()
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_link_token)
    ack = screen.emit("act", "set_state", {"state": "closed", "client_id": cid()}, callback=True)
    assert ack["ok"] is False
    assert fresh(d.id).state == "running"


def test_pages_have_labelled_fields(make):
    """Every input, select and textarea of the console has a label (by for/id) or an aria-label."""
    d = make.dialogue()
    c = make.facilitator_client(d.owner)
    for url in console_pages(d)[:-1] + ["/console/", "/console/new"]:
        html = c.get(url).get_data(as_text=True)
        labels = set(re.findall(r'<label[^>]*for="([^"]+)"', html))
        for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html):
            if re.search(r'type="(hidden|submit)"', tag):
                continue
            field_id = re.search(r'id="([^"]+)"', tag)
            assert field_id and (field_id.group(1) in labels or "aria-label" in tag), (url, tag)
