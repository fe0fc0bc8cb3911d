"""Tallies of voting steps: exact counts from the database, phone and staff-entered apart.

Every voting kind (dots, stance, scale, poll, rank, questions) stores a phone vote as
one `Vote` row (item, criterion, value) and a paper or show-of-hands count as a
`StaffCount` row (`count` votes of `value`). This module reads both in two grouped
queries and answers "how many votes of this value on this item" for either source;
the kinds build their results from that. Nothing here knows who voted what.
"""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, TypeVar

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from dialogue.models import StaffCount, Vote

Key = tuple[int, str, int]  # (item_id, criterion, value)
T = TypeVar("T")

#: Where `counted_once` keeps the counts read in its block (a key of the session's `info`).
_COUNTED = "osuva_counted_once"


def split(phone: int | float = 0, staff: int | float = 0) -> dict[str, Any]:
    """A count as the export carries it: phone votes, staff-entered votes and their total."""
    return {"phone": phone, "staff": staff, "total": phone + staff}


def share(part: float, whole: float) -> float:
    """`part / whole` rounded for display and export; 0 when there is nothing to divide."""
    return round(part / whole, 4) if whole else 0.0


@dataclass
class Counts:
    """The vote counts of one step: number of votes per (item, criterion, value)."""
    phone: Counter = field(default_factory=Counter)
    staff: Counter = field(default_factory=Counter)

    def votes(self, item_id: int, value: int, criterion: str = "") -> dict[str, int]:
        """How many votes of `value` the item got (split by source)."""
        key = (item_id, criterion, value)
        return split(self.phone[key], self.staff[key])

    def weighted(self, item_id: int, criterion: str = "", weight=lambda value: value) -> dict[str, int]:
        """The sum of weight(value) over the item's votes, e.g. dots (value = dots) or rank points."""
        def total(counter: Counter) -> int:
            return sum(weight(v) * n for (i, c, v), n in counter.items() if i == item_id and c == criterion)
        return split(total(self.phone), total(self.staff))

    def number(self, item_id: int, criterion: str = "") -> dict[str, int]:
        """How many votes the item got on `criterion`, whatever their value."""
        return self.weighted(item_id, criterion, weight=lambda _value: 1)

    def distribution(self, item_id: int, values: Iterable[int], criterion: str = "") -> dict[str, list[int]]:
        """Votes per value (in the order of `values`), split by source."""
        values = list(values)
        phone = [self.phone[(item_id, criterion, v)] for v in values]
        staff = [self.staff[(item_id, criterion, v)] for v in values]
        return {"phone": phone, "staff": staff, "total": [a + b for a, b in zip(phone, staff)]}


@contextmanager
def counted_once(s: Session) -> Iterator[None]:
    """Within the block, a step's votes are counted in the database once, however many views
    are built from them. The live state builds the staff's and the screen's view of one
    snapshot several times a second; counting a large room's votes for each view was a third
    of its cost (docs/performance.md). Only for reads: a write in the block would not be seen."""
    s.info[_COUNTED] = {}
    try:
        yield
    finally:
        s.info.pop(_COUNTED, None)


def _once(s: Session, key: tuple, count: Callable[[], T]) -> T:
    counted = s.info.get(_COUNTED)
    if counted is None:
        return count()
    if key not in counted:
        counted[key] = count()
    return counted[key]


def step_counts(s: Session, step_id: int) -> Counts:
    """Read every phone vote and staff count of a step, grouped (two queries)."""
    return _once(s, ("counts", step_id), lambda: _read_counts(s, step_id))


def _read_counts(s: Session, step_id: int) -> Counts:
    counts = Counts()
    rows = s.execute(select(Vote.item_id, Vote.criterion, Vote.value, func.count())
                     .where(Vote.step_id == step_id)
                     .group_by(Vote.item_id, Vote.criterion, Vote.value))
    for item_id, criterion, value, n in rows:
        counts.phone[(item_id, criterion, value)] += n
    rows = s.execute(select(StaffCount.item_id, StaffCount.criterion, StaffCount.value, func.sum(StaffCount.count))
                     .where(StaffCount.step_id == step_id, StaffCount.item_id.is_not(None))
                     .group_by(StaffCount.item_id, StaffCount.criterion, StaffCount.value))
    for item_id, criterion, value, n in rows:
        counts.staff[(item_id, criterion, value)] += int(n or 0)
    return counts


def phone_voters(s: Session, step_id: int) -> set[int]:
    """The ids of the participants who voted in a step from their phones (never shown)."""
    return set(s.scalars(select(Vote.participant_id).where(Vote.step_id == step_id).distinct()))


def staff_people(s: Session, step_id: int) -> int:
    """How many people staff said voted on paper or by hands in a step."""
    return int(s.scalar(select(func.coalesce(func.sum(StaffCount.count), 0)).where(
        StaffCount.step_id == step_id, StaffCount.item_id.is_(None))) or 0)


def participants(s: Session, step_id: int, also: Iterable[int] = ()) -> dict[str, int]:
    """The number of people who took part in a step: phones (plus `also`) and staff-entered."""
    also = set(also)
    if not also:
        # Counted in the database: the live state is rebuilt several times a second while
        # votes come, and fetching every voter's id grows with the room (docs/performance.md).
        return dict(_once(s, ("participants", step_id), lambda: split(
            s.scalar(select(func.count(distinct(Vote.participant_id))).where(Vote.step_id == step_id)) or 0,
            staff_people(s, step_id))))
    return split(len(phone_voters(s, step_id) | also), staff_people(s, step_id))


def bar(label: str, value: float, whole: float, text: str) -> dict[str, Any]:
    """One bar for the screen: the label, the number, its share of `whole` and its text."""
    return {"label": label, "value": value, "share": min(1.0, share(value, whole)), "text": text}
