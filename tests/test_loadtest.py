"""The load check for an IT person (python -m dialogue.loadtest) against the real server:
a handful of phones vote in a dialogue on a dot-vote step, and every vote is counted."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dialogue.loadtest import parse_args
from tests.support.live import LiveServer, add_steps
from tests.support.phone import act, database, staff_socket


@pytest.fixture
def server(tmp_path):
    live = LiveServer(tmp_path).start()
    yield live
    live.stop()


def loadtest(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dialogue.loadtest", *args], capture_output=True, text=True,
                          timeout=120)


def test_phones_vote_and_every_vote_is_acknowledged_stored_and_on_the_screen(server):
    d = server.new_dialogue(method="blank")
    steps = add_steps(server.database_url, d["id"], [("dots", {"dots": 3, "max_per_item": 3, "hide_results": False,
                                                               "items": ["Bussit", "Kirjasto"]})])
    staff = staff_socket(server, d)
    act(staff, "go_to_step", step_id=steps["dots"])
    done = loadtest("--url", server.url, "--code", d["code"], "--phones", "6", "--votes", "3", "--seconds", "2",
                    "--screen", d["screen_url"], "--server-pid", str(server.proc.pid))
    assert done.returncode == 0, done.stderr
    figures = json.loads(done.stdout)
    assert figures["joined"] == figures["connected"] == 6
    assert figures["votes_sent"] == figures["acked_ok"] == 18 and figures["timeouts"] == 0
    assert figures["screen_shows_every_vote"] is True
    assert set(figures["ack_ms"]) == {"p50", "p95", "p99", "max"} and figures["server_memory_kb"]["VmRSS"] > 0
    with database(server) as conn:
        stored = conn.execute("SELECT SUM(value) FROM vote WHERE step_id = ?", (steps["dots"],)).fetchone()[0]
    assert stored == 18


def test_a_dialogue_not_on_a_dot_vote_is_explained(server):
    d = server.new_dialogue()
    done = loadtest("--url", server.url, "--code", d["code"], "--phones", "2", "--votes", "1", "--seconds", "1")
    assert done.returncode == 2 and "not a dot vote" in done.stderr


def test_only_this_machine_is_tested_unless_allowed_and_the_bounds_hold():
    with pytest.raises(SystemExit):
        parse_args(["--url", "https://osuva.example.fi", "--code", "ABC123"])
    assert parse_args(["--url", "https://osuva.example.fi", "--code", "ABC123", "--allow-remote"]).url == \
        "https://osuva.example.fi"
    for bad in (["--phones", "0"], ["--phones", "5001"], ["--votes", "1000"], ["--seconds", "0"]):
        with pytest.raises(SystemExit):
            parse_args(["--code", "ABC123", *bad])
