"""Comparing roles: how residents, experts and decision-makers voted in one step.

Participants may state a role when they join (`Participant.role`). For a voting step this
module counts the phone votes of each role group apart, with the small-group rule: a role
with fewer voters than the minimum is merged into "other" (or left out), so that no one
can be picked out. Votes entered by staff from paper or hands have no role and are left
out here (they are in the step's totals). Each voting kind turns the counts into its own
cells (`VotingActivity.role_cells`); this module does not know what the values mean.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from dialogue.models import Participant, Vote
from dialogue.synthesis.groups import NOT_GIVEN, OTHER, suppress_small_groups
from dialogue.synthesis.tally import Counts


def role_counts(s: Session, step_id: int, minimum: int) -> dict[str, Any] | None:
    """The step's phone votes by role group: {"groups": [{"group", "count"}], "left_out",
    "counts": {group: Counts}}; None unless at least two groups with a stated role are shown
    (one group compares with nothing)."""
    voters = dict(s.execute(select(Participant.role, func.count(distinct(Vote.participant_id)))
                            .join(Participant, Participant.id == Vote.participant_id)
                            .where(Vote.step_id == step_id).group_by(Participant.role)).all())
    voters = {(role or NOT_GIVEN): n for role, n in voters.items()}
    shown = suppress_small_groups(voters, minimum)
    stated = [g for g in shown["groups"] if g["group"] not in (NOT_GIVEN, OTHER)]
    if len(stated) < 2:
        return None
    names = {g["group"] for g in shown["groups"]}

    def group_of(role: str | None) -> str | None:
        role = role or NOT_GIVEN
        if role in names:
            return role
        return OTHER if OTHER in names else None

    counts: dict[str, Counts] = {g["group"]: Counts() for g in shown["groups"]}
    rows = s.execute(select(Participant.role, Vote.item_id, Vote.criterion, Vote.value, func.count())
                     .join(Participant, Participant.id == Vote.participant_id)
                     .where(Vote.step_id == step_id)
                     .group_by(Participant.role, Vote.item_id, Vote.criterion, Vote.value))
    for role, item_id, criterion, value, n in rows:
        group = group_of(role)
        if group is not None:
            counts[group].phone[(item_id, criterion, value)] += n
    return {"groups": shown["groups"], "left_out": shown["left_out"], "counts": counts}
