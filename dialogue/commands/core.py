"""Domain commands: the one code path for every write.

A command is a function registered under a name with the roles that may call it.
The HTML form route and the socket event both call `dispatch(actor, name, payload)`:

    authorise -> validate -> one transaction (with an idempotency record) -> commit
    -> live updates -> the acknowledgement.

A write carries a client-made `client_id`; the acknowledgement is stored in the same
transaction as the write, so a resent `client_id` returns the first answer and
changes nothing (exactly once).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Callable, NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, insert, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from dialogue import db, tables
from dialogue.actors import FACILITATOR, Actor
from dialogue.hot_sql import HotStatement
from dialogue.models import WRITABLE_STATES, AuditEvent, Dialogue, ProcessedWrite, Step
from dialogue.realtime import broadcast
from dialogue.textclean import InvalidInput, clean_client_id, clean_int

log = logging.getLogger(__name__)

# When a command may run, by the dialogue's state (the rule itself: `refusal` below).
MEETING = "meeting"        # contributions, votes, notes, steps, the timer: not after closing
AFTERWARDS = "afterwards"  # moderation, themes, the screen, details: also when closed
ALWAYS = "always"          # state changes, retention, sharing, helper links, responses: in every state


def refusal(dialogue: Any, role: str, when: str = MEETING):
    """The state rule: why a `when` command by `role` may not run in this dialogue (anything with
    its `state`) now; None if it may.

    - open, running: every command, for the roles the command allows;
    - draft: only the facilitator (preparing);
    - closed: only the facilitator, and only AFTERWARDS and ALWAYS commands: moderating,
      themes, the screen, details, publishing; nobody adds or changes contributions, votes,
      notes, steps or the timer any more;
    - archived: only ALWAYS commands (state changes, retention, sharing, helper links).

    ALWAYS commands run in every state for whoever the command allows (a body's response to
    the outcome comes after the meeting, through its own link).
    """
    state = dialogue.state
    if state in WRITABLE_STATES or when == ALWAYS:
        return None
    if role != FACILITATOR:
        if state == "draft":
            return _l("This dialogue has not started yet.")
        return _l("This dialogue is closed. Thank you for taking part.")
    if state == "draft" or when == ALWAYS:
        return None
    if state == "closed":
        return None if when == AFTERWARDS else _l("The dialogue is closed. Open it again to change this.")
    return _l("The dialogue is archived. Take it out of the archive to change this.")


#: Keys of a command's result that carry a secret link: answered, never stored (links.py).
SECRET_RESULTS = frozenset({"url", "token"})


class CommandError(Exception):
    """A refusal with a translated message for the person; nothing was changed."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


@dataclass
class Command:
    name: str
    func: Callable[["CommandContext"], dict[str, Any] | None]
    roles: frozenset[str]
    audit: bool = False
    when: str = MEETING


REGISTRY: dict[str, Command] = {}


def command(name: str, roles, *, audit: bool = False, when: str = MEETING):
    """Register a command under `name`, callable by the given actor roles.

    `when` says in which dialogue states it may run (MEETING, AFTERWARDS, ALWAYS;
    see lifecycle.write_allowed): closing a dialogue stops every MEETING write.
    """
    def decorate(func):
        REGISTRY[name] = Command(name, func, frozenset(roles), audit, when)
        return func
    return decorate


class Now(NamedTuple):
    """The dialogue's state and current step, as a write reads them."""
    state: str
    current_step_id: int | None


@dataclass
class CommandContext:
    """What a command works with: the session, the actor, the payload, the dialogue."""
    s: Session
    actor: Actor
    payload: dict[str, Any]
    #: The dialogue's state and current step, read without loading the whole dialogue.
    now: Now
    effects: list[Callable[[], None]] = field(default_factory=list)

    @cached_property
    def dialogue(self) -> Dialogue:
        """The dialogue, loaded when a command first asks for it: loading its object cost as
        much as the whole dot vote, which needs only `now` (docs/performance.md)."""
        return self.s.get(Dialogue, self.actor.dialogue_id)

    @property
    def _current(self) -> Any:
        # Once loaded, the object (a command may have moved the dialogue on); else `now`.
        return self.__dict__.get("dialogue") or self.now

    def fail(self, message) -> None:
        raise CommandError(message)

    def step(self, key: str = "step_id") -> Step:
        """The step named in the payload; it must belong to this dialogue."""
        step_id = clean_int(self.payload.get(key), 1, 2**31)
        step = self.s.get(Step, step_id)
        if step is None or step.dialogue_id != self.actor.dialogue_id:
            self.fail(_l("This step does not exist."))
        return step

    def open_step(self, kind: str | tuple[str, ...] | None = None, key: str = "step_id") -> Step:
        """The payload's step, if it takes writes now: the current step, or one open early.

        Staff may also write to other steps (paper entries afterwards) until closing.
        """
        step = self.step(key)
        kinds = (kind,) if isinstance(kind, str) else kind
        if kinds and step.kind not in kinds:
            self.fail(_l("This step does not take this answer."))
        current = step.id == self._current.current_step_id
        early = step.config.get("open_early") and self._current.state == "open"
        if not (current or early or self.actor.is_staff):
            self.fail(_l("This step is closed. Look at the current step."))
        self.table_for(step)  # a step worked by table takes no participant without one
        return step

    def table_for(self, step: Step) -> int | None:
        """The table a write in `step` belongs to (None when not worked by table); see tables.py."""
        try:
            return tables.write_table(self.actor, step, self.payload.get("table_id"), self.s)
        except ValueError as exc:
            self.fail(exc.args[0])

    def check_table(self, table_id: int | None) -> None:
        """Refuse when the actor may not touch what belongs to `table_id` (another table's)."""
        if not tables.may_see(self.actor, table_id):
            self.fail(_l("This belongs to another table."))

    def changed(self, step: Step | None = None, *, wall: bool = False, tally: bool = False,
                everyone: bool = False) -> None:
        """Ask for live updates once the transaction has committed."""
        did = self.actor.dialogue_id
        if everyone:
            self.effects.append(lambda: broadcast.dialogue_changed(did))
        if wall:
            self.effects.append(lambda: broadcast.wall_changed(did))
        if tally:
            self.effects.append(lambda: broadcast.tally_changed(did))

    def audit(self, action: str, **detail) -> None:
        """Record a staff action (never a participant's)."""
        if self.actor.is_staff:
            self.s.add(AuditEvent(dialogue_id=self.actor.dialogue_id, actor=self.actor.key,
                                  action=action, detail=detail))


def _error(message) -> dict[str, Any]:
    return {"ok": False, "error": str(message)}


def check(actor: Actor | None, name: str, payload: Any) -> tuple[Command, str] | dict[str, Any]:
    """The checks before any transaction: the command exists, the role may call it, the
    payload is a dict with a valid client id. Returns (command, client_id), or the refusal."""
    cmd = REGISTRY.get(name) if isinstance(name, str) else None
    if cmd is None:
        return _error(_l("Unknown action."))
    if actor is None or actor.role not in cmd.roles:
        return _error(_l("You are not allowed to do this."))
    if not isinstance(payload, dict):
        return _error(_l("The request is not valid. Reload the page."))
    try:
        return cmd, clean_client_id(payload.get("client_id"))
    except InvalidInput as exc:
        return _error(exc.message)


def busy() -> dict[str, Any]:
    """The answer to a write the database could not take now; the phone's outbox resends it."""
    return {**_error(_l("The server is busy. Your answer was not saved; try again.")), "retry": True}


def dispatch(actor: Actor | None, name: str, payload: Any) -> dict[str, Any]:
    """Run command `name` for `actor` with `payload` in a transaction of its own; return the
    acknowledgement.

    Never raises for bad input or refusals: the answer says `ok: false` with a
    translated `error`, and nothing is changed. (Socket writes under eventlet share
    their transaction with the writes arriving together: group_commit.py.)
    """
    checked = check(actor, name, payload)
    if isinstance(checked, dict):
        return checked
    cmd, client_id = checked
    for attempt in range(3):
        try:
            return _run(cmd, actor, payload, client_id)
        except IntegrityError:
            # A concurrent copy of this write won the race (or a unique rule was hit):
            # return the stored acknowledgement if there is one.
            stored = _stored_ack(actor, client_id)
            if stored is not None:
                return stored
            return _error(_l("That was already recorded."))
        except OperationalError:
            log.warning("database busy running %s (attempt %d)", name, attempt + 1)
        except PoolTimeout:
            # Every database connection was in use for pool_timeout seconds (an overload):
            # waiting longer helps nobody; the phone's outbox sends the write again later.
            log.warning("no database connection free for %s", name)
            return busy()
    # Still locked after three tries (SQLite's busy timeout, PostgreSQL's lock_timeout):
    # the phone's outbox sends the write again later.
    return busy()


def _find_ack(s: Session, actor: Actor, client_id: str) -> dict[str, Any] | None:
    """The stored acknowledgement of this actor's write `client_id`, marked duplicate."""
    # The column, not the ORM object.
    response = s.scalar(select(ProcessedWrite.response).where(
        ProcessedWrite.dialogue_id == actor.dialogue_id, ProcessedWrite.actor == actor.key,
        ProcessedWrite.client_id == client_id))
    return dict(response, duplicate=True) if response is not None else None


def _stored_ack(actor: Actor, client_id: str) -> dict[str, Any] | None:
    s = db.session()
    s.rollback()
    return _find_ack(s, actor, client_id)


# Every write's own statements, built once and run on the driver's cursor: on the per-vote
# path SQLAlchemy's building, flushing and executing cost more than the statements
# (docs/performance.md, hot_sql.py). (Nothing is pending when `now` is read; the command's
# own rows are flushed after the acknowledgement's, in the same transaction.)
_NOW = HotStatement(select(Dialogue.__table__.c.state, Dialogue.__table__.c.current_step_id).where(
    Dialogue.__table__.c.id == bindparam("dialogue_id")))
_PROCESSED = HotStatement(insert(ProcessedWrite.__table__))


def run_in(s: Session, cmd: Command, actor: Actor, payload: dict,
           client_id: str) -> tuple[dict[str, Any], list[Callable[[], None]]]:
    """The command's work inside an open write transaction: (acknowledgement, effects).

    Raises CommandError/InvalidInput for a refusal, and IntegrityError (at the flush) for a
    resent client id: the caller rolls back what it did and answers with `_find_ack`, the
    first answer, for both (a resent write may be refused now: its dots are spent). Not
    looking the client id up first saves a query on every write (docs/performance.md).
    """
    conn = s.connection()
    row = _NOW.run(conn, {"dialogue_id": actor.dialogue_id}).fetchone()
    if row is None:
        raise CommandError(_l("This dialogue does not exist."))
    now = Now(*row)
    refused = refusal(now, actor.role, cmd.when)
    if refused is not None:
        raise CommandError(refused)
    ctx = CommandContext(s, actor, payload, now)
    result = cmd.func(ctx) or {}
    if cmd.audit:
        ctx.audit(cmd.name, **{k: v for k, v in payload.items() if k != "client_id"})
    response = {"ok": True, **result}
    # A secret link in the answer (a new helper link, say) is not kept in the database.
    stored = {k: v for k, v in response.items() if k not in SECRET_RESULTS}
    _PROCESSED.run(conn, {"dialogue_id": actor.dialogue_id, "actor": actor.key,
                          "client_id": client_id, "response": stored})
    return response, ctx.effects


def _run(cmd: Command, actor: Actor, payload: dict, client_id: str) -> dict[str, Any]:
    try:
        with db.write() as s:
            response, effects = run_in(s, cmd, actor, payload, client_id)
    except (CommandError, InvalidInput) as exc:
        return _stored_ack(actor, client_id) or _error(exc.message)
    for effect in effects:
        effect()
    return response
