"""A step worked by table, table by table: its answers, voters, votes and summary.

The small-group rule holds per table: a table's vote figures are shown only when at
least the minimum group size voted there (its texts may always be shown; they are
anonymous and masked). The harvest (all tables together) is the step's own results.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dialogue import tables
from dialogue.models import Contribution, Item, Step, Vote
from dialogue.synthesis import pii
from dialogue.synthesis.groups import large_enough


def step_by_table(s: Session, step: Step, minimum: int | None = None) -> list[dict[str, Any]] | None:
    """Each table's part of `step` (None when the step is not worked by table):
    [{name, answers, voters, votes: [{item, value}] or None when too few voted, summary}]."""
    if not tables.by_table(step):
        return None
    answers = dict(s.execute(select(Contribution.table_id, func.count()).where(
        Contribution.step_id == step.id, Contribution.hidden.is_(False), Contribution.private.is_(False),
        Contribution.table_id.is_not(None)).group_by(Contribution.table_id)).all())
    voters = dict(s.execute(select(Vote.table_id, func.count(func.distinct(Vote.participant_id))).where(
        Vote.step_id == step.id, Vote.table_id.is_not(None)).group_by(Vote.table_id)).all())
    sums: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for table_id, text, value in s.execute(
            select(Vote.table_id, Item.text, func.sum(Vote.value)).join(Item, Item.id == Vote.item_id).where(
                Vote.step_id == step.id, Vote.table_id.is_not(None), Item.hidden.is_(False))
            .group_by(Vote.table_id, Item.id, Item.text).order_by(func.sum(Vote.value).desc(), Item.id)):
        sums[table_id].append((text, int(value or 0)))
    out = []
    for table in tables.tables_of(s, step.dialogue_id):
        n = voters.get(table.id, 0)
        shown = n > 0 and large_enough(n, minimum)
        out.append({"name": pii.mask(table.name), "answers": answers.get(table.id, 0), "voters": n,
                    "votes": [{"item": pii.mask(text), "value": value} for text, value in sums[table.id]]
                    if shown else None,
                    "summary": pii.mask(table.summary or "")})
    return out
