"""The method definitions: every text in three languages, every step renders on a phone with
and without JavaScript, every form posts without it, and broken definitions are refused."""
from __future__ import annotations

import copy
import re

import pytest
from flask_babel import refresh
from sqlalchemy import select

from dialogue import db, methodology, placeholders
from dialogue.models import Dialogue, DialogueTable
from tests.conftest import cid

pytestmark = pytest.mark.usefixtures("app")  # the app loads the method registry


SPOKEN_METHODS = ("eratauko", "paattajadialogi", "seuranta", "salonki", "palvelumuotoilu", "kumppanuuspoyta",
                  "kansalaisraati")
from dialogue.config import LANGUAGES as LANGS


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


@pytest.mark.parametrize("key", SPOKEN_METHODS)
def test_method_loads_with_every_text_in_three_languages(key):
    method = methodology.get(key)
    assert method is not None and method.steps
    for lang in LANGS:
        assert method.name(lang) and method.description(lang)
        assert all(step["texts"][lang]["title"].strip() for step in method.steps)
    # every step's time is suggested
    assert all(step["minutes"] >= 0 for step in method.steps)


@pytest.mark.parametrize("key", SPOKEN_METHODS)
def test_every_step_renders_on_a_phone_with_and_without_javascript(make, key):
    d = _dialogue_for(make, key)
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    phone = make.participant_client(d)
    table = db.session.query(DialogueTable).filter_by(dialogue_id=d.id).order_by(DialogueTable.position).first()
    if table is not None:  # steps worked by table ask for a table first: sit at the first
        r = phone.post(f"/p/{d.code}/act", data={"action": "table_join", "table_id": table.id, "client_id": cid()})
        assert r.status_code == 303
    steps = db.session.get(Dialogue, d.id).steps
    for step in steps:
        _go(staff, step)
        if step.config.get("by_table"):
            # a step worked by table first asks the phone to choose a table (tables.py): choose one
            table = db.session.scalars(select(DialogueTable).where(DialogueTable.dialogue_id == d.id)).first()
            assert phone.post(f"/p/{d.code}/act", data={"action": "table_join", "table_id": table.id,
                                                         "client_id": cid()}).status_code == 303
        for lang in LANGS:
            refresh()  # the test's app context outlives requests: forget the last request's language
            page = phone.get(f"/p/{d.code}?lang={lang}")  # no JavaScript: the whole page
            assert page.status_code == 200, (key, step.position, lang)
            html = page.get_data(as_text=True)
            assert _lang_of(html) == lang
            panel = phone.get(f"/p/{d.code}/panel")  # JavaScript: the fragment swapped in
            assert panel.status_code == 200
            fragment = panel.get_data(as_text=True)
            assert f'data-step-id="{step.id}"' in html and f'data-step-id="{step.id}"' in fragment
            title = step.texts[lang]["title"]
            if step.config.get("phones_down"):
                # the calm view: nothing to read or answer, only (maybe) the speak signal
                assert 'class="calm"' in fragment and title not in fragment
                assert "<textarea" not in fragment and 'name="item_id"' not in fragment
                assert ('value="speak"' in fragment) == bool(step.config.get("speak_signal"))
            else:
                assert _escaped(title) in fragment and _escaped(title) in html
                body = placeholders.strip(step.texts[lang]["body"]).split("\n")[0]
                assert _escaped(body) in fragment and "[[" not in fragment  # the facilitator's places left out


def test_every_form_on_every_step_posts_without_javascript(make):
    """Without JavaScript each answer is a form post that lands back on the page with a message."""
    d = make.dialogue(method="eratauko")
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    phone = make.participant_client(d)
    steps = {s.texts["en"]["title"]: s for s in db.session.get(Dialogue, d.id).steps}
    _go(staff, steps["Our ground rules"])
    r = phone.post(f"/p/{d.code}/act", data={"action": "acknowledge", "step_id": steps["Our ground rules"].id,
                                             "client_id": cid()}, follow_redirects=True)
    assert r.status_code == 200 and "msg-ok" in r.get_data(as_text=True)
    _go(staff, steps["Joint dialogue"])
    r = phone.post(f"/p/{d.code}/act", data={"action": "speak", "raise": "1", "client_id": cid()},
                   follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "msg-ok" in html and "data-hand-up" in html


@pytest.mark.parametrize("change, message", [
    (lambda d: d.update(themes=[{"key": "Bad Key", "fi": "a", "sv": "b", "en": "c"}]), "key"),
    (lambda d: d.update(themes=[{"key": "x", "fi": "a", "sv": "b"}]), "each of"),
    (lambda d: d.update(themes=[{"key": "x", "fi": "a", "sv": "b", "en": "c"},
                                {"key": "x", "fi": "d", "sv": "e", "en": "f"}]), "repeated"),
    (lambda d: d.update(ask_role="yes"), "true or false"),
    (lambda d: d["steps"][8]["config"].update(report_as="somewhere"), "report_as"),
    (lambda d: d["steps"][9]["config"].update(source_step="8"), "source_step"),
])
def test_a_broken_method_definition_is_refused_with_a_clear_error(change, message):
    with pytest.raises(methodology.MethodError, match=message):
        methodology.parse("eratauko", _broken("eratauko", change))


def test_the_method_definitions_are_unchanged_by_validation():
    """What the app loads is what the files say (validation fills defaults, never rewrites)."""
    import json
    for key in SPOKEN_METHODS:
        data = json.loads((methodology.METHODS_DIR / key / "method.json").read_text(encoding="utf-8"))
        parsed = methodology.parse(key, copy.deepcopy(data))
        for step, raw in zip(parsed.steps, data["steps"]):
            assert step["texts"] == raw["texts"]
            assert all(step["config"][k] == v for k, v in (raw.get("config") or {}).items())
