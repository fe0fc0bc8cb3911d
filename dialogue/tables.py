"""Tables: the small groups of a dialogue, and the one rule of who works where.

Any step can be worked "by table" (its `by_table` setting): what participants write,
the items made of it and their votes then belong to the writer's table; each table
sees its own wall, a table host (a helper link with a table) sees and moderates only
their table, and the facilitator sees all tables side by side. Everything that asks
"whose table is this, may this actor see it" asks here.
"""
from __future__ import annotations

import random
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialogue.actors import FACILITATOR, HELPER, PARTICIPANT, Actor
from dialogue.models import DialogueTable, Helper, Participant, Step
from dialogue.textclean import InvalidInput, clean_int

MAX_TABLES = 40
NAME_MAX = 80
DESCRIPTION_MAX = 500
SUMMARY_MAX = 2000
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read off a card
TOO_MANY = _l("This dialogue has the largest number of tables already.")

T = TypeVar("T")

#: What phones call a dialogue's small groups, by the method's `table_word` (method.json):
#: people sit at tables, but a walk's groups walk. (Staff pages say tables for both.)
WORDS: dict[str, dict[str, Any]] = {
    "table": {
        "one": _l("Table"), "yours": _l("Your table"), "yours_label": _l("Your table:"),
        "choose": _l("Choose your table"), "join": _l("Sit at this table"), "change": _l("Change table"),
        "code": _l("Or type the code on the table's card"), "go": _l("Go to the table"),
        "now": _l("We work at tables now"),
        "how": _l("Sit at a table and choose it here. Then you see your table's task."),
        "previous": _l("What the table's previous group found"),
        "first": _l("Choose your table first."), "you_are": _l("You are at table %(name)s."),
        "no_code": _l("There is no table with this code. Check the code on the table's card."),
    },
    "group": {
        "one": _l("Group"), "yours": _l("Your group"), "yours_label": _l("Your group:"),
        "choose": _l("Choose your group"), "join": _l("Join this group"), "change": _l("Change group"),
        "code": _l("Or type the code on your group's card"), "go": _l("Go to the group"),
        "now": _l("We work in groups now"),
        "how": _l("Join a group and choose it here. Then you see your group's task."),
        "previous": _l("What the group found in the last round"),
        "first": _l("Choose your group first."), "you_are": _l("You are in group %(name)s."),
        "no_code": _l("There is no group with this code. Check the code on your group's card."),
    },
}


def words(method_key: str) -> dict[str, Any]:
    """The phone's words for the small groups of a dialogue of this method (WORDS)."""
    from dialogue import methodology  # (methods load activities, which use this module)
    method = methodology.REGISTRY.get(method_key)
    return WORDS[method.table_word if method is not None else "table"]


def by_table(step: Step | None) -> bool:
    """Whether this step is worked by table."""
    return bool(step is not None and step.config.get("by_table"))


def tables_of(s: Session, dialogue_id: int) -> list[DialogueTable]:
    """The dialogue's tables in their order."""
    return list(s.scalars(select(DialogueTable).where(DialogueTable.dialogue_id == dialogue_id)
                          .order_by(DialogueTable.position, DialogueTable.id)))


def table_names(s: Session, dialogue_id: int) -> dict[int, str]:
    """Table id -> name, for labels in walls and reports."""
    return {t.id: t.name for t in tables_of(s, dialogue_id)}


def seat_counts(s: Session, dialogue_id: int) -> dict[int | None, int]:
    """How many (not removed) participants sit at each table; None: not seated yet."""
    rows = s.execute(select(Participant.table_id, func.count()).where(
        Participant.dialogue_id == dialogue_id, Participant.removed.is_(False)).group_by(Participant.table_id))
    return dict(rows.all())


def hosted_tables(s: Session, dialogue_id: int) -> list[int]:
    """The tables that have a (working) table host link: each gets its own live state."""
    return list(s.scalars(select(Helper.table_id).where(
        Helper.dialogue_id == dialogue_id, Helper.table_id.is_not(None), Helper.revoked.is_(False)).distinct()))


def new_code(s: Session, dialogue_id: int) -> str:
    """A short code for a table's own QR code, unique in its dialogue."""
    taken = set(s.scalars(select(DialogueTable.code).where(DialogueTable.dialogue_id == dialogue_id)))
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(4))
        if code not in taken:
            return code


def find(s: Session, dialogue_id: int, table_id: Any) -> DialogueTable | None:
    """The dialogue's table with this id (None for anything else)."""
    try:
        table = s.get(DialogueTable, clean_int(table_id, 1, 2**31))
    except InvalidInput:
        return None
    return table if table is not None and table.dialogue_id == dialogue_id else None


def find_by_code(s: Session, dialogue_id: int, code: str) -> DialogueTable | None:
    """The dialogue's table with this short code (case does not matter)."""
    code = code.strip().upper()[:8] if isinstance(code, str) else ""
    return s.scalar(select(DialogueTable).where(DialogueTable.dialogue_id == dialogue_id, DialogueTable.code == code))


def add(s: Session, dialogue_id: int, name: str, description: str = "") -> DialogueTable:
    """A new table at the end of the dialogue's tables."""
    position = (s.scalar(select(func.max(DialogueTable.position)).where(
        DialogueTable.dialogue_id == dialogue_id)) or 0) + 1
    table = DialogueTable(dialogue_id=dialogue_id, name=name, description=description, position=position,
                          code=new_code(s, dialogue_id))
    s.add(table)
    s.flush()
    return table


def find_or_add(s: Session, dialogue_id: int, name: str) -> DialogueTable:
    """The dialogue's table of this name, made if there is none (a host link's table)."""
    table = s.scalar(select(DialogueTable).where(DialogueTable.dialogue_id == dialogue_id,
                                                 func.lower(DialogueTable.name) == name.lower()))
    return table or add(s, dialogue_id, name)


# -- who may see and write what ---------------------------------------------------------

def may_see(actor: Actor, table_id: int | None) -> bool:
    """Whether `actor` may read or moderate what belongs to `table_id`.

    Staff without a table (the facilitator, a scribe) see every table; a table host and a
    participant only their own. What belongs to no table is everyone's.
    """
    if table_id is None:
        return True
    if actor.role == PARTICIPANT or actor.table_id is not None:
        return actor.table_id == table_id
    return actor.is_staff


def may_moderate(actor: Actor, table_id: int | None) -> bool:
    """Whether `actor` may hide or restore an answer of `table_id`: the facilitator any,
    a table host their own table's, no other helper and no participant."""
    if actor.role == FACILITATOR:
        return True
    return actor.role == HELPER and actor.table_id is not None and actor.table_id == table_id


def visible_table(actor: Actor) -> int | None:
    """The one table `actor`'s views are limited to, or None for all tables."""
    return actor.table_id if actor.role == PARTICIPANT or actor.table_id is not None else None


def write_table(actor: Actor, step: Step, requested: Any = None, s: Session | None = None) -> int | None:
    """The table a write in `step` belongs to, or None when the step is not worked by table.

    A participant writes at their own table (and must have one); a table host at theirs;
    the facilitator or a scribe may name the table (`requested`) when entering for a table.
    Raises ValueError (with a message for people) when the write has no table it may go to.
    """
    if not by_table(step):
        return None
    if actor.role == PARTICIPANT:
        if actor.table_id is None:
            raise ValueError(words(step.dialogue.method)["first"])
        return actor.table_id
    if actor.table_id is not None:
        return actor.table_id
    if requested in (None, "") or s is None:
        return None
    table = find(s, step.dialogue_id, requested)
    if table is None:
        raise ValueError(_l("This table does not exist."))
    return table.id


def seat_context(s: Session, dialogue_id: int, actor: Actor | None, step: Step | None) -> dict[str, Any]:
    """What a phone shows about tables: the tables to choose from, the participant's own,
    whether they must choose before this step, and their table's summary of the last round."""
    all_tables = tables_of(s, dialogue_id)
    mine = next((t for t in all_tables if actor is not None and t.id == actor.table_id), None)
    return {"tables": all_tables, "mine": mine,
            "needed": by_table(step) and mine is None and bool(all_tables),
            "summary": mine.summary if mine is not None and by_table(step) else ""}


# -- grouping --------------------------------------------------------------------------

def group_by_table(rows: Iterable[T], table_of, tables: Sequence[DialogueTable]) -> list[dict[str, Any]]:
    """Rows grouped under the dialogue's tables in order: [{id, name, rows}], then the rows
    of no table (id None), if any. `table_of(row)` gives a row's table id."""
    grouped: dict[int | None, list[T]] = defaultdict(list)
    for row in rows:
        grouped[table_of(row)].append(row)
    out = [{"id": t.id, "name": t.name, "rows": grouped.pop(t.id, [])} for t in tables]
    leftover = [r for rows_ in grouped.values() for r in rows_]
    if leftover:
        out.append({"id": None, "name": "", "rows": leftover})
    return out


# -- who sits where -------------------------------------------------------------------------

def deal(people: Sequence[T], table_ids: Sequence[int], rng: random.Random, *,
         role_of=None) -> dict[T, int]:
    """Seat `people` at `table_ids`: table sizes differ by at most one.

    With `role_of`, people are dealt role by role (each role shuffled), so every role is
    spread over the tables as evenly as its numbers allow: residents, experts and
    decision-makers mix. Without it, the order is random.
    """
    if not table_ids:
        return {}
    order = list(people)
    rng.shuffle(order)
    if role_of is not None:
        by_role: dict[str, list[T]] = defaultdict(list)
        for person in order:
            by_role[role_of(person) or ""].append(person)
        # The largest group first: it is the hardest to spread evenly.
        order = [p for _role, group in sorted(by_role.items(), key=lambda kv: (-len(kv[1]), kv[0]))
                 for p in group]
    return {person: table_ids[n % len(table_ids)] for n, person in enumerate(order)}


def reshuffle(people: Sequence[Participant], table_ids: Sequence[int], rng: random.Random) -> dict[Participant, int]:
    """A new world-café round: tablemates part, and table sizes still differ by at most one.

    People are lined up table by table and dealt round the tables from one table on, so
    the members of one table go to different tables (as far as there are tables enough).
    """
    index = {t: n for n, t in enumerate(table_ids)}
    order = list(people)
    rng.shuffle(order)
    order.sort(key=lambda p: index.get(p.table_id, -1))
    return {person: table_ids[(n + 1) % len(table_ids)] for n, person in enumerate(order)} if table_ids else {}
