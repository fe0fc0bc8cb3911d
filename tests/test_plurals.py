"""Counts in the phone, screen and console pages use plural forms: "1 osallistuja",
"2 osallistujaa", never "1 osallistujaa"."""
from __future__ import annotations

import re
from pathlib import Path

from dialogue import db
from dialogue.models import Participant
from tests.conftest import cid
from tests.support.rooms import Room


def test_no_template_puts_a_count_before_a_word_without_a_plural_form():
    """A message that starts with a number and goes on with words needs ngettext
    (an abbreviation such as "min" does not change)."""
    singular_only = re.compile(r"""_\(\s*["']%\((n|num)\)s (?!min["'])""")
    for path in [*Path("templates").rglob("*.html"), *Path("methods").rglob("*.html")]:
        assert not singular_only.search(path.read_text(encoding="utf-8")), path


def _participants(dialogue_id, n):
    with db.write() as s:
        for _ in range(n):
            s.add(Participant(dialogue_id=dialogue_id, token_hash=cid()))


def test_the_screen_and_the_console_count_in_the_right_form(make, client):
    d = make.dialogue()
    _participants(d.id, 1)
    fi = client.get(f"/s/{d.screen_link_token}?lang=fi").get_data(as_text=True)
    assert re.search(r'id="participants">1</span> <span id="participants-word"[^>]*>osallistuja</span>', fi)
    sv = client.get(f"/s/{d.screen_link_token}?lang=sv").get_data(as_text=True)
    assert re.search(r'>1</span> <span id="participants-word"[^>]*>deltagare</span>', sv)
    en = client.get(f"/s/{d.screen_link_token}?lang=en").get_data(as_text=True)
    assert re.search(r'>1</span> <span id="participants-word"[^>]*>participant</span>', en)
    # the script takes the word for a new count from these
    assert 'data-one="participant" data-other="participants"' in en
    staff = make.facilitator_client(d.owner)
    data = staff.get(f"/console/d/{d.id}/data?lang=fi").get_data(as_text=True)
    assert "1 osallistuja (nimetön)" in data and "1 osallistujaa" not in data
    _participants(d.id, 1)
    fi = client.get(f"/s/{d.screen_link_token}?lang=fi").get_data(as_text=True)
    assert re.search(r'>2</span> <span id="participants-word"[^>]*>osallistujaa</span>', fi)
    assert "2 osallistujaa (nimettömiä)" in staff.get(f"/console/d/{d.id}/data?lang=fi").get_data(as_text=True)


def test_a_phone_reads_one_dot_in_the_singular(make):
    room = Room(make, "dots", dots=3, max_per_item=1)
    phone = make.participant_client(room.dialogue)
    page = phone.get(f"/p/{room.dialogue.code}?lang=fi").get_data(as_text=True)
    assert "enintään 1 piste." in page and "1 pistettä" not in page
    assert "At most 1 dot on one item." in phone.get(f"/p/{room.dialogue.code}?lang=en").get_data(as_text=True)
