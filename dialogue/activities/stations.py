"""`stations`: a walking route of stations (a development walk). At each station a phone, or a
group's recorder, rates the place on a few criteria and tells what works, what does not work
and an idea, with an optional photo.

The route is the step's `stations` setting: each station one line "name | description |
address or coordinates" (or such a line per language). A station's short code comes from its
name, so it stays the same when the route is reordered or described again; its own URL
(/j/<dialogue code>/s/<station code>) and QR code (the station sheets) open it directly.

Storage: each save is one write of rows in `contribution`. The ratings and the photo go on a
row of source "visit" (no text; never on a wall), each text on a row of its own (source
participant or staff) with its station and type in `extra`, so that moderation, themes, tables,
masking and a later dot vote treat it like any text. Hiding the visit row hides its photo.
"""
from __future__ import annotations

import hashlib
from collections import Counter
from typing import Any

from flask import has_request_context, request, session
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dialogue import photos
from dialogue.activities.base import SETTING_LABELS, Activity, PaperQuestion, register
from dialogue.activities.journey import feeling_labels, feeling_options
from dialogue.activities.scale import localized
from dialogue.actors import EVERYONE_WHO_WRITES
from dialogue.commands.core import CommandContext, command
from dialogue.export.blocks import Blocks, Table
from dialogue.models import Contribution, Step
from dialogue.synthesis import pii, tally
from dialogue.synthesis.groups import min_group_size
from dialogue.textclean import InvalidInput, clean_int, clean_text
from dialogue.web.offline_copy import is_offline_copy

MAX_STATIONS = 20
MAX_CRITERIA = 6
LINE_MAX = 400
NAME_MAX = 80
CRITERION_MAX = 60
TEXT_MAX = 500
VISIT = "visit"  # the source of a row holding a save's ratings and photo
TYPES = ("works", "not_works", "idea")
RATINGS = (1, 2, 3, 4, 5)
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed without doubt
_SESSION_KEY = "stations"


def default_stations() -> list[Any]:
    """A jobseeker's everyday route: the stations a new step starts with."""
    return [_l("Bus stop | Where the bus to the service point stops"),
            _l("Service point | The door and the front desk"),
            _l("Waiting area | Where people wait for their turn"),
            _l("Public computer | The computer customers may use")]


#: What the default route's station codes are made from (whatever language the names are shown in).
DEFAULT_KEYS = ("bus-stop", "service-point", "waiting-area", "public-computer")


def default_criteria() -> list[Any]:
    return [_l("Feels safe"), _l("Accessible"), _l("Understandable")]


def type_labels() -> dict[str, Any]:
    return {"works": _l("What works"), "not_works": _l("What doesn't work"), "idea": _l("An idea")}


def station_code(name: str) -> str:
    """A station's short code, made from its name: 4 letters and digits."""
    digest = hashlib.sha256(" ".join(name.lower().split()).encode("utf-8")).digest()
    return "".join(_CODE_ALPHABET[b % len(_CODE_ALPHABET)] for b in digest[:4])


def _parse_line(line: str) -> dict[str, str]:
    name, _sep, rest = (part.strip() for part in line.partition("|"))
    description, _sep, address = (part.strip() for part in rest.partition("|"))
    return {"name": name, "description": description, "address": address}


def _code_name(entry: Any) -> str:
    """The name a station's code is made from: the Finnish (or first) name, whatever the language shown."""
    if isinstance(entry, dict):
        entry = entry.get("fi") or next(iter(entry.values()), "")
    return _parse_line(str(entry))["name"]


def stations(step: Step) -> list[dict[str, Any]]:
    """The step's stations in route order, in the current language: index, code, name,
    description and address."""
    return _stations_of(step.config)


def _stations_of(config: dict[str, Any]) -> list[dict[str, Any]]:
    raw = config.get("stations") or default_stations()
    out, seen = [], set()
    for index, entry in enumerate(raw):
        station = _parse_line(localized(entry) if isinstance(entry, dict) else str(entry))
        # The default route's names are translated: its codes must not change with the language.
        code = station_code(DEFAULT_KEYS[index] if not config.get("stations") else _code_name(entry))
        while code in seen:  # two stations of the same name still get codes of their own
            code = station_code(code + str(index))
        seen.add(code)
        out.append({"index": index, "code": code, **station})
    return out


def criteria(step: Step) -> list[str]:
    """The rating criteria in order, in the current language (the default three if none are set)."""
    return _criteria_of(step.config)


def _criteria_of(config: dict[str, Any]) -> list[str]:
    raw = config.get("criteria") or default_criteria()
    return [localized(c) if isinstance(c, dict) else str(c) for c in raw]


def find_station(step: Step, code: Any) -> dict[str, Any] | None:
    code = str(code or "").strip().upper()
    return next((st for st in stations(step) if st["code"] == code), None)


def _rows(s, step_id: int, *, visits: bool, hidden: bool = False) -> list[Contribution]:
    sources = (VISIT,) if visits else ("participant", "staff")
    query = select(Contribution).where(Contribution.step_id == step_id, Contribution.source.in_(sources),
                                       Contribution.private.is_(False))
    if not hidden:
        query = query.where(Contribution.hidden.is_(False))
    return list(s.scalars(query.order_by(Contribution.id)))


def _mine(rows: list[Contribution], actor) -> list[Contribution]:
    if actor is None:
        return []
    if actor.participant_id is not None:
        return [c for c in rows if c.participant_id == actor.participant_id]
    if actor.helper_id is not None:
        return [c for c in rows if c.helper_id == actor.helper_id]
    return []


def station_results(s, step: Step, *, masked: bool = True, staff: bool = False,
                    minimum: int | None = None) -> list[dict[str, Any]]:
    """Per station: how many saves, each criterion's ratings (count, distribution 1–5 and mean;
    with `minimum`, a criterion rated by fewer is marked `too_few` and its figures left out:
    the small-group rule), the texts by type and the photos (staff also get hidden ones, marked)."""
    names = criteria(step)
    rows = {st["code"]: {**st, "visits": 0, "ratings": [Counter() for _ in names], "works": [], "not_works": [],
                         "ideas": [], "photos": []} for st in stations(step)}
    # Hiding a visit row hides its photo; its ratings still count (they are figures, not content).
    for visit in _rows(s, step.id, visits=True, hidden=True):
        extra = visit.extra or {}
        row = rows.get(extra.get("station"))
        if row is None:
            continue
        row["visits"] += 1
        for key, value in (extra.get("ratings") or {}).items():
            if str(key).isdigit() and int(key) < len(names) and value in RATINGS:
                row["ratings"][int(key)][value] += 1
        if extra.get("photo") and (staff or not visit.hidden):
            row["photos"].append({"id": visit.id, "photo": extra["photo"], "hidden": visit.hidden})
    plural = {"works": "works", "not_works": "not_works", "idea": "ideas"}
    for c in _rows(s, step.id, visits=False):
        extra = c.extra or {}
        row = rows.get(extra.get("station"))
        if row is not None and extra.get("type") in plural:
            row[plural[extra["type"]]].append(pii.mask(c.text) if masked else c.text)
    out = []
    for row in rows.values():
        rated = []
        for name, counts in zip(names, row.pop("ratings")):
            n = sum(counts.values())
            too_few = minimum is not None and 0 < n < minimum
            rated.append({"name": name, "count": n, "too_few": too_few,
                          "distribution": None if too_few else {str(v): counts.get(v, 0) for v in RATINGS},
                          "mean": None if too_few or not n else round(sum(v * k for v, k in counts.items()) / n, 2)})
        row["criteria"] = rated
        if not staff:
            row["photos"] = [{"id": p["id"], "photo": p["photo"]} for p in row["photos"]]
        out.append(row)
    return out


def _selected_code(step: Step) -> str | None:
    """The station this phone has open: `?station=CODE` (remembered), or the one it opened last
    (a station's own URL sets it too; participate.routes). `?station=` goes back to the list."""
    if not has_request_context():
        return None
    chosen = session.get(_SESSION_KEY) or {}
    key = str(step.dialogue_id)
    if "station" in request.args:
        code = request.args.get("station", "").strip().upper()[:8]
        if not is_offline_copy():  # a copy kept for the way is not the phone opening it
            session[_SESSION_KEY] = {**chosen, key: code}
        return code or None
    return chosen.get(key) or None


def remember_station(dialogue_id: int, code: str) -> None:
    """Open station `code` on this phone (a station's QR code was scanned)."""
    session[_SESSION_KEY] = {**(session.get(_SESSION_KEY) or {}), str(dialogue_id): code.strip().upper()[:8]}


@register
class Stations(Activity):
    key = "stations"
    participant_template = "activities/stations.html"
    staff_template = "activities/stations_staff.html"
    collects_contributions = True
    supports_tables = True
    helper_writes = True

    def config_refusal(self, s, step, config):
        """What was saved at a station keeps its meaning: ratings are stored by the criterion's
        place, so once any are saved the criteria stay (new ones may follow them); answers are
        stored by the station's code, made from its name, so a visited station keeps its name."""
        visits = _rows(s, step.id, visits=True, hidden=True)
        if not visits:
            return None
        before = _criteria_of(step.config)
        if _criteria_of(config)[:len(before)] != before:
            return _l("Ratings were saved on these criteria already, so they stay as they are: %(criteria)s. "
                      "You can add new criteria after them.", criteria=", ".join(before))
        kept = {st["code"] for st in _stations_of(config)}
        visited = {c.extra.get("station") for c in visits}
        gone = [st["name"] for st in stations(step) if st["code"] in visited and st["code"] not in kept]
        if gone:
            return _l("Answers were saved at these stations already, so they stay on the route under "
                      "the same name: %(stations)s.", stations=", ".join(gone))
        return None

    def label(self):
        return _l("Walk with stations")

    def default_config(self) -> dict[str, Any]:
        # stations: one line each, "name | description | address" (or such a line per language);
        # criteria: the ratings asked at each station (empty: safe, accessible, understandable).
        return {"phones_down": False, "wall": True, "stations": [], "criteria": [], "max_length": TEXT_MAX}

    def config_labels(self) -> dict[str, Any]:
        return {**SETTING_LABELS,
                "stations": _l("Stations in route order, one per line: name | description | address "
                               "or coordinates (empty: a jobseeker's everyday route)"),
                "criteria": _l("Rating criteria, one per line (empty: feels safe, accessible, understandable)")}

    def clean_config(self, config):
        config = super().clean_config(config)
        for key, most, longest in (("stations", MAX_STATIONS, LINE_MAX), ("criteria", MAX_CRITERIA, CRITERION_MAX)):
            raw = config[key]
            if isinstance(raw, str):  # a text box: one per line
                raw = [line.strip() for line in raw.splitlines() if line.strip()]
            if not isinstance(raw, list) or len(raw) > most:
                raise ValueError(f"{key} must be a list of at most {most}")
            for entry in raw:
                texts = list(entry.values()) if isinstance(entry, dict) else [entry]
                if not texts or any(not isinstance(t, str) or not t.strip() or len(t) > longest for t in texts):
                    raise ValueError(f"each of {key} is a text of 1..{longest} characters (or one per language)")
                if key == "stations" and any(not _parse_line(t)["name"] or len(_parse_line(t)["name"]) > NAME_MAX
                                             for t in texts):
                    raise ValueError(f"a station needs a name of 1..{NAME_MAX} characters before any '|'")
            config[key] = raw
        if not isinstance(config["max_length"], int) or not 10 <= config["max_length"] <= TEXT_MAX:
            raise ValueError(f"max_length must be 10..{TEXT_MAX}")
        return config

    def stations_of(self, step: Step) -> list[dict[str, Any]]:
        return stations(step)

    def items_from(self, s, step):
        """A later dot vote takes what does not work and the ideas, each with its station's name."""
        names = {st["code"]: st["name"] for st in stations(step)}
        rows = [c for c in _rows(s, step.id, visits=False, hidden=True)
                if (c.extra or {}).get("type") in ("not_works", "idea")]

        def text_of(c):
            name = names.get((c.extra or {}).get("station"))
            return f"{name}: {c.text}" if name else c.text
        return rows, text_of

    def participant_context(self, s, step, actor):
        route = stations(step)
        visits = _mine(_rows(s, step.id, visits=True, hidden=True), actor)
        visited = Counter((v.extra or {}).get("station") for v in visits)
        selected = find_station(step, _selected_code(step))
        mine = []
        if selected is not None:
            labels = type_labels()
            mine = [{"type": str(labels.get((c.extra or {}).get("type"), "")), "text": c.text}
                    for c in _mine(_rows(s, step.id, visits=False), actor)
                    if (c.extra or {}).get("station") == selected["code"]]
            mine += [{"type": _("Photo"), "text": _("You added a photo.")}
                     for v in visits if (v.extra or {}).get("station") == selected["code"] and (v.extra or {}).get("photo")]
        page = request.path if has_request_context() else ""
        if page.endswith("/panel"):
            page = page[: -len("/panel")]
        return {"stations": [{**st, "visits": visited.get(st["code"], 0)} for st in route],
                "station": selected, "criteria": criteria(step), "ratings": feeling_options(),
                "type_labels": type_labels(), "my_entries": mine, "page_url": page,
                "max_length": step.config.get("max_length", TEXT_MAX),
                "visited_count": sum(1 for st in route if visited.get(st["code"]))}

    paper_entry_template = "activities/_paper_station.html"

    def paper_questions(self, s, step):
        """Station by station, as on the phone: a row of boxes per criterion, lines for each text."""
        boxes = tuple(f"{o['value']} {o['label']}" for o in feeling_options())
        labels = type_labels()
        questions = []
        for n, station in enumerate(stations(step), 1):
            name = _("Station %(n)s: %(name)s", n=n, name=station["name"])
            questions += [PaperQuestion(f"{name} – {criterion}", boxes) for criterion in criteria(step)]
            questions += [PaperQuestion(f"{name} – {labels[kind]}", lines=2) for kind in TYPES]
        return questions

    def staff_context(self, s, step):
        return {"screen": self.live_state(s, step, staff=True),
                "stations": station_results(s, step, masked=False, staff=True), "type_labels": type_labels(),
                "route": stations(step), "criteria": criteria(step), "ratings": feeling_options()}

    def live_state(self, s, step, *, staff):
        """Per station: how many saves, and each criterion's average rating as a bar (0–5)."""
        groups = []
        for n, row in enumerate(station_results(s, step, masked=not staff, staff=staff), 1):
            note = ngettext("%(num)s observation", "%(num)s observations", row["visits"])
            groups.append({"title": f"{n}. {row['name']}", "note": note, "bars": [
                tally.bar(c["name"], c["mean"] or 0, 5, "–" if c["mean"] is None else f"{c['mean']:.1f} / 5")
                for c in row["criteria"]]})
        return {"bars": [], "groups": groups}

    def export(self, s, step):
        rows = station_results(s, step, minimum=min_group_size())
        return {
            "stations": {"criteria": criteria(step), "stations": rows},
            "contributions": [
                {"id": c.id, "text": pii.mask(c.text), "entered_by_staff": c.source == "staff",
                 "theme_id": c.theme_id, "author_role": c.author_role,
                 **({"table_id": c.table_id} if c.table_id else {}),
                 "station": (c.extra or {}).get("station"), "type": (c.extra or {}).get("type")}
                for c in _rows(s, step.id, visits=False)]}

    def in_report(self, step):
        """In the report once anyone saved anything at a station (ratings alone count too)."""
        return super().in_report(step) or any(
            row.get("visits") for row in (step.get("stations") or {}).get("stations") or [])

    def summary_points(self, step):
        rated = [(row["name"], c["name"], c["mean"]) for row in (step.get("stations") or {}).get("stations") or []
                 for c in row.get("criteria") or [] if c.get("mean") is not None]
        if not rated:
            return []
        station, criterion, mean = min(rated, key=lambda r: r[2])
        return [_("On the walk the lowest rating was “%(criterion)s” at “%(station)s” (%(mean)s / 5).",
                  criterion=criterion, station=station, mean=f"{mean:.1f}")]

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """The ratings of every station and criterion as a table (also the XLSX and CSV rows)."""
        rows = (step.get("stations") or {}).get("stations") or []
        if not rows:
            return
        labels = feeling_labels()
        table = []
        for row in rows:
            for c in row["criteria"]:
                if not c.get("count"):
                    continue  # nobody rated it: a row of zeros tells a reader nothing
                dist = c.get("distribution") or {}
                table.append([row["name"], c["name"], c["count"],
                              *(("" if c.get("too_few") else dist.get(str(v), 0)) for v in RATINGS),
                              "" if c.get("mean") is None else c["mean"]])
        blocks.tables.append(Table(_("Ratings by station"),
                                   [_("Station"), _("Criterion"), _("Ratings"),
                                    *(f"{v} {labels[v]}" for v in RATINGS), _("Average (1–5)")],
                                   table, key="stations"))
        blocks.facts.append((_("Observations"), str(sum(r["visits"] for r in rows))))


def _rating(ctx: CommandContext, index: int) -> int | None:
    raw = ctx.payload.get(f"rating_{index}")
    if raw in (None, ""):
        return None
    try:
        return clean_int(raw, 1, 5)
    except InvalidInput:
        ctx.fail(_l("Choose a rating from 1 to 5."))
    return None


@command("station_visit", roles=EVERYONE_WHO_WRITES)
def station_visit(ctx: CommandContext) -> dict:
    """Save what was seen at a station: ratings per criterion, what works, what does not work, an idea
    and a photo (each optional, but something). The photo (bytes from the form's file field) is
    checked and stripped by dialogue.photos; a refused photo stores nothing."""
    step = ctx.open_step(kind="stations")
    station = find_station(step, ctx.payload.get("station"))
    if station is None:
        ctx.fail(_l("Choose a station."))
    ratings = {}
    for index in range(len(criteria(step))):
        value = _rating(ctx, index)
        if value is not None:
            ratings[str(index)] = value
    longest = step.config.get("max_length", TEXT_MAX)
    texts = {kind: clean_text(ctx.payload.get(kind), longest, required=False) for kind in TYPES}
    upload = ctx.payload.get("photo")
    processed = None
    if isinstance(upload, (bytes, bytearray)) and upload:
        try:
            processed = photos.process_photo(bytes(upload))
        except photos.PhotoRejected as exc:
            ctx.fail(exc.message)
    if not ratings and not any(texts.values()) and processed is None:
        ctx.fail(_l("Give a rating, write something or add a photo."))
    table_id = ctx.table_for(step)
    common = {"dialogue_id": ctx.dialogue.id, "step_id": step.id, "participant_id": ctx.actor.participant_id,
              "helper_id": ctx.actor.helper_id, "author_role": ctx.actor.declared_role, "table_id": table_id,
              "round": ctx.dialogue.table_round}
    source = "participant" if ctx.actor.participant_id else "staff"
    for kind, text in texts.items():
        if text:
            ctx.s.add(Contribution(**common, source=source, text=text, pii=bool(pii.find(text)),
                                   extra={"station": station["code"], "type": kind}))
    visit = Contribution(**common, source=VISIT, text="", extra={"station": station["code"], "ratings": ratings})
    ctx.s.add(visit)
    ctx.s.flush()
    if processed is not None:
        # Stored last, after every check: a refused write leaves no file behind.
        visit.extra = {**visit.extra, "photo": photos.store_photo(ctx.dialogue.id, processed)}
    ctx.changed(step, wall=True, tally=True)
    return {"id": visit.id, "station": station["code"], "message": str(_l("Saved. Thank you!"))}
