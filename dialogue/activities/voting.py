"""What every voting kind shares: items, vote checks, results visibility, staff commands.

The six voting kinds (dots, stance, scale, poll, rank, questions) subclass
`VotingActivity`. Items come from the step's `items` list (written by the facilitator)
and/or the visible contributions of an earlier step (`source_step`: that step's
position); they are copied into `Item` rows when the step is made current and when
the facilitator refreshes them. Votes are `Vote` rows (one per participant, item and
criterion: a unique constraint); paper and show-of-hands counts are `StaffCount` rows.

The checks that keep tallies exact run inside the command's write transaction
(BEGIN IMMEDIATE on SQLite; the participant's row locked FOR UPDATE on PostgreSQL),
so two simultaneous requests from one phone cannot both pass a budget check.
"""
from __future__ import annotations

import hashlib
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from dialogue import tables
from dialogue.activities.base import HIDE_RESULTS_DEFAULT, Activity, PaperQuestion, of_kind
from dialogue.actors import FACILITATOR_ONLY, STAFF, Actor
from dialogue.commands.core import AFTERWARDS, CommandContext, command
from dialogue.hot_sql import HotStatement
from dialogue.models import Dialogue, Item, Participant, StaffCount, Step, Vote
from dialogue.synthesis import pii, tally
from dialogue.textclean import InvalidInput, clean_bool, clean_int, clean_text

ITEM_MAX = 500
MAX_ITEMS = 200
MAX_STAFF_COUNT = 10000


# -- items ------------------------------------------------------------------------

def item_source(item: Item) -> str:
    """Where an item came from: the facilitator's list, a contribution, a participant or staff."""
    if item.contribution_id is not None:
        return "contribution"
    if item.participant_id is not None:
        return "participant"
    if item.by_staff:
        return "staff"
    return "list"


def item_text(item: Item, *, masked: bool) -> str:
    """The item's text; masked (personal data hidden) for everyone but staff."""
    return pii.mask(item.text) if masked else item.text


def visible_items(s: Session, step_id: int, table_id: int | None = None) -> list[Item]:
    """The items participants vote on: not hidden, not waiting for moderation.

    With `table_id`, a table's view: the items of every table's and its own (tables.py).
    """
    query = select(Item).where(Item.step_id == step_id, Item.hidden.is_(False), Item.pending.is_(False))
    if table_id is not None:
        query = query.where(or_(Item.table_id.is_(None), Item.table_id == table_id))
    return list(s.scalars(query.order_by(Item.position, Item.id)))


def items_for(s: Session, step: Step, participant_id: int) -> list[Item]:
    """The items this participant votes on: in a step worked by table, their table's and
    every table's; otherwise all visible items."""
    table_id = s.get(Participant, participant_id).table_id if tables.by_table(step) else None
    return visible_items(s, step.id, table_id)


def all_items(s: Session, step_id: int) -> list[Item]:
    """Every item of a step, hidden and pending ones too (for staff)."""
    return list(s.scalars(select(Item).where(Item.step_id == step_id).order_by(Item.position, Item.id)))


def item_json(item: Item, *, masked: bool) -> dict[str, Any]:
    return {"id": item.id, "text": item_text(item, masked=masked), "source": item_source(item),
            "contribution_id": item.contribution_id}


def next_position(s: Session, step_id: int) -> int:
    return (s.scalar(select(func.max(Item.position)).where(Item.step_id == step_id)) or 0) + 1


def source_step(s: Session, step: Step) -> Step | None:
    """The earlier step of the same dialogue named by `source_step` (its position), if any."""
    position = step.config.get("source_step")
    if position is None or isinstance(position, bool) or not isinstance(position, int):
        return None
    source = s.scalar(select(Step).where(Step.dialogue_id == step.dialogue_id, Step.position == position))
    if source is None or source.position >= step.position or source.id == step.id:
        return None
    return source


def sync_items(s: Session, step: Step) -> int:
    """Copy the step's listed items and the earlier step's visible contributions into items.

    Idempotent: a listed text or a contribution already copied is not copied again.
    A contribution hidden since is hidden here too. Returns the number of new items.
    """
    existing = all_items(s, step.id)
    position = max((i.position for i in existing), default=0) + 1
    added = 0
    listed = {i.text for i in existing if item_source(i) == "list"}
    language = None
    for raw in step.config.get("items") or []:
        if isinstance(raw, dict):  # a text per language: the dialogue's
            if language is None:
                language = s.get(Dialogue, step.dialogue_id).language
            raw = raw.get(language) or raw.get("fi") or next(iter(raw.values()), "")
        text = " ".join(str(raw).split())[:ITEM_MAX]
        if text and text not in listed:
            s.add(Item(step_id=step.id, text=text, position=position))
            listed.add(text)
            position += 1
            added += 1
    source = source_step(s, step)
    if source is not None:
        copied = {i.contribution_id: i for i in existing if i.contribution_id is not None}
        # The source's kind says which of its rows become items, and how they read.
        rows, text_of = of_kind(source.kind).items_from(s, source)
        for c in rows:
            item = copied.get(c.id)
            if item is not None:
                if c.hidden:
                    item.hidden = True
                continue
            if c.hidden:
                continue
            s.add(Item(step_id=step.id, contribution_id=c.id, text=text_of(c), position=position,
                       table_id=getattr(c, "table_id", None) if tables.by_table(step) else None))
            position += 1
            added += 1
    s.flush()
    return added


def personal_order(step_id: int, participant_id: int, items: list[Item]) -> list[Item]:
    """The items in this participant's own stable random order (new items slot in)."""
    def key(item: Item) -> str:
        return hashlib.sha256(f"{step_id}:{participant_id}:{item.id}".encode()).hexdigest()
    return sorted(items, key=key)


# -- checks inside the write transaction -------------------------------------------

NOT_AVAILABLE = _l("This item is not available. Reload the page to see the current items.")


def voting_step(ctx: CommandContext, kind: str) -> Step:
    """The payload's step if it is of `kind`, open now, and still taking votes."""
    step = ctx.open_step(kind)
    if step.voting_closed and not ctx.actor.is_staff:
        ctx.fail(_l("Voting has ended in this step."))
    return step


def lock_voter(ctx: CommandContext) -> int:
    """The voting participant's id, with their row locked until commit (PostgreSQL).

    On SQLite the whole write transaction is already serialised (BEGIN IMMEDIATE).
    The lock makes a participant's budget check and insert one step, so two
    simultaneous requests from the same phone are checked one after the other.
    """
    pid = ctx.actor.participant_id
    if pid is None:
        ctx.fail(_l("Only participants vote here. Staff enter paper votes with the staff count form."))
    if ctx.s.get_bind().dialect.name != "sqlite":  # SQLite ignores FOR UPDATE: a query for nothing
        ctx.s.execute(select(Participant.id).where(Participant.id == pid).with_for_update())
    return pid


def votable_item(ctx: CommandContext, step: Step, key: str = "item_id") -> Item:
    """The item named in the payload, if it is a visible item of this step."""
    try:
        item_id = clean_int(ctx.payload.get(key), 1, 2**31)
    except InvalidInput:
        ctx.fail(NOT_AVAILABLE)
    item = ctx.s.get(Item, item_id)
    if item is None or item.step_id != step.id or item.hidden or item.pending \
            or not tables.may_see(ctx.actor, item.table_id):
        ctx.fail(NOT_AVAILABLE)
    return item


def my_votes(s: Session, step_id: int, participant_id: int) -> list[Vote]:
    return list(s.scalars(select(Vote).where(Vote.step_id == step_id, Vote.participant_id == participant_id)))


# The vote's statements, built once and run on the driver's cursor: on the per-vote path
# SQLAlchemy's building and executing a statement cost more than running it, and the ORM's
# own UPDATE (which looks for the vote objects a session holds) cost more than the whole
# insert (docs/performance.md, hot_sql.py). Vote objects a session holds are expired instead.
_VOTE = Vote.__table__.c
# (An UPDATE's parameters may not carry its columns' names: hence "the_".)
_MINE = and_(_VOTE.item_id == bindparam("the_item"), _VOTE.participant_id == bindparam("the_participant"),
             _VOTE.criterion == bindparam("the_criterion"))
_MY_VALUES = HotStatement(select(_VOTE.item_id, _VOTE.value).where(
    _VOTE.step_id == bindparam("step_id"), _VOTE.participant_id == bindparam("participant_id"),
    _VOTE.criterion == bindparam("criterion")))
_CURRENT = HotStatement(select(_VOTE.value).where(_MINE))
_INSERT = HotStatement(insert(Vote.__table__))
_CHANGE = HotStatement(update(Vote.__table__).where(_MINE).values(value=bindparam("value")))
_REMOVE = HotStatement(delete(Vote.__table__).where(_MINE))


def my_values(s: Session, step_id: int, participant_id: int, criterion: str = "") -> dict[int, int]:
    """A participant's votes in a step as {item id: value}: plain rows, cheaper than `my_votes`
    on the per-vote path (the load benchmark's hottest query, docs/performance.md). Read on the
    session's connection, without flushing: call it before the command writes."""
    return dict(_MY_VALUES.run(s.connection(), {"step_id": step_id, "participant_id": participant_id,
                                                "criterion": criterion}).fetchall())


#: `set_vote`'s default: the vote's value now is not known to the caller.
LOOK_UP: Any = object()


def set_vote(s: Session, step: Step, item: Item, participant_id: int, value: int | None,
             criterion: str = "", *, current: int | None = LOOK_UP) -> None:
    """Insert, change or (value None) remove one participant's vote on an item.

    `current`: the vote's value now (None: no vote yet), when the caller has just read it;
    it saves a query on the dot vote's path (docs/performance.md).
    """
    mine = {"the_item": item.id, "the_participant": participant_id, "the_criterion": criterion}
    conn = s.connection()
    if current is LOOK_UP:
        row = _CURRENT.run(conn, mine).fetchone()
        current = row[0] if row else None
    if current is None:
        if value is not None:
            # In a step worked by table, the vote counts for the voter's table too (the report's figures).
            table_id = s.get(Participant, participant_id).table_id if tables.by_table(step) else None
            _INSERT.run(conn, {"step_id": step.id, "item_id": item.id, "participant_id": participant_id,
                               "criterion": criterion, "value": value, "table_id": table_id})
        return
    if value is None:
        _REMOVE.run(conn, mine)
    elif value != current:
        _CHANGE.run(conn, {**mine, "value": value})
    for row in s.identity_map.values():  # (rarely any: moderation loads votes as objects)
        if isinstance(row, Vote):
            s.expire(row)


def clear_votes(s: Session, step_id: int, participant_id: int) -> None:
    """Remove all of a participant's votes in a step (before a poll or rank ballot is replaced)."""
    s.execute(delete(Vote).where(Vote.step_id == step_id, Vote.participant_id == participant_id))


def results_visible(step: Step, *, staff: bool) -> bool:
    """Staff always see results; others once revealed, or at once if the step does not hide them."""
    return staff or step.revealed or not step.config.get("hide_results", False)


# -- the base class --------------------------------------------------------------

class VotingActivity(Activity):
    """A kind of step where participants vote on items; subclasses define the rules."""

    #: Whether the step's `items` list and `source_step` fill its items.
    uses_item_list: ClassVar[bool] = True
    supports_tables = True
    #: Whether an item the facilitator adds in the console counts as entered by staff
    #: (a question asked aloud) rather than as part of the list (an option, a statement).
    staff_items_are_entries: ClassVar[bool] = False
    #: Whether staff may enter paper/show-of-hands counts for it.
    takes_staff_counts: ClassVar[bool] = True
    paper_entry_template: ClassVar[str | None] = "activities/_staff_count_form.html"

    @property
    def staff_template(self) -> str:  # type: ignore[override]
        return f"activities/{self.key}_staff.html"

    def default_config(self) -> dict[str, Any]:
        return {"phones_down": False, "open_early": False, "hide_results": HIDE_RESULTS_DEFAULT,
                "source_step": None, "items": []}

    def clean_config(self, config: dict[str, Any]) -> dict[str, Any]:
        config = super().clean_config(config)
        for flag in ("hide_results", "open_early", "phones_down"):
            if not isinstance(config.get(flag), bool):
                raise ValueError(f"{flag} must be true or false")
        items = config.get("items")
        # An item is a text, or (in a method's definition) a text per language.
        if not isinstance(items, list) or len(items) > MAX_ITEMS or any(
                not isinstance(t, str) or not t.strip() or len(t) > ITEM_MAX
                for item in items for t in (item.values() if isinstance(item, dict) and item else [item])):
            raise ValueError(f"items must be a list of at most {MAX_ITEMS} texts of 1..{ITEM_MAX} characters")
        source = config.get("source_step")
        if source is not None and (isinstance(source, bool) or not isinstance(source, int) or source < 0):
            raise ValueError("source_step must be the position of an earlier step")
        return config

    @staticmethod
    def _int_setting(config: dict[str, Any], key: str, low: int, high: int, *, optional: bool = False) -> None:
        value = config.get(key)
        if optional and value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ValueError(f"{key} must be a whole number {low}..{high}")

    def on_enter(self, s: Session, step: Step) -> None:
        """Fill the items when the step is made current."""
        if self.uses_item_list:
            sync_items(s, step)

    # The interface each kind fills in.
    def staff_values(self, step: Step) -> list[tuple[int, str]]:
        """The values staff count per item (value, label), e.g. [(1, "agree"), (-1, "disagree")]."""
        return [(1, str(_l("Votes")))]

    def criteria(self, step: Step) -> list[dict[str, str]]:
        """The criteria an item is voted on (only `scale` has more than one)."""
        return [{"key": "", "label": ""}]

    def results(self, s: Session, step: Step, *, masked: bool = True) -> dict[str, Any]:
        """The step's results as the JSON export carries them (see docs/export.md)."""
        raise NotImplementedError

    def screen(self, results: dict[str, Any], step: Step) -> dict[str, Any]:
        """The screen's shape of the results: {"bars": [...]} and/or {"groups": [...]}."""
        return {"bars": []}

    def my_state(self, s: Session, step: Step, participant_id: int) -> dict[str, Any]:
        """Template variables about the participant's own votes."""
        return {}

    # The Activity interface, the same for every voting kind.
    def paper_questions(self, s, step):
        """A box per value for every item (and criterion); before the step has begun, its item list."""
        texts = [i.text for i in visible_items(s, step.id)] or list(step.config.get("items") or [])
        boxes = tuple(str(label) for _value, label in self.staff_values(step))
        criteria = [c["label"] for c in self.criteria(step)]
        return [PaperQuestion(f"{pii.mask(text)} – {criterion}" if criterion else pii.mask(text), boxes)
                for text in texts for criterion in criteria]

    def participant_context(self, s, step, actor: Actor | None):
        items = visible_items(s, step.id, tables.visible_table(actor) if actor else None)
        context: dict[str, Any] = {
            "items": [item_json(i, masked=True) for i in items],
            "voting_closed": step.voting_closed,
            "results": None,
        }
        if actor is not None and actor.participant_id is not None:
            context.update(self.my_state(s, step, actor.participant_id))
        # In a step worked by table the results name every table's items: the screen shows them.
        if results_visible(step, staff=False) and not tables.by_table(step):
            context["results"] = self.screen(self.results(s, step), step)
        return context

    def live_state(self, s, step, *, staff):
        results = self.results(s, step, masked=not staff)
        state = {"kind": self.key, "participants": results["participants"]["total"],
                 "took_part": results["participants"],  # phones and staff-entered, for the console
                 "closed": step.voting_closed, **self.screen(results, step)}
        if staff:
            state["pending"] = s.scalar(select(func.count()).select_from(Item).where(
                Item.step_id == step.id, Item.pending.is_(True), Item.hidden.is_(False))) or 0
        return state

    def phone_count(self, s, step):
        """The number of items on the phones (a candidate theme put up, a statement approved)."""
        return s.scalar(select(func.count()).select_from(Item).where(
            Item.step_id == step.id, Item.hidden.is_(False), Item.pending.is_(False))) or 0

    def staff_context(self, s, step):
        results = self.results(s, step, masked=False)
        names = {i.id: i.text for i in all_items(s, step.id)}
        entries = s.scalars(select(StaffCount).where(StaffCount.step_id == step.id).order_by(StaffCount.id))
        value_labels = dict(self.staff_values(step))
        return {
            "items": all_items(s, step.id),
            "visible": visible_items(s, step.id),
            "results": results,
            "screen": self.screen(results, step),
            "values": self.staff_values(step),
            "criteria": self.criteria(step),
            "uses_item_list": self.uses_item_list,
            "takes_staff_counts": self.takes_staff_counts,
            "source": source_step(s, step),
            "entries": [{"id": e.id, "item": names.get(e.item_id) if e.item_id else None,
                         "criterion": e.criterion, "value": value_labels.get(e.value, e.value),
                         "count": e.count, "by_helper": e.helper_id is not None} for e in entries],
        }

    def export(self, s, step):
        out = {"results": self.results(s, step, masked=True)}
        by_role = self.compare_roles(s, step, out["results"])
        if by_role:
            out["by_role"] = by_role
        return out

    # -- comparing roles ---------------------------------------------------------------

    def role_rows(self, results: dict[str, Any], counts: tally.Counts, voters: int) -> list[tuple[str, str]]:
        """One role group's answers as (row label, cell text) rows, in the order of the
        step's `results`; `counts` are that group's phone votes, `voters` its size. Kinds
        that compare roles override this (and `role_note`); the default compares nothing."""
        return []

    def role_note(self) -> str:
        """What a cell of the comparison by role says (a caption for people)."""
        return ""

    def compare_roles(self, s: Session, step: Step, results: dict[str, Any]) -> dict[str, Any] | None:
        """How each role group answered, side by side: {"note", "groups": [{"group", "count"}],
        "left_out", "rows": [{"label", "cells": [one text per group]}]}; None where fewer than
        two stated roles are large enough to show (`synthesis.by_role`)."""
        from dialogue.synthesis.by_role import role_counts
        from dialogue.synthesis.groups import min_group_size
        if type(self).role_rows is VotingActivity.role_rows:
            return None
        found = role_counts(s, step.id, min_group_size())
        if found is None:
            return None
        columns = [self.role_rows(results, found["counts"][g["group"]], g["count"]) for g in found["groups"]]
        rows = [{"label": label, "cells": [column[i][1] for column in columns]}
                for i, (label, _cell) in enumerate(columns[0])]
        return {"note": str(self.role_note()), "groups": found["groups"], "left_out": found["left_out"],
                "rows": rows}


# -- staff commands shared by every voting kind --------------------------------------

def _voting_step(ctx: CommandContext) -> tuple[Step, VotingActivity]:
    from dialogue.activities import get
    step = ctx.step()
    activity = get(step.kind)
    if not isinstance(activity, VotingActivity):
        ctx.fail(_l("This step has no voting."))
    return step, activity


def _staff_item(ctx: CommandContext) -> Item:
    """An item of this dialogue named in the payload (staff may touch hidden ones)."""
    item_id = clean_int(ctx.payload.get("item_id"), 1, 2**31)
    item = ctx.s.get(Item, item_id)
    step = ctx.s.get(Step, item.step_id) if item is not None else None
    if step is None or step.dialogue_id != ctx.dialogue.id:
        ctx.fail(NOT_AVAILABLE)
    return item


def _set_step_switch(ctx: CommandContext, attribute: str, key: str, on_message, off_message) -> dict:
    """Set a voting step's on/off switch (`attribute`) from the payload's `key`; everyone sees it."""
    step, _activity = _voting_step(ctx)
    value = clean_bool(ctx.payload.get(key))
    setattr(step, attribute, value)
    ctx.changed(everyone=True, tally=True)
    return {"step_id": step.id, key: value, "message": str(on_message if value else off_message)}


@command("close_voting", roles=FACILITATOR_ONLY, audit=True)
def close_voting(ctx: CommandContext) -> dict:
    """Stop (or resume) taking votes in a step; the results stay."""
    return _set_step_switch(ctx, "voting_closed", "closed",
                            _l("Voting has ended."), _l("Voting is open again."))


@command("refresh_items", roles=FACILITATOR_ONLY, audit=True)
def refresh_items(ctx: CommandContext) -> dict:
    """Copy new contributions of the earlier step (and listed items) into this step's items."""
    step, activity = _voting_step(ctx)
    added = sync_items(ctx.s, step) if activity.uses_item_list else 0
    ctx.changed(tally=True)
    return {"added": added, "message": str(_l("New items: %(n)s.", n=added))}


@command("add_item", roles=FACILITATOR_ONLY, audit=True)
def add_item(ctx: CommandContext) -> dict:
    """Write a new item (option, statement, question) into a voting step."""
    step, activity = _voting_step(ctx)
    text = clean_text(ctx.payload.get("text"), ITEM_MAX, multiline=False)
    count = ctx.s.scalar(select(func.count()).select_from(Item).where(Item.step_id == step.id)) or 0
    if count >= MAX_ITEMS:
        ctx.fail(_l("This step has too many items."))
    item = Item(step_id=step.id, text=text, position=next_position(ctx.s, step.id),
                by_staff=activity.staff_items_are_entries)
    ctx.s.add(item)
    ctx.s.flush()
    ctx.changed(tally=True)
    return {"item_id": item.id, "message": str(_l("Added."))}


@command("set_item_hidden", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def set_item_hidden(ctx: CommandContext) -> dict:
    """Hide an item from voting, the screen and the export (or restore it)."""
    item = _staff_item(ctx)
    item.hidden = clean_bool(ctx.payload.get("hidden"))
    if item.hidden:
        item.highlighted = False
    ctx.changed(tally=True)
    return {"item_id": item.id, "hidden": item.hidden}


@command("moderate_item", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def moderate_item(ctx: CommandContext) -> dict:
    """Approve a participant's statement or question (others see it), or reject it (hidden)."""
    item = _staff_item(ctx)
    approve = clean_bool(ctx.payload.get("approve"))
    item.pending = False
    item.hidden = not approve
    ctx.changed(tally=True)
    message = _l("Approved. Everyone sees it now.") if approve else _l("Rejected. Nobody else sees it.")
    return {"item_id": item.id, "approved": approve, "message": str(message)}


@command("staff_count", roles=STAFF)
def staff_count(ctx: CommandContext) -> dict:
    """Enter paper ballots or a show of hands: `n_<value>` votes of each value on one item.

    `people` (optional) says how many people these votes came from, so they count in
    the step's number of participants. Entries add up; a wrong one is removed and
    entered again.
    """
    step, activity = _voting_step(ctx)
    if not activity.takes_staff_counts:
        ctx.fail(_l("This step does not take counted votes."))
    item = None
    if ctx.payload.get("item_id") not in (None, ""):
        item = votable_item(ctx, step)
    criterion = ""
    keys = [c["key"] for c in activity.criteria(step)]
    if item is not None:
        criterion = ctx.payload.get("criterion") or (keys[0] if len(keys) == 1 else None)
        if criterion not in keys:
            ctx.fail(_l("Choose the criterion first."))
    rows = []
    if item is not None:
        for value, _label in activity.staff_values(step):
            raw = ctx.payload.get(f"n_{value}")
            if raw in (None, ""):
                continue
            n = clean_int(raw, 0, MAX_STAFF_COUNT)
            if n:
                rows.append(StaffCount(step_id=step.id, item_id=item.id, criterion=criterion, value=value,
                                       count=n, helper_id=ctx.actor.helper_id))
    people_raw = ctx.payload.get("people")
    if people_raw not in (None, ""):
        people = clean_int(people_raw, 0, MAX_STAFF_COUNT)
        if people:
            rows.append(StaffCount(step_id=step.id, item_id=None, criterion="", value=0, count=people,
                                   helper_id=ctx.actor.helper_id))
    if not rows:
        ctx.fail(_l("Write at least one count first."))
    ctx.s.add_all(rows)
    ctx.s.flush()
    ctx.audit("staff_count", step_id=step.id, item_id=item.id if item else None,
              counts={r.value: r.count for r in rows if r.item_id is not None})
    ctx.changed(tally=True)
    return {"ids": [r.id for r in rows], "message": str(_l("The counts were added to the results."))}


@command("remove_staff_count", roles=FACILITATOR_ONLY, audit=True, when=AFTERWARDS)
def remove_staff_count(ctx: CommandContext) -> dict:
    """Remove a wrong staff-entered count (it is entered again correctly)."""
    entry_id = clean_int(ctx.payload.get("entry_id"), 1, 2**31)
    entry = ctx.s.get(StaffCount, entry_id)
    step = ctx.s.get(Step, entry.step_id) if entry is not None else None
    if step is None or step.dialogue_id != ctx.dialogue.id:
        ctx.fail(_l("This count does not exist."))
    ctx.s.delete(entry)
    ctx.changed(tally=True)
    return {"entry_id": entry_id, "message": str(_l("The count was removed."))}


def participant_item_limit(ctx: CommandContext, step: Step, limit: int) -> None:
    """Refuse a participant's new statement/question past `limit` in one step (flood guard)."""
    mine = ctx.s.scalar(select(func.count()).select_from(Item).where(
        Item.step_id == step.id, Item.participant_id == ctx.actor.participant_id)) or 0
    if mine >= limit:
        ctx.fail(_l("You have sent the most you can in this step. Thank you!"))


def tally_for(s: Session, step: Step) -> tally.Counts:
    """The step's vote counts (a thin alias so kinds import one module)."""
    return tally.step_counts(s, step.id)


# -- key findings shared by the kinds that set priorities (dots, rank) ----------------

def priority_findings(step: dict[str, Any], minimum: int, unit) -> list:
    """The items the participants voted highest in a report step, as one drafted key finding.

    `unit(n)` names a count ("5 dots"). Nothing when fewer people than `minimum` voted
    (the small-group rule) or nothing got a vote.
    """
    from flask_babel import gettext as _

    from dialogue.export.blocks import top_items
    from dialogue.synthesis.findings import Draft, quote
    results = step.get("results") or {}
    people = (results.get("participants") or {}).get("total", 0)
    top = top_items(step, 3)
    if not top or people < minimum:
        return []
    listed = ", ".join(f"{quote(text)} ({unit(value)})" for text, value, _what in top)
    text = _("The participants' highest priorities in “%(step)s”: %(items)s.", step=step["title"], items=listed)
    return [Draft(text, "priorities", [step["title"]], people, weight=people)]
