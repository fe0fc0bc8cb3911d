"""Server-side promises behind issue 7 that need no browser (tests/e2e/ has the browser ones).

The accessibility statement and its configurable feedback channel, the footer link on
every page, static files that are small on the wire, and cookies that a stylesheet
cannot overwrite.
"""
from __future__ import annotations

import gzip
import re

import pytest


def test_statement_shows_the_configured_email(app, client):
    app.config.update(ACCESSIBILITY_CONTACT="palaute@mikkeli.fi", ACCESSIBILITY_ORGANISATION="Mikkelin kaupunki",
                      ACCESSIBILITY_PHONE="044 123 4567", ACCESSIBILITY_DATE="2026-11-29")
    page = client.get("/saavutettavuus?lang=fi").get_data(as_text=True)
    assert 'href="mailto:palaute@mikkeli.fi"' in page
    assert "Mikkelin kaupunki" in page
    assert 'href="tel:0441234567"' in page
    assert "29. marraskuuta 2026" in page


def test_statement_takes_a_feedback_form_address(app, client):
    app.config.update(ACCESSIBILITY_CONTACT="https://www.mikkeli.fi/palaute", ACCESSIBILITY_PHONE="")
    page = client.get("/saavutettavuus?lang=en").get_data(as_text=True)
    assert 'href="https://www.mikkeli.fi/palaute"' in page
    assert "mailto:" not in page
    assert "Feedback form:" in page
    assert "tel:" not in page


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_statement_in_each_language(client, lang):
    page = client.get(f"/saavutettavuus?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert "306/2019" in page
    assert "saavutettavuusvaatimukset.fi" in page  # the supervisory authority's site


def _footer_links_to_statement(html: str) -> bool:
    footer = re.search(r"<footer.*?</footer>", html, re.S)
    return bool(footer) and "/saavutettavuus" in footer.group(0)


def test_every_kind_of_page_links_the_statement_from_its_footer(make):
    facilitator = make.facilitator()
    dialogue = make.dialogue(owner=facilitator)
    anonymous = make.app.test_client()
    phone = make.participant_client(dialogue)
    staff = make.facilitator_client(facilitator)
    pages = [
        (anonymous, "/"), (anonymous, f"/j/{dialogue.code}"), (anonymous, "/login"), (anonymous, "/saavutettavuus"),
        (anonymous, "/no-such-page"), (phone, f"/p/{dialogue.code}"), (anonymous, f"/s/{dialogue.screen_link_token}"),
        (staff, "/console/"), (staff, f"/console/d/{dialogue.id}"),
    ]
    for client, path in pages:
        html = client.get(path).get_data(as_text=True)
        assert _footer_links_to_statement(html), path


def test_static_files_are_gzipped_for_phones(client):
    plain = client.get("/static/vendor/socket.io.min.js")
    packed = client.get("/static/vendor/socket.io.min.js", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert len(packed.data) < len(plain.data) / 2
    assert "Content-Encoding" not in plain.headers


def test_pages_are_not_compressed(client):
    """Pages hold the CSRF token next to user text: no compression (BREACH)."""
    page = client.get("/", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in page.headers


def test_a_stylesheet_does_not_rewrite_the_session_cookie(make):
    """Otherwise an icon loaded beside a language change could put the old language back."""
    staff = make.facilitator_client(make.facilitator())
    assert "Set-Cookie" not in staff.get("/static/css/osuva.css").headers
    assert "Set-Cookie" in staff.get("/console/?lang=sv").headers


def test_larger_text_is_remembered_by_the_phone(client):
    """The choice lives in a lasting cookie: it survives closing the browser."""
    response = client.post("/text-size", data={"next": "/saavutettavuus"})
    assert response.status_code == 303 and response.headers["Location"] == "/saavutettavuus"
    assert "Expires=" in response.headers["Set-Cookie"]
    assert re.search(r'<body class="[^"]*\bbig-text\b', client.get("/").get_data(as_text=True))
    client.post("/text-size", data={"next": "//evil.example"})  # no open redirect either
    assert "big-text" not in client.get("/").get_data(as_text=True)
