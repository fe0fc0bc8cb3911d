"""Group commit: socket writes that arrive within a few milliseconds share one transaction.

With SQLite at `synchronous=FULL` every commit waits for an fsync; a room voting at once
would pay one per vote. Instead the socket handler hands its write to `submit()`, which
waits; one committer task collects what arrived during `window` seconds and runs it as
one transaction:

    BEGIN -> for each write: the command (core.run_in) -> COMMIT

- A write that fails its checks fails alone; the others of its group are stored. Most are
  refused before they write anything, which leaves nothing to undo. One that fails after
  writing (a resent write breaks a unique rule with its acknowledgement) starts the group
  over, this time each write in a savepoint of its own, rolled back to it if it fails.
- Nobody is acknowledged before the commit: the waiting handlers wake after it, and if
  the commit fails every write of the group gets "busy, try again" (`retry`), none `ok`.
- Idempotency is unchanged: each write stores its acknowledgement (ProcessedWrite) in
  the group's transaction; a resent client id, even in the same group, gets the first.
- Live updates (the command's effects) run after the commit, in the writer's own handler.
- Under eventlet the commit itself (SQLite's fsync) runs in an OS thread (eventlet.tpool),
  so the process keeps serving sockets while the disk syncs.

Writes are taken in arrival order (first come, first served). Used on SQLite, whose writes
are serialised anyway; on PostgreSQL each write keeps its own transaction (see init_app).
HTML form posts keep their own transaction (core.dispatch).
"""
from __future__ import annotations

import collections
import contextlib
import logging
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

from flask import Flask, has_app_context
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from dialogue import db
from dialogue.actors import Actor
from dialogue.commands import core
from dialogue.textclean import InvalidInput

log = logging.getLogger(__name__)

#: Writes in one transaction at most (a larger burst is split into several groups).
MAX_GROUP = 200
#: How long a handler waits for its group's commit before answering "busy, try again".
WAIT_LIMIT = 30.0
#: Loaded rows the committer keeps at most between groups (then it loads afresh).
MAX_KEPT = 5000
#: The execution option that marks the committer's own transactions.
GROUPED = "osuva_grouped"

#: Write transactions committed by anyone but the committer (counted by the engine).
_other_commits = 0


def _count_other_commit(conn) -> None:
    global _other_commits
    if not conn.get_execution_options().get(GROUPED):
        _other_commits += 1


def _held_lock() -> threading.Lock:
    """A one-shot signal: taken now, released once by the committer when the job is done.
    (A threading.Event per write cost twice as much under eventlet: 57 against 27 µs a wait
    beyond the switch itself, docs/performance.md.)"""
    lock = threading.Lock()
    lock.acquire()
    return lock


@dataclass
class Job:
    """One write waiting for its group's commit."""
    cmd: core.Command
    actor: Actor
    payload: dict
    client_id: str
    locale: str
    done: threading.Lock = field(default_factory=_held_lock)
    response: dict[str, Any] | None = None     # the acknowledgement, once committed
    refusal: Any = None                        # or the (translatable) reason it was refused
    effects: list[Callable[[], None]] = field(default_factory=list)

    def answer(self) -> dict[str, Any]:
        """The acknowledgement for the writer (in the writer's own language)."""
        if self.refusal is not None:
            return core._error(self.refusal)
        return self.response if self.response is not None else core.busy()


class GroupCommitter:
    """Collects socket writes for `window` seconds and commits each group once."""

    def __init__(self, app: Flask, window: float, start_task: Callable, sleep: Callable,
                 run_commit: Callable[[Callable[[], None]], None] | None = None):
        self.app = app
        self.window = window
        self._start_task = start_task
        self._sleep = sleep
        self._run_commit = run_commit
        self._queue: collections.deque[Job] = collections.deque()
        self._wake = threading.Event()
        self._lock = threading.Lock()
        self._running = False
        #: Rows loaded by earlier writes, and the other writers' commits counted when they were.
        self._session, self._kept, self._kept_as_of = None, [], -1
        #: Another process's commits cannot be counted here (several processes: a message queue).
        self.keep_across_groups = not app.config.get("MESSAGE_QUEUE")
        if not event.contains(db.engine, "commit", _count_other_commit):
            event.listen(db.engine, "commit", _count_other_commit)

    def submit(self, actor: Actor | None, name: str, payload: Any, locale: str | None = None) -> dict[str, Any]:
        """Run a write in the next group; return its acknowledgement after the group's commit
        (in `locale`, by default the request's language)."""
        checked = core.check(actor, name, payload)
        if isinstance(checked, dict):
            return checked
        cmd, client_id = checked
        # End the handler's read transaction: it must not hold a connection (or SQLite's
        # read snapshot) while it waits. (A handler that read nothing has no session to end.)
        if db.session.registry.has():
            db.session.rollback()
        job = Job(cmd, actor, payload, client_id, locale or str(get_locale() or self.app.config["BABEL_DEFAULT_LOCALE"]))
        with self._lock:
            self._queue.append(job)
            start, self._running = not self._running, True
        if start:
            self._start_task(self._run_forever)
        self._wake.set()
        if not job.done.acquire(timeout=WAIT_LIMIT):
            return core.busy()
        for effect in job.effects:
            effect()
        return job.answer()

    def _run_forever(self) -> None:
        with self.app.app_context():  # one for the committer's life: its session outlives a group
            self._serve()

    def _serve(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            self._sleep(self.window)  # let the writes arriving together join the group
            while True:
                with self._lock:
                    batch = [self._queue.popleft() for _ in range(min(MAX_GROUP, len(self._queue)))]
                if not batch:
                    break
                try:
                    self.commit(batch)
                except Exception:  # never leave a writer waiting, never stop the committer
                    log.exception("group commit failed")
                finally:
                    for job in batch:
                        job.done.release()

    def commit(self, batch: list[Job]) -> None:
        """Run `batch` in one transaction and commit once; a refused write fails alone.

        Sets each job's response or refusal; on a failed commit every job is left (or
        put back) without a response, which answers "busy, try again".
        """
        with contextlib.nullcontext() if has_app_context() else self.app.app_context():
            attempts, savepoints = 0, False
            while attempts < 3:
                try:
                    with db.write(self._run_commit) as s:
                        s.connection().execution_options(**{GROUPED: True})
                        self._keep_rows(s)
                        changes = _change_counter(s) if not savepoints else None
                        for job in batch:
                            self._run_one(s, job, changes)
                    return
                except _StartOver:
                    savepoints = True  # the same group again, now a savepoint for each write
                except (OperationalError, PoolTimeout) as exc:
                    attempts += 1
                    log.warning("group of %d writes not committed (attempt %d): %s", len(batch), attempts, exc)
                except SQLAlchemyError:
                    log.exception("group of %d writes not committed", len(batch))
                    attempts = 3
                self._session, self._kept = None, []
                db.session.remove()
                for job in batch:  # nothing of this try was stored: nobody gets its answer
                    job.response, job.refusal, job.effects = None, None, []

    def _keep_rows(self, s) -> None:
        """Keep what the writes load (a vote's step and item) for the next writes and groups.

        A session holds what it loaded only weakly: each write of a group loaded its step and
        item again, and each group did (docs/performance.md). The committer's session and its
        rows now live on from group to group, until another writer has committed (a form, a
        join, the console: they may have changed a kept row) or, with several processes,
        always. Called inside the group's transaction (on SQLite, after taking the write lock),
        so a commit by anyone else before it is seen here.
        """
        if s is not self._session:
            self._session, self._kept = s, []
            event.listen(s, "loaded_as_persistent", lambda _s, row: self._kept.append(row))
        elif not self.keep_across_groups or self._kept_as_of != _other_commits or len(self._kept) > MAX_KEPT:
            s.expire_all()
            self._kept = []
        self._kept_as_of = _other_commits

    @staticmethod
    def _run_one(s, job: Job, changes: Callable[[], int] | None) -> None:
        """Run one write of the group. With `changes` (the rows written so far), without a
        savepoint: a write refused before it wrote anything has nothing to undo, and one that
        fails after writing starts the group over (`_StartOver`), each write in a savepoint.
        A savepoint for every write cost a third of the write (docs/performance.md)."""
        with force_locale(job.locale):
            written = changes() if changes else 0
            try:
                with s.begin_nested() if changes is None else contextlib.nullcontext():
                    job.response, job.effects = core.run_in(s, job.cmd, job.actor, job.payload, job.client_id)
                    s.flush()  # a unique rule breaks here (a resent write: its acknowledgement's)
            except (core.CommandError, InvalidInput) as exc:
                if changes and (changes() != written or s.new or s.dirty or s.deleted):
                    raise _StartOver from None
                # Refused now, but perhaps a resent write (its dots spent): the first answer stands.
                job.response, job.effects = core._find_ack(s, job.actor, job.client_id), []
                job.refusal = None if job.response is not None else exc.message
            except IntegrityError:
                if changes:
                    raise _StartOver from None
                job.response, job.effects = core._find_ack(s, job.actor, job.client_id), []
                if job.response is None:
                    job.refusal = _l("That was already recorded.")


class _StartOver(Exception):
    """A write of a group run without savepoints failed after it had written."""


def _change_counter(s) -> Callable[[], int] | None:
    """How many rows the session's connection has written so far, if its driver counts them
    (SQLite's total_changes); None: every write gets a savepoint."""
    raw = s.connection().connection.driver_connection
    return (lambda: raw.total_changes) if hasattr(raw, "total_changes") else None


_committer: GroupCommitter | None = None


def init_app(app: Flask) -> None:
    """Group the socket writes under eventlet on SQLite when OSUVA_GROUP_COMMIT_MS > 0 (the default)."""
    global _committer
    from dialogue.extensions import socketio
    window = app.config.get("GROUP_COMMIT_MS", 0) / 1000
    # PostgreSQL shares its log flushes between concurrent commits itself, and one committer
    # would serialise every write's round trips: there each write keeps its own transaction
    # (and waits for a connection in arrival order: dbpool.py).
    sqlite = app.config["DATABASE_URL"].startswith("sqlite")
    enabled = window > 0 and app.config["ASYNC_MODE"] == "eventlet" and sqlite
    _committer = None
    if enabled:
        from eventlet import tpool
        # The commit (SQLite's fsync) in an OS thread: the other greenlets go on meanwhile,
        # receiving the writes of the next group. Only the committer uses its session.
        _committer = GroupCommitter(app, window, socketio.start_background_task, socketio.sleep,
                                    run_commit=tpool.execute)


def write(actor: Actor | None, name: str, payload: Any, locale: str | None = None) -> dict[str, Any]:
    """The socket's write: in the next group when grouping is on, else on its own (answered
    in `locale`, the connection's language; by default the request's)."""
    if _committer is None:
        return core.dispatch(actor, name, payload)
    return _committer.submit(actor, name, payload, locale)
