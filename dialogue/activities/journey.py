"""`journey`: a service path's stages; participants add pain points and good moments to a stage.

Each entry is a contribution of the step (so moderation, themes, tables and masking treat
it like any text) with its stage (0-based position), its type (a pain point or a good
moment) and a feeling 1–5 in `extra`. The feeling scale has a face and a text label for
every value, never a face alone. The screen shows counts per stage; the report draws the
journey map (`synthesis.journey_map`).
"""
from __future__ import annotations

import re
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from dialogue.activities.base import Activity, register
from dialogue.activities.scale import FACES, localized
from dialogue.actors import EVERYONE_WHO_WRITES
from dialogue.commands.core import CommandContext, command
from dialogue.export.blocks import Blocks, Table, chart_ident
from dialogue.models import Contribution, Step
from dialogue.synthesis import charts, pii, tally
from dialogue.synthesis.journey_map import journey_map_svg
from dialogue.textclean import InvalidInput, clean_int, clean_text

MAX_STAGES = 12
STAGE_MAX = 80
TEXT_MAX = 500
TYPES = ("pain", "good")
FEELINGS = (1, 2, 3, 4, 5)
_SIZE = re.compile(r'<svg[^>]* width="(\d+)" height="(\d+)"')


def default_stages() -> list[Any]:
    """A jobseeker's path: the stages a new journey step starts with."""
    return [_l("Finding information"), _l("First contact"), _l("Waiting"), _l("The meeting"), _l("Follow-up")]


def type_labels() -> dict[str, Any]:
    return {"pain": _l("Pain point"), "good": _l("Good moment")}


def feeling_labels() -> dict[int, Any]:
    return {1: _l("Very bad"), 2: _l("Bad"), 3: _l("Neither good nor bad"), 4: _l("Good"), 5: _l("Very good")}


def feeling_options() -> list[dict[str, Any]]:
    """The five feelings: number, face and text label (the label is what counts)."""
    labels = feeling_labels()
    return [{"value": v, "face": FACES[v], "label": str(labels[v])} for v in FEELINGS]


def stages(step: Step) -> list[str]:
    """The step's stage names in order, in the current language (the default path if none are set)."""
    raw = step.config.get("stages") or default_stages()
    return [localized(name) if isinstance(name, dict) else str(name) for name in raw]


def entries(s, step_id: int, *, participant_id: int | None = None, table_id: int | None = None) -> list[Contribution]:
    """The step's visible entries (one person's, or one table's), oldest first."""
    query = select(Contribution).where(Contribution.step_id == step_id, Contribution.hidden.is_(False),
                                       Contribution.private.is_(False),
                                       Contribution.source.in_(("participant", "staff")))
    if participant_id is not None:
        query = query.where(Contribution.participant_id == participant_id)
    if table_id is not None:
        query = query.where(Contribution.table_id == table_id)
    return list(s.scalars(query.order_by(Contribution.id)))


def stage_rows(s, step: Step, *, masked: bool = True) -> list[dict[str, Any]]:
    """Per stage: its name, the numbers of pain points and good moments, the mean feeling
    (None without feelings) and the texts (the journey map's input)."""
    names = stages(step)
    rows = [{"name": name, "pain_count": 0, "good_count": 0, "mean_feeling": None, "pain_texts": [],
             "good_texts": [], "_feelings": []} for name in names]
    for c in entries(s, step.id):
        extra = c.extra or {}
        stage = extra.get("stage")
        if not isinstance(stage, int) or not 0 <= stage < len(rows) or extra.get("type") not in TYPES:
            continue
        row = rows[stage]
        row[f"{extra['type']}_count"] += 1
        row[f"{extra['type']}_texts"].append(pii.mask(c.text) if masked else c.text)
        if extra.get("feeling") in FEELINGS:
            row["_feelings"].append(extra["feeling"])
    for row in rows:
        feelings = row.pop("_feelings")
        row["mean_feeling"] = round(sum(feelings) / len(feelings), 2) if feelings else None
        row["feelings"] = len(feelings)
    return rows


@register
class Journey(Activity):
    key = "journey"
    participant_template = "activities/journey.html"
    staff_template = "activities/journey_staff.html"
    collects_contributions = True
    supports_tables = True

    def label(self):
        return _l("Service path")

    def default_config(self) -> dict[str, Any]:
        # stages: the path's stages in order, each a text or {"fi", "sv", "en"}; empty: the default path.
        return {"phones_down": False, "wall": True, "stages": [], "max_length": TEXT_MAX}

    def clean_config(self, config):
        config = super().clean_config(config)
        raw = config["stages"]
        if isinstance(raw, str):  # the step editor's text box: one stage per line
            raw = [line.strip() for line in raw.splitlines() if line.strip()]
        if not isinstance(raw, list) or len(raw) > MAX_STAGES:
            raise ValueError(f"stages must be a list of at most {MAX_STAGES}")
        for name in raw:
            texts = name.values() if isinstance(name, dict) else [name]
            if not texts or any(not isinstance(t, str) or not t.strip() or len(t) > STAGE_MAX for t in texts):
                raise ValueError(f"a stage is a text of 1..{STAGE_MAX} characters (or one per language)")
        config["stages"] = raw
        if not isinstance(config["max_length"], int) or not 10 <= config["max_length"] <= TEXT_MAX:
            raise ValueError(f"max_length must be 10..{TEXT_MAX}")
        return config

    def items_from(self, s, step):
        """A later vote takes the pain points (e.g. which matter most), each with its stage."""
        names = stages(step)
        rows = [c for c in s.scalars(select(Contribution).where(
            Contribution.step_id == step.id, Contribution.private.is_(False),
            Contribution.source.in_(("participant", "staff"))).order_by(Contribution.id))
            if (c.extra or {}).get("type") == "pain"]

        def text_of(c):
            stage = (c.extra or {}).get("stage")
            return f"{names[stage]}: {c.text}" if isinstance(stage, int) and 0 <= stage < len(names) else c.text
        return rows, text_of

    def participant_context(self, s, step, actor):
        names = stages(step)
        mine = []
        if actor is not None and actor.participant_id is not None:
            mine = entries(s, step.id, participant_id=actor.participant_id)
        labels = type_labels()
        feelings = {o["value"]: o for o in feeling_options()}
        my_entries = [{"stage": names[c.extra["stage"]] if c.extra.get("stage", -1) < len(names) else "",
                       "type": str(labels.get(c.extra.get("type"), "")), "text": c.text,
                       "feeling": feelings.get(c.extra.get("feeling"))} for c in mine]
        return {"stages": names, "type_labels": labels, "feelings": feeling_options(), "my_entries": my_entries,
                "max_length": step.config.get("max_length", TEXT_MAX)}

    def staff_context(self, s, step):
        return {"screen": self.live_state(s, step, staff=True)}

    def live_state(self, s, step, *, staff):
        """Counts per stage (and the mean feeling): groups of two bars for the screen's bars.js."""
        rows = stage_rows(s, step, masked=not staff)
        top = max([max(r["pain_count"], r["good_count"]) for r in rows] or [0])
        labels = type_labels()
        groups = []
        for n, row in enumerate(rows, 1):
            mean = _("average feeling %(mean)s / 5", mean=f"{row['mean_feeling']:.1f}") \
                if row["mean_feeling"] is not None else _("no feelings yet")
            groups.append({"title": f"{n}. {row['name']}", "note": mean, "bars": [
                tally.bar(str(labels["pain"]), row["pain_count"], top, str(row["pain_count"])),
                tally.bar(str(labels["good"]), row["good_count"], top, str(row["good_count"]))]})
        return {"bars": [], "groups": groups,
                "stages": [{k: r[k] for k in ("name", "pain_count", "good_count", "mean_feeling")} for r in rows]}

    def export(self, s, step):
        masked_rows = stage_rows(s, step)
        return {
            "journey": {"stages": masked_rows},
            "contributions": [
                {"id": c.id, "text": pii.mask(c.text), "entered_by_staff": c.source == "staff",
                 "theme_id": c.theme_id, "author_role": c.author_role,
                 **({"table_id": c.table_id} if c.table_id else {}),
                 "stage": (c.extra or {}).get("stage"), "type": (c.extra or {}).get("type"),
                 "feeling": (c.extra or {}).get("feeling")}
                for c in entries(s, step.id)]}

    def summary_points(self, step):
        rows = [r for r in (step.get("journey") or {}).get("stages") or [] if r.get("mean_feeling") is not None]
        if not rows:
            return []
        worst = min(rows, key=lambda r: r["mean_feeling"])
        return [_("On the service path the hardest stage was “%(stage)s” (average feeling %(mean)s / 5).",
                  stage=worst["name"], mean=f"{worst['mean_feeling']:.1f}")]

    def report_blocks(self, step: dict[str, Any], blocks: Blocks) -> None:
        """The journey map picture, and the stages with their counts and feelings as a table."""
        rows = (step.get("journey") or {}).get("stages") or []
        if not rows:
            return
        blocks.tables.append(Table(_("The service path"), [_("Stage"), _("Pain points"), _("Good moments"),
                                                            _("Average feeling (1–5)")],
                                   [[r["name"], r["pain_count"], r["good_count"],
                                     "" if r.get("mean_feeling") is None else r["mean_feeling"]] for r in rows],
                                   key="stages"))
        blocks.chart = journey_chart(rows, step["title"], ident=chart_ident(step))


def map_labels() -> dict[str, str]:
    """The journey map's words in the current language."""
    return {"title": _("Service path journey map"), "feeling": _("Feeling"), "very_bad": _("very bad"),
            "very_good": _("very good"), "no_feelings": _("no feelings"), "pain": _("Pain points"),
            "good": _("Good moments"), "stage": _("Stage"), "mean": _("average feeling")}


def journey_chart(rows: list[dict[str, Any]], title: str, *, ident: str) -> charts.Chart:
    """The journey map of a report step's stages as a chart (SVG and its text alternative)."""
    svg = journey_map_svg(rows, title=title, labels=map_labels(), ident=ident)
    width, height = (int(x) for x in _SIZE.search(svg).groups())
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)
    return charts.Chart(svg=svg, alt=desc.group(1) if desc else title, width=width, height=height)


@command("journey_add", roles=EVERYONE_WHO_WRITES)
def journey_add(ctx: CommandContext) -> dict:
    """Add a pain point or a good moment to a stage of the path, with a feeling 1–5 and a text."""
    step = ctx.open_step(kind="journey")
    names = stages(step)
    try:
        stage = clean_int(ctx.payload.get("stage"), 0, len(names) - 1)
    except InvalidInput:
        ctx.fail(_l("Choose a stage of the path."))
    kind = ctx.payload.get("type")
    if kind not in TYPES:
        ctx.fail(_l("Choose whether this is a pain point or a good moment."))
    try:
        feeling = clean_int(ctx.payload.get("feeling"), 1, 5)
    except InvalidInput:
        ctx.fail(_l("Choose how it felt, from 1 to 5."))
    text = clean_text(ctx.payload.get("text"), step.config.get("max_length", TEXT_MAX))
    c = Contribution(dialogue_id=ctx.dialogue.id, step_id=step.id, text=text,
                     extra={"stage": stage, "type": kind, "feeling": feeling},
                     participant_id=ctx.actor.participant_id, helper_id=ctx.actor.helper_id,
                     source="participant" if ctx.actor.participant_id else "staff",
                     author_role=ctx.actor.declared_role, pii=bool(pii.find(text)),
                     table_id=ctx.table_for(step), round=ctx.dialogue.table_round)
    ctx.s.add(c)
    ctx.s.flush()
    ctx.changed(step, wall=True, tally=True)
    return {"id": c.id, "stage": stage, "type": kind, "message": str(_l("Saved. Thank you!"))}

