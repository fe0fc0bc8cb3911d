"""The demo's findings register (`flask demo`, "Try the demo"): a register marked as a demo with
a few invented entries heard in the demo dialogues, and responses, so the register view, its
exports and the response page can be looked at before real use.

The real registers never take findings from demo dialogues (registers.send_finding refuses
them); this register is the demo's own, marked `is_demo` and left out of project reporting.
Made once: seeding again finds it by its name and adds nothing.
"""
from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import select

from dialogue import db, registers
from dialogue.models import (
    Dialogue,
    FindingRegister,
    RegisterEntry,
    RegisterEvidence,
    RegisterResponder,
    RegisterResponse,
    utcnow,
)

NAME = "Demo: kehittämiskohteet"
RESPONDERS = ("TE-palvelut (demo)", "Kunnan työllisyyspalvelut (demo)")
#: (text, service area, responder index, [(status, response, days after the entry)], dialogues)
ENTRIES = (
    ("Iltaisin ei kulje busseja, joten kursseille ja haastatteluihin on vaikea päästä.", "transport", 1,
     [("received", "", 2), ("decided", "Kokeilemme iltavuoroa kahdella reitillä keväällä.", 9)], 3),
    ("Verkkoasiointi on vaikeaa, eikä apua saa samasta paikasta.", "digital", 0,
     [("considering", "Selvitämme digituen tarjoamista toimipisteissä.", 5)], 2),
    ("Ensimmäiseen tapaamiseen joutuu odottamaan viikkoja.", "waiting", 0, [], 1),
)


def seed_register(dialogues: list[Dialogue]) -> FindingRegister | None:
    """The demo register with its invented entries (None without demo dialogues); made once."""
    dialogues = [d for d in dialogues if d.is_demo]
    if not dialogues:
        return None
    existing = db.session.scalar(select(FindingRegister).where(FindingRegister.name == NAME))
    if existing is not None:
        return existing
    from dialogue.export.project import dialogue_day, participants_of
    from dialogue import methodology
    with db.write() as s:
        register = FindingRegister(name=NAME, kind="project", organisation="Osuva demo",
                                   areas=registers.default_areas(), is_demo=True)
        s.add(register)
        s.flush()
        who = []
        for name in RESPONDERS:
            responder = RegisterResponder(register_id=register.id, name=name)
            s.add(responder)
            who.append(responder)
        s.flush()
        now = utcnow()
        for n, (text, area, responder, updates, heard) in enumerate(ENTRIES):
            created = now - dt.timedelta(days=30 - n)
            entry = RegisterEntry(register_id=register.id, text=text, area=area, responder_id=who[responder].id,
                                  created_at=created)
            s.add(entry)
            s.flush()
            for d in dialogues[n: n + heard]:
                method = methodology.REGISTRY.get(d.method)
                s.add(RegisterEvidence(entry_id=entry.id, dialogue_id=d.id, evidence={
                    "dialogue": d.title, "method": d.method, "method_names": dict(method.names) if method else {},
                    "municipality": d.municipality or "", "date": dialogue_day(d).isoformat(),
                    "participants": participants_of(s, d), "finding": text, "source": "staff", "steps": [],
                    "people": None, "contributions": None, "quotes": []}))
            for status, response, days in updates:
                s.add(RegisterResponse(entry_id=entry.id, responder_id=who[responder].id, status=status,
                                       text=response, public=True, client_id=uuid.uuid4().hex,
                                       created_at=created + dt.timedelta(days=days)))
        return register
