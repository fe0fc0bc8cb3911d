"""Pol.is interoperability: import a Pol.is export folder as a closed dialogue with one
stance step, and write a dialogue's stance votes back in the Pol.is layout.

Pol.is ids are kept (`ExternalId`): imported participants and statements are named by
them again in the JSON export's opinion groups and in the Pol.is layout, so results can
be compared with Pol.is's own. The CSV reading and writing is `synthesis.polis_io`.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialogue import activities, methodology
from dialogue.actors import hash_token, new_token
from dialogue.commands.dialogues import create_dialogue
from dialogue.models import Dialogue, ExternalId, Facilitator, Item, Participant, Step, Vote, utcnow
from dialogue.synthesis.polis_io import read_polis_export, write_polis_export

PARTICIPANT, ITEM = "participant", "item"
STANCE = "stance"  # the kind of step Pol.is conversations are: agree / disagree / pass
TITLE_MAX = 200


def external_ids(s: Session, dialogue_id: int) -> dict[str, dict[int, str]]:
    """{"participant": {participant id: external id}, "item": {item id: external id}}."""
    out: dict[str, dict[int, str]] = {PARTICIPANT: {}, ITEM: {}}
    for kind, local, external in s.execute(select(ExternalId.kind, ExternalId.local_id, ExternalId.external_id)
                                           .where(ExternalId.dialogue_id == dialogue_id)):
        out.setdefault(kind, {})[local] = external
    return out


def import_polis(folder: str | Path, owner: Facilitator, title: str | None = None,
                 language: str = "en") -> dict[str, Any]:
    """Import a Pol.is export folder (comments.csv, votes.csv) as a closed dialogue with one
    stance step, in one transaction; returns {"id", "participants", "statements", "votes"}.

    Rejected comments come in as hidden statements with their votes: Pol.is counts those
    votes towards who is clustered, and so does Osuva for hidden statements.
    """
    export = read_polis_export(folder)
    rejected = {cid: "" for cid in export.rejected}
    with open(Path(folder) / "comments.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if int(row["comment-id"]) in rejected:
                rejected[int(row["comment-id"])] = row.get("comment-body", "")
    name = (title or export.summary.get("topic") or Path(folder).name)[:TITLE_MAX]
    counts: dict[str, int] = {}

    def fill(s: Session, d: Dialogue) -> None:
        for step in s.scalars(select(Step).where(Step.dialogue_id == d.id)):
            s.delete(step)  # the method's opening steps: this dialogue is the conversation only
        s.flush()
        texts = {"fi": {"title": name, "body": ""}, "sv": {"title": name, "body": ""},
                 "en": {"title": name, "body": ""}}
        step = Step(dialogue_id=d.id, position=0, kind=STANCE, texts=texts,
                    config=activities.get(STANCE).clean_config({}), minutes=0)
        s.add(step)
        s.flush()
        items = {}
        statements = [(st["id"], st["text"], False) for st in export.statements]
        statements += [(cid, text, True) for cid, text in sorted(rejected.items())]
        for position, (cid, text, hidden) in enumerate(sorted(statements)):
            item = Item(step_id=step.id, text=text or "–", position=position, hidden=hidden)
            s.add(item)
            items[cid] = item
        people = {}
        votes = export.votes + export.rejected_votes
        for pid in sorted({p for p, _, _ in votes}):
            people[pid] = Participant(dialogue_id=d.id, token_hash=hash_token(new_token()))
            s.add(people[pid])
        s.flush()
        for pid, cid, value in votes:
            s.add(Vote(step_id=step.id, item_id=items[cid].id, participant_id=people[pid].id, value=value))
        for kind, table in ((ITEM, items), (PARTICIPANT, people)):
            for external, row in table.items():
                s.add(ExternalId(dialogue_id=d.id, kind=kind, local_id=row.id, external_id=str(external)))
        d.current_step_id = step.id
        d.state = "closed"
        d.closed_at = utcnow()
        counts.update(participants=len(people), statements=len(export.statements), votes=len(votes))

    dialogue = create_dialogue(owner, methodology.BLANK, name, language, then=fill)
    return {"id": dialogue.id, **counts}


def write_polis(s: Session, dialogue: Dialogue, folder: str | Path) -> int:
    """Write the dialogue's first step that has stance votes in the Pol.is layout
    (comments.csv, votes.csv, participants-votes.csv); returns that step's id.

    Imported participants and statements keep their Pol.is ids; others are named by
    their Osuva ids. Raises LookupError when the dialogue has no such step.
    """
    for step in dialogue.steps:
        rows = activities.get(step.kind).polis_rows(s, step)
        if rows is not None:
            statements, votes, groups = rows
            write_polis_export(folder, statements, votes, groups)
            return step.id
    raise LookupError("no agree/disagree step")
