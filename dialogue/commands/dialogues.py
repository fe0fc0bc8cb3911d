"""Creating dialogues from methods, and joining them.

These writes have no dialogue actor yet (the dialogue or the participant is what
they create), so they sit beside the dispatched commands but follow the same rule:
one transaction, acknowledged after commit.
"""
from __future__ import annotations

import secrets
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from dialogue import db, methodology, tables
from dialogue.actors import hash_token, new_token
from dialogue.config import DEFAULT_LANGUAGE
from dialogue.models import AuditEvent, Dialogue, Facilitator, Participant, Step, Theme
from dialogue.realtime import broadcast

# No look-alikes: 0/O, 1/I/L are left out so a code read from a screen is typed right.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def normalise_code(raw: str) -> str:
    """What a person typed, as a code: upper case, without spaces or dashes."""
    return "".join(ch for ch in str(raw).upper() if ch.isalnum())[:16]


def new_code(s) -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if s.scalar(select(Dialogue.id).where(Dialogue.code == code)) is None:
            return code


def create_dialogue(owner: Facilitator, method_key: str, title: str, language: str = DEFAULT_LANGUAGE,
                    then: Callable[[Session, Dialogue], None] | None = None, **details) -> Dialogue:
    """Create a dialogue with the steps of a method; the first step is current.

    `then(s, dialogue)` runs last in the same transaction (a follow-up inherits there).
    """
    method = methodology.get(method_key)
    if method is None:
        raise ValueError(f"unknown method {method_key!r}; the methods are: {', '.join(sorted(methodology.listed()))}")
    details.setdefault("ask_role", method.ask_role)
    with db.write() as s:
        details.setdefault("state", "running")  # the console creates drafts
        d = Dialogue(code=new_code(s), screen_token=new_token(), owner_id=owner.id,
                     method=method_key, title=title, language=language, **details)
        s.add(d)
        s.flush()
        for position, spec in enumerate(method.steps):
            s.add(Step(dialogue_id=d.id, position=position, kind=spec["kind"],
                       texts=spec["texts"], config=dict(spec["config"]), minutes=spec["minutes"]))
        for theme in method.themes:
            s.add(Theme(dialogue_id=d.id, key=theme["key"], name=theme.get(language) or theme["fi"]))
        for table in method.tables:
            tables.add(s, d.id, table.get(language) or table["fi"])
        s.flush()
        first = s.scalar(select(Step).where(Step.dialogue_id == d.id).order_by(Step.position))
        d.current_step_id = first.id if first else None
        if then is not None:
            then(s, d)
    return d


# -- follow-ups: a meeting that follows another (a "you said – we did" meeting, the next
#    meeting of a series); the source's method decides whether and how (its hooks) ---------

#: What a follow-up copies from the meeting it follows.
FOLLOW_UP_COPIES = ("municipality", "place", "organiser", "topic", "retention_days")


def follow_up_method(dialogue: Dialogue) -> str | None:
    """The method of the meeting that would follow this one, or None if none is offered now."""
    key = methodology.hook(dialogue.method, "follow_up_method")(dialogue)
    return key if key and methodology.get(key) else None


def follow_ups_of(s: Session, dialogue: Dialogue) -> list[Dialogue]:
    """The meetings made to follow this one, oldest first."""
    return list(s.scalars(select(Dialogue).where(Dialogue.follows_id == dialogue.id).order_by(Dialogue.id)))


def create_follow_up(source: Dialogue, owner: Facilitator, title: str) -> Dialogue | None:
    """A new draft meeting following `source` (None if its method offers none); the owner prepares it."""
    method_key = follow_up_method(source)
    if method_key is None:
        return None

    def inherit(s: Session, follow: Dialogue) -> None:
        s.add(AuditEvent(dialogue_id=follow.id, actor=f"f:{owner.id}", action="follow_up_of",
                         detail={"dialogue_id": source.id}))
        s.add(AuditEvent(dialogue_id=source.id, actor=f"f:{owner.id}", action="follow_up_created",
                         detail={"dialogue_id": follow.id}))
        methodology.hook(source.method, "on_follow_up")(s, source, follow)

    return create_dialogue(owner, method_key, title[:200], source.language, then=inherit, state="draft",
                           follows_id=source.id, **{f: getattr(source, f) for f in FOLLOW_UP_COPIES})


def by_code(code: str) -> Dialogue | None:
    return db.session.scalar(select(Dialogue).where(Dialogue.code == normalise_code(code)))


class JoinRefused(Exception):
    """Joining is not possible now (locked or closed); the message says why."""


def join_refusal(dialogue: Dialogue) -> str | None:
    """Why nobody can join now ("not_started", "closed" or "locked"), or None if they can:
    the one rule the join page, the console's join panel and the screen's QR code follow."""
    if not dialogue.accepts_writes:
        return "closed" if dialogue.has_ended else "not_started"
    return "locked" if dialogue.join_locked else None


def join(dialogue: Dialogue, role: str | None = None, municipality: str | None = None) -> str:
    """Add an anonymous participant; return the random token for their cookie."""
    refused = join_refusal(dialogue)
    if refused:
        raise JoinRefused(refused)
    token = new_token()
    with db.write() as s:
        s.add(Participant(dialogue_id=dialogue.id, token_hash=hash_token(token),
                          role=role, municipality=municipality))
    # The screen and the console show the participant count live (a phone without
    # JavaScript never connects a socket, so joining itself must say it).
    broadcast.tally_changed(dialogue.id)
    return token
