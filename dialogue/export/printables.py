"""Printables as A4 PDF: station sheets, the join poster, table cards and the paper form.

Pure functions of plain data (names, codes, addresses; no database), rendered from
the Jinja templates in templates/print/ by WeasyPrint (dialogue/export/pdf.py: nothing
is fetched). QR codes are the app's own SVG ones (dialogue/web/qr.py), drawn as vectors so
that they stay sharp at any print size.

Fixed words in the pages ("Code", the host's-copy label) are translated with
Flask-Babel when the PDF is made, so call these in the request's locale. The join
instructions are always printed in Finnish, Swedish and English: one poster serves
everyone in the room.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from flask import has_request_context
from flask_babel import get_locale, gettext, ngettext
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from dialogue.export.pdf import html_to_pdf
from dialogue.web.qr import qr_svg

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "templates" / "print"

# Plain language, one line each; the poster prints all three (in this order).
JOIN_INSTRUCTIONS = (
    ("fi", "Liity puhelimella: skannaa QR-koodi tai mene osoitteeseen ja kirjoita koodi."),
    ("sv", "Delta med telefonen: skanna QR-koden eller gå till adressen och skriv koden."),
    ("en", "Join with your phone: scan the QR code, or go to the address and type the code."),
)
# On a table card there is no address to type: scanning is the way in.
SCAN_INSTRUCTIONS = (
    ("fi", "Liity puhelimella: skannaa QR-koodi."),
    ("sv", "Delta med telefonen: skanna QR-koden."),
    ("en", "Join with your phone: scan the QR code."),
)
MAX_NAME = 160  # characters of a name printed; a longer one would push the QR code off its page

_env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                   extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True)
_env.install_gettext_callables(gettext, ngettext, newstyle=True)  # type: ignore[attr-defined]


def station_sheets_pdf(stations: Iterable[Mapping[str, str]], *, title: str) -> bytes:
    """One A4 page per station: its name, a large QR code of its url, its code in very large type, the url.

    `stations` are mappings with name, code and url, printed in the order given.
    `title` becomes the PDF's document title. Raises ValueError for no stations or
    a station without a code or url.
    """
    sheets = [{"name": _name(s["name"]), "name_pt": _name_pt(s["name"]), "code": _required(s, "code"),
               "code_pt": _code_pt(s["code"]), "url": _required(s, "url"), "qr": _qr(s["url"])}
              for s in stations]
    if not sheets:
        raise ValueError("no stations to print")
    return _pdf("station_sheets.html", doc_title=title, stations=sheets)


def join_poster_pdf(title: str, code: str, url: str) -> bytes:
    """An A4 poster for joining a dialogue: the title, how to join (fi, sv, en), the QR code of `url`, code, url."""
    if not code or not url:
        raise ValueError("a join poster needs a code and a url")
    return _pdf("join_poster.html", doc_title=title, title=_name(title), title_pt=_name_pt(title),
                instructions=JOIN_INSTRUCTIONS, qr=_qr(url), code=code, code_pt=_code_pt(code), url=url)


def table_cards_pdf(tables: Iterable[Mapping[str, str | None]]) -> bytes:
    """One A4 page per table: a card for the table above a cut line, the host's copy below it.

    `tables` are mappings with name and, optionally, join_url and host_url. The
    table's card shows the name in large type and, with a join_url, its QR code and
    how to scan it. With a host_url, the lower half is the table host's copy: the
    host link as a QR code, labelled as the host's own (it lets its holder write for
    the table, so it is not shown on the card that stays on the table).
    """
    cards = [{"name": _name(t["name"]), "name_pt": _name_pt(t["name"], large=True),
              "join_qr": _qr(t["join_url"]) if t.get("join_url") else None,
              "host_qr": _qr(t["host_url"]) if t.get("host_url") else None}
             for t in tables]
    if not cards:
        raise ValueError("no tables to print")
    return _pdf("table_cards.html", doc_title=gettext("Table cards"), tables=cards,
                instructions=SCAN_INSTRUCTIONS)


def paper_form_pdf(title: str, code: str, steps: Iterable[Mapping]) -> bytes:
    """The paper form for taking part without a phone, in the current locale.

    `steps` are mappings with title, body and questions (activities.base.PaperQuestion),
    printed in the order given and numbered as the staff entry view numbers them.
    """
    return _pdf("paper_form.html", doc_title=title, title=_name(title), code=code, steps=list(steps))


def _pdf(template: str, **context) -> bytes:
    lang = str(get_locale()) if has_request_context() else "fi"
    return html_to_pdf(_env.get_template(template).render(lang=lang, **context))


def _qr(url: str) -> Markup:
    # The same id on every QR code of a document would repeat: it is not needed here.
    return Markup(qr_svg(url).replace(' id="qr-path"', ""))


def _required(item: Mapping[str, str], key: str) -> str:
    value = (item.get(key) or "").strip()
    if not value:
        raise ValueError(f"{key} is missing")
    return value


def _name(name: str) -> str:
    name = " ".join(str(name).split())
    return name if len(name) <= MAX_NAME else name[: MAX_NAME - 1].rstrip() + "…"


def _name_pt(name: str, *, large: bool = False) -> int:
    """A font size that keeps a name to about three lines across A4."""
    n = len(" ".join(str(name).split()))
    sizes = (44, 36, 26, 20) if large else (34, 28, 22, 18)
    return sizes[0] if n <= 24 else sizes[1] if n <= 50 else sizes[2] if n <= 100 else sizes[3]


def _code_pt(code: str) -> int:
    """Very large, and a longer code smaller so that it still fits on one line of A4."""
    # A DejaVu Sans Mono glyph is 0.6 em wide: at 560 / len pt the code is 336 pt (12 cm) wide.
    return max(28, min(100, int(560 / max(1, len(code)))))
