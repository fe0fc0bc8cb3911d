"""Who is acting: the role of a request or socket connection in one dialogue.

An actor is resolved afresh for every request; a socket connection keeps its actor until a
row it is made of changes (realtime/connections.py), so a revoked helper link or a removed
participant stops working at once either way.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import session as cookie
from sqlalchemy import select

from dialogue import db, links
from dialogue.links import hash_token  # noqa: F401  (participants' tokens; imported from here)
from dialogue.models import Dialogue, DialogueShare, Helper, Participant

PARTICIPANT, HELPER, FACILITATOR, SCREEN = "participant", "helper", "facilitator", "screen"
#: The helper kind (and self-declared role) of a decision-maker.
DECISION_MAKER = "decision_maker"
#: The helper kind of a body that answers the dialogue's outcome through its own link (a response).
RESPONDENT = "respondent"
#: Helper links that do not write staff notes and answers (their pages show their own tasks only).
OWN_TASKS_ONLY = frozenset({DECISION_MAKER, RESPONDENT})
#: Role sets, the one definition of each (commands declare who may run them with these).
FACILITATOR_ONLY = frozenset({FACILITATOR})
PARTICIPANTS_ONLY = frozenset({PARTICIPANT})
STAFF = frozenset({HELPER, FACILITATOR})
EVERYONE_WHO_WRITES = frozenset({PARTICIPANT, HELPER, FACILITATOR})


@dataclass(frozen=True)
class Actor:
    """A role in one dialogue; exactly one of the id fields is set (none for screen)."""
    role: str
    dialogue_id: int
    participant_id: int | None = None
    helper_id: int | None = None
    facilitator_id: int | None = None
    #: A participant's table, or a table host's (whose rights end at it): see tables.py.
    table_id: int | None = None
    declared_role: str | None = None
    #: A helper link's kind (scribe, table_host, ..., respondent); "" for everyone else.
    helper_kind: str = ""

    @property
    def key(self) -> str:
        """A stable name for idempotency records and rate limits (never personal)."""
        ident = self.participant_id or self.helper_id or self.facilitator_id or 0
        return f"{self.role[0]}:{ident}"

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF


def new_token() -> str:
    return secrets.token_urlsafe(24)


# -- participants: a random token per dialogue in the signed session cookie ------

def participant_token(dialogue_id: int) -> str | None:
    return (cookie.get("p") or {}).get(str(dialogue_id))


def remember_participant(dialogue_id: int, token: str) -> None:
    tokens = dict(cookie.get("p") or {})
    tokens[str(dialogue_id)] = token
    # Keep the cookie small: the newest few dialogues are enough.
    cookie["p"] = dict(list(tokens.items())[-8:])
    cookie.permanent = True


def participant_actor(dialogue: Dialogue, token: str | None = None) -> Actor | None:
    token = token or participant_token(dialogue.id)
    if not token:
        return None
    p = db.session.scalar(select(Participant).where(
        Participant.token_hash == hash_token(token), Participant.dialogue_id == dialogue.id))
    if p is None or p.removed:
        return None
    return Actor(PARTICIPANT, dialogue.id, participant_id=p.id, declared_role=p.role, table_id=p.table_id)


# -- facilitators: logged in with the session cookie ---------------------------

def current_facilitator_id() -> int | None:
    return cookie.get("fid")


def can_run(facilitator_id: int | None, dialogue: Dialogue) -> bool:
    """The owner and co-facilitators may run a dialogue; nobody else."""
    if facilitator_id is None:
        return False
    if dialogue.owner_id == facilitator_id:
        return True
    return db.session.get(DialogueShare, (dialogue.id, facilitator_id)) is not None


def facilitator_actor(dialogue: Dialogue, facilitator_id: int | None = None) -> Actor | None:
    fid = facilitator_id if facilitator_id is not None else current_facilitator_id()
    if not can_run(fid, dialogue):
        return None
    return Actor(FACILITATOR, dialogue.id, facilitator_id=fid)


# -- helpers and screens: secret links ----------------------------------------

def helper_actor(token: str | None) -> Actor | None:
    if not token:
        return None
    h = links.find(db.session, Helper, Helper.token, links.HELPER, token)
    if h is None or h.revoked:
        return None
    return Actor(HELPER, h.dialogue_id, helper_id=h.id, table_id=h.table_id, helper_kind=h.kind,
                 declared_role=DECISION_MAKER if h.kind == DECISION_MAKER else None)


def screen_dialogue(token: str | None) -> Dialogue | None:
    if not token:
        return None
    return links.find(db.session, Dialogue, Dialogue.screen_token, links.SCREEN, token)
