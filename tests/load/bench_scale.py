"""How many phones one process holds: Osuva (SQLite, PostgreSQL) against a bare server, same run.

    python tests/load/bench_scale.py                       # SQLite, bare, PostgreSQL
    python tests/load/bench_scale.py --levels 500,1000 --targets sqlite,bare

For each target it raises N (the `--levels`, up to 2,000) until a run misses the bar, each
run on a fresh server process pinned to its own core: N phones join, connect and cast
`--votes` dots each over `--seconds` (the simulated phones of `dialogue.loadtest`, through
tests/load/bench_voting.py). A run holds when every phone connected, every vote was
acknowledged and stored (counted exactly in the database; the bare server's own count),
the acknowledgements' p95 is at most `--p95-ms` (250) and the screen's tally was at most
`--screen-ms` (500) behind the last acknowledgement. It prints one JSON line per run and a
summary: the largest N held per target and the ratio Osuva / bare. Never asserts on
timing; figures from a machine shared with other work are noisy (docs/performance.md).
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bench_voting  # noqa: E402  (the room, the load, the measuring)
import requests  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from tests.support.live import LiveServer, free_port  # noqa: E402

DEFAULT_LEVELS = "250,500,750,1000,1250,1500,1750,2000"


class BareServer:
    """tests/load/bare_server.py in a subprocess, looking enough like a LiveServer for run_load."""

    database_url = "bare/none"

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None

    def start(self) -> "BareServer":
        self.proc = subprocess.Popen([sys.executable, str(HERE / "bare_server.py"), "--port", str(self.port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.url}/count", timeout=1).ok:
                    return self
            time.sleep(0.2)
        raise RuntimeError("the bare server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def load_args(args, phones: int, db: str) -> argparse.Namespace:
    """The options bench_voting.run_load reads."""
    return argparse.Namespace(phones=phones, votes=args.votes, seconds=args.seconds, db=db, processes=1,
                              concurrency=args.concurrency, setup_timeout=300, ack_timeout=30, profile=None,
                              trace=None, nice=args.nice)


def run_osuva(args, phones: int, db: str) -> dict:
    """One run against `python app.py` on a fresh SQLite file or PostgreSQL database."""
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="osuva-scale-")))
        env = {}
        if db == "postgresql":
            from tests.support.pg import fresh_database
            env["OSUVA_DATABASE_URL"] = stack.enter_context(fresh_database("osuva_scale"))
        else:
            env["OSUVA_DATABASE_URL"] = f"sqlite:///{tmp / 'scale.sqlite3'}"
        server = LiveServer(tmp / "server", extra_env=env)
        server.instance.mkdir()
        stack.callback(server.stop)
        server.start()
        bench_voting.pin(server.proc.pid, args.server_core)
        if args.nice:
            bench_voting.prefer([server.proc.pid], args.nice)
        dialogue = server.new_dialogue(method="blank")
        step_id = bench_voting.add_dots_step(server.database_url, dialogue["id"], args.votes)
        bench_voting.set_step(server, dialogue, step_id)
        engine = create_engine(server.database_url)
        with engine.connect() as conn:
            items = list(conn.execute(text("SELECT id FROM item WHERE step_id = :s"), {"s": step_id}).scalars())
        result = asyncio.run(bench_voting.run_load(load_args(args, phones, db), [server], dialogue, step_id, items))
        with engine.connect() as conn:
            result["stored"] = conn.execute(text("SELECT coalesce(sum(value), 0) FROM vote WHERE step_id = :s"),
                                            {"s": step_id}).scalar()
        engine.dispose()
    return result


def run_bare(args, phones: int) -> dict:
    """One run against the bare server (no database: its own in-memory count)."""
    server = BareServer().start()
    try:
        bench_voting.pin(server.proc.pid, args.server_core)
        if args.nice:
            bench_voting.prefer([server.proc.pid], args.nice)
        dialogue = {"id": 1, "code": "BARE", "screen_url": "/s/bare"}
        result = asyncio.run(bench_voting.run_load(load_args(args, phones, "bare"), [server], dialogue, 1,
                                                   [1, 2, 3, 4, 5]))
        result["stored"] = requests.get(f"{server.url}/count", timeout=10).json()["total"]
    finally:
        server.stop()
    return result


def holds(args, phones: int, r: dict) -> bool:
    """The bar: all connected, every vote acknowledged and stored, p95 and screen in time."""
    votes = phones * args.votes
    return (r["connected"] == phones and r["acked_ok"] == votes and r["stored"] == votes
            and r["ack_ms"]["p95"] is not None and r["ack_ms"]["p95"] <= args.p95_ms
            and r.get("screen_delay_ms") is not None and r["screen_delay_ms"] <= args.screen_ms)


def search(args, target: str, levels: list[int]) -> int:
    """The largest level held, raising N until a run misses the bar."""
    best = 0
    for phones in levels:
        random.seed(args.seed)
        load_before = os.getloadavg()[0]
        r = run_bare(args, phones) if target == "bare" else run_osuva(args, phones, target)
        ok = holds(args, phones, r)
        print(json.dumps({"target": target, "phones": phones, "held": ok, "connected": r["connected"],
                          "acked": r["acked_ok"], "stored": r["stored"], "ack_ms": r["ack_ms"],
                          "screen_delay_ms": r.get("screen_delay_ms"), "server_cpu_pct": r["server_cpu_pct"][0],
                          "server_cpu_ms_per_vote": round(10 * r["server_cpu_pct"][0] * r["vote_phase_s"]
                                                          / max(1, r["acked_ok"]), 2),
                          "postgres_cpu_pct": r.get("postgres_cpu_pct"), "generator_cpu_pct": r["generator_cpu_pct"],
                          "load_avg": [round(load_before, 2), round(os.getloadavg()[0], 2)]}), flush=True)
        if not ok:
            break
        best = phones
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--targets", default="sqlite,bare,postgresql", help="any of sqlite, bare, postgresql")
    parser.add_argument("--levels", default=DEFAULT_LEVELS, help="phone counts to try, rising (at most 2000)")
    parser.add_argument("--votes", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--p95-ms", type=float, default=250)
    parser.add_argument("--screen-ms", type=float, default=500)
    parser.add_argument("--server-core", type=int, default=0)
    parser.add_argument("--generator-core", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--nice", type=int, default=-10, help="as in bench_voting.py; 0: leave as is")
    args = parser.parse_args()
    levels = sorted(n for n in (int(x) for x in args.levels.split(",")) if 0 < n <= 2000)
    os.sched_setaffinity(0, {args.generator_core})
    if args.nice:
        bench_voting.prefer([os.getpid()], args.nice)
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(str(args.nice))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * max(levels) + 200)), hard))
    held = {target: search(args, target, levels) for target in args.targets.split(",")}
    summary = {"largest_n_held": held, "bar": {"ack_p95_ms": args.p95_ms, "screen_ms": args.screen_ms}}
    for target in ("sqlite", "postgresql"):
        if target in held and held.get("bare"):
            summary[f"ratio_{target}_to_bare"] = round(held[target] / held["bare"], 2)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
