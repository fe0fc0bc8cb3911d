"""The printables a dialogue offers (console "Paper" page and `flask --app app print`), by name.

Each entry makes an A4 PDF from a dialogue, or None when the dialogue has nothing to
print of that kind (no tables, no stations). A feature adds its own with `printable`;
the console and the CLI list whatever is registered, in registration order.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from dialogue.export.paper_form import dialogue_paper_form
from dialogue import tables
from dialogue.commands.helper_links import helper_url, links_of
from dialogue import activities
from dialogue.export.printables import join_poster_pdf, station_sheets_pdf, table_cards_pdf
from dialogue.models import Dialogue
from dialogue.realtime.snapshot import join_url, station_url, table_join_url

Maker = Callable[[Session, Dialogue], "bytes | None"]


@dataclass(frozen=True)
class Printable:
    name: str  # in URLs and on the command line
    label: object  # lazily translated
    hint: object
    make: Maker


REGISTRY: dict[str, Printable] = {}


def printable(name: str, label, hint) -> Callable[[Maker], Maker]:
    """Register `make(session, dialogue) -> PDF bytes or None` as the printable `name`."""
    def register(make: Maker) -> Maker:
        REGISTRY[name] = Printable(name, label, hint, make)
        return make
    return register


def make(name: str, s: Session, dialogue: Dialogue) -> bytes | None:
    """The PDF of printable `name` for `dialogue`, or None. KeyError for an unknown name."""
    return REGISTRY[name].make(s, dialogue)


@printable("join-poster", _l("Join poster"),
           _l("An A4 poster with the QR code, the code and the address in large type, and how to join "
              "in Finnish, Swedish and English. Put it by the door and on the tables."))
def _join_poster(s: Session, dialogue: Dialogue) -> bytes:
    return join_poster_pdf(dialogue.title, dialogue.code, join_url(dialogue))


@printable("paper-form", _l("Paper form"),
           _l("For those who take part without a phone: each question with space to write or boxes to "
              "tick, in the dialogue's language. Type the answers in afterwards on the entry page, which "
              "follows the form's order."))
def _paper_form(s: Session, dialogue: Dialogue) -> bytes | None:
    return dialogue_paper_form(s, dialogue)


@printable("table-cards", _l("Table cards"),
           _l("One page per table: the table's name and its own QR code, which puts whoever scans it at "
              "that table. Below the cut line, the table host's copy with their helper link."))
def _table_cards(s: Session, dialogue: Dialogue) -> bytes | None:
    rows = tables.tables_of(s, dialogue.id)
    if not rows:
        return None
    hosts = {h.table_id: helper_url(h) for h in links_of(s, dialogue.id)
             if h.table_id is not None and not h.revoked}
    return table_cards_pdf([{"name": t.name, "join_url": table_join_url(dialogue, t), "host_url": hosts.get(t.id)}
                            for t in rows])


@printable("station-sheets", _l("Station sheets"),
           _l("One page per station of a walk: the station's name, its own QR code and its code in large "
              "type. Put each sheet up at its station: scanning it opens that station on the phone."))
def _station_sheets(s: Session, dialogue: Dialogue) -> bytes | None:
    sheets = [{"name": st["name"], "code": st["code"], "url": station_url(dialogue, st["code"])}
              for step in dialogue.steps for st in activities.get(step.kind).stations_of(step)]
    return station_sheets_pdf(sheets, title=dialogue.title) if sheets else None
