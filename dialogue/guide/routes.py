"""/guide: the guide in the current language, and its pictures (made by the e2e suite)."""
from __future__ import annotations

import functools
from pathlib import Path

from flask import abort, render_template, send_from_directory, url_for
from flask_babel import get_locale
from markdown_it import MarkdownIt
from markupsafe import Markup

from dialogue.guide import bp

DOCS = Path(__file__).resolve().parents[2] / "docs"
IMAGES = DOCS / "ohje-kuvat"
FILES = {"fi": "ohje.md", "sv": "handledning.md", "en": "guide.md"}
#: The guide's parts and their anchors in each language; console pages link to these.
SECTIONS = {
    "demo": {"fi": "demo", "sv": "demo", "en": "demo"},
    "prepare": {"fi": "valmistelu", "sv": "forbereda", "en": "prepare"},
    "run": {"fi": "ohjaaminen", "sv": "leda", "en": "run"},
    "tables": {"fi": "poydat", "sv": "bord", "en": "tables"},
    "methods": {"fi": "menetelmat", "sv": "metoder", "en": "methods"},
    "report": {"fi": "raportti", "sv": "rapport", "en": "report"},
    "register": {"fi": "rekisteri", "sv": "register", "en": "registers"},
    "paper": {"fi": "paperi", "sv": "papper", "en": "paper"},
    "village_hall": {"fi": "kylatalo", "sv": "bygdegard", "en": "village-hall"},
    "privacy": {"fi": "yksityisyys", "sv": "integritet", "en": "privacy"},
}


@functools.lru_cache(maxsize=len(FILES))
def _html(lang: str) -> Markup:
    """The guide in `lang` as HTML (our own trusted file: its anchors are inline HTML)."""
    text = (DOCS / FILES[lang]).read_text(encoding="utf-8")
    # Pictures are served by this blueprint; links to the other languages stay on /guide.
    text = text.replace("](ohje-kuvat/", "](/guide/images/")
    for other, name in FILES.items():
        text = text.replace(f"]({name})", f"](/guide?lang={other})")
    return Markup(MarkdownIt("commonmark").render(text))


def guide_url(section: str) -> str:
    """The address of `section` of the guide in the current language."""
    lang = str(get_locale())
    lang = lang if lang in FILES else "fi"
    return url_for("guide.page") + "#" + SECTIONS[section][lang]


@bp.get("/guide")
def page():
    """The whole guide in the reader's language."""
    lang = str(get_locale())
    return render_template("guide.html", body=_html(lang if lang in FILES else "fi"))


@bp.get("/guide/images/<name>")
def image(name: str):
    """A picture of the guide."""
    if "/" in name or not (IMAGES / name).is_file():
        abort(404)
    return send_from_directory(IMAGES, name, max_age=3600)
