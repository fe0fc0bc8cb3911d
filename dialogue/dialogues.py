"""Creating dialogues from methods, and joining them.

These writes have no dialogue actor yet (the dialogue or the participant is what
they create), so they sit beside the dispatched commands but follow the same rule:
one transaction, acknowledged after commit.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select

from . import db, live, methods
from .actors import hash_token, new_token
from .models import Dialogue, Facilitator, Participant, Step, Theme

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


def create_dialogue(owner: Facilitator, method_key: str, title: str, language: str = "fi",
                    **details) -> Dialogue:
    """Create a dialogue with the steps of a method; the first step is current."""
    method = methods.get(method_key)
    if method is None:
        raise ValueError(f"unknown method {method_key!r}")
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
        s.flush()
        first = s.scalar(select(Step).where(Step.dialogue_id == d.id).order_by(Step.position))
        d.current_step_id = first.id if first else None
    return d


def by_code(code: str) -> Dialogue | None:
    return db.session.scalar(select(Dialogue).where(Dialogue.code == normalise_code(code)))


class JoinRefused(Exception):
    """Joining is not possible now (locked or closed); the message says why."""


def join(dialogue: Dialogue, role: str | None = None, municipality: str | None = None) -> str:
    """Add an anonymous participant; return the random token for their cookie."""
    if dialogue.state not in ("open", "running"):
        raise JoinRefused("not_started" if dialogue.state == "draft" else "closed")
    if dialogue.join_locked:
        raise JoinRefused("locked")
    token = new_token()
    with db.write() as s:
        s.add(Participant(dialogue_id=dialogue.id, token_hash=hash_token(token),
                          role=role, municipality=municipality))
    # The screen and the console show the participant count live (a phone without
    # JavaScript never connects a socket, so joining itself must say it).
    live.tally_changed(dialogue.id)
    return token
