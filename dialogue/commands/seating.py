"""Tables and who sits where: the commands (the rules themselves: dialogue/tables.py).

The facilitator adds, renames and removes tables, seats participants (evenly at random,
or balanced by their self-declared role), moves anyone, starts a new world-café round
and harvests the tables' answers into one vote. A participant chooses or changes their
own table. A table host writes their table's summary for the next round's group.
Every change of seats tells the phones (`seating` in their state), so they redraw.
"""
from __future__ import annotations

import random

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from dialogue import activities, tables
from dialogue.actors import FACILITATOR_ONLY, PARTICIPANTS_ONLY, STAFF
from dialogue.commands.core import AFTERWARDS, CommandContext, command
from dialogue.commands.preparation import MAX_STEPS, _ordered, _renumber
from dialogue.config import LANGUAGES
from dialogue.models import Contribution, DialogueTable, Helper, Participant, Step
from dialogue.textclean import clean_bool, clean_int, clean_text

ASSIGN_MODES = ("even", "balanced")


def _table(ctx: CommandContext, key: str = "table_id") -> DialogueTable:
    table = tables.find(ctx.s, ctx.dialogue.id, ctx.payload.get(key))
    if table is None:
        ctx.fail(_l("This table does not exist."))
    return table


def _seated(ctx: CommandContext) -> None:
    """Seats changed: phones redraw, staff and screens update."""
    ctx.dialogue.seating += 1
    ctx.changed(everyone=True, wall=True)


def _rng(ctx: CommandContext) -> random.Random:
    """Unpredictable, unless a `seed` is given (a draw that can be repeated and checked)."""
    seed = ctx.payload.get("seed")
    return random.SystemRandom() if seed in (None, "") else random.Random(clean_int(seed, 0, 2**31))


def _participants(ctx: CommandContext) -> list[Participant]:
    return list(ctx.s.scalars(select(Participant).where(
        Participant.dialogue_id == ctx.dialogue.id, Participant.removed.is_(False)).order_by(Participant.id)))


# -- the tables ------------------------------------------------------------------------

@command("table_add", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def table_add(ctx: CommandContext) -> dict:
    """Add a table: `name` and an optional `description` (what the table works on)."""
    name = clean_text(ctx.payload.get("name"), tables.NAME_MAX, multiline=False)
    description = clean_text(ctx.payload.get("description"), tables.DESCRIPTION_MAX, required=False)
    if len(tables.tables_of(ctx.s, ctx.dialogue.id)) >= tables.MAX_TABLES:
        ctx.fail(tables.TOO_MANY)
    table = tables.add(ctx.s, ctx.dialogue.id, name, description)
    ctx.changed(everyone=True)
    return {"table_id": table.id, "code": table.code, "message": str(_l("The table was added."))}


@command("table_update", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def table_update(ctx: CommandContext) -> dict:
    """Rename a table or change its description."""
    table = _table(ctx)
    table.name = clean_text(ctx.payload.get("name"), tables.NAME_MAX, multiline=False)
    table.description = clean_text(ctx.payload.get("description"), tables.DESCRIPTION_MAX, required=False)
    ctx.changed(everyone=True, wall=True)
    return {"table_id": table.id, "message": str(_l("The table was saved."))}


@command("table_remove", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def table_remove(ctx: CommandContext) -> dict:
    """Remove a table nobody has written at yet; its people and host link are unseated."""
    table = _table(ctx)
    written = ctx.s.scalar(select(func.count()).select_from(Contribution).where(Contribution.table_id == table.id))
    if written:
        ctx.fail(_l("Answers were written at this table, so it stays in the report. Rename it instead."))
    ctx.s.execute(update(Participant).where(Participant.table_id == table.id).values(table_id=None))
    ctx.s.execute(update(Helper).where(Helper.table_id == table.id).values(table_id=None))
    if ctx.dialogue.screen_table_id == table.id:
        ctx.dialogue.screen_table_id = None
    ctx.s.delete(table)
    _seated(ctx)
    return {"message": str(_l("The table was removed."))}


# -- who sits where ------------------------------------------------------------------------

@command("table_join", roles=PARTICIPANTS_ONLY)
def table_join(ctx: CommandContext) -> dict:
    """A participant sits at a table: by `table_id` (the chooser) or `code` (the table's card)."""
    if ctx.payload.get("code") not in (None, ""):
        table = tables.find_by_code(ctx.s, ctx.dialogue.id, ctx.payload.get("code"))
        if table is None:
            ctx.fail(tables.words(ctx.dialogue.method)["no_code"])
    else:
        table = _table(ctx)
    ctx.s.get(Participant, ctx.actor.participant_id).table_id = table.id
    ctx.changed(everyone=True)
    return {"table_id": table.id, "message": str(tables.words(ctx.dialogue.method)["you_are"]) % {"name": table.name}}


@command("table_move", roles=FACILITATOR_ONLY, audit=True)
def table_move(ctx: CommandContext) -> dict:
    """Move a participant to another table (`table_id` empty: not at any table)."""
    person = ctx.s.get(Participant, clean_int(ctx.payload.get("participant_id"), 1, 2**31))
    if person is None or person.dialogue_id != ctx.dialogue.id or person.removed:
        ctx.fail(_l("This participant is not in this dialogue."))
    person.table_id = None if ctx.payload.get("table_id") in (None, "") else _table(ctx).id
    _seated(ctx)
    return {"participant_id": person.id, "table_id": person.table_id, "message": str(_l("Moved."))}


@command("table_assign", roles=FACILITATOR_ONLY, audit=True)
def table_assign(ctx: CommandContext) -> dict:
    """Seat participants: `mode` even (at random) or balanced (roles mixed at every table);
    `everyone` reseats all, otherwise only those without a table."""
    mode = ctx.payload.get("mode")
    if mode not in ASSIGN_MODES:
        ctx.fail(_l("Choose how to seat people."))
    table_ids = [t.id for t in tables.tables_of(ctx.s, ctx.dialogue.id)]
    if not table_ids:
        ctx.fail(_l("Add the tables first."))
    people = _participants(ctx)
    if not clean_bool(ctx.payload.get("everyone")):
        people = [p for p in people if p.table_id is None]
    seats = tables.deal(people, table_ids, _rng(ctx),
                        role_of=(lambda p: p.role) if mode == "balanced" else None)
    for person, table_id in seats.items():
        person.table_id = table_id
    _seated(ctx)
    return {"seated": len(seats), "message": str(_l("%(n)s people were seated.", n=len(seats)))}


@command("table_round", roles=FACILITATOR_ONLY, audit=True)
def table_round(ctx: CommandContext) -> dict:
    """Start a new world-café round: participants change tables, the hosts stay, and each
    table's summary of the last round is shown to its next group."""
    table_ids = [t.id for t in tables.tables_of(ctx.s, ctx.dialogue.id)]
    if len(table_ids) < 2:
        ctx.fail(_l("A new round needs at least two tables."))
    for person, table_id in tables.reshuffle(_participants(ctx), table_ids, _rng(ctx)).items():
        person.table_id = table_id
    ctx.dialogue.table_round += 1
    _seated(ctx)
    return {"round": ctx.dialogue.table_round,
            "message": str(_l("Round %(n)s started: people moved to new tables.", n=ctx.dialogue.table_round))}


# -- at the table ---------------------------------------------------------------------------

@command("table_summary", roles=STAFF, when=AFTERWARDS)
def table_summary(ctx: CommandContext) -> dict:
    """The table's summary of this round, for the next group and the report (a host: their table)."""
    table = _table(ctx)
    ctx.check_table(table.id)
    table.summary = clean_text(ctx.payload.get("summary"), tables.SUMMARY_MAX, required=False)
    ctx.changed(everyone=True, wall=True)
    return {"table_id": table.id, "message": str(_l("The summary was saved."))}


@command("screen_table", roles=FACILITATOR_ONLY, when=AFTERWARDS)
def screen_table(ctx: CommandContext) -> dict:
    """Put one table's wall on the screen (`table_id`), or every table's side by side (empty)."""
    ctx.dialogue.screen_table_id = None if ctx.payload.get("table_id") in (None, "") else _table(ctx).id
    ctx.changed(wall=True)
    return {"table_id": ctx.dialogue.screen_table_id, "message": str(_l("The screen was changed."))}


@command("table_harvest", roles=FACILITATOR_ONLY, audit=True)
def table_harvest(ctx: CommandContext) -> dict:
    """Bring the tables' answers of a step worked by table together: a dot vote across all
    tables, right after it, whose items are every table's answers."""
    source = ctx.step()
    if not (tables.by_table(source) and activities.get(source.kind).collects_contributions):
        ctx.fail(_l("Choose a step where the tables wrote answers."))
    steps = _ordered(ctx)
    if len(steps) >= MAX_STEPS:
        ctx.fail(_l("A dialogue can have at most %(n)s steps.", n=MAX_STEPS))
    texts = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            texts[lang] = {"title": gettext("All tables' answers"),
                           "body": gettext("Put your dots on what matters most, whichever table it came from.")}
    harvest = Step(dialogue_id=ctx.dialogue.id, position=0, kind="dots", texts=texts, minutes=0,
                   config=activities.get("dots").all_settings())
    ctx.s.add(harvest)
    steps.insert(steps.index(source) + 1, harvest)
    _renumber(steps)
    harvest.config = {**harvest.config, "source_step": source.position}  # after renumbering
    ctx.s.flush()
    ctx.changed(everyone=True)
    return {"step_id": harvest.id, "message": str(_l("A vote of all tables' answers was added after the step."))}
