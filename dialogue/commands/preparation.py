"""Preparing a dialogue: its details, its steps, co-facilitators, and duplicating it.

Every change is a command (the console's forms and sockets run the same code);
duplicating makes a new dialogue, so it is a plain function like `create_dialogue`.
Steps are edited freely until the dialogue closes: texts in Finnish, Swedish and
English, the time, the activity's settings, the order; steps are added and removed.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from dialogue import activities, db, tables
from dialogue.activities.scale import localized
from dialogue.actors import FACILITATOR_ONLY, new_token
from dialogue.commands.core import (
    AFTERWARDS,
    ALWAYS,
    CommandContext,
    command,
)
from dialogue.commands.dialogues import new_code
from dialogue.config import LANGUAGES, MUNICIPALITIES
from dialogue.models import (
    AuditEvent,
    Contribution,
    Dialogue,
    DialogueShare,
    Facilitator,
    Step,
    Theme,
    Vote,
)
from dialogue.textclean import InvalidInput, clean_bool, clean_int, clean_text

MAX_STEPS = 60
MAX_STEP_MINUTES = 600
TITLE_MAX = 200
BODY_MAX = 4000
TOPIC_MAX = 2000


# -- details -------------------------------------------------------------------

def _clean_date(value) -> dt.date | None:
    text = clean_text(value, 10, required=False, multiline=False)
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(_l("Write the date as YYYY-MM-DD.")) from None


@command("update_details", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def update_details(ctx: CommandContext) -> dict:
    """Set the dialogue's details: title, topic, municipality, place, date, language,
    organiser, and whether participants may state a role and municipality (`ask_role`).

    Only the fields in the payload change. The console's form sends `details_form`, so
    that its unticked `ask_role` box (which a browser does not send) means no.
    """
    p, d = ctx.payload, ctx.dialogue
    if "title" in p:
        d.title = clean_text(p.get("title"), TITLE_MAX, multiline=False)
    if "municipality" in p:
        municipality = p.get("municipality") or ""
        if municipality not in ("", *MUNICIPALITIES):
            ctx.fail(_l("The choice is not valid."))
        d.municipality = municipality
    if "language" in p:
        if p.get("language") not in LANGUAGES:
            ctx.fail(_l("The choice is not valid."))
        d.language = p["language"]
    if "topic" in p:
        d.topic = clean_text(p.get("topic"), TOPIC_MAX, required=False)
    if "place" in p:
        d.place = clean_text(p.get("place"), 200, required=False, multiline=False)
    if "date" in p:
        d.date = _clean_date(p.get("date"))
    if "organiser" in p:
        d.organiser = clean_text(p.get("organiser"), 200, required=False, multiline=False)
    if "ask_role" in p or "details_form" in p:
        d.ask_role = clean_bool(p.get("ask_role"))
    ctx.changed(everyone=True)
    return {"message": str(_l("The details were saved."))}


# -- steps ---------------------------------------------------------------------

def _renumber(steps: list[Step]) -> None:
    for position, step in enumerate(steps):
        step.position = position


def _ordered(ctx: CommandContext) -> list[Step]:
    return list(ctx.s.scalars(select(Step).where(Step.dialogue_id == ctx.dialogue.id)
                              .order_by(Step.position, Step.id)))


def default_texts(kind: str) -> dict[str, dict[str, str]]:
    """A new step's texts: the activity's name in each language as the title."""
    texts = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            texts[lang] = {"title": str(activities.get(kind).label()), "body": ""}
    return texts


@command("add_step", roles=FACILITATOR_ONLY, audit=True)
def add_step(ctx: CommandContext) -> dict:
    """Add a step of `kind` after `after_step_id` (default: at the end)."""
    kind = ctx.payload.get("kind")
    if not isinstance(kind, str) or kind not in activities.REGISTRY:
        ctx.fail(_l("Choose the kind of step."))
    steps = _ordered(ctx)
    if len(steps) >= MAX_STEPS:
        ctx.fail(_l("A dialogue can have at most %(n)s steps.", n=MAX_STEPS))
    index = len(steps)
    if ctx.payload.get("after_step_id") not in (None, ""):
        after = ctx.step("after_step_id")
        index = steps.index(after) + 1
    step = Step(dialogue_id=ctx.dialogue.id, position=index, kind=kind, texts=default_texts(kind),
                config=activities.get(kind).all_settings(), minutes=0)
    ctx.s.add(step)
    steps.insert(index, step)
    _renumber(steps)
    ctx.s.flush()
    ctx.changed(everyone=True)
    return {"step_id": step.id, "message": str(_l("The step was added. Write its texts next."))}


def config_fields(kind: str, config: dict[str, Any], steps: list[Step] | None = None) -> list[dict[str, Any]]:
    """The settings of a step as form fields: key, label, type and value.

    Types: bool, int, text, choice (with `choices`), step (an earlier step, by position,
    with `choices`), lines (a list of texts, one per line) and json (anything else).
    """
    activity = activities.get(kind)
    labels, choices = activity.config_labels(), activity.config_choices()
    fields = []
    for key, default in activity.all_settings().items():
        value = config.get(key, default)
        field: dict[str, Any] = {"key": key, "label": str(labels.get(key) or key.replace("_", " ").capitalize())}
        if isinstance(default, bool):
            field.update(type="bool", value=bool(value))
        elif key in choices:
            field.update(type="choice", value=value, choices=[(v, str(label)) for v, label in choices[key]])
        elif key in STEP_SETTINGS:
            field.update(type="step", value="" if value is None else value,
                         choices=[(s.position, f"{s.position + 1}. {step_title(s)}") for s in steps or []])
        elif isinstance(default, int):
            field.update(type="int", value=value)
        elif isinstance(default, str):
            field.update(type="text", value=value)
        elif isinstance(default, list) and all(isinstance(v, str) or _per_language(v) for v in (value or [])):
            # A method's entries in every language show as lines in the console's language.
            field.update(type="lines", value="\n".join(localized(v) for v in value or []))
        else:
            field.update(type="json", value="" if value is None else json.dumps(value, ensure_ascii=False))
        fields.append(field)
    return fields


def _per_language(value: Any) -> bool:
    """Whether a setting's entry is one text per language ({"fi": ..., "sv": ..., "en": ...})."""
    return isinstance(value, dict) and bool(value) and set(value) <= set(LANGUAGES) \
        and all(isinstance(text, str) for text in value.values())


def _keep_languages(lines: list[str], before: list[Any]) -> list[Any]:
    """A line saved as the editor showed it keeps its other languages; a changed line is
    one text for every language."""
    shown = {localized(entry): entry for entry in before if _per_language(entry)}
    return [shown.get(line, line) for line in lines]


def step_title(step: Step) -> str:
    texts = step.texts or {}
    for lang in (*LANGUAGES, *texts):
        if (texts.get(lang) or {}).get("title"):
            return texts[lang]["title"]
    return ""


#: Settings that name another step of the dialogue (by its position).
STEP_SETTINGS = frozenset({"source_step"})


def _parse_config(ctx: CommandContext, step: Step) -> dict[str, Any]:
    """The step's settings from `cfg_<key>` payload fields, typed by the activity's defaults."""
    activity = activities.get(step.kind)
    config = dict(step.config)
    for field in config_fields(step.kind, step.config, _ordered(ctx)):
        key, raw = field["key"], ctx.payload.get(f"cfg_{field['key']}")
        if raw is None and not (field["type"] == "bool" and "config_form" in ctx.payload):
            continue  # not sent: unchanged (the console's form sends `config_form`: unticked is no)
        if field["type"] == "bool":
            config[key] = clean_bool(raw)
        elif field["type"] == "int":
            config[key] = clean_int(raw, -10**6, 10**6)
        elif field["type"] == "text":
            config[key] = clean_text(raw, 1000, required=False, multiline=False)
        elif field["type"] == "choice":
            if raw not in [v for v, _label in field["choices"]]:
                raise InvalidInput(_l("The choice is not valid."))
            config[key] = raw
        elif field["type"] == "step":
            config[key] = None if raw in ("", None) else clean_int(raw, 0, MAX_STEPS)
        elif field["type"] == "lines":
            lines = raw if isinstance(raw, list) else clean_text(raw, 20000, required=False).split("\n")
            config[key] = _keep_languages([line.strip() for line in lines if isinstance(line, str) and line.strip()],
                                          step.config.get(key) or [])
        elif isinstance(raw, str):  # json
            text = clean_text(raw, 20000, required=False)
            try:
                config[key] = json.loads(text) if text else None
            except json.JSONDecodeError:
                raise InvalidInput(_l("The setting “%(name)s” is not valid.", name=field["label"])) from None
        else:
            config[key] = raw  # a socket client sent the value itself
    try:
        return activity.clean_config(config)
    except ValueError as exc:
        raise InvalidInput(_l("A setting is not valid: %(detail)s", detail=str(exc))) from None


@command("update_step", roles=FACILITATOR_ONLY)
def update_step(ctx: CommandContext) -> dict:
    """Save a step: `title_<lang>`/`body_<lang>` texts, `minutes`, and `cfg_<key>` settings.

    Only the fields in the payload change (the console's form sends `config_form`, so
    that an unticked setting means no).
    """
    step = ctx.step()
    p = ctx.payload
    texts = {}
    for lang in LANGUAGES:
        old = (step.texts or {}).get(lang) or {}
        texts[lang] = {
            "title": clean_text(p[f"title_{lang}"], TITLE_MAX, required=False, multiline=False)
            if f"title_{lang}" in p else old.get("title", ""),
            "body": clean_text(p[f"body_{lang}"], BODY_MAX, required=False) if f"body_{lang}" in p
            else old.get("body", "")}
    if not texts[ctx.dialogue.language]["title"]:
        raise InvalidInput(_l("Write a title in the dialogue's main language."))
    minutes = clean_int(p.get("minutes") or 0, 0, MAX_STEP_MINUTES) if "minutes" in p else step.minutes
    config = _parse_config(ctx, step)
    refused = activities.get(step.kind).config_refusal(ctx.s, step, config)
    if refused is not None:
        ctx.fail(refused)
    step.config = config
    step.texts = texts
    if step.minutes != minutes and step.timer_started_at is None and step.timer_seconds in (0, step.minutes * 60):
        step.timer_seconds = 0  # an untouched timer follows the new time
    step.minutes = minutes
    ctx.audit("update_step", step_id=step.id)
    ctx.changed(everyone=True)
    return {"step_id": step.id, "message": str(_l("The step was saved."))}


@command("move_step", roles=FACILITATOR_ONLY, audit=True)
def move_step(ctx: CommandContext) -> dict:
    """Move a step one place `up` or `down`."""
    step = ctx.step()
    direction = ctx.payload.get("direction")
    if direction not in ("up", "down"):
        ctx.fail(_l("The choice is not valid."))
    steps = _ordered(ctx)
    i = steps.index(step)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(steps):
        steps[i], steps[j] = steps[j], steps[i]
        _renumber(steps)
    ctx.changed(everyone=True)
    return {"step_id": step.id, "position": step.position}


def step_answers(s, step: Step) -> int:
    """How many contributions and votes a step has (removing it deletes them)."""
    contributions = s.scalar(select(func.count()).select_from(Contribution).where(Contribution.step_id == step.id))
    votes = s.scalar(select(func.count()).select_from(Vote).where(Vote.step_id == step.id))
    return (contributions or 0) + (votes or 0)


@command("remove_step", roles=FACILITATOR_ONLY, audit=True)
def remove_step(ctx: CommandContext) -> dict:
    """Remove a step; one with answers only with `confirm` (its answers go with it)."""
    step = ctx.step()
    if step_answers(ctx.s, step) and not clean_bool(ctx.payload.get("confirm")):
        ctx.fail(_l("This step has answers. Tick “Delete its answers too” to remove it."))
    steps = _ordered(ctx)
    i = steps.index(step)
    steps.remove(step)
    if ctx.dialogue.current_step_id == step.id:
        following = steps[i] if i < len(steps) else (steps[-1] if steps else None)
        ctx.dialogue.current_step_id = following.id if following else None
    ctx.s.flush()
    # Items from this step's texts in later voting steps go with them (cascade).
    ctx.s.delete(step)
    _renumber(steps)
    ctx.changed(everyone=True)
    return {"step_id": step.id, "message": str(_l("The step was removed."))}


# -- co-facilitators -------------------------------------------------------------

def _owner_only(ctx: CommandContext) -> None:
    if ctx.actor.facilitator_id != ctx.dialogue.owner_id:
        ctx.fail(_l("Only the dialogue's owner can do this."))


@command("share_add", roles=FACILITATOR_ONLY, audit=True, when=ALWAYS)
def share_add(ctx: CommandContext) -> dict:
    """Let another facilitator account run this dialogue too (by its e-mail)."""
    _owner_only(ctx)
    email = clean_text(ctx.payload.get("email"), 254, multiline=False).lower()
    account = ctx.s.scalar(select(Facilitator).where(Facilitator.email == email))
    if account is None:
        ctx.fail(_l("No facilitator account has this e-mail address."))
    if account.id == ctx.dialogue.owner_id:
        ctx.fail(_l("You own this dialogue already."))
    if ctx.s.get(DialogueShare, (ctx.dialogue.id, account.id)) is None:
        ctx.s.add(DialogueShare(dialogue_id=ctx.dialogue.id, facilitator_id=account.id))
    return {"facilitator_id": account.id,
            "message": str(_l("%(email)s can now run this dialogue.", email=account.email))}


@command("share_remove", roles=FACILITATOR_ONLY, audit=True, when=ALWAYS)
def share_remove(ctx: CommandContext) -> dict:
    """Stop sharing with a co-facilitator (the owner, or the co-facilitator leaving)."""
    fid = clean_int(ctx.payload.get("facilitator_id"), 1, 2**31)
    if ctx.actor.facilitator_id not in (ctx.dialogue.owner_id, fid):
        ctx.fail(_l("Only the dialogue's owner can do this."))
    share = ctx.s.get(DialogueShare, (ctx.dialogue.id, fid))
    if share is None:
        ctx.fail(_l("This person is not a co-facilitator."))
    ctx.s.delete(share)
    return {"facilitator_id": fid, "message": str(_l("The dialogue is no longer shared with them."))}


def co_facilitators(s, dialogue: Dialogue) -> list[Facilitator]:
    """The accounts a dialogue is shared with."""
    return list(s.scalars(select(Facilitator).join(DialogueShare, DialogueShare.facilitator_id == Facilitator.id)
                          .where(DialogueShare.dialogue_id == dialogue.id).order_by(Facilitator.email)))


# -- duplicate -----------------------------------------------------------------

COPIED_FIELDS = ("method", "topic", "language", "municipality", "place", "organiser", "ask_role",
                 "retention_days")


def duplicate_dialogue(source: Dialogue, owner_id: int, title: str) -> Dialogue:
    """A new draft with the source's details and steps (no participants, answers or helpers)."""
    with db.write() as s:
        src = s.get(Dialogue, source.id)
        copy = Dialogue(code=new_code(s), screen_token=new_token(), owner_id=owner_id, title=title,
                        state="draft", **{f: getattr(src, f) for f in COPIED_FIELDS})
        s.add(copy)
        s.flush()
        for step in src.steps:
            s.add(Step(dialogue_id=copy.id, position=step.position, kind=step.kind, texts=dict(step.texts),
                       config=dict(step.config), minutes=step.minutes))
        # The method's own themes (report headings) come along; themes made from answers do not.
        for theme in s.scalars(select(Theme).where(Theme.dialogue_id == src.id, Theme.key != "")):
            s.add(Theme(dialogue_id=copy.id, key=theme.key, name=theme.name))
        for table in tables.tables_of(s, src.id):  # the tables, not who sat there
            tables.add(s, copy.id, table.name, table.description)
        s.flush()
        first = s.scalar(select(Step).where(Step.dialogue_id == copy.id).order_by(Step.position))
        copy.current_step_id = first.id if first else None
        s.add(AuditEvent(dialogue_id=copy.id, actor=f"f:{owner_id}", action="duplicate", detail={"from": src.id}))
    return copy

