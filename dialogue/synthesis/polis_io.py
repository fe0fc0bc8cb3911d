"""Reading and writing Pol.is export folders, so that stance data moves between Osuva and Pol.is tools.

A Pol.is export is a folder of CSV files. Three matter here:

* `comments.csv`: timestamp, datetime, comment-id, author-id, agrees, disagrees,
  moderated (1 accepted, 0 not yet moderated, -1 rejected), comment-body;
* `votes.csv`: an event log: timestamp, datetime, comment-id, voter-id, vote
  (1 agree, -1 disagree, 0 pass); a later row replaces an earlier one for the same
  voter and comment;
* `participants-votes.csv`: one row per participant: participant, group-id (blank when
  not clustered), n-comments, n-votes, n-agree, n-disagree, then the latest vote on every
  comment (blank when none).

`read_polis_export` turns a folder into plain data for `opinion.find_opinion_groups`;
`write_polis_export` writes Osuva's stance results in the same layout. Ids in the files
are non-negative integers, as Pol.is and the tools that read its exports expect.
"""
from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

COMMENT_FIELDS = ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees",
                  "moderated", "comment-body"]
VOTE_FIELDS = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
PARTICIPANT_FIELDS = ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"]
REJECTED = -1


@dataclass
class PolisExport:
    """A Pol.is export as plain data.

    statements: accepted and unmoderated comments as dicts with id, text, author,
        moderated and timestamp (milliseconds, or None), by id.
    votes: (participant, statement, vote), the latest per pair, on those statements.
    rejected: ids of rejected comments; they are left out of `statements` and `votes`.
    rejected_votes: the latest votes on rejected comments, kept apart: Pol.is still counts
        them towards a participant's participation (see `find_opinion_groups`'s
        `moderated_out`).
    groups: participant -> the group Pol.is published (participants-votes.csv), if any.
    summary: summary.csv's key-value rows, if present.
    """
    statements: list[dict] = field(default_factory=list)
    votes: list[tuple[int, int, int]] = field(default_factory=list)
    rejected: list[int] = field(default_factory=list)
    rejected_votes: list[tuple[int, int, int]] = field(default_factory=list)
    groups: dict[int, int] = field(default_factory=dict)
    summary: dict[str, str] = field(default_factory=dict)


def _int_or_none(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(float(text)) if text else None


def read_polis_export(folder: str | Path) -> PolisExport:
    """Read a Pol.is export folder (comments.csv and votes.csv; participants-votes.csv
    and summary.csv if there) into a `PolisExport`.

    Votes are replayed in time order (rows without a timestamp keep their place in the
    file), so a participant's later vote on a comment replaces the earlier one.
    """
    folder = Path(folder)
    statements, rejected = [], set()
    with open(folder / "comments.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            cid = int(row["comment-id"])
            moderated = _int_or_none(row.get("moderated")) or 0
            if moderated == REJECTED:
                rejected.add(cid)
                continue
            statements.append({
                "id": cid, "text": row.get("comment-body", ""),
                "author": _int_or_none(row.get("author-id")), "moderated": moderated,
                "timestamp": _int_or_none(row.get("timestamp"))})
    statements.sort(key=lambda s: s["id"])

    with open(folder / "votes.csv", newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    # Stable sort: ties and missing timestamps keep file order, which is the log's order.
    order = sorted(range(len(rows)), key=lambda i: _int_or_none(rows[i].get("timestamp")) or 0)
    latest: dict[tuple[int, int], int] = {}
    for i in order:
        row = rows[i]
        latest[(int(row["voter-id"]), int(row["comment-id"]))] = int(row["vote"])
    votes, rejected_votes = [], []
    for (participant, statement), value in sorted(latest.items()):
        (rejected_votes if statement in rejected else votes).append((participant, statement, value))

    groups: dict[int, int] = {}
    path = folder / "participants-votes.csv"
    if path.exists():
        with open(path, newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f):
                group = _int_or_none(row.get("group-id"))
                if group is not None:
                    groups[int(row["participant"])] = group

    summary: dict[str, str] = {}
    path = folder / "summary.csv"
    if path.exists():
        with open(path, newline="", encoding="utf-8") as f:
            summary = {row[0]: row[1] if len(row) > 1 else "" for row in csv.reader(f) if row}

    return PolisExport(statements=statements, votes=votes, rejected=sorted(rejected),
                       rejected_votes=rejected_votes, groups=groups, summary=summary)


def _id(value: Any, what: str) -> int:
    """A Pol.is id: a non-negative integer (ints, or strings of digits)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if number < 0 or (isinstance(value, float) and not value.is_integer()) or isinstance(value, bool):
        raise ValueError(f"{what} must be a non-negative integer, not {value!r}")
    return number


def _time(value: Any) -> tuple[str, str]:
    """Pol.is's two time columns: epoch milliseconds and a readable date (UTC)."""
    if value is None or value == "":
        return "", ""
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        millis = int(moment.timestamp() * 1000)
    else:
        millis = int(value)
    moment = datetime.fromtimestamp(millis / 1000, tz=UTC)
    return str(millis), moment.strftime("%a %b %d %H:%M:%S UTC %Y")


def _moderation(value: Any) -> int:
    """Pol.is's moderation state: 1 accepted, 0 not yet moderated, -1 rejected."""
    state = int(value)
    if state not in (1, 0, REJECTED):
        raise ValueError(f"moderated must be 1, 0 or -1, not {value!r}")
    return state


def write_polis_export(
    folder: str | Path,
    statements: Iterable[Mapping[str, Any]],
    votes: Iterable[Mapping[str, Any]],
    groups: Mapping[Any, Any] | None = None,
) -> None:
    """Write stance results as a Pol.is export folder: comments.csv, votes.csv and
    participants-votes.csv.

    statements: dicts with "id" and "text"; optional "author" (participant id),
        "moderated" (1, 0 or -1; default 1) and "timestamp".
    votes: dicts with "participant", "statement" and "vote" (1, 0, -1); optional
        "timestamp". Several votes on the same pair form an event log: the latest counts.
    groups: participant -> group id (e.g. `OpinionGroups.membership`); participants not
        in it get a blank group-id, as Pol.is writes for those it did not cluster.

    Timestamps are datetimes or epoch milliseconds; a missing one is written blank.
    Ids must be non-negative integers, as readers of Pol.is exports expect. Strict readers
    (red-dwarf, for one) also want a timestamp on every row and an author on every
    statement, so pass them when they are known.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    groups = {_id(p, "participant"): g for p, g in (groups or {}).items()}

    vote_rows = []
    for vote in votes:
        value = int(vote["vote"])
        if value not in (1, 0, -1):
            raise ValueError(f"vote must be 1, 0 or -1, not {vote['vote']!r}")
        millis, readable = _time(vote.get("timestamp"))
        vote_rows.append({
            "timestamp": millis, "datetime": readable,
            "comment-id": _id(vote["statement"], "statement"),
            "voter-id": _id(vote["participant"], "participant"), "vote": value})
    # The log goes in time order (stable, so equal times keep their order); without a
    # time on every vote, the order given is the only order there is.
    if all(row["timestamp"] for row in vote_rows):
        vote_rows.sort(key=lambda row: int(row["timestamp"]))
    latest: dict[tuple[int, int], int] = {}
    for row in vote_rows:
        latest[(row["voter-id"], row["comment-id"])] = row["vote"]
    agrees = Counter(s for (_, s), v in latest.items() if v == 1)
    disagrees = Counter(s for (_, s), v in latest.items() if v == -1)

    statement_rows = []
    authored: dict[int, int] = {}
    for statement in statements:
        sid = _id(statement["id"], "statement")
        author = statement.get("author")
        author = "" if author is None else _id(author, "author")
        if author != "":
            authored[author] = authored.get(author, 0) + 1
        millis, readable = _time(statement.get("timestamp"))
        statement_rows.append({
            "timestamp": millis, "datetime": readable, "comment-id": sid, "author-id": author,
            "agrees": agrees[sid], "disagrees": disagrees[sid],
            "moderated": _moderation(statement.get("moderated", 1)),
            "comment-body": statement.get("text", "")})
    statement_rows.sort(key=lambda r: r["comment-id"])
    statement_ids = [r["comment-id"] for r in statement_rows]
    unknown = {s for _, s in latest} - set(statement_ids)
    if unknown:
        raise ValueError(f"votes on statements not given: {sorted(unknown)[:5]}")

    with open(folder / "comments.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=COMMENT_FIELDS)
        writer.writeheader()
        writer.writerows(statement_rows)
    with open(folder / "votes.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=VOTE_FIELDS)
        writer.writeheader()
        writer.writerows(vote_rows)

    participants = sorted({p for p, _ in latest} | set(groups))
    by_participant: dict[int, dict[int, int]] = {p: {} for p in participants}
    for (p, s), v in latest.items():
        by_participant[p][s] = v
    with open(folder / "participants-votes.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(PARTICIPANT_FIELDS + [str(s) for s in statement_ids])
        for p in participants:
            cast = by_participant[p]
            group = groups.get(p)
            writer.writerow([
                p, "" if group is None else int(group), authored.get(p, 0), len(cast),
                sum(1 for v in cast.values() if v == 1), sum(1 for v in cast.values() if v == -1),
                *(cast.get(s, "") for s in statement_ids)])
