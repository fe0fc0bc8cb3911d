"""Database engine, the per-request session and the write transaction.

SQLite runs in WAL mode with foreign keys on and a busy timeout sized for bursts, and
with `synchronous=FULL`: every commit is on disk (fsync of the log) before it is
acknowledged, so an acknowledged write survives a crash of the machine, not only of
the process. The fsync a commit costs is shared by the socket writes that arrive
together (group commit: dialogue/commands/group_commit.py).
Every write goes through `write()`, which on SQLite starts with BEGIN IMMEDIATE, so
that budget checks and inserts of one command are serialised with other writers
(no lost update between the check and the insert). On PostgreSQL the commands lock
the rows they check (SELECT ... FOR UPDATE).
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Callable, Iterator

from alembic import command as alembic_command
from alembic.config import Config as AlembicConfig
from flask import Flask
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session, sessionmaker
from sqlalchemy.pool import NullPool

from dialogue.dbpool import FairQueuePool

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

engine: Engine | None = None
session: scoped_session[Session] = scoped_session(sessionmaker(expire_on_commit=False))


#: How long a write waits for another's lock (SQLite's database, PostgreSQL's rows) before
#: giving up with an error the caller answers as "busy, try again".
BUSY_TIMEOUT_MS = 30_000

#: SQLite's durability levels one may choose (OSUVA_SQLITE_SYNCHRONOUS); FULL is the default.
SYNCHRONOUS_LEVELS = ("FULL", "EXTRA", "NORMAL")


def make_engine(url: str, pool_size: int = 20, synchronous: str = "FULL", pool_timeout: float = 10.0) -> Engine:
    """Create the engine with the pragmas/pool each backend needs."""
    if synchronous not in SYNCHRONOUS_LEVELS:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS_LEVELS}")
    if url.startswith("sqlite"):
        # timeout: SQLite's busy timeout (the driver sets it on every connection).
        eng = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(eng, "connect")
        def _on_connect(dbapi_conn, _record):
            # Let SQLAlchemy emit BEGIN itself (pysqlite's own handling defers it).
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            # FULL: a commit returns after the log is synced (NORMAL would lose the last
            # acknowledged writes when the machine, not the process, stops).
            cur.execute(f"PRAGMA synchronous={synchronous}")
            # Deleted rows are overwritten, not left readable in free pages (purge, privacy).
            cur.execute("PRAGMA secure_delete=ON")
            cur.close()

        @event.listens_for(eng, "begin")
        def _on_begin(conn):
            mode = "IMMEDIATE" if conn.get_execution_options().get("osuva_write") else "DEFERRED"
            conn.exec_driver_sql(f"BEGIN {mode}")

        return eng
    # Waiting for a connection: first come, first served, at most pool_timeout seconds (dbpool.py).
    # Waiting for a row another write has locked: at most as long as SQLite's busy timeout;
    # then the write is answered "busy, try again" (core.dispatch) instead of waiting for ever.
    return create_engine(url, poolclass=FairQueuePool, pool_size=pool_size, max_overflow=pool_size,
                         pool_timeout=pool_timeout, pool_pre_ping=True,
                         connect_args={"options": f"-c lock_timeout={BUSY_TIMEOUT_MS}"})


@contextlib.contextmanager
def write(run_commit: Callable[[Callable[[], None]], None] | None = None) -> Iterator[Session]:
    """One write transaction: commit on success, roll back on any exception.

    Any read transaction the request had open is ended first, so the write starts
    fresh (BEGIN IMMEDIATE on SQLite) and sees the latest committed state.
    `run_commit` runs the commit elsewhere (the group committer: in an OS thread, so
    the fsync does not stop every other greenlet).
    """
    s = session()
    s.rollback()
    s.connection(execution_options={"osuva_write": True})
    try:
        yield s
        if run_commit is None:
            s.commit()
        else:
            run_commit(s.commit)
    except BaseException:
        s.rollback()
        raise


def release_deleted() -> None:
    """After deleting personal data: have SQLite drop the old page copies in its write-ahead log.

    With secure_delete the database file itself keeps no deleted text, but the WAL
    still holds earlier versions of the pages until a checkpoint truncates it.
    (PostgreSQL keeps dead rows until VACUUM reuses their space; see docs/security.md.)
    """
    if engine is None or engine.dialect.name != "sqlite":
        return
    raw = engine.raw_connection()
    try:
        raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        raw.close()


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


#: The PostgreSQL advisory lock key held while migrating (any fixed number; "osuva" in ASCII).
MIGRATION_LOCK = 0x6F73757661


def upgrade(url: str) -> None:
    """Bring the database schema to the newest migration (creates SQLite files).

    On PostgreSQL an advisory lock makes server processes started at the same moment
    migrate one after the other (the later ones find nothing left to do) instead of
    racing to create the same tables.
    """
    if not url.startswith("postgresql"):
        alembic_command.upgrade(alembic_config(url), "head")
        return
    lock_engine = create_engine(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with lock_engine.connect() as conn:
            conn.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            try:
                alembic_command.upgrade(alembic_config(url), "head")
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
    finally:
        lock_engine.dispose()


def init_app(app: Flask) -> None:
    """Bind the engine and remove the session at the end of every request."""
    global engine
    url = app.config["DATABASE_URL"]
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url, app.config["DB_POOL_SIZE"], app.config.get("SQLITE_SYNCHRONOUS", "FULL"),
                         app.config.get("DB_POOL_TIMEOUT", 10.0))
    session.remove()
    session.configure(bind=engine)
    app.extensions["osuva_engine"] = engine

    @app.teardown_appcontext
    def _remove_session(_exc):
        session.remove()
