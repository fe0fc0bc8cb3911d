"""The personal-data detector: real-format examples, near misses, and where masking shows."""
from __future__ import annotations

import json

import pytest

from dialogue import db
from dialogue.models import Contribution, Dialogue
from dialogue.synthesis.pii import MASK, find, mask, spans, valid_hetu
from tests.conftest import cid

# -- henkilötunnus --------------------------------------------------------------

VALID_HETU = [
    "131052-308T",   # the textbook example (1900s, "-")
    "010594Y9021",   # 1900s, the new sign Y (since 2023)
    "020304A123P",   # 2000s, "A"
    "150315B8767",   # 2000s, the new sign B
    "290200A045S",   # 29 February 2000: a leap day
    "311299-999E",   # a temporary number (900–999)
    "010101+002S",   # 1800s, "+"
    "131052-308t",   # lower-case check character
]
INVALID_HETU = [
    "131052-308U",   # wrong check character
    "010594Y9022",   # wrong check character (digit)
    "300299-123F",   # the check character fits, but 30 February does not exist
    "290201A123J",   # the check character fits, but 2001 has no 29 February
    "011340-123D",   # month 13
    "131052G308T",   # G is no century sign
    "131052-308",    # no check character
    "1310520-308T",  # one digit too many
]


@pytest.mark.parametrize("code", VALID_HETU)
def test_valid_identity_codes_are_found(code):
    assert valid_hetu(code)
    text = f"Minun henkilötunnus on {code}, kirjoitin sen tähän."
    assert find(text) == ["hetu"]
    assert mask(text) == f"Minun henkilötunnus on {MASK}, kirjoitin sen tähän."


@pytest.mark.parametrize("code", INVALID_HETU)
def test_invalid_identity_codes_are_left_alone(code):
    assert not valid_hetu(code)
    text = f"Numero {code} lomakkeessa"
    assert "hetu" not in find(text)
    assert code in mask(text)


# -- phone numbers ------------------------------------------------------------------

PHONES = [
    "040 123 4567", "0401234567", "040-1234567", "050 123 45 67", "044 1234 567", "0400 123 456",
    "045 123 4567", "09 1234 5678", "(09) 123 4567", "015 194 2000", "015 123 456", "0295 025 500",
    "+358 40 123 4567", "+358401234567", "+358 (0)40 123 4567", "00358 40 1234567", "+358 15 194 2000",
    "+46 70 123 45 67", "+49 30 1234567",
]
NOT_PHONES = [
    "12.3.2024", "01.02.2023", "2023-02-01", "01-02-2023", "klo 9-16", "klo 09-16", "09.00-16.00",
    "1 200 €", "100 000 euroa", "50100 Mikkeli", "00100 Helsinki", "vuonna 2015", "vuosina 2010-2015",
    "1990-luvulla", "3-4 kertaa viikossa", "asiakasnumero 12345678", "2 3 4 5 6 7 8 9", "versio 0.5.1",
    "bussi 12 ja 040", "FI21 1234 5600 0007 85", "0 euroa ja 1000 euroa", "0,5 km",
]


@pytest.mark.parametrize("number", PHONES)
def test_phone_numbers_are_found_and_masked_whole(number):
    text = f"Soita minulle {number} iltaisin."
    assert find(text) == ["phone"]
    assert mask(text) == f"Soita minulle {MASK} iltaisin."


@pytest.mark.parametrize("text", NOT_PHONES)
def test_dates_sums_and_codes_are_not_phone_numbers(text):
    assert find(text) == []
    assert mask(text) == text


# -- e-mail addresses ------------------------------------------------------------------

EMAILS = ["matti.meikalainen@example.fi", "etunimi.sukunimi@mikkeli.fi", "a_b+tag@sub.domain.com",
          "etunimi.sukunimi(at)mikkeli.fi", "liisa [at] juva.fi", "ÄITI.äö@posti.fi"]
NOT_EMAILS = ["@mikkeli", "joku@", "sähköposti ei toimi", "user@localhost", "kello 12 @ kirjasto", "a@b"]


@pytest.mark.parametrize("address", EMAILS)
def test_email_addresses_are_found(address):
    text = f"Laita viesti: {address} kiitos"
    assert find(text) == ["email"]
    assert mask(text) == f"Laita viesti: {MASK} kiitos"


@pytest.mark.parametrize("text", NOT_EMAILS)
def test_near_emails_are_not_found(text):
    assert find(text) == []


# -- together -----------------------------------------------------------------------------

def test_several_kinds_in_one_text_are_all_masked_and_reported_in_order():
    text = "Olen 131052-308T, puh. 040 123 4567 tai matti@example.fi. Kiitos!"
    assert find(text) == ["hetu", "phone", "email"]
    assert mask(text) == f"Olen {MASK}, puh. {MASK} tai {MASK}. Kiitos!"
    found = spans(text)
    assert [s.kind for s in found] == ["hetu", "phone", "email"]
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_an_identity_code_is_not_also_a_phone_number():
    assert find("010594Y9021") == ["hetu"]


def test_ordinary_text_is_untouched():
    text = "Bussi kulkee harvoin, ja TE-toimistoon on 40 km. Kela-asiat vievät 2-3 viikkoa."
    assert find(text) == [] and mask(text) == text and spans("") == []


# -- where it shows: console flag, screen mask, export mask ----------------------------------

def test_personal_data_is_flagged_to_staff_masked_on_the_screen_and_in_the_export(make):
    d = make.dialogue()
    prompt = d.steps[1]
    owner = make.facilitator_client(d.owner)
    staff = make.socket(owner, "facilitator", d)
    staff.emit("act", "go_to_step", {"step_id": prompt.id, "client_id": cid()}, callback=True)
    screen = make.socket(make.app.test_client(), "screen", d, token=d.screen_link_token)
    screen.get_received()
    staff.get_received()
    phone = make.socket(make.participant_client(d), "participant", d)
    text = "Soita 040 123 4567, hetu 131052-308T"
    assert phone.emit("act", "contribute", {"step_id": prompt.id, "client_id": cid(), "text": text},
                      callback=True)["ok"]
    assert db.session.query(Contribution).one().pii is True
    staff_wall = [m["args"][0] for m in staff.get_received() if m["name"] == "live"][-1]["step"]["wall"]
    assert staff_wall[0]["text"] == text and staff_wall[0]["pii"] is True
    screen_wall = [m["args"][0] for m in screen.get_received() if m["name"] == "live"][-1]["step"]["wall"]
    assert screen_wall[0]["text"] == f"Soita {MASK}, hetu {MASK}"
    page = owner.get(f"/console/d/{d.id}/contributions").get_data(as_text=True)
    assert "040 123 4567" in page and 'class="badge warn"' in page  # staff see the text, flagged
    export = owner.get(f"/console/d/{d.id}/export.json").get_data(as_text=True)
    assert "040 123 4567" not in export and "131052-308T" not in export
    assert MASK in json.loads(export).__repr__()


def test_notes_with_personal_data_are_flagged_and_masked_in_the_export(make):
    from dialogue.activities.notes import export_notes
    d = make.dialogue()
    staff = make.socket(make.facilitator_client(d.owner), "facilitator", d)
    ack = staff.emit("act", "note", {"text": "Hän sanoi: soittakaa 0401234567", "client_id": cid()}, callback=True)
    assert ack["ok"] and ack["pii"] is True
    notes = export_notes(db.session, d.id)
    assert notes[0]["text"] == f"Hän sanoi: soittakaa {MASK}"
    assert db.session.get(Dialogue, d.id) is not None
