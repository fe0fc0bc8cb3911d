"""Languages: Finnish first, Swedish and English complete.

The locale comes from the person's choice (remembered in the session cookie), else
Finnish. Catalogues (.po) are compiled to .mo at start-up when missing or stale, so
a fresh checkout needs no separate build step.
"""
from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request, session
from flask_babel import refresh

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
# Each language in itself, as the header's language links show them.
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


def compile_catalogs(directory: Path = TRANSLATIONS) -> None:
    """Write messages.mo next to each messages.po that is newer or has none."""
    for po_path in directory.glob("*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)


def select_locale() -> str:
    """The language of this request: a `lang` query parameter, the remembered choice, or fi."""
    langs = current_app.config["LANGUAGES"]
    if not has_request_context():  # background tasks (live tallies) force their own locale
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.args.get("lang")
    if chosen in langs:
        session["lang"] = chosen
        return chosen
    remembered = session.get("lang")
    return remembered if remembered in langs else current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app: Flask) -> None:
    compile_catalogs()
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))

    @app.before_request
    def _fresh_locale() -> None:
        # Flask-Babel caches the locale on the app context; where one app context spans
        # several requests (the test client inside `app.app_context()`), each request must
        # still choose its own language.
        refresh()
