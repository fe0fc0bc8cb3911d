"""SQLAlchemy 2 typed models.

Participants are anonymous: a row holds a hash of the random token kept in the
participant's signed cookie, and optionally a self-declared role and municipality.
No name, IP address or user agent is ever stored.
"""
from __future__ import annotations

import datetime as dt
from typing import Any, Optional

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    mapped_column,
    object_session,
    relationship,
    validates,
)

from dialogue import links

STATES = ("draft", "open", "running", "closed", "archived")
#: The states in which a dialogue takes participants' contributions and votes.
WRITABLE_STATES = ("open", "running")
#: The states after the meeting: nothing new is written, the results are reported.
ENDED_STATES = ("closed", "archived")
ROLES = ("resident", "expert", "decision_maker", "other")
HELPER_KINDS = ("scribe", "table_host", "recorder", "decision_maker", "respondent")


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


class Base(DeclarativeBase):
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class Facilitator(Base):
    __tablename__ = "facilitator"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Dialogue(Base):
    __tablename__ = "dialogue"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(6), unique=True)
    # Only the hash of the screen link's random value (links.py); the link: screen_link_token.
    screen_token: Mapped[str] = mapped_column(String(64), unique=True)

    @validates("screen_token")
    def _hash_screen_token(self, _key, value):
        return links.hashed_on_assignment(value)

    @property
    def screen_link_token(self) -> str:
        """The token of the projector's link (/s/<token>), made from the stored hash and SECRET_KEY."""
        return links.link_token(links.SCREEN, self.id, self.screen_token)
    owner_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id"))
    method: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    topic: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(2), default="fi")
    municipality: Mapped[str] = mapped_column(String(40), default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    date: Mapped[Optional[dt.date]] = mapped_column(nullable=True)
    organiser: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(10), default="running")
    join_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    ask_role: Mapped[bool] = mapped_column(Boolean, default=False)
    screen_mode: Mapped[str] = mapped_column(String(10), default="step")  # qr | step | results | pause
    current_step_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("step.id", use_alter=True, ondelete="SET NULL"), nullable=True)
    # A follow-up meeting ("you said – we did") points to the dialogue it follows up.
    follows_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("dialogue.id", ondelete="SET NULL"), nullable=True)
    retention_days: Mapped[int] = mapped_column(Integer, default=180)
    closed_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime, nullable=True)
    # Set when the raw data was purged (lifecycle.py); `summary` keeps the aggregated numbers.
    purged_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime, nullable=True)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # Made by `flask demo` with invented content: marked everywhere, left out of project reporting.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Small groups (tables.py): the world-café round, and the table on the screen (None: all).
    table_round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # Counts every change of who sits where: phones redraw their view when it changes.
    seating: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    screen_table_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("dialogue_table.id", use_alter=True, ondelete="SET NULL"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    owner: Mapped[Facilitator] = relationship()
    steps: Mapped[list["Step"]] = relationship(
        back_populates="dialogue", order_by="Step.position", foreign_keys="Step.dialogue_id",
        cascade="all, delete-orphan")
    __table_args__ = (CheckConstraint(f"state in {STATES}", name="dialogue_state"),)

    @property
    def current_step(self) -> Optional["Step"]:
        """The step the dialogue is on now (None before the first); the one definition of it."""
        if self.current_step_id is None:
            return None
        session = object_session(self)
        return session.get(Step, self.current_step_id) if session is not None else None

    @property
    def accepts_writes(self) -> bool:
        """Whether participants' contributions and votes are taken now (WRITABLE_STATES)."""
        return self.state in WRITABLE_STATES

    @property
    def has_ended(self) -> bool:
        """Whether the meeting is over (closed or archived)."""
        return self.state in ENDED_STATES


class DialogueShare(Base):
    """A co-facilitator: another facilitator account that may run this dialogue."""
    __tablename__ = "dialogue_share"
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), primary_key=True)
    facilitator_id: Mapped[int] = mapped_column(ForeignKey("facilitator.id", ondelete="CASCADE"), primary_key=True)


class Step(Base):
    __tablename__ = "step"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    # {"fi": {"title": ..., "body": ...}, "sv": {...}, "en": {...}}
    texts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Voting steps: the facilitator stopped taking votes (results stay on screen).
    voting_closed: Mapped[bool] = mapped_column(Boolean, default=False)
    # Server-side timer: running since `timer_started_at` with `timer_seconds` left then.
    timer_seconds: Mapped[int] = mapped_column(Integer, default=0)
    timer_started_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime, nullable=True)

    dialogue: Mapped[Dialogue] = relationship(back_populates="steps", foreign_keys=[dialogue_id])


class DialogueTable(Base):
    """A small group of a dialogue: a table with a name, a short code for its own QR code,
    and its host's summary of the last round (shown to the next group)."""
    __tablename__ = "dialogue_table"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    description: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    code: Mapped[str] = mapped_column(String(8))
    summary: Mapped[str] = mapped_column(Text, default="")
    __table_args__ = (UniqueConstraint("dialogue_id", "code", name="one_table_code_per_dialogue"),)


class Participant(Base):
    __tablename__ = "participant"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[Optional[str]] = mapped_column(String(20), nullable=True)
    municipality: Mapped[Optional[str]] = mapped_column(String(40), nullable=True)
    table_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("dialogue_table.id", ondelete="SET NULL"), nullable=True, index=True)
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Helper(Base):
    """A secret helper link (scribe, table host, recorder): staff rights, no account."""
    __tablename__ = "helper"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), index=True)
    # Only the hash of the link's random value (links.py); the link: link_token.
    token: Mapped[str] = mapped_column(String(64), unique=True)

    @validates("token")
    def _hash_token(self, _key, value):
        return links.hashed_on_assignment(value)

    @property
    def link_token(self) -> str:
        """The token of this link (/h/<token>), made from the stored hash and SECRET_KEY."""
        return links.link_token(links.HELPER, self.id, self.token)
    kind: Mapped[str] = mapped_column(String(20), default="scribe")
    label: Mapped[str] = mapped_column(String(80), default="")
    # A table host's table: their rights end at it (tables.py).
    table_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("dialogue_table.id", ondelete="SET NULL"), nullable=True)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    at_table: Mapped[Optional[DialogueTable]] = relationship()


class Theme(Base):
    __tablename__ = "theme"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    # A theme the method defined (e.g. "concerns" in Erätauko): the method's report section
    # finds it by this key, whatever it is called or renamed to. Empty for staff's own themes.
    key: Mapped[str] = mapped_column(String(40), default="")


class Contribution(Base):
    """A text (and later photo) contribution to a step, or a staff note."""
    __tablename__ = "contribution"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), index=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), nullable=True, index=True)
    helper_id: Mapped[Optional[int]] = mapped_column(ForeignKey("helper.id", ondelete="SET NULL"), nullable=True)
    # participant | staff (entered by staff for someone without a phone) | note
    source: Mapped[str] = mapped_column(String(12), default="participant")
    author_role: Mapped[Optional[str]] = mapped_column(String(20), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    original_text: Mapped[Optional[str]] = mapped_column(Text, nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    private: Mapped[bool] = mapped_column(Boolean, default=False)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    pii: Mapped[bool] = mapped_column(Boolean, default=False)
    theme_id: Mapped[Optional[int]] = mapped_column(ForeignKey("theme.id", ondelete="SET NULL"), nullable=True)
    # In a step worked by table: the writer's table then, and the round.
    table_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("dialogue_table.id", ondelete="SET NULL"), nullable=True, index=True)
    round: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    at_table: Mapped[Optional[DialogueTable]] = relationship(foreign_keys=[table_id])


class Acknowledgement(Base):
    """A participant has read and accepted an info step (e.g. the ground rules)."""
    __tablename__ = "acknowledgement"
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True)


class Item(Base):
    """Something to vote on in a voting step: from a list, a contribution or a participant.

    `pending`: a participant's statement or question waiting for moderation (only staff
    and its author see it). `answered`/`highlighted`: a question's state (questions).
    One item per contribution per step, so refreshing items from an earlier step is
    idempotent.
    """
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("contribution.id", ondelete="CASCADE"), nullable=True)
    participant_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("participant.id", ondelete="CASCADE"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    pending: Mapped[bool] = mapped_column(Boolean, default=False)
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    highlighted: Mapped[bool] = mapped_column(Boolean, default=False)
    # Entered by staff (e.g. a question asked aloud or on paper).
    by_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    # An item of one table's own (from its contributions, in a step worked by table).
    table_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("dialogue_table.id", ondelete="SET NULL"), nullable=True)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)
    __table_args__ = (UniqueConstraint("step_id", "contribution_id", name="one_item_per_contribution"),)


class Vote(Base):
    """One participant's vote on one item (and criterion): the value depends on the kind.

    dots: number of dots; stance: 1 agree / -1 disagree / 0 pass; scale: 1..5;
    poll: 1 chosen; rank: place (1 = first); questions: 1 upvote.
    The unique constraint makes "one vote per participant per item" a database rule.
    """
    __tablename__ = "vote"
    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    criterion: Mapped[str] = mapped_column(String(40), default="")
    value: Mapped[int] = mapped_column(Integer)
    # In a step worked by table: the voter's table then (the report's per-table figures).
    table_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("dialogue_table.id", ondelete="SET NULL"), nullable=True)
    __table_args__ = (
        UniqueConstraint("participant_id", "item_id", "criterion", name="one_vote_per_item"),
        # A voter's votes in a step, read on every vote: by the step's index alone SQLite
        # walked all the step's votes, each vote slower than the last (docs/performance.md).
        Index("ix_vote_participant_step", "participant_id", "step_id"),
    )


class StaffCount(Base):
    """Paper ballots and show-of-hands counts entered by staff: `count` votes of `value`.

    A row without an item records how many people voted on paper or by hands
    (`count` people), so the step's number of participants includes them.
    """
    __tablename__ = "staff_count"
    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[Optional[int]] = mapped_column(ForeignKey("item.id", ondelete="CASCADE"), nullable=True,
                                                   index=True)
    criterion: Mapped[str] = mapped_column(String(40), default="")
    value: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
    helper_id: Mapped[Optional[int]] = mapped_column(ForeignKey("helper.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (CheckConstraint("count >= 0", name="staff_count_nonnegative"),)


class SpeakRequest(Base):
    """A silent "I'd like to speak" signal: a queue only the facilitator sees, with no names."""
    __tablename__ = "speak_request"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class Signal(Base):
    """A participant's silent signal in a step (e.g. "I didn't understand").

    Staff see only the number of active signals; clearing them keeps the rows
    (inactive) so the export can say how often it was pressed.
    """
    __tablename__ = "signal"
    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Publication(Base):
    """A dialogue's published results page: a secret link, listed publicly only by choice.

    Withdrawing keeps the row (so the console can tell when) but the link stops
    working; publishing again makes a new link, so an old one never comes back.
    """
    __tablename__ = "publication"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), unique=True)
    # Only the hash of the link's random value (links.py); the link: link_token.
    token: Mapped[str] = mapped_column(String(64), unique=True)

    @validates("token")
    def _hash_token(self, _key, value):
        return links.hashed_on_assignment(value)

    @property
    def link_token(self) -> str:
        """The token of this link (/r/<token>), made from the stored hash and SECRET_KEY."""
        return links.link_token(links.PUBLICATION, self.id, self.token)
    public: Mapped[bool] = mapped_column(Boolean, default=False)
    # The facilitator's own words to participants and decision-makers ("this is what we heard").
    message: Mapped[str] = mapped_column(Text, default="")
    include_contributions: Mapped[bool] = mapped_column(Boolean, default=False)
    published_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime, nullable=True)


class ProcessedWrite(Base):
    """The ack of every client write, so a resent `client_id` is the same write."""
    __tablename__ = "processed_write"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"))
    actor: Mapped[str] = mapped_column(String(40))
    client_id: Mapped[str] = mapped_column(String(64))
    response: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("dialogue_id", "actor", "client_id", name="one_write_per_client_id"),)


class AuditEvent(Base):
    """What staff did, when (never what participants did)."""
    __tablename__ = "audit_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[Optional[int]] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), nullable=True)
    actor: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, server_default=func.current_timestamp())


class Finding(Base):
    """A key finding of a dialogue (keskeinen havainto) at the front of its report.

    Drafted from the dialogue's data (`source` says from what: a theme, a step's
    priorities, common ground, ...) or written by staff (`source` "staff"); staff
    edit, reorder, merge and approve them. Only approved findings are published or
    exported as key findings. `basis` says what the finding rests on, for readers:
    {"steps": [titles], "people": n, "contributions": n}.
    """
    __tablename__ = "finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    basis: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(Integer, default=0)
    approved: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    source: Mapped[str] = mapped_column(String(40), default="staff")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# -- the draft activity (activities/draft.py): a statement of numbered sections -----------------

class DraftSection(Base):
    """One numbered section (a recommendation) of a draft step; its text is its newest version.

    In a step worked by table a section belongs to its table; `origin_id` is the section it
    was merged from (the tables' drafts merged into one numbered set, once each).
    """
    __tablename__ = "draft_section"
    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    table_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("dialogue_table.id", ondelete="SET NULL"), nullable=True)
    origin_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("draft_section.id", ondelete="SET NULL"), nullable=True)
    number: Mapped[int] = mapped_column(Integer, default=1)
    text: Mapped[str] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DraftVersion(Base):
    """One version of a section, kept for ever: the history. `by` is only the writer's kind
    ("participant", "table_host", "facilitator") for staff; never who."""
    __tablename__ = "draft_version"
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("draft_section.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    by: Mapped[str] = mapped_column(String(20))
    # The accepted amendment this version came from, if any.
    amendment_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("draft_amendment.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (UniqueConstraint("section_id", "number", name="one_version_number"),)


class DraftAmendment(Base):
    """A proposed new text of a section with its reason; the jury votes, the facilitator
    accepts (it becomes a version) or rejects it. `status`: open | accepted | rejected."""
    __tablename__ = "draft_amendment"
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("draft_section.id", ondelete="CASCADE"), index=True)
    # Only for the per-person limit; never shown or exported.
    participant_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("participant.id", ondelete="SET NULL"), nullable=True)
    text: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text, default="")
    base_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10), default="open")
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DraftMinority(Base):
    """A minority statement on a section; people join it (DraftVote kind "minority")."""
    __tablename__ = "draft_minority"
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("draft_section.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    hidden: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DraftVote(Base):
    """A participant's answer in a draft: `kind` "support" (target a section), "amendment",
    "final" (target the document's step) or "minority" (joined). Values: 1 agree, -1
    disagree, 0 can't say. One per participant and target: a database rule."""
    __tablename__ = "draft_vote"
    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[int] = mapped_column(Integer, index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    value: Mapped[int] = mapped_column(Integer)
    __table_args__ = (UniqueConstraint("participant_id", "kind", "target_id", name="one_draft_vote"),)


class DraftConflict(Base):
    """An edit refused because the section changed meanwhile: the writer's text, kept until
    they save a merged text (their own page shows both). `writer` is the actor's key."""
    __tablename__ = "draft_conflict"
    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("draft_section.id", ondelete="CASCADE"), index=True)
    writer: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text)
    base_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class DraftResponse(Base):
    """The answer (vastine) of whoever commissioned a statement, entered later: one per document
    (the draft step holding the sections); it appears in later exports and on the published page."""
    __tablename__ = "draft_response"
    id: Mapped[int] = mapped_column(primary_key=True)
    step_id: Mapped[int] = mapped_column(ForeignKey("step.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ExternalId(Base):
    """The id a participant or statement had in another tool (a Pol.is participant id or
    comment id), kept when its data is imported so that exports can name it again.
    `kind` is "participant" (local_id a Participant id) or "item" (an Item id)."""
    __tablename__ = "external_id"
    id: Mapped[int] = mapped_column(primary_key=True)
    dialogue_id: Mapped[int] = mapped_column(ForeignKey("dialogue.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    local_id: Mapped[int] = mapped_column(Integer)
    external_id: Mapped[str] = mapped_column(String(64))
    __table_args__ = (UniqueConstraint("dialogue_id", "kind", "local_id", name="one_external_id_each"),)


# -- the findings register (kehittämiskohteet) across dialogues: dialogue/register/ --------------

#: A responding organisation's statuses for a register entry, in the order they usually come.
RESPONSE_STATUSES = ("received", "considering", "decided", "done", "declined")


class FindingRegister(Base):
    """A findings register: the project's, an organisation's or a named one. Every facilitator
    account of the instance may use it (the instance is the project's, as in project reporting).
    `areas` is its editable list of service areas: [{"key": ..., "name": ...}]; an empty name
    is the default area's translated name (synthesis/service_areas.py)."""
    __tablename__ = "finding_register"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    # project | organisation | named
    kind: Mapped[str] = mapped_column(String(20), default="project")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    areas: Mapped[list[Any]] = mapped_column(default=list)
    # The hash of the experts' read-only link (the view and its exports, no account); None: no link.
    viewer_hash: Mapped[Optional[str]] = mapped_column(String(64), unique=True, nullable=True)
    # Made by `flask demo` with invented entries: marked, left out of project reporting.
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RegisterResponder(Base):
    """An organisation (or a role) asked to respond to register entries, through its own secret
    link: only the link's hash is kept, so a copy of the database hands out no access."""
    __tablename__ = "register_responder"
    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("finding_register.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(160))
    token_hash: Mapped[Optional[str]] = mapped_column(String(64), unique=True, nullable=True)
    # The form's client-made id: a resent form makes no second organisation.
    client_id: Mapped[Optional[str]] = mapped_column(String(64), unique=True, nullable=True)
    link_made_at: Mapped[Optional[dt.datetime]] = mapped_column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RegisterEntry(Base):
    """A development point in a register: a finding heard in one or more dialogues (its
    evidence), the service area it concerns and who is asked to respond."""
    __tablename__ = "register_entry"
    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(ForeignKey("finding_register.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text)
    area: Mapped[str] = mapped_column(String(40), default="other")
    responder_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("register_responder.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RegisterEvidence(Base):
    """One dialogue's approved key finding behind a register entry, with what it rests on
    copied when it was sent (aggregated and masked: it outlives the dialogue's raw data).
    `dialogue_id` and `finding_id` are kept while the dialogue and the finding exist."""
    __tablename__ = "register_evidence"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entry.id", ondelete="CASCADE"), index=True)
    dialogue_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("dialogue.id", ondelete="SET NULL"), nullable=True, index=True)
    finding_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("finding.id", ondelete="SET NULL"), nullable=True, unique=True)
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class RegisterResponse(Base):
    """One dated status update of a responding organisation on an entry; the newest is the
    entry's state, the older ones its history. Only `public` ones reach participants."""
    __tablename__ = "register_response"
    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("register_entry.id", ondelete="CASCADE"), index=True)
    responder_id: Mapped[Optional[int]] = mapped_column(
        ForeignKey("register_responder.id", ondelete="SET NULL"), nullable=True)
    status: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    __table_args__ = (CheckConstraint(f"status in {RESPONSE_STATUSES}", name="register_response_status"),)
