"""`flask --app app backup FILE`: a consistent copy while writes go on, and it restores."""
from __future__ import annotations

import sqlite3
import stat
import sys
import threading

from sqlalchemy import func, select

from dialogue import create_app, db
from dialogue.models import Contribution, ProcessedWrite
from tests.conftest import cid


def _writer(app, step_id: int, dialogue_id: int, stop: threading.Event, written: list[int]) -> None:
    """Write contributions the way a command does: the row and its ack in one transaction."""
    with app.app_context():
        n = 0
        while not stop.is_set():
            with db.write() as s:
                s.add(Contribution(dialogue_id=dialogue_id, step_id=step_id, text=f"Kirjoitus {n}"))
                s.add(ProcessedWrite(dialogue_id=dialogue_id, actor="p:1", client_id=cid(), response={"ok": True}))
            n += 1
            written.append(n)
        db.session.remove()


def test_backup_while_writing_is_consistent_and_restores(app, make, runner, tmp_path):
    d = make.dialogue()
    step = d.steps[1]
    stop, written = threading.Event(), []
    thread = threading.Thread(target=_writer, args=(app, step.id, d.id, stop, written))
    thread.start()
    try:
        while len(written) < 50:  # let writes be under way when the backup starts
            assert thread.is_alive(), "the writer stopped before the backup began"
            stop.wait(0.01)
        out = tmp_path / "varmuuskopio.sqlite3"
        result = runner.invoke(args=["backup", str(out)])
        copied_while_writing = len(written)
    finally:
        stop.set()
        thread.join()
    assert result.exit_code == 0, result.output
    assert "Wrote" in result.output
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # it holds participants' texts
    with sqlite3.connect(out) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        texts = copy.execute("SELECT count(*) FROM contribution").fetchone()[0]
        acks = copy.execute("SELECT count(*) FROM processed_write").fetchone()[0]
    # consistent: each write is in the copy with its acknowledgement, or not at all
    assert texts == acks
    assert 50 <= texts <= copied_while_writing + 1
    # the copy works as Osuva's database
    restored = create_app({"TESTING": True, "INSTANCE_PATH": tmp_path / "restored", "SECRET_KEY": "x",
                           "DATABASE_URL": f"sqlite:///{out}", "ASYNC_MODE": "threading",
                           "AUTO_MIGRATE": False})
    with restored.app_context():
        assert db.session.scalar(select(func.count()).select_from(Contribution)) == texts
        db.session.remove()
        db.engine.dispose()


def test_backup_does_not_overwrite_unless_asked(runner, tmp_path, make):
    make.dialogue()
    out = tmp_path / "kopio.sqlite3"
    out.write_text("vanha varmuuskopio")
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code != 0 and "exists" in result.output
    assert out.read_text() == "vanha varmuuskopio"
    result = runner.invoke(args=["backup", str(out), "--overwrite"])
    assert result.exit_code == 0, result.output
    with sqlite3.connect(out) as copy:
        assert copy.execute("SELECT count(*) FROM dialogue").fetchone()[0] == 1


def test_postgresql_backup_runs_pg_dump_without_the_password_on_its_command_line(tmp_path, monkeypatch):
    from dialogue.backup import backup_database
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "pg_dump.args"
    fake = bin_dir / "pg_dump"
    # A stand-in pg_dump: records its arguments and PGPASSWORD, writes a file where told.
    fake.write_text(f"""#!{sys.executable}
import os, sys
args = sys.argv[1:]
open({str(record)!r}, "w").write(repr((args, os.environ.get("PGPASSWORD"))))
out = next(a.split("=", 1)[1] for a in args if a.startswith("--file="))
open(out, "wb").write(b"PGDMP")
""")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")
    out = tmp_path / "osuva.dump"
    summary = backup_database("postgresql+psycopg2://osuva:salainen@db.example:5433/osuva", out)
    args, password = eval(record.read_text())
    assert password == "salainen"
    assert not any("salainen" in a for a in args)
    assert "--format=custom" in args
    assert "--dbname=postgresql://osuva@db.example:5433/osuva" in args
    assert out.read_bytes() == b"PGDMP" and "pg_restore" in summary
