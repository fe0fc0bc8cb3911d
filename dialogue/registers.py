"""The findings register (kehittämiskohteet): development points for employment services
heard across dialogues, by service area, and the responsible organisations' answers.

- A register is the project's, an organisation's or a named one; every facilitator account
  of the instance may use it (the instance is the project's, as in project reporting).
- An approved key finding of a dialogue is sent to a register as a new entry, or linked to
  an entry already there when the same thing was heard again; each link keeps the
  dialogue's evidence (aggregated and masked) so the register shows how often and where.
- An organisation asked to respond answers through its own secret link (only its hash is
  stored): dated status updates, the newest is the entry's state, the rest its history.
  Public responses reach the published results pages of the dialogues the finding came
  from ("you said – we did"); a finding whose approval was withdrawn is left out there.
- Demo dialogues never reach a register (`send_finding` refuses them).

Plain functions over a session; the console's routes (dialogue/register/) and the dialogue
command that sends a finding (commands/findings.py) call them.
"""
from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from dialogue import methodology
from dialogue.actors import hash_token, new_token
from dialogue.models import (
    RESPONSE_STATUSES,
    Dialogue,
    Finding,
    FindingRegister,
    RegisterEntry,
    RegisterEvidence,
    RegisterResponder,
    RegisterResponse,
    utcnow,
)
from dialogue.synthesis import pii, service_areas

KINDS = ("project", "organisation", "named")
MAX_NAME = 120
MAX_ORGANISATION = 200
MAX_RESPONDER = 160
MAX_TEXT = 1200
MAX_RESPONSE = 4000
MAX_AREAS = 30
MAX_AREA_NAME = 80
#: A status that needs a reason (a finding not taken forward says why).
NEEDS_REASON = "declined"
#: The filter value for entries nobody has answered yet.
NO_RESPONSE = "none"
SORTS = ("count", "newest")


class RegisterError(Exception):
    """A refusal with a translated message; nothing was changed."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def kind_label(kind: str) -> str:
    return str({"project": _l("The project's register"), "organisation": _l("An organisation's register"),
                "named": _l("A named register")}.get(kind, kind))


def status_label(status: str | None) -> str:
    """A response status for people ("not answered yet" for None)."""
    return str({"received": _l("Received"), "considering": _l("Under consideration"),
                "decided": _l("Action decided"), "done": _l("Done"),
                "declined": _l("Not taken forward"), None: _l("Not answered yet"),
                NO_RESPONSE: _l("Not answered yet")}.get(status, status))


# -- service areas: the register's editable list over the one default list ------------------

def default_areas() -> list[dict[str, str]]:
    """A new register's service areas: the default list for employment services."""
    return [{"key": key, "name": ""} for key in service_areas.KEYS]


def area_names(register: FindingRegister, lang: str) -> dict[str, str]:
    """The register's service areas as {key: name} in `lang`, in its order (default names translated)."""
    out = {}
    for area in register.areas or default_areas():
        key = area["key"]
        out[key] = area.get("name") or (service_areas.name(key, lang) if key in service_areas.KEYS else key)
    return out


def parse_areas(text: str) -> list[dict[str, str]]:
    """An edited list of areas, one a line as "key: name" or just a name (a new area)."""
    areas: list[dict[str, str]] = []
    seen = set()
    for line in (text or "").splitlines():
        line = " ".join(line.split())
        if not line:
            continue
        key, sep, name = line.partition(":")
        key = key.strip() if sep else ""
        name = (name if sep else line).strip()
        if not key:
            key = re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")[:40] or f"area{len(areas) + 1}"
        key = key[:40]
        if key in seen:
            continue
        if len(name) > MAX_AREA_NAME:
            raise RegisterError(_l("An area's name is too long. The limit is %(n)s characters.", n=MAX_AREA_NAME))
        default = key in service_areas.KEYS and name in {service_areas.name(key, lang) for lang in
                                                          service_areas.LANGUAGES}
        areas.append({"key": key, "name": "" if default else name})
        seen.add(key)
    if not areas:
        raise RegisterError(_l("Give at least one service area."))
    if len(areas) > MAX_AREAS:
        raise RegisterError(_l("Give at most %(n)s service areas.", n=MAX_AREAS))
    return areas


def areas_text(register: FindingRegister, lang: str) -> str:
    """The areas as the edit form shows them: "key: name" a line."""
    return "\n".join(f"{k}: {n}" for k, n in area_names(register, lang).items())


# -- registers and responding organisations ----------------------------------------------------

def registers(s: Session) -> list[FindingRegister]:
    return list(s.scalars(select(FindingRegister).order_by(FindingRegister.name)))


def create_register(s: Session, name: str, kind: str, organisation: str = "") -> FindingRegister:
    """A new register with the default service areas (a name already taken is refused)."""
    if kind not in KINDS:
        raise RegisterError(_l("Choose what kind of register this is."))
    if s.scalar(select(FindingRegister.id).where(FindingRegister.name == name)) is not None:
        raise RegisterError(_l("A register with this name exists already."))
    register = FindingRegister(name=name, kind=kind, organisation=organisation, areas=default_areas())
    s.add(register)
    s.flush()
    return register


def responders(s: Session, register_id: int) -> list[RegisterResponder]:
    return list(s.scalars(select(RegisterResponder).where(RegisterResponder.register_id == register_id)
                          .order_by(RegisterResponder.name)))


def new_link(responder: RegisterResponder) -> str:
    """Make the organisation a new secret link (the old one stops working); return the key.
    Only its hash is stored: the key is shown once and cannot be shown again."""
    key = new_token()
    responder.token_hash, responder.link_made_at = hash_token(key), utcnow()
    return key


def new_viewer_link(register: FindingRegister) -> str:
    """Make the register's read-only link for experts (the old one stops working); return the key,
    shown once (only its hash is stored)."""
    key = new_token()
    register.viewer_hash = hash_token(key)
    return key


def register_by_viewer_key(s: Session, key: str) -> FindingRegister | None:
    """The register whose experts' read-only link `key` is (None for a wrong or replaced link)."""
    if not key or len(key) > 100:
        return None
    return s.scalar(select(FindingRegister).where(FindingRegister.viewer_hash == hash_token(key)))


def responder_by_key(s: Session, key: str) -> RegisterResponder | None:
    """The organisation whose secret link `key` is (None for a wrong or replaced link)."""
    if not key or len(key) > 100:
        return None
    return s.scalar(select(RegisterResponder).where(RegisterResponder.token_hash == hash_token(key)))


# -- sending findings --------------------------------------------------------------------

_QUOTE = re.compile(r"[“”\"]([^“”\"]{3,200})[“”\"]")


def evidence_of(s: Session, finding: Finding, dialogue: Dialogue) -> dict[str, Any]:
    """What a dialogue's finding rests on, for the register: aggregated and masked, copied now."""
    from dialogue.export.project import dialogue_day, participants_of
    method = methodology.REGISTRY.get(dialogue.method)
    text = pii.mask(finding.text)
    basis = finding.basis or {}
    return {
        "dialogue": dialogue.title,
        "method": dialogue.method,
        "method_names": dict(method.names) if method else {},
        "municipality": dialogue.municipality or "",
        "date": dialogue_day(dialogue).isoformat(),
        "participants": participants_of(s, dialogue),
        "finding": text,
        "source": finding.source,
        "steps": list(basis.get("steps") or []),
        "people": basis.get("people"),
        "contributions": basis.get("contributions"),
        "quotes": [q.strip() for q in _QUOTE.findall(text)][:3],
    }


def send_finding(s: Session, finding: Finding, dialogue: Dialogue, *, entry_id: int | None = None,
                 register_id: int | None = None, area: str = "", responder_id: int | None = None,
                 text: str = "") -> tuple[RegisterEntry, bool]:
    """Send an approved finding to a register: linked to entry `entry_id` (heard again), or as a new
    entry of register `register_id` in service area `area`. Returns (entry, new)."""
    if dialogue.is_demo:
        raise RegisterError(_l("Demo dialogues are not sent to a register."))
    if not finding.approved:
        raise RegisterError(_l("Approve the finding first: only approved findings go to a register."))
    if s.scalar(select(RegisterEvidence.id).where(RegisterEvidence.finding_id == finding.id)) is not None:
        raise RegisterError(_l("This finding is in the register already."))
    new = entry_id is None
    if entry_id is not None:
        entry = s.get(RegisterEntry, entry_id)
        if entry is None or s.get(FindingRegister, entry.register_id).is_demo:
            raise RegisterError(_l("This register entry does not exist."))
    else:
        register = s.get(FindingRegister, register_id) if register_id else None
        if register is None or register.is_demo:
            raise RegisterError(_l("This register does not exist."))
        if area not in area_names(register, "fi"):
            raise RegisterError(_l("Choose one of the register's service areas."))
        responder = s.get(RegisterResponder, responder_id) if responder_id else None
        if responder_id and (responder is None or responder.register_id != register.id):
            raise RegisterError(_l("This organisation is not one of the register's."))
        entry = RegisterEntry(register_id=register.id, text=(text or pii.mask(finding.text))[:MAX_TEXT], area=area,
                              responder_id=responder.id if responder else None)
        s.add(entry)
        s.flush()
    s.add(RegisterEvidence(entry_id=entry.id, dialogue_id=dialogue.id, finding_id=finding.id,
                           evidence=evidence_of(s, finding, dialogue)))
    s.flush()
    return entry, new


def entry_of_finding(s: Session, finding_id: int) -> RegisterEntry | None:
    """The register entry a finding was sent to, if any."""
    return s.scalar(select(RegisterEntry).join(RegisterEvidence, RegisterEvidence.entry_id == RegisterEntry.id)
                    .where(RegisterEvidence.finding_id == finding_id))


# -- responses -------------------------------------------------------------------------

def respond(s: Session, responder: RegisterResponder, entry_id: int, status: str, text: str, reason: str,
            public: bool, client_id: str) -> tuple[RegisterResponse, bool]:
    """A dated status update by `responder` on one of the entries addressed to it: (row, new).
    A resent `client_id` is the same update; another organisation's entry is refused."""
    done = s.scalar(select(RegisterResponse).where(RegisterResponse.client_id == client_id))
    if done is not None:
        if done.responder_id != responder.id:
            raise RegisterError(_l("That was already recorded."))
        return done, False
    entry = s.get(RegisterEntry, entry_id)
    if entry is None or entry.responder_id != responder.id:
        raise RegisterError(_l("This finding is not addressed to you."))
    if status not in RESPONSE_STATUSES:
        raise RegisterError(_l("Choose a status."))
    if status == NEEDS_REASON and not reason:
        raise RegisterError(_l("Say why the finding is not taken forward."))
    row = RegisterResponse(entry_id=entry.id, responder_id=responder.id, status=status, text=text,
                           reason=reason if status == NEEDS_REASON else "", public=public, client_id=client_id)
    s.add(row)
    s.flush()
    return row, True


def history(s: Session, entry_ids: list[int]) -> dict[int, list[RegisterResponse]]:
    """Each entry's responses, oldest first."""
    out: dict[int, list[RegisterResponse]] = {i: [] for i in entry_ids}
    if entry_ids:
        for r in s.scalars(select(RegisterResponse).where(RegisterResponse.entry_id.in_(entry_ids))
                           .order_by(RegisterResponse.created_at, RegisterResponse.id)):
            out[r.entry_id].append(r)
    return out


# -- the register view: entries with their evidence, filtered and sorted ------------------------

@dataclass
class Filters:
    """The register view's filters (GET form fields); empty means "all"."""
    area: str = ""
    municipality: str = ""
    method: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    status: str = ""
    sort: str = "count"

    @classmethod
    def from_args(cls, args) -> "Filters":
        def day(name: str) -> dt.date | None:
            try:
                return dt.date.fromisoformat(args.get(name, "")) if args.get(name) else None
            except ValueError:
                return None
        status = args.get("status", "")
        return cls(area=args.get("area", "")[:40], municipality=args.get("municipality", "")[:40],
                   method=args.get("method", "")[:40], start=day("from"), end=day("to"),
                   status=status if status in RESPONSE_STATUSES + (NO_RESPONSE,) else "",
                   sort=args.get("sort") if args.get("sort") in SORTS else "count")

    def args(self) -> dict[str, str]:
        """The filters as URL query values (for the export links)."""
        out = {"area": self.area, "municipality": self.municipality, "method": self.method,
               "from": self.start.isoformat() if self.start else "", "to": self.end.isoformat() if self.end else "",
               "status": self.status, "sort": self.sort}
        return {k: v for k, v in out.items() if v}


def _method_label(ev: dict[str, Any], lang: str) -> str:
    names = ev.get("method_names") or {}
    return names.get(lang) or names.get("fi") or ev.get("method", "")


def _response_view(r: RegisterResponse) -> dict[str, Any]:
    return {"status": r.status, "status_label": status_label(r.status), "text": r.text, "reason": r.reason,
            "public": r.public, "date": r.created_at.date().isoformat(), "at": r.created_at.isoformat(timespec="seconds")}


def entry_views(s: Session, register: FindingRegister, filters: Filters | None = None,
                lang: str = "fi") -> list[dict[str, Any]]:
    """The register's entries as the view and every export show them, filtered and sorted.

    An entry matches the municipality, method and period filters when any of its evidence does
    (the dialogue it was heard in); `dialogues` counts distinct dialogues (how often it came up).
    """
    filters = filters or Filters()
    names = area_names(register, lang)
    entries = list(s.scalars(select(RegisterEntry).where(RegisterEntry.register_id == register.id)))
    ids = [e.id for e in entries]
    evidence: dict[int, list[RegisterEvidence]] = {i: [] for i in ids}
    if ids:
        for ev in s.scalars(select(RegisterEvidence).where(RegisterEvidence.entry_id.in_(ids))
                            .order_by(RegisterEvidence.created_at, RegisterEvidence.id)):
            evidence[ev.entry_id].append(ev)
    responses = history(s, ids)
    who = {r.id: r.name for r in responders(s, register.id)}
    out = []
    for e in entries:
        evs = [ev.evidence for ev in evidence[e.id]]
        latest = responses[e.id][-1] if responses[e.id] else None
        if filters.area and e.area != filters.area:
            continue
        if filters.status and (latest.status if latest else NO_RESPONSE) != filters.status:
            continue
        if filters.municipality and not any(ev.get("municipality") == filters.municipality for ev in evs):
            continue
        if filters.method and not any(ev.get("method") == filters.method for ev in evs):
            continue
        if filters.start and not any(ev.get("date", "") >= filters.start.isoformat() for ev in evs):
            continue
        if filters.end and not any(ev.get("date", "") <= filters.end.isoformat() for ev in evs):
            continue
        dialogues = {(ev.get("dialogue"), ev.get("date")) for ev in evs}
        first = responses[e.id][0] if responses[e.id] else None
        out.append({
            "id": e.id, "text": pii.mask(e.text), "area": e.area, "area_name": names.get(e.area, e.area),
            "responder": who.get(e.responder_id, "") if e.responder_id else "",
            "responder_id": e.responder_id,
            "dialogues": len(dialogues),
            "municipalities": sorted({ev["municipality"] for ev in evs if ev.get("municipality")}),
            "methods": sorted({_method_label(ev, lang) for ev in evs}),
            "participants": sum(int(ev.get("participants") or 0) for ev in evs),
            "first_heard": min((ev.get("date", "") for ev in evs), default=""),
            "last_heard": max((ev.get("date", "") for ev in evs), default=""),
            "evidence": [{**ev, "method_label": _method_label(ev, lang)} for ev in evs],
            "status": latest.status if latest else None,
            "status_label": status_label(latest.status if latest else None),
            "response": _response_view(latest) if latest else None,
            "history": [_response_view(r) for r in responses[e.id]],
            "days_to_first_response": (first.created_at.date() - e.created_at.date()).days if first else None,
            "created_at": e.created_at.isoformat(timespec="seconds"),
        })
    if filters.sort == "newest":
        out.sort(key=lambda v: (v["last_heard"], v["id"]), reverse=True)
    else:
        out.sort(key=lambda v: (-v["dialogues"], -v["participants"], v["id"]))
    return out


def filter_choices(s: Session, register: FindingRegister, lang: str) -> dict[str, list[tuple[str, str]]]:
    """The values the view's filters offer: the register's areas and the municipalities and
    methods of its evidence."""
    evs = s.scalars(select(RegisterEvidence.evidence).join(RegisterEntry, RegisterEntry.id == RegisterEvidence.entry_id)
                    .where(RegisterEntry.register_id == register.id)).all()
    municipalities = sorted({ev.get("municipality") for ev in evs if ev.get("municipality")})
    methods = sorted({(ev.get("method"), _method_label(ev, lang)) for ev in evs if ev.get("method")},
                     key=lambda m: m[1])
    return {"areas": list(area_names(register, lang).items()),
            "municipalities": [(m, m) for m in municipalities], "methods": methods,
            "statuses": [(st, status_label(st)) for st in RESPONSE_STATUSES + (NO_RESPONSE,)]}


def register_json(s: Session, register: FindingRegister, filters: Filters, lang: str) -> dict[str, Any]:
    """The register (filtered) as the JSON export: docs/export.schema.json, `$defs/register`."""
    return {
        "schema": "osuva.register/1",
        "generated_at": utcnow().isoformat(timespec="seconds"),
        "language": lang,
        "register": {"id": register.id, "name": register.name, "kind": register.kind,
                     "organisation": register.organisation,
                     "areas": [{"key": k, "name": n} for k, n in area_names(register, lang).items()]},
        "filters": filters.args(),
        "entries": entry_views(s, register, filters, lang),
    }


# -- the published page and the project report ----------------------------------------------

def published_responses(s: Session, dialogue_id: int) -> list[dict[str, Any]]:
    """"You said – we did" for a dialogue's published page: the register entries its approved
    findings went to, each with its newest public response (entries without one are left out).
    Unpublished responses and findings no longer approved never appear."""
    rows = s.execute(select(RegisterEntry, Finding).join(RegisterEvidence, RegisterEvidence.entry_id == RegisterEntry.id)
                     .join(Finding, Finding.id == RegisterEvidence.finding_id)
                     .where(RegisterEvidence.dialogue_id == dialogue_id, Finding.approved.is_(True))
                     .order_by(Finding.position, Finding.id)).all()
    out = []
    for entry, finding in rows:
        public = s.scalar(select(RegisterResponse).where(RegisterResponse.entry_id == entry.id,
                                                         RegisterResponse.public.is_(True))
                          .order_by(RegisterResponse.created_at.desc(), RegisterResponse.id.desc()).limit(1))
        if public is None:
            continue
        responder = s.get(RegisterResponder, public.responder_id) if public.responder_id else None
        out.append({"said": pii.mask(finding.text), "responder": responder.name if responder else "",
                    **_response_view(public)})
    return out


def register_summary(s: Session, start: dt.date | None = None, end: dt.date | None = None,
                     lang: str = "fi") -> dict[str, Any]:
    """The registers' summary for the project report: entries (first heard in the period) by
    service area and by status, and the median days from an entry to its first response."""
    by_area: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    days: list[int] = []
    answered = total = 0
    for register in registers(s):
        if register.is_demo:
            continue  # invented entries: never in project reporting
        for view in entry_views(s, register, Filters(), lang):
            first = view["first_heard"]
            if (start and first < start.isoformat()) or (end and first > end.isoformat()):
                continue
            total += 1
            by_area[view["area_name"]] += 1
            by_status[view["status"] or NO_RESPONSE] += 1
            if view["days_to_first_response"] is not None:
                answered += 1
                days.append(view["days_to_first_response"])
    return {
        "entries": total,
        "answered": answered,
        "median_days_to_first_response": statistics.median(days) if days else None,
        "by_area": [{"area": a, "entries": n} for a, n in sorted(by_area.items(), key=lambda kv: (-kv[1], kv[0]))],
        "by_status": [{"status": st, "label": status_label(st), "entries": by_status[st]}
                      for st in RESPONSE_STATUSES + (NO_RESPONSE,) if by_status[st]],
    }
