"""Follow-up meetings ("you said – we did"): a dialogue that follows up another's commitments.

A follow-up is a dialogue of the `seuranta` method whose `follows_id` names the
dialogue it follows up; its commitments step (`follow_up: true`) shows and updates
the followed dialogue's cards, and its rating step rates how each went.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import db, methods
from .dialogues import create_dialogue
from .models import AuditEvent, Dialogue, Facilitator

FOLLOW_UP_METHOD = "seuranta"
COPIED = ("language", "municipality", "place", "organiser", "topic", "retention_days")


def can_be_followed_up(dialogue: Dialogue) -> bool:
    """Whether the dialogue made commitments of its own (so a follow-up has cards to show)."""
    return methods.get(FOLLOW_UP_METHOD) is not None and any(
        s.kind == "commitments" and not s.config.get("follow_up") for s in dialogue.steps)


def follow_ups_of(s: Session, dialogue: Dialogue) -> list[Dialogue]:
    """The follow-up meetings made for this dialogue, oldest first."""
    return list(s.scalars(select(Dialogue).where(Dialogue.follows_id == dialogue.id).order_by(Dialogue.id)))


def create_follow_up(source: Dialogue, owner: Facilitator, title: str) -> Dialogue:
    """A new draft follow-up meeting of `source`, with its details; the owner prepares and runs it."""
    follow = create_dialogue(owner, FOLLOW_UP_METHOD, title[:200], source.language, state="draft",
                             follows_id=source.id,
                             **{f: getattr(source, f) for f in COPIED if f != "language"})
    with db.write() as s:
        s.add(AuditEvent(dialogue_id=follow.id, actor=f"f:{owner.id}", action="follow_up_of",
                         detail={"dialogue_id": source.id}))
        s.add(AuditEvent(dialogue_id=source.id, actor=f"f:{owner.id}", action="follow_up_created",
                         detail={"dialogue_id": follow.id}))
    return follow
