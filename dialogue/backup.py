"""`flask --app app backup FILE`: a consistent copy of the database while Osuva runs.

SQLite: the online backup API copies the database page by page inside one read
transaction, so the copy is the state after some commit and never half a write,
even while phones keep writing (WAL readers do not block writers). The copy is a
single self-contained file (journal mode DELETE) that can replace the database.

PostgreSQL: `pg_dump --format=custom`, restored with `pg_restore`. The password
goes to pg_dump through the environment, never on its command line (where `ps`
would show it).

A backup holds everything the database holds, participants' texts included, so it
is written readable by its owner only. README.md says how to restore it.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.engine import make_url

from dialogue.db import BUSY_TIMEOUT_MS


class BackupError(Exception):
    """The backup could not be made; the message says why (for the command line)."""


def backup_database(url: str, out: Path) -> str:
    """Write a consistent copy of the database at `url` to `out`; return a one-line summary."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return backup_sqlite(Path(parsed.database or ""), out)
    if parsed.get_backend_name() == "postgresql":
        return backup_postgresql(url, out)
    raise BackupError(f"backups of {parsed.get_backend_name()} databases are not supported")


def _private_tmp(out: Path) -> Path:
    tmp = out.with_name(f".{out.name}.part")
    tmp.unlink(missing_ok=True)
    # Create it private before anything is written into it.
    os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    return tmp


def backup_sqlite(database: Path, out: Path) -> str:
    """Copy a live SQLite database with the online backup API; check the copy before keeping it."""
    if not database.name or database.name == ":memory:" or not database.exists():
        raise BackupError(f"no database file at {database}")
    tmp = _private_tmp(out)
    try:
        source = sqlite3.connect(database, timeout=BUSY_TIMEOUT_MS / 1000)
        target = sqlite3.connect(tmp)
        try:
            # pages=-1: everything in one step, i.e. one read transaction, one consistent state.
            source.backup(target, pages=-1)
            target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            status = target.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                raise BackupError(f"the copy failed its integrity check: {status}")
            tables = target.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]
        finally:
            target.close()
            source.close()
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return f"Wrote {out} ({out.stat().st_size} bytes, {tables} tables, SQLite)"


def backup_postgresql(url: str, out: Path) -> str:
    """Run pg_dump (custom format) for the database at `url`."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError("pg_dump was not found; install the PostgreSQL client tools")
    parsed = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    # libpq understands postgresql://user@host:port/db, without SQLAlchemy's +driver.
    # (URL.set ignores password=None, so the password is dropped with _replace.)
    dsn = parsed._replace(drivername="postgresql", password=None).render_as_string(hide_password=False)
    tmp = _private_tmp(out)
    try:
        done = subprocess.run([pg_dump, "--format=custom", "--no-owner", f"--file={tmp}", f"--dbname={dsn}"],
                              env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed: {done.stderr.strip()}")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return f"Wrote {out} ({out.stat().st_size} bytes, PostgreSQL custom format; restore with pg_restore)"


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
def backup_command(file: Path, overwrite: bool) -> None:
    """Write a consistent copy of the database to FILE (safe while Osuva runs)."""
    if file.exists() and not overwrite:
        raise click.ClickException(f"{file} exists; choose another name or add --overwrite")
    try:
        click.echo(backup_database(current_app.config["DATABASE_URL"], file))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
