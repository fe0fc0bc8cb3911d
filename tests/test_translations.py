"""The fi/sv/en catalogs cover every string in the code, and the app shows them.

A new `_("...")` in the code fails here until `python tools/i18n.py` has brought the
catalogs up to date and someone has translated the string (see tools/i18n.py).
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("osuva_i18n_tool", ROOT / "tools" / "i18n.py")
i18n_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n_tool)


def test_catalogs_are_complete_and_up_to_date():
    problems = i18n_tool.problems()
    shown = "\n".join(problems[:60]) + (f"\n... {len(problems)} problems in all" if len(problems) > 60 else "")
    assert not problems, "the translation catalogs do not match the code:\n" + shown


def _translation(lang: str, msgid: str) -> str:
    with i18n_tool.po_path(lang).open("rb") as f:
        return read_po(f, locale=lang)[msgid].string


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_pages_show_the_chosen_language(client, lang):
    page = client.get(f"/?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert f"<h1>{_translation(lang, 'Join a dialogue')}</h1>" in page
    # The choice is remembered for the next page.
    statement = client.get("/saavutettavuus").get_data(as_text=True)
    assert f"<h1>{_translation(lang, 'Accessibility statement')}</h1>" in statement


def test_finnish_is_the_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="fi">' in page
    assert _translation("fi", "Join a dialogue") in page


def test_the_tool_finds_a_missing_translation(tmp_path, monkeypatch):
    """The check itself works: an emptied translation is reported."""
    for lang in i18n_tool.LANGS:
        target = tmp_path / lang / "LC_MESSAGES"
        target.mkdir(parents=True)
        (target / "messages.po").write_bytes(i18n_tool.po_path(lang).read_bytes())
    monkeypatch.setattr(i18n_tool, "TRANSLATIONS", tmp_path)
    sv = i18n_tool.po_path("sv")
    text = sv.read_text(encoding="utf-8")
    emptied = text.replace(f'msgid "Join a dialogue"\nmsgstr "{_translation("sv", "Join a dialogue")}"',
                           'msgid "Join a dialogue"\nmsgstr ""')
    assert emptied != text
    sv.write_text(emptied, encoding="utf-8")
    assert "sv: no translation: 'Join a dialogue'" in i18n_tool.problems()
