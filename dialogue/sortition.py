"""The citizens' jury (kansalaisraati): selection by a stratified lottery.

Volunteers come in a CSV file: an anonymous id and attributes (municipality, age
band, gender, life situation…). Quotas say how many seats each value of an
attribute gets, e.g. municipality Mikkeli 4, Juva 2. Quotas may be set on several
attributes at once.

The method, in plain words (`explain()` says the same to the organiser):

1. Every volunteer gets a lottery number: SHA-256 of the seed and their id. The
   order of the rows in the file, or when someone signed up, plays no part.
2. We go through the volunteers in lottery-number order and take each onto the
   jury, unless taking them would make the quotas impossible to meet with the
   volunteers still left in the list. We stop when the jury is full.
3. The reserve list is made in rounds from the volunteers left over who could
   replace a juror one for one (someone in the jury is in the same group): each
   round takes the next volunteer of every such group, in lottery-number order.
   So every group on the jury gets a first reserve before any gets a second.

A *group* (stratum) is the combination of a volunteer's values of the attributes
that have quotas; values without a quota of their own count as "other values".

What is guaranteed:

- The quotas are met exactly whenever they can be met at all; otherwise the draw
  is refused with a message that names the quota that cannot be met.
- Within a group every volunteer has exactly the same chance of a seat, and of
  each place on the reserve list. Why: step 2 decides from the groups of the
  people in lottery order only, never from who they are; swapping two people of
  the same group swaps their outcomes, and a random order is just as likely as
  the swapped one.
- With quotas on one attribute, a volunteer's chance is exactly
  seats of their value / volunteers with that value.

What is not guaranteed: equal chances across groups. The quotas decide the seats
per value, so a volunteer from a small municipality with two seats may have a
much better chance than one from a large municipality. With quotas on several
attributes the seats of each combination (say Juva and 18–29) are not fixed; they
come out of the lottery, and the chances of different combinations are not
exactly proportional to anything. A draw in which every jury meeting the quotas
were equally likely would need counting all such juries, which grows too fast
with several attributes; the lottery-order rule instead can be checked by hand.

The draw is reproducible: the same file and the same seed give the same jury, and
the seed is always printed. Seeds should be fixed before the draw (announced, or
taken from a public random source) so nobody can try seeds until one pleases.

Checking feasibility ("can the quotas still be met?") is a small integer search
over the seat counts per group, with memoised dead ends; it is instant for jury
sizes and a handful of attributes, and gives up with a clear message if not.

No names or contact details enter Osuva: a file with a column that looks like
names, e-mail addresses, phone numbers, addresses or personal identity codes
(by its heading or by its values) is refused, naming the column.
"""
from __future__ import annotations

import csv
import hashlib
import io
import itertools
import re
import secrets
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Mapping

from flask_babel import lazy_gettext as _l

from .synthesis import pii

#: Quotas: attribute -> value -> seats.
Quotas = Mapping[str, Mapping[str, int]]

#: Headers (lower case) that name the id column; otherwise the first column is the id.
ID_HEADERS = ("id", "tunniste", "tunnus", "koodi", "kod", "code")

# Parts of a heading that mean names or contact details (fi, sv, en), matched in the
# heading lower-cased with spaces, dashes and underscores removed ("E-mail" -> "email").
_PERSONAL_HEADING_PARTS = (
    "name", "nimi", "namn", "mail", "sähköposti", "sahkoposti", "sposti", "epost",
    "puhelin", "phone", "telefon", "mobil", "gsm", "address", "adress", "osoite",
    "hetu", "henkilötunnus", "personnummer", "socialsecurity", "contact", "yhteystie", "kontakt",
)
# Short ones only as a whole heading: "tel" or "puh" inside a word mean nothing.
_PERSONAL_HEADINGS = ("tel", "puh", "ssn")

#: A search step budget: beyond it the quotas are called too complex rather than hanging.
SEARCH_BUDGET = 500_000

_OTHER = object()  # the key of "a value without its own quota"


class LotteryError(Exception):
    """The draw cannot be made; `message` (translated) tells the organiser why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class Volunteer:
    """One row of the file: the anonymous id and the attribute values (stripped strings)."""
    id: str
    attributes: Mapping[str, str]


@dataclass(frozen=True)
class Pool:
    """The volunteers of a file, in file order, and the names of their attribute columns."""
    id_column: str
    attributes: tuple[str, ...]
    volunteers: tuple[Volunteer, ...]

    def counts(self, attribute: str) -> Counter:
        """How many volunteers have each value of `attribute`."""
        return Counter(v.attributes[attribute] for v in self.volunteers)


@dataclass(frozen=True)
class MatchRow:
    """One line of the match table. `value` None means "other values" of a quota attribute;
    `quota` None means no quota (shown for information)."""
    attribute: str
    value: str | None
    quota: int | None
    selected: int
    pool: int


@dataclass
class Draw:
    """The result: jury ids and reserve ids in the order drawn, the match table, the seed.

    `groups` gives each juror's and reserve's group: per quota attribute, their value,
    or None when the value has no quota of its own ("other values"). A cancelling
    juror is replaced by the first reserve of the same group.
    `order` is every id in lottery-number order, for an audit by hand.
    """
    seed: str
    size: int
    selected: list[str]
    reserve: list[str]
    table: list[MatchRow]
    groups: dict[str, dict[str, str]] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    reserve_requested: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The draw as plain JSON-ready data."""
        return {
            "seed": self.seed,
            "size": self.size,
            "selected": list(self.selected),
            "reserve": list(self.reserve),
            "reserve_requested": self.reserve_requested,
            "table": [{"attribute": r.attribute, "value": r.value, "other_values": r.value is None,
                       "quota": r.quota, "selected": r.selected, "pool": r.pool} for r in self.table],
            "groups": self.groups,
            "lottery_order": list(self.order),
        }


# --- reading the file ------------------------------------------------------------

def read_volunteers(csv_text: str) -> Pool:
    """Read and check the volunteers' CSV (comma, semicolon or tab separated, a header row).

    The id column is the one headed id/tunniste/tunnus/koodi/kod/code, else the first
    column; every other column is an attribute. Raises LotteryError for an empty file,
    a ragged row, a missing or repeated id, and for any column that looks like names
    or contact details (by heading, or by a value that is an e-mail address, a phone
    number or a Finnish personal identity code); the message names the column and the
    row, never the value.
    """
    text = csv_text.lstrip("\ufeff")
    lines = text.splitlines()
    header_line = next((line for line in lines if line.strip()), "")
    if not header_line:
        raise LotteryError(_l("The volunteer file is empty."))
    # Excel in Finland saves CSV with semicolons; count the candidates in the header.
    delimiter = max((";", ",", "\t"), key=header_line.count)
    rows = [(number, row) for number, row in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1)
            if any(cell.strip() for cell in row)]
    (_, header), body = rows[0], rows[1:]
    header = [h.strip() for h in header]
    for column in header:
        if not column:
            raise LotteryError(_l("A column of the volunteer file has no heading."))
        if _personal_heading(column):
            raise LotteryError(_l(
                "The column “%(column)s” looks like names or contact details by its heading. Osuva takes no "
                "names or contact details: remove the column and use anonymous ids (if the column holds "
                "something else, give it another heading).", column=column))
    repeated = [h for h, n in Counter(header).items() if n > 1]
    if repeated:
        raise LotteryError(_l("The heading “%(column)s” appears twice.", column=repeated[0]))
    if len(header) < 2:
        raise LotteryError(_l("The volunteer file needs an id column and at least one attribute column."))
    id_index = next((i for i, h in enumerate(header) if h.lower() in ID_HEADERS), 0)

    volunteers, seen = [], {}
    for number, row in body:
        cells = [c.strip() for c in row]
        if len(cells) != len(header):
            raise LotteryError(_l("Row %(row)d has %(found)d fields but the header has %(expected)d.",
                                  row=number, found=len(cells), expected=len(header)))
        for column, cell in zip(header, cells):
            kinds = pii.find(cell)
            if kinds:
                raise LotteryError(_l(
                    "The column “%(column)s” holds %(kind)s (row %(row)d). Osuva takes no names or contact "
                    "details: remove the column and use anonymous ids.",
                    column=column, kind=_KIND_NAMES[kinds[0]], row=number))
        vid = cells[id_index]
        if not vid:
            raise LotteryError(_l("Row %(row)d has no id.", row=number))
        if vid in seen:
            raise LotteryError(_l("The id “%(id)s” appears twice (rows %(first)d and %(second)d).",
                                  id=vid, first=seen[vid], second=number))
        seen[vid] = number
        volunteers.append(Volunteer(vid, {h: c for i, (h, c) in enumerate(zip(header, cells)) if i != id_index}))
    if not volunteers:
        raise LotteryError(_l("The volunteer file has no volunteers, only a header."))
    return Pool(header[id_index], tuple(h for i, h in enumerate(header) if i != id_index), tuple(volunteers))


_KIND_NAMES = {"hetu": _l("a personal identity code"), "phone": _l("a phone number"),
               "email": _l("an e-mail address")}


def _personal_heading(column: str) -> bool:
    squashed = re.sub(r"[\s_\-]+", "", column.lower())
    return squashed in _PERSONAL_HEADINGS or any(part in squashed for part in _PERSONAL_HEADING_PARTS)


# --- quotas ----------------------------------------------------------------------

def parse_quota(spec: str) -> tuple[str, dict[str, int]]:
    """Parse "municipality=Mikkeli:4,Juva:2" into ("municipality", {"Mikkeli": 4, "Juva": 2}).

    Values without a quota of their own share the seats the quotas leave over; a
    quota of 0 keeps a value out of the jury. Raises LotteryError on bad syntax,
    a negative or non-integer count, or a value given twice.
    """
    attribute, sep, rest = spec.partition("=")
    attribute = attribute.strip()
    if not sep or not attribute or not rest.strip():
        raise LotteryError(_l("A quota is written attribute=value:seats,value:seats, e.g. "
                              "municipality=Mikkeli:4,Juva:2 (got “%(spec)s”).", spec=spec))
    seats: dict[str, int] = {}
    for part in rest.split(","):
        value, sep, count = part.rpartition(":")  # rpartition: a value may itself hold a colon
        value = value.strip()
        if not sep or not value or not re.fullmatch(r"\s*\d+\s*", count):
            raise LotteryError(_l("The quota “%(part)s” for %(attribute)s is not value:seats with a whole "
                                  "number of seats.", part=part.strip(), attribute=attribute))
        if value in seats:
            raise LotteryError(_l("The quota for %(attribute)s=%(value)s is given twice.",
                                  attribute=attribute, value=value))
        seats[value] = int(count)
    return attribute, seats


# --- the draw --------------------------------------------------------------------

def new_seed() -> str:
    """A fresh unpredictable seed, short enough to read aloud and write in the minutes."""
    return str(secrets.randbelow(10 ** 12))


def lottery_number(seed: str, volunteer_id: str) -> str:
    """A volunteer's lottery number: hex SHA-256 of "seed:id". Lower numbers are drawn first.

    Anyone can recompute it (e.g. `printf '%s' 'SEED:ID' | sha256sum`) to check a draw.
    """
    return hashlib.sha256(f"{seed}:{volunteer_id}".encode("utf-8")).hexdigest()


def draw_jury(pool: Pool, size: int, quotas: Quotas | None = None, seed: str | int | None = None,
              reserve: int = 0) -> Draw:
    """Draw a jury of `size` from `pool` meeting `quotas` exactly, plus up to `reserve` reserves.

    The method and its fairness are in the module docstring and `explain()`. `seed`
    (any string or integer; the same seed gives the same draw) defaults to a fresh
    one from `secrets`; the Draw carries it. Raises LotteryError naming the quota
    that cannot be met: a value with fewer volunteers than seats, an attribute's
    quotas adding up to more than the size (or too few volunteers for the seats
    they leave over), or attributes whose quotas cannot be met together.
    """
    quotas = {a: dict(v) for a, v in (quotas or {}).items()}
    seed = new_seed() if seed is None or str(seed).strip() == "" else str(seed).strip()
    if size < 1:
        raise LotteryError(_l("The jury needs at least one seat."))
    if reserve < 0:
        raise LotteryError(_l("The number of reserves cannot be negative."))
    if size > len(pool.volunteers):
        raise LotteryError(_l("The jury has %(size)d seats but there are only %(count)d volunteers.",
                              size=size, count=len(pool.volunteers)))
    _check_each_attribute(pool, size, quotas)

    problem = _Problem(pool, size, quotas)
    if problem.plan(problem.capacities, problem.targets) is None:
        raise _joint_error(pool, size, quotas)

    order = sorted(pool.volunteers, key=lambda v: (lottery_number(seed, v.id), v.id))
    selected = problem.select(order)
    jury_groups = {problem.group_of[v.id] for v in selected}
    chosen = {v.id for v in selected}
    reserves = _reserves(order, chosen, jury_groups, problem.group_of, reserve)
    return Draw(
        seed=seed, size=size, selected=[v.id for v in selected], reserve=[v.id for v in reserves],
        table=match_table(pool, size, quotas, chosen),
        groups={v.id: {a: v.attributes[a] if v.attributes[a] in quotas[a] else None for a in quotas}
                for v in selected + reserves},
        order=[v.id for v in order], reserve_requested=reserve)


def _reserves(order: list[Volunteer], chosen: set[str], jury_groups: set[tuple],
              group_of: dict[str, tuple], wanted: int) -> list[Volunteer]:
    """Reserves in rounds: each round, the next left-over volunteer of every jury group, in lottery order.

    Only people in a jury group can step into a seat without breaking a quota, and the
    rounds keep a large group from filling the list while a small one has no reserve.
    """
    queues: dict[tuple, list[Volunteer]] = {}
    for v in order:
        if v.id not in chosen and group_of[v.id] in jury_groups:
            queues.setdefault(group_of[v.id], []).append(v)
    position = {v.id: i for i, v in enumerate(order)}
    reserves: list[Volunteer] = []
    for round_ in itertools.count():
        picks = [queue[round_] for queue in queues.values() if len(queue) > round_]
        if not picks or len(reserves) >= wanted:
            break
        reserves += sorted(picks, key=lambda v: position[v.id])
    return reserves[:wanted]


def match_table(pool: Pool, size: int, quotas: Quotas, chosen: set[str]) -> list[MatchRow]:
    """Per attribute value: its quota, how many were chosen, how many volunteered.

    Quota attributes come first (their listed values, then "other values" when the
    pool has any), then the other attributes for information (quota None).
    """
    rows: list[MatchRow] = []
    jury = [v for v in pool.volunteers if v.id in chosen]
    for attribute in [a for a in quotas] + [a for a in pool.attributes if a not in quotas]:
        in_pool = pool.counts(attribute)
        in_jury = Counter(v.attributes[attribute] for v in jury)
        listed = quotas.get(attribute, {})
        for value, seats in listed.items():
            rows.append(MatchRow(attribute, value, seats, in_jury[value], in_pool[value]))
        if attribute in quotas:
            others = [value for value in in_pool if value not in listed]
            if others:
                rows.append(MatchRow(attribute, None, size - sum(listed.values()),
                                     sum(in_jury[v] for v in others), sum(in_pool[v] for v in others)))
        else:
            for value in sorted(in_pool):
                rows.append(MatchRow(attribute, value, None, in_jury[value], in_pool[value]))
    return rows


def explain() -> str:
    """The method in plain words for the organiser's console (translated), paragraphs separated by blank lines."""
    return "\n\n".join(str(p) for p in (
        _l("How the jury was drawn"),
        _l("Every volunteer got a lottery number computed from the seed and their id. The order of the "
           "list, or when someone signed up, played no part."),
        _l("We went through the volunteers in lottery-number order. Each one was taken onto the jury, unless "
           "taking them would have made the quotas impossible to meet with the volunteers still left in the "
           "list. We stopped when the jury was full."),
        _l("A group means the volunteers who share the same values of the attributes that have quotas. "
           "Within a group everyone had exactly the same chance of a seat. Between groups the chances differ, "
           "because the quotas decide how many seats each value gets: someone from a small group with many "
           "seats has a better chance than someone from a large group. With quotas on several attributes, the "
           "seats of each combination (for example a municipality and an age band) also depend on the lottery."),
        _l("The reserve list is made in rounds, in lottery-number order: every group on the jury gets its "
           "first reserve before any group gets a second. If a juror cancels, invite the first reserve from "
           "the same group, and the quotas still hold. Volunteers whose group has no seat on the jury are not "
           "on the reserve list, because they could not replace anyone."),
        _l("The seed is printed. The same volunteer list and the same seed always give the same jury, so "
           "anyone can check the draw afterwards. Fix the seed before the draw, for example by announcing it, "
           "so that nobody can try seeds until the result pleases them."),
    ))


# --- feasibility checks and messages ----------------------------------------------

def _check_each_attribute(pool: Pool, size: int, quotas: Quotas) -> None:
    """Refuse quotas that fail on their own, one attribute at a time, with a precise message."""
    for attribute, seats in quotas.items():
        if attribute not in pool.attributes:
            raise LotteryError(_l("There is no column “%(attribute)s” in the volunteer file. Its columns are: "
                                  "%(columns)s.", attribute=attribute, columns=", ".join(pool.attributes)))
        in_pool = pool.counts(attribute)
        for value, count in seats.items():
            if count > in_pool[value]:
                raise LotteryError(_l(
                    "The quota for %(attribute)s=%(value)s is %(quota)d but only %(count)d volunteers have "
                    "that value. Values in the file: %(values)s.", attribute=attribute, value=value,
                    quota=count, count=in_pool[value], values=", ".join(sorted(in_pool))))
        total = sum(seats.values())
        if total > size:
            raise LotteryError(_l("The quotas for %(attribute)s add up to %(total)d seats but the jury has "
                                  "only %(size)d.", attribute=attribute, total=total, size=size))
        others = sum(n for value, n in in_pool.items() if value not in seats)
        if size - total > others:
            raise LotteryError(_l(
                "The quotas for %(attribute)s leave %(left)d seats for other values, but only %(count)d "
                "volunteers have another value.", attribute=attribute, left=size - total, count=others))


def _joint_error(pool: Pool, size: int, quotas: Quotas) -> LotteryError:
    """Name the smallest set of attributes (a pair if possible) whose quotas clash."""
    attributes = list(quotas)
    for n in range(2, len(attributes) + 1):
        for subset in itertools.combinations(attributes, n):
            part = {a: quotas[a] for a in subset}
            problem = _Problem(pool, size, part)
            if problem.plan(problem.capacities, problem.targets) is None:
                names = ", ".join(subset[:-1])
                return LotteryError(_l(
                    "The quotas for %(attributes)s and %(last)s cannot be met together: too few volunteers "
                    "have the combinations of values they need.", attributes=names, last=subset[-1]))
    return LotteryError(_l("The quotas cannot be met together."))  # not reached: the full set clashes


class _TooComplex(Exception):
    pass


class _Problem:
    """The quotas as seat counts per group: each group is in one "margin" per quota
    attribute (its value, or that attribute's other values) plus the total margin,
    and the seats in every margin must come out exactly."""

    def __init__(self, pool: Pool, size: int, quotas: Quotas):
        attributes = sorted(quotas)
        margins: dict[tuple, int] = {("total",): 0}
        targets = [size]
        for a in attributes:
            for value, seats in quotas[a].items():
                margins[(a, value)] = len(targets)
                targets.append(seats)
            margins[(a, _OTHER)] = len(targets)
            targets.append(size - sum(quotas[a].values()))
        self.group_of: dict[str, tuple] = {}
        capacity: Counter = Counter()
        for v in pool.volunteers:
            group = tuple(v.attributes[a] if v.attributes[a] in quotas[a] else _OTHER for a in attributes)
            self.group_of[v.id] = group
            capacity[group] += 1
        # Groups sorted by their values (first attribute first) so the search closes the
        # first attribute's margins one by one and dead ends show early.
        self.groups = sorted(capacity, key=lambda g: [(x is _OTHER, "" if x is _OTHER else x) for x in g])
        self.index = {g: i for i, g in enumerate(self.groups)}
        self.members = [(0,) + tuple(margins[(a, x)] for a, x in zip(attributes, g)) for g in self.groups]
        self.capacities = [capacity[g] for g in self.groups]
        self.targets = targets

    def select(self, order: list[Volunteer]) -> list[Volunteer]:
        """Go through `order`, taking each volunteer unless that makes the quotas impossible."""
        caps, left = list(self.capacities), list(self.targets)
        plan = self.plan(caps, left)  # a feasible completion; kept valid as we go
        closed: set[int] = set()     # groups that can no longer get a seat (stays so: see below)
        chosen: list[Volunteer] = []
        for volunteer in order:
            if left[0] == 0:
                break
            g = self.index[self.group_of[volunteer.id]]
            if plan[g] > 0:  # the plan has a seat for this group: taking them keeps it feasible
                plan[g] -= 1
                accepted = True
            elif g in closed:
                accepted = False
            else:
                after = list(left)
                for m in self.members[g]:
                    after[m] -= 1
                caps[g] -= 1
                found = self.plan(caps, after) if min(after) >= 0 else None
                caps[g] += 1
                accepted = found is not None
                if accepted:
                    plan = found
                else:
                    # If no completion holds this person, none holds a later person of the same
                    # group either (swap them), and taking others or passing people only narrows it.
                    closed.add(g)
            caps[g] -= 1
            if accepted:
                for m in self.members[g]:
                    left[m] -= 1
                chosen.append(volunteer)
        assert left[0] == 0 and not any(left), "the plan guaranteed a full jury"
        return chosen

    def plan(self, caps: list[int], targets: list[int]) -> list[int] | None:
        """Seats per group, each within its capacity, that meet every margin's target; None if none can."""
        n = len(self.groups)
        # rest[i][m]: volunteers in margin m among groups i.. (what is still available there)
        rest = [[0] * len(targets) for _ in range(n + 1)]
        for i in range(n - 1, -1, -1):
            rest[i] = list(rest[i + 1])
            for m in self.members[i]:
                rest[i][m] += caps[i]
        if any(t > r for t, r in zip(targets, rest[0])):
            return None
        dead: set[tuple[int, tuple[int, ...]]] = set()
        counts = [0] * n
        steps = 0

        def search(i: int, left: tuple[int, ...]) -> bool:
            nonlocal steps
            steps += 1
            if steps > SEARCH_BUDGET:
                raise _TooComplex
            if i == n:
                return not any(left)
            if (i, left) in dead:
                return False
            members = self.members[i]
            high = min([caps[i]] + [left[m] for m in members])
            # At least enough that the groups after this one can still fill each margin.
            low = max([0] + [left[m] - rest[i + 1][m] for m in members])
            for c in range(high, low - 1, -1):
                after = list(left)
                for m in members:
                    after[m] -= c
                counts[i] = c
                if search(i + 1, tuple(after)):
                    return True
            dead.add((i, left))
            return False

        try:
            found = search(0, tuple(targets))
        except (_TooComplex, RecursionError):  # a search this big would not finish in time anyway
            raise LotteryError(_l("The quotas are too complex to check. Set quotas on fewer attributes, "
                                  "or fewer values.")) from None
        return counts if found else None
