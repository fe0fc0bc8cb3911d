"""Erätauko (methods/eratauko): its phases and themes, phones down and the speak queue, candidate
themes, private notes and read-aloud insights, the National Dialogues report, and a whole
Erätauko against the real server."""
from __future__ import annotations

import io
import json
import re
import uuid
import zipfile
from pathlib import Path

import pytest
from docx import Document
from flask_babel import refresh
from jsonschema import Draft202012Validator
from openpyxl import load_workbook
from pypdf import PdfReader

from dialogue import db, methodology
from dialogue.export.formats import render
from dialogue.export.report import build_report
from dialogue.models import AuditEvent, Contribution, Dialogue, Helper, Item, Theme
from tests.conftest import cid
from tests.support.live import (
    LiveServer,
    Recorder,
    facilitator_session,
    joined_session,
    socket_client,
)

pytestmark = pytest.mark.usefixtures("app")  # the app loads the method registry


SPOKEN_METHODS = ("eratauko", "paattajadialogi", "seuranta", "salonki")


def _lang_of(html: str) -> str:
    return re.search(r'<html lang="([a-z]{2})"', html).group(1)


def _go(staff, step) -> None:
    ack = staff.emit("act", "go_to_step", {"step_id": step.id, "client_id": cid()}, callback=True)
    assert ack["ok"], ack


def _dialogue_for(make, key):
    """A dialogue of `key`; a follow-up meeting follows a decision-maker dialogue with a commitment."""
    if key != "seuranta":
        return make.dialogue(method=key, topic="Työnhaku maaseudulla")
    first = make.dialogue(method="paattajadialogi")
    staff = make.socket(make.facilitator_client(first.owner), "facilitator", first)
    commit_step = next(s for s in first.steps if s.kind == "commitments")
    _go(staff, commit_step)
    assert staff.emit("act", "add_commitment", {"step_id": commit_step.id, "client_id": cid(),
                                                "text": "Bussi Juvalta kulkee myös iltaisin", "who": "Juvan kunta",
                                                "due": "2027-05-31"}, callback=True)["ok"]
    return make.dialogue(owner=first.owner, method="seuranta", follows_id=first.id)


def _escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&#39;").replace(
        '"', "&#34;")


def _broken(key: str, change) -> dict:
    import json
    data = json.loads((methodology.METHODS_DIR / key / "method.json").read_text(encoding="utf-8"))
    change(data)
    return data


def _staff(make, d):
    return make.socket(make.facilitator_client(d.owner), "facilitator", d)


def _steps(d) -> dict[str, object]:
    """A dialogue's steps by their English title."""
    return {s.texts["en"]["title"]: s for s in db.session.get(Dialogue, d.id).steps}


def _ok(ack) -> dict:
    assert ack.get("ok"), ack
    return ack


def _helper(make, d, kind="scribe", table=""):
    staff = _staff(make, d)
    _ok(staff.emit("act", "helper_create", {"kind": kind, "label": "Kirjuri", "table": table,
                                             "client_id": cid()}, callback=True))
    helper = db.session.query(Helper).filter_by(dialogue_id=d.id).order_by(Helper.id.desc()).first()
    return helper.link_token


# -- phones down ---------------------------------------------------------------------


SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "export.schema.json").read_text())


def _helper_socket(make, staff, d, kind, table=""):
    _ok(staff.emit("act", "helper_create", {"kind": kind, "table": table, "client_id": cid()}, callback=True))
    helper = db.session.query(Helper).filter_by(dialogue_id=d.id).order_by(Helper.id.desc()).first()
    return make.socket(make.app.test_client(), "helper", d, token=helper.link_token)


def _eratauko(make):
    d = make.dialogue(method="eratauko", topic="Työnhaku maaseudulla", organiser="Osuva-hanke", place="Kirjasto",
                      municipality="Juva")
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    steps = _steps(d)
    themes = {t.key: t.id for t in db.session.query(Theme).filter_by(dialogue_id=d.id)}
    scribe = _helper_socket(make, staff, d, "scribe")
    phones = [make.socket(make.participant_client(d), "participant", d) for _ in range(2)]

    def go(title):
        _ok(staff.emit("act", "go_to_step", {"step_id": steps[title].id, "client_id": cid()}, callback=True))

    def write(phone, title, text, **extra):
        return _ok(phone.emit("act", "contribute", {"step_id": steps[title].id, "text": text, "client_id": cid(),
                                                    **extra}, callback=True))

    def note(text, theme=None):
        _ok(scribe.emit("act", "note", {"text": text, "theme_id": themes.get(theme, ""), "client_id": cid()},
                        callback=True))

    go("A moment for your own thoughts")
    shared = write(phones[0], "A moment for your own thoughts", "Matkat ovat pitkiä")
    write(phones[1], "A moment for your own thoughts", "Tämä jää omaksi")
    _ok(phones[0].emit("act", "share_note", {"contribution_id": shared["id"], "client_id": cid()}, callback=True))
    go("Joint dialogue")
    note("Bussi kulkee kerran päivässä.")
    note("Pelkään, että tuki loppuu.", "concerns")
    note("Vertaistuki auttaa.", "helps")
    note("Toivon omaa yhteyshenkilöä.", "hopes")
    note("Kukaan ei puhunut velasta.", "disagreements")
    note("”Minut nähtiin ihmisenä.”", "quotes")
    note("Kunnan pitää kuulla kyliä.", "message")
    go("Insights")
    write(phones[0], "Insights", "Yksin en ole", read_aloud="1")
    write(phones[1], "Insights", "Vain raporttiin tämä", read_aloud="")
    go("What was your most important insight?")
    write(phones[0], "What was your most important insight?", "Muillakin on sama huoli")
    go("Where should this conversation continue?")
    write(phones[1], "Where should this conversation continue?", "Kunnanvaltuustossa, valtuutetut")
    go("How did the conversation go?")
    for phone, value in zip(phones, (5, 4)):
        _ok(phone.emit("act", "give_feedback", {"step_id": steps["How did the conversation go?"].id,
                                                "q_constructive": value, "q_right_issues": 4, "client_id": cid()},
                       callback=True))
    return db.session.get(Dialogue, d.id)


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path).start()
    yield live
    live.stop()


def act(client, name, **payload):
    ack = client.call("act", (name, {"client_id": uuid.uuid4().hex, **payload}), timeout=10)
    assert ack.get("ok"), (name, ack)
    return ack


def test_eratauko_has_every_phase_in_order():
    steps = methodology.get("eratauko").steps
    en = [s["texts"]["en"]["title"] for s in steps]
    assert en == ["Welcome", "Our ground rules", "Introductions", "A moment for your own thoughts",
                  "Joint dialogue", "What shall we talk more about?", "Reflection", "The dialogue continues",
                  "Insights", "Sharing insights", "What was your most important insight?",
                  "Where should this conversation continue?", "How did the conversation go?",
                  "What happens next?", "Thank you!"]
    assert all(s["minutes"] > 0 for s in steps)
    kinds = {s["texts"]["en"]["title"]: (s["kind"], s["config"]) for s in steps}
    assert kinds["Our ground rules"][1]["acknowledge"] is True
    assert kinds["Joint dialogue"][1]["phones_down"] and kinds["Joint dialogue"][1]["speak_signal"]
    assert kinds["The dialogue continues"][1]["phones_down"] and kinds["The dialogue continues"][1]["speak_signal"]
    assert kinds["A moment for your own thoughts"][1]["private_notes"] and kinds["Reflection"][1]["private_notes"]
    assert kinds["What shall we talk more about?"][0] == "dots"
    assert kinds["Insights"][1]["read_aloud_choice"]
    assert kinds["How did the conversation go?"][1]["questions"] == ["right_issues", "different_views",
                                                                      "constructive"]
    # the four rules are on the rules slide, numbered
    rules = steps[1]["texts"]["fi"]["body"]
    assert all(f"{n}." in rules for n in (1, 2, 3, 4))


def test_a_new_eratauko_has_the_national_dialogues_themes_in_its_language(make):
    d = make.dialogue(method="eratauko", lang="sv")
    themes = {t.key: t.name for t in db.session.query(Theme).filter_by(dialogue_id=d.id)}
    assert themes["concerns"] == "Oro" and themes["message"] == "Budskap till beslutsfattarna"
    assert set(themes) == {"concerns", "helps", "hopes", "disagreements", "quotes", "continue", "message"}
    # a copy keeps the method's themes
    from dialogue.commands.preparation import duplicate_dialogue
    copy_ = duplicate_dialogue(d, d.owner_id, "Kopia")
    assert {t.key for t in db.session.query(Theme).filter_by(dialogue_id=copy_.id)} == set(themes)


def test_phones_down_quiets_the_screen_but_not_the_console(make, client):
    d = make.dialogue(method="eratauko", topic="Työnhaku maaseudulla")
    staff = _staff(make, d)
    steps = _steps(d)
    _go(staff, steps["A moment for your own thoughts"])
    phone = make.socket(make.participant_client(d), "participant", d)
    note = _ok(phone.emit("act", "contribute", {"step_id": steps["A moment for your own thoughts"].id,
                                                "text": "Jaettu ajatus", "client_id": cid()}, callback=True))
    _ok(phone.emit("act", "share_note", {"contribution_id": note["id"], "client_id": cid()}, callback=True))
    _go(staff, steps["Joint dialogue"])
    screen = client.get(f"/s/{d.screen_link_token}/state").get_json()
    assert screen["phones_down"] and screen["topic"] == "Työnhaku maaseudulla"
    assert screen["step"]["wall"] is None and screen["step"]["results"] is None
    page = client.get(f"/s/{d.screen_link_token}").get_data(as_text=True)
    assert 'class="screen mode-step phones-down"' in page and "Työnhaku maaseudulla" in page
    # a prompt step with phones down: the console still sees the wall, the screen does not
    with db.write() as s:
        s.get(type(steps["Reflection"]), steps["Reflection"].id).config = {
            **steps["Reflection"].config, "phones_down": True}
    _go(staff, steps["Reflection"])
    _ok(phone.emit("act", "contribute", {"step_id": steps["Reflection"].id, "text": "Toinen", "client_id": cid()},
                   callback=True))
    assert client.get(f"/s/{d.screen_link_token}/state").get_json()["step"]["wall"] is None


# -- the speak queue ----------------------------------------------------------------------


def test_the_console_shows_the_speak_queue_and_the_first_is_marked_done(make):
    d = make.dialogue(method="eratauko")
    staff = _staff(make, d)
    _go(staff, _steps(d)["Joint dialogue"])
    phones = [make.participant_client(d) for _ in range(2)]
    for http in phones:
        _ok(make.socket(http, "participant", d).emit("act", "speak", {"raise": True, "client_id": cid()},
                                                     callback=True))
    refresh()
    first = phones[0].get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    refresh()
    second = phones[1].get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    assert "You are next." in first and "You are number 2 in the queue." in second
    console = make.facilitator_client(d.owner)
    refresh()
    page = console.get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    assert "Wants to speak" in page and 'data-speak-count>2<' in page
    assert 'value="speaker_done"' in page and "speak_queue.js" in page
    # the "done" button without a request id: the first in the queue has spoken
    refresh()
    r = console.post(f"/console/d/{d.id}/act", data={"action": "speaker_done", "client_id": cid()},
                     follow_redirects=True)
    assert "Marked as spoken." in r.get_data(as_text=True)
    refresh()
    assert "You are next." in phones[1].get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    refresh()
    assert "I would like to speak" in phones[0].get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    # nobody waiting after the second: the button says so instead of failing silently
    _ok(staff.emit("act", "speaker_done", {"client_id": cid()}, callback=True))
    ack = staff.emit("act", "speaker_done", {"client_id": cid()}, callback=True)
    assert not ack["ok"] and ack["error"]


def test_phones_in_the_queue_learn_when_it_moves(make):
    d = make.dialogue(method="eratauko")
    staff = _staff(make, d)
    _go(staff, _steps(d)["Joint dialogue"])
    phone = make.socket(make.participant_client(d), "participant", d)
    phone.get_received()
    _ok(phone.emit("act", "speak", {"raise": True, "client_id": cid()}, callback=True))
    states = [m["args"][0] for m in phone.get_received() if m["name"] == "state"]
    assert states and states[-1]["speakers_waiting"] == 1


# -- candidate themes for the theme choice ---------------------------------------------


def test_scribe_and_facilitator_put_up_candidate_themes_that_phones_vote_on(make):
    d = make.dialogue(method="eratauko")
    staff = _staff(make, d)
    steps = _steps(d)
    choice = steps["What shall we talk more about?"]
    _go(staff, steps["Joint dialogue"])
    token = _helper(make, d)
    scribe_page = make.app.test_client().get(f"/h/{token}?lang=en").get_data(as_text=True)
    assert "Themes to choose from" in scribe_page and 'value="add_candidate"' in scribe_page
    scribe = make.socket(make.app.test_client(), "helper", d, token=token)
    _ok(scribe.emit("act", "add_candidate", {"step_id": choice.id, "text": "Bussiyhteydet", "client_id": cid()},
                    callback=True))
    # the facilitator adds one from the run view's form (no JavaScript: a form post)
    console = make.facilitator_client(d.owner)
    refresh()
    assert "Themes to choose from" in console.get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    console.post(f"/console/d/{d.id}/act", data={"action": "add_candidate", "step_id": choice.id,
                                                 "text": "Yksinäisyys", "client_id": cid()})
    dup = staff.emit("act", "add_candidate", {"step_id": choice.id, "text": "bussiyhteydet", "client_id": cid()},
                     callback=True)
    assert not dup["ok"]
    # a participant cannot, and a step that takes its items elsewhere does not take candidates
    phone_http = make.participant_client(d)
    phone = make.socket(phone_http, "participant", d)
    assert not phone.emit("act", "add_candidate", {"step_id": choice.id, "text": "X", "client_id": cid()},
                          callback=True)["ok"]
    assert not staff.emit("act", "add_candidate", {"step_id": steps["Reflection"].id, "text": "X",
                                                   "client_id": cid()}, callback=True)["ok"]
    _go(staff, choice)
    page = phone_http.get(f"/p/{d.code}").get_data(as_text=True)
    assert "Bussiyhteydet" in page and "Yksinäisyys" in page
    item = db.session.query(Item).filter_by(step_id=choice.id, text="Bussiyhteydet").one()
    _ok(phone.emit("act", "dot", {"step_id": choice.id, "item_id": item.id, "delta": 1, "client_id": cid()},
                   callback=True))
    # a candidate put up during the choice reaches phones: their state carries the number of items
    phone.get_received()
    _ok(staff.emit("act", "add_candidate", {"step_id": choice.id, "text": "Mielenterveys", "client_id": cid()},
                   callback=True))
    states = [m["args"][0] for m in phone.get_received() if m["name"] == "state"]
    assert states[-1]["items"] == 3
    assert db.session.query(AuditEvent).filter_by(dialogue_id=d.id, action="add_candidate").count() == 3
    # A candidate is one of the dialogue's themes too: "teema" means one thing (notes go into it).
    themes = {t.name: t.id for t in db.session.query(Theme).filter_by(dialogue_id=d.id)}
    assert {"Bussiyhteydet", "Yksinäisyys", "Mielenterveys"} <= set(themes)
    assert item.extra["theme_id"] == themes["Bussiyhteydet"]


# -- sharing insights: the read-aloud list ---------------------------------------------


def test_sharing_insights_shows_only_those_allowed_to_be_read_aloud(make, client):
    d = make.dialogue(method="eratauko")
    staff = _staff(make, d)
    steps = _steps(d)
    _go(staff, steps["Insights"])
    phone = make.participant_client(d)
    for text, aloud in (("Saa lukea ääneen", "1"), ("Vain raporttiin", "")):
        phone.post(f"/p/{d.code}/act", data={"action": "contribute", "step_id": steps["Insights"].id,
                                             "text": text, "read_aloud": aloud, "client_id": cid()})
    console = make.facilitator_client(d.owner)
    refresh()
    insights_console = console.get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    assert "Not to be read aloud" in insights_console  # the facilitator sees which one is report-only
    _go(staff, steps["Sharing insights"])
    refresh()
    page = console.get(f"/console/d/{d.id}?lang=en").get_data(as_text=True)
    assert "To read aloud (1)" in page and "Saa lukea ääneen" in page and "Vain raporttiin" not in page
    screen = client.get(f"/s/{d.screen_link_token}/state").get_json()
    assert [c["text"] for c in screen["step"]["results"]["list"]] == ["Saa lukea ääneen"]


# -- päättäjädialogi: the joint dialogue lists the questions; commitments are rated ------------


def test_a_reflection_note_can_still_be_shared_in_the_next_reflection(make):
    d = make.dialogue(method="eratauko")
    staff = _staff(make, d)
    steps = _steps(d)
    author_http = make.participant_client(d)
    author = make.socket(author_http, "participant", d)
    _go(staff, steps["A moment for your own thoughts"])
    note = _ok(author.emit("act", "contribute", {"step_id": steps["A moment for your own thoughts"].id,
                                                 "text": "Ensimmäinen ajatus", "client_id": cid()}, callback=True))
    _go(staff, steps["Reflection"])
    other = make.participant_client(d)
    refresh()
    page = author_http.get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    assert "Your earlier notes" in page and "Ensimmäinen ajatus" in page
    refresh()
    assert "Ensimmäinen ajatus" not in other.get(f"/p/{d.code}?lang=en").get_data(as_text=True)
    author_http.post(f"/p/{d.code}/act", data={"action": "share_note", "contribution_id": note["id"],
                                               "client_id": cid()})
    assert db.session.get(Contribution, note["id"]).private is False
    refresh()
    assert "Your earlier notes" not in author_http.get(f"/p/{d.code}?lang=en").get_data(as_text=True)


def test_eratauko_report_follows_the_national_dialogues_structure(make):
    d = _eratauko(make)
    model = build_report(db.session, d, lang="en")
    section = model["method_section"]
    assert section["title"] == "Report in the National Dialogues format"
    headings = [b["heading"] for b in section["blocks"] if b["level"] == 3]
    assert headings == ["About the dialogue", "The questions discussed", "Experiences and views per question",
                        "Concerns", "What helps", "Hopes", "Disagreements and things left unsaid", "Insights",
                        "Anonymous quotes", "Where to continue, and who", "Message to decision-makers",
                        "Was the discussion constructive?"]
    blocks = {b["heading"]: b for b in section["blocks"]}
    facts = dict(blocks["About the dialogue"]["facts"])
    assert facts["Organiser"] == "Osuva-hanke" and facts["Topic"] == "Työnhaku maaseudulla"
    assert facts["Participants"] == "2" and "Kirjasto" in facts["Format"] and "Juva" in facts["Format"]
    assert blocks["The questions discussed"]["items"] == ["A moment for your own thoughts", "Joint dialogue"]
    # per question: the shared note and the scribe's untagged note; the private note never
    assert blocks["A moment for your own thoughts"]["items"] == ["Matkat ovat pitkiä"]
    assert blocks["Joint dialogue"]["items"] == ["Bussi kulkee kerran päivässä."]
    assert blocks["Concerns"]["items"] == ["Pelkään, että tuki loppuu."]
    assert blocks["What helps"]["items"] == ["Vertaistuki auttaa."]
    assert blocks["Hopes"]["items"] == ["Toivon omaa yhteyshenkilöä."]
    assert blocks["Disagreements and things left unsaid"]["items"] == ["Kukaan ei puhunut velasta."]
    assert blocks["Anonymous quotes"]["items"] == ["”Minut nähtiin ihmisenä.”"]
    assert blocks["Message to decision-makers"]["items"] == ["Kunnan pitää kuulla kyliä."]
    # insights: read aloud or not, both are in the report; and the most important insight
    assert blocks["Insights"]["items"] == ["Yksin en ole", "Vain raporttiin tämä", "Muillakin on sama huoli"]
    assert blocks["Where to continue, and who"]["items"] == ["Kunnanvaltuustossa, valtuutetut"]
    constructive = dict(blocks["Was the discussion constructive?"]["facts"])
    assert constructive["The discussion was constructive."].startswith("mean 4.5 / 5; 100 % answered 4 or 5")
    assert "Tämä jää omaksi" not in json.dumps(model, ensure_ascii=False)
    assert list(Draft202012Validator(SCHEMA).iter_errors(json.loads(render(model, "json")))) == []


def test_the_section_is_in_every_format(make):
    d = _eratauko(make)
    model = build_report(db.session, d, lang="en")
    html = render(model, "html").decode()
    assert "Report in the National Dialogues format" in html and "<h4>Joint dialogue</h4>" in html
    assert "Pelkään, että tuki loppuu." in html
    doc = Document(io.BytesIO(render(model, "docx")))
    paragraphs = [p.text for p in doc.paragraphs]
    assert "Concerns" in paragraphs and "Pelkään, että tuki loppuu." in paragraphs
    assert any(p.style.name == "Heading 3" and p.text == "Joint dialogue" for p in doc.paragraphs)
    wb = load_workbook(io.BytesIO(render(model, "xlsx")))
    cells = [c for row in wb.worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert "Report in the National Dialogues format" in cells and "Vertaistuki auttaa." in cells
    pdf = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(render(model, "pdf"))).pages)
    assert "National Dialogues" in pdf and "Vertaistuki auttaa." in pdf
    with zipfile.ZipFile(io.BytesIO(render(model, "csv"))) as z:
        summary = z.read("summary.csv").decode("utf-8-sig")
    assert "Message to decision-makers" in summary and "Kunnan pitää kuulla kyliä." in summary


def test_a_whole_eratauko_with_five_phones_a_scribe_and_the_facilitator(server):
    d = server.new_dialogue(method="eratauko")
    base = server.url
    staff_http = facilitator_session(base)
    staff = socket_client(base, staff_http, "facilitator", d["id"])
    staff_live = Recorder(staff, "live")
    screen = socket_client(base, None, "screen", d["id"], token=d["screen_url"].rsplit("/", 1)[1])
    screen_live = Recorder(screen, "live")
    doc = staff_http.get(f"{base}/console/d/{d['id']}/export.json").json()
    steps = {s["texts"]["en"]["title"]: s["id"] for s in doc["steps"]}
    themes = {t["key"]: t["id"] for t in doc["themes"]}
    assert set(themes) >= {"concerns", "helps", "hopes", "quotes", "message"}

    # the scribe's helper link, connected like the helper page does
    link = act(staff, "helper_create", kind="scribe", label="Kirjuri")["url"]
    scribe = socket_client(base, None, "helper", d["id"], token=link.rsplit("/", 1)[1])

    sessions = [joined_session(base, d["code"]) for _ in range(5)]
    phones = [socket_client(base, http, "participant", d["id"]) for http in sessions]
    states = [Recorder(p, "state") for p in phones]
    phone_live = [Recorder(p, "live") for p in phones]

    def go(title):
        act(staff, "go_to_step", step_id=steps[title])
        for s in states:
            s.wait_for(lambda st: st["step_id"] == steps[title])

    def panel(n):
        return sessions[n].get(f"{base}/p/{d['code']}/panel", timeout=10).text

    # -- the ground rules, acknowledged ------------------------------------------------
    go("Our ground rules")
    for p in phones:
        act(p, "acknowledge", step_id=steps["Our ground rules"])
    staff_live.wait_for(lambda s: s["step"] and (s["step"]["results"] or {}).get("acknowledged") == 5)

    # -- reflection: private notes stay private until shared -----------------------------
    go("A moment for your own thoughts")
    notes = [act(p, "contribute", step_id=steps["A moment for your own thoughts"], text=f"Oma muistiinpano {n}")
             for n, p in enumerate(phones)]
    assert "Oma muistiinpano 0" in panel(0) and "Oma muistiinpano 0" not in panel(1)
    screen_live.wait_for(lambda s: s["step"] and s["step"]["id"] == steps["A moment for your own thoughts"])
    assert all(not (s["step"] or {}).get("wall") for s in screen_live.items)
    assert all(not (s["step"] or {}).get("wall") for s in staff_live.items
               if s["step"] and s["step"]["id"] == steps["A moment for your own thoughts"])
    act(phones[0], "share_note", contribution_id=notes[0]["id"])
    shared = screen_live.wait_for(lambda s: s["step"] and s["step"]["wall"])
    assert [c["text"] for c in shared["step"]["wall"]] == ["Oma muistiinpano 0"]
    # another participant cannot share someone else's note
    ack = phones[1].call("act", ("share_note", {"contribution_id": notes[2]["id"],
                                                "client_id": uuid.uuid4().hex}), timeout=10)
    assert not ack["ok"]

    # -- joint dialogue, phones down -------------------------------------------------
    for e in phone_live + [screen_live]:
        e.clear()
    go("Joint dialogue")
    for s in states:
        assert s.wait_for(lambda st: st["step_id"] == steps["Joint dialogue"])["phones_down"] is True
    calm = panel(2)
    assert 'class="calm"' in calm and "<textarea" not in calm and 'value="speak"' in calm
    quiet = screen_live.wait_for(lambda s: s["step"] and s["step"]["id"] == steps["Joint dialogue"])
    assert quiet["phones_down"] and quiet["step"]["wall"] is None and quiet["step"]["results"] is None
    # the silent signal: the facilitator sees an anonymous queue, the screen nothing
    act(phones[3], "speak", **{"raise": True})
    queue = staff_live.wait_for(lambda s: len(s.get("speak_queue") or []) == 1)["speak_queue"]
    assert set(queue[0]) == {"id", "waiting_seconds"}
    states[3].wait_for(lambda st: st.get("speakers_waiting") == 1)
    assert "data-hand-up" in panel(3)
    # the scribe writes notes in the speakers' words, some under the report's themes
    for text, key in (("Bussi kulkee kerran päivässä.", None), ("Pelkään, että tuki loppuu.", "concerns"),
                      ("Vertaistuki auttaa.", "helps"), ("”Minut nähtiin ihmisenä.”", "quotes"),
                      ("Kunnan pitää kuulla kyliä.", "message")):
        act(scribe, "note", text=text, **({"theme_id": themes[key]} if key else {}))
    # candidate themes for the theme choice, from the scribe and the facilitator
    for who, text in ((scribe, "Bussiyhteydet"), (scribe, "Yksinäisyys"), (staff, "Velat")):
        act(who, "add_candidate", step_id=steps["What shall we talk more about?"], text=text)
    act(staff, "speaker_done")
    staff_live.wait_for(lambda s: s.get("speak_queue") == [])
    # nothing live reached the phones or the screen while phones were down
    assert all(not e.items for e in phone_live)
    assert all(s["step"]["wall"] is None and s["step"]["results"] is None and "speak_queue" not in s
               for s in screen_live.items if s["step"])

    # -- choosing themes to go deeper ----------------------------------------------------
    go("What shall we talk more about?")
    choice = staff_http.get(f"{base}/console/d/{d['id']}/export.json").json()
    items = {i["text"]: i["id"] for s in choice["steps"] if s["id"] == steps["What shall we talk more about?"]
             for i in s["results"]["items"]}
    assert set(items) == {"Bussiyhteydet", "Yksinäisyys", "Velat"}
    for n, p in enumerate(phones):
        act(p, "dot", step_id=steps["What shall we talk more about?"], item_id=items["Bussiyhteydet"], delta=1)
        act(p, "dot", step_id=steps["What shall we talk more about?"],
            item_id=items["Yksinäisyys" if n < 3 else "Velat"], delta=1)
    # the room sees no totals while it votes; the facilitator shows them when everyone has voted
    assert all(s["step"]["results"] is None for s in screen_live.items
               if s["step"] and s["step"]["id"] == steps["What shall we talk more about?"])
    act(staff, "reveal", step_id=steps["What shall we talk more about?"], revealed="1")
    bars = screen_live.wait_for(lambda s: s["step"] and s["step"]["results"] and
                                s["step"]["results"].get("bars") and
                                sum(b["value"] for b in s["step"]["results"]["bars"]) == 10)
    assert bars["step"]["results"]["bars"][0]["label"] == "Bussiyhteydet"

    # -- the dialogue continues (phones down again) ---------------------------------------
    go("The dialogue continues")
    assert 'class="calm"' in panel(4)

    # -- insights: anonymous, read aloud or for the report only ------------------------------
    go("Insights")
    for n, p in enumerate(phones):
        act(p, "contribute", step_id=steps["Insights"], text=f"Oivallus {n}", read_aloud="1" if n < 3 else "")
    go("Sharing insights")
    shown = screen_live.wait_for(lambda s: s["step"] and s["step"]["id"] == steps["Sharing insights"])
    assert [c["text"] for c in shown["step"]["results"]["list"]] == ["Oivallus 0", "Oivallus 1", "Oivallus 2"]

    # -- closing questions ---------------------------------------------------------------
    go("What was your most important insight?")
    act(phones[0], "contribute", step_id=steps["What was your most important insight?"], text="Tärkein oivallus")
    go("Where should this conversation continue?")
    act(phones[1], "contribute", step_id=steps["Where should this conversation continue?"],
        text="Valtuustossa, valtuutettujen kanssa")
    go("How did the conversation go?")
    for n, p in enumerate(phones):
        act(p, "give_feedback", step_id=steps["How did the conversation go?"], q_right_issues=4,
            q_different_views=5, q_constructive=5 if n else 3)
    go("Thank you!")

    # -- the report's National Dialogues section --------------------------------------------
    report = staff_http.get(f"{base}/console/d/{d['id']}/export.json").json()
    section = report["method_section"]
    blocks = {b["heading"]: b for b in section["blocks"]}
    assert report["language"] == "fi"
    insights = next(b for b in section["blocks"] if "Oivallus 0" in (b.get("items") or []))
    assert insights["items"] == ["Oivallus 0", "Oivallus 1", "Oivallus 2", "Oivallus 3", "Oivallus 4",
                                 "Tärkein oivallus"]
    assert any(b.get("items") == ["Valtuustossa, valtuutettujen kanssa"] for b in section["blocks"])
    assert any(b.get("items") == ["Pelkään, että tuki loppuu."] for b in section["blocks"])
    assert any(b.get("items") == ["Kunnan pitää kuulla kyliä."] for b in section["blocks"])
    assert any((b.get("items") or [""])[0].startswith("Bussiyhteydet") for b in section["blocks"])
    constructive = dict(section["blocks"][-1]["facts"])
    assert len(constructive) == 3 and all("5" in v for v in constructive.values())
    # private notes never reach the report; the shared one does
    text = str(report)
    assert "Oma muistiinpano 0" in text and not any(f"Oma muistiinpano {n}" in text for n in range(1, 5))
    assert blocks  # headings are in Finnish (the dialogue's language)
    for c in (staff, screen, scribe, *phones):
        c.disconnect()
