"""The console's theme suggestions page: what a facilitator sees and accepts.

Texts without a theme are suggested into the service areas (no themes yet) or into the
dialogue's own themes, each with its confidence and the words behind it; what fits nowhere
is grouped into new themes. Nothing changes until the facilitator accepts, for many texts
at once; unticking a text leaves it out, a new name renames, one name for two merges.
"""
from __future__ import annotations

import html
import re

from sqlalchemy import func, select

import pytest

from dialogue import db
from dialogue.models import Contribution, Theme
from dialogue.synthesis import theme_view
from tests.conftest import cid

MONEY = ["Kelan päätökset kestää", "karenssi tuli vaikka en ymmärtäny", "työttömyysetuus myöhässä",
         "rahat ei riitä ruokaan"]
TRANSPORT = ["bussilla menee tunti toimistolle", "busseja kulkee liian harvoin", "ei oo autoa eikä kimppakyytiä"]
OTHER = ["Kiitos hyvästä tilaisuudesta", "Kahvi oli hyvää"]


@pytest.fixture(autouse=True)
def word_lists_loaded():
    """As on a server that has had the page open once: the word lists are in memory."""
    theme_view.warm("fi")


def add_texts(d, texts, source="participant"):
    """Texts as if written in the dialogue's first writing step; returns their ids by text."""
    step = d.steps[1]
    with db.write() as s:
        rows = [Contribution(dialogue_id=d.id, step_id=step.id, text=t, source=source) for t in texts]
        s.add_all(rows)
        s.flush()
        return {r.text: r.id for r in rows}


def group_of(page: str, text: str) -> str:
    """The legend of the suggestion group whose list has `text`."""
    for form in re.findall(r'<form[^>]*class="stack suggestion".*?</form>', page, re.S):
        if f">{html.escape(text)}</label>" in form:
            return html.unescape(re.search(r"<legend>(.*?)<span", form, re.S).group(1)).strip()
    return ""


def accept(client, d, ids, **fields):
    r = client.post(f"/console/d/{d.id}/act", data={"action": "accept_suggestion", "client_id": cid(),
                                                    "contribution_ids[]": [str(i) for i in ids], **fields})
    assert r.status_code == 303


def test_suggestions_into_service_areas_then_into_the_accepted_theme(make):
    d = make.dialogue()
    ids = add_texts(d, MONEY + TRANSPORT + OTHER)
    note = add_texts(d, ["Moni sanoi, että etuudet tulee myöhässä"], source="note")
    staff = make.facilitator_client(d.owner)
    # the contributions page leads to the suggestions
    assert f'/console/d/{d.id}/suggestions' in staff.get(f"/console/d/{d.id}/contributions").get_data(as_text=True)

    page = staff.get(f"/console/d/{d.id}/suggestions").get_data(as_text=True)
    assert 'id="into-h"' in page and 'id="new-h"' in page and 'id="no-suggestion"' in page
    # Money texts that share no word land in one service area; each shows why and how sure.
    assert group_of(page, "karenssi tuli vaikka en ymmärtäny") == "Raha ja etuudet"
    assert group_of(page, "työttömyysetuus myöhässä") == "Raha ja etuudet"
    assert group_of(page, "Moni sanoi, että etuudet tulee myöhässä") == "Raha ja etuudet"  # a staff note too
    assert group_of(page, "busseja kulkee liian harvoin") == "Sinne pääseminen (liikenne ja etäisyydet)"
    assert "karenssi" in page and "%" in page
    # looking changes nothing
    assert db.session.scalar(select(func.count()).select_from(Theme)) == 0

    # Accept the money area for all but one ticked text (split), under a shorter name (rename).
    money = [ids[t] for t in MONEY[:3]] + list(note.values())
    accept(staff, d, money, name="Raha")
    theme = db.session.scalar(select(Theme).where(Theme.dialogue_id == d.id))
    assert theme.name == "Raha"
    assert sorted(db.session.scalars(select(Contribution.id).where(Contribution.theme_id == theme.id))) == sorted(money)

    # Now the dialogue has a theme: the rest is suggested into it, learning from its texts.
    page = staff.get(f"/console/d/{d.id}/suggestions").get_data(as_text=True)
    assert "karenssi tuli vaikka en ymmärtäny" not in page  # already in a theme
    assert group_of(page, "rahat ei riitä ruokaan") == "Raha"
    form = re.search(r'<form[^>]*id="suggest-t1".*?</form>', page, re.S).group(0)
    assert f'name="theme_id" value="{theme.id}"' in form
    accept(staff, d, [ids["rahat ei riitä ruokaan"]], theme_id=str(theme.id))
    db.session.expire_all()
    assert db.session.get(Contribution, ids["rahat ei riitä ruokaan"]).theme_id == theme.id


def test_new_themes_for_what_no_theme_covers_and_one_name_merges(make):
    d = make.dialogue()
    ids = add_texts(d, MONEY + TRANSPORT + OTHER)
    staff = make.facilitator_client(d.owner)
    theme = staff.post(f"/console/d/{d.id}/act", data={"action": "theme_create", "name": "Kiitokset",
                                                       "client_id": cid()})
    assert theme.status_code == 303
    page = staff.get(f"/console/d/{d.id}/suggestions").get_data(as_text=True)
    # Transport and money fit no theme of this dialogue: new themes, named and with a typical text.
    new = re.findall(r'<form[^>]*id="suggest-n\d+".*?</form>', page, re.S)
    assert new, page
    assert all("“" in f for f in new)  # each with its most typical text
    names = [html.unescape(n) for n in re.findall(r'name="name" maxlength="120" value="([^"]*)"', page)]
    assert all(names)
    # Accepting two suggestions under one name makes one theme (a merge).
    accept(staff, d, [ids[MONEY[0]]], name="Arki")
    accept(staff, d, [ids[TRANSPORT[0]]], name="arki")
    themes = db.session.scalars(select(Theme).where(Theme.dialogue_id == d.id, Theme.name == "Arki")).all()
    assert len(themes) == 1
    assert {db.session.get(Contribution, ids[t]).theme_id for t in (MONEY[0], TRANSPORT[0])} == {themes[0].id}


def test_accepting_needs_ticked_texts_of_this_dialogue(make):
    d, other = make.dialogue(), make.dialogue(title="Toinen")
    theirs = add_texts(other, ["karenssi"])["karenssi"]
    staff = make.facilitator_client(d.owner)
    accept(staff, d, [], name="Raha")
    accept(staff, d, [theirs], name="Raha")
    assert db.session.scalar(select(func.count()).select_from(Theme)) == 0
    assert db.session.get(Contribution, theirs).theme_id is None


def test_the_first_visit_starts_loading_the_word_lists_and_says_so(make, monkeypatch):
    d = make.dialogue(lang="sv")
    add_texts(d, ["FPA betalar ut för sent"])
    started = []
    monkeypatch.setattr(theme_view, "_ready", set())
    monkeypatch.setattr(theme_view, "_loading", set())
    monkeypatch.setattr(theme_view, "in_background", lambda func, *args: started.append(args))
    staff = make.facilitator_client(d.owner)
    page = staff.get(f"/console/d/{d.id}/suggestions").get_data(as_text=True)
    assert 'id="preparing"' in page and 'id="refresh"' in page and "FPA betalar" not in page
    staff.get(f"/console/d/{d.id}/suggestions")
    assert started == [("sv",)]  # started once, whatever the reloads
    theme_view.warm("sv")
    page = staff.get(f"/console/d/{d.id}/suggestions").get_data(as_text=True)
    assert 'id="preparing"' not in page and "FPA betalar ut för sent" in page
