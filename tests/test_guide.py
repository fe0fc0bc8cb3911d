"""The facilitator's guide: three languages, every part the console links to, every picture (issue 19)."""
from __future__ import annotations

import re

import pytest

from dialogue.guide.routes import DOCS, FILES, IMAGES, SECTIONS


@pytest.mark.parametrize("lang", sorted(FILES))
def test_the_guide_has_every_part_and_picture_in_each_language(client, lang):
    text = (DOCS / FILES[lang]).read_text(encoding="utf-8")
    for section, anchors in SECTIONS.items():
        assert f'<a id="{anchors[lang]}"></a>' in text, f"{FILES[lang]} lacks the part {section}"
    pictures = re.findall(r"\]\(ohje-kuvat/([^)]+)\)", text)
    assert pictures and all((IMAGES / name).is_file() for name in pictures)
    page = client.get(f"/guide?lang={lang}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'id="{SECTIONS["paper"][lang]}"' in html and "/guide/images/phone.jpg" in html
    assert client.get("/guide/images/phone.jpg").mimetype == "image/jpeg"


def test_the_guide_tells_what_to_read_aloud_and_how_to_run_on_a_laptop(client):
    html = client.get("/guide?lang=fi").get_data(as_text=True)
    for words in ("OSUVA_PUBLIC_URL", "mobiilitukiasema", "Ääneen luettava teksti", "paperilomake"):
        assert words in html


def test_each_console_page_links_to_its_part_of_the_guide_in_the_facilitators_language(make):
    owner = make.facilitator()
    dialogue = make.dialogue(owner=owner)
    client = make.facilitator_client(owner)
    expected = {"": "ohjaaminen", "/prepare": "valmistelu", "/print": "paperi", "/data": "yksityisyys",
                "/report": "raportti"}
    for path, anchor in expected.items():
        html = client.get(f"/console/d/{dialogue.id}{path}").get_data(as_text=True)
        assert f'href="/guide#{anchor}" id="guide-link"' in html, path
    html = client.get("/console/registers").get_data(as_text=True)
    assert 'href="/guide#rekisteri" id="guide-link"' in html
    client.get("/console/?lang=sv")
    html = client.get(f"/console/d/{dialogue.id}/print").get_data(as_text=True)
    assert 'href="/guide#papper"' in html


def test_a_missing_picture_is_not_found(client):
    assert client.get("/guide/images/nothing.jpg").status_code == 404
    assert client.get("/guide/images/..%2Fohje.md").status_code == 404
