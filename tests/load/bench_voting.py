"""Voting load benchmark: N simulated phones join a dialogue and cast dot votes.

    python tests/load/bench_voting.py --phones 300
    python tests/load/bench_voting.py --phones 1000 --db postgresql
    python tests/load/bench_voting.py --phones 1000 --db postgresql --processes 2   # + Redis

The server is `python app.py` (eventlet) exactly as the README starts it, pinned to one
core with taskset; this load generator is pinned to another. Each phone joins over HTTP
(join page, form post), opens a Socket.IO connection (python-socketio AsyncClient,
WebSocket only) and casts `--votes` dots at random moments over `--seconds`, waiting
for each acknowledgement. A screen counts the coalesced `live` updates it gets.

It prints figures and never asserts on timing: connections established, votes
acknowledged, acknowledgement latency p50/p95/p99, live updates the screen got and
whether the last one showed every vote, the server's CPU and memory, PostgreSQL's and
Redis's CPU, and the load generator's own CPU (near 100 % it measures itself). Every
loop has a count and a deadline; all traffic goes to 127.0.0.1. Figures and method:
docs/performance.md.
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
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from dialogue.loadtest import (  # noqa: E402  (the simulated phones and screen: the user's load tool's)
    Phone,
    Screen,
    connect,
    cpu_seconds,
    join,
    latency_figures,
    limited,
    memory_kb,
    vote,
)
from tests.support.live import LiveServer, facilitator_session, socket_client  # noqa: E402

ITEMS = ["Bussit", "Kirjasto", "Uimahalli", "Terveysasema", "Nuorisotila"]
REDIS = "redis://127.0.0.1:6379/0"


# -- measuring processes through /proc ------------------------------------------------

def pids_named(prefix: str) -> list[int]:
    """The processes whose command name starts with `prefix` (postgres, redis-server)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().startswith(prefix):
                    found.append(int(entry.name))
    return found


class CpuMeter:
    """CPU used by a set of processes between start() and stop(), as a share of one core."""

    def __init__(self, pids_fn):
        self.pids_fn = pids_fn

    def start(self):
        self.t0, self.before = time.monotonic(), {p: cpu_seconds(p) for p in self.pids_fn()}

    def stop(self) -> float:
        wall = time.monotonic() - self.t0
        used = sum(cpu_seconds(p) - self.before.get(p, 0.0) for p in self.pids_fn())
        return round(100 * used / wall, 1) if wall else 0.0


def postgres_backends_of(database: str) -> list[int]:
    """The PostgreSQL server processes serving one database (their title names it)."""
    found = []
    for pid in pids_named("postgres"):
        with contextlib.suppress(OSError):
            if f" {database} " in Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace"):
                found.append(pid)
    return found


def prefer(pids: list[int], nice: int) -> None:
    """Give the benchmark's processes priority over other work sharing the machine."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.setpriority(os.PRIO_PROCESS, pid, nice)


def pin(pid: int, core: int) -> None:
    """Pin every thread of a process to one core."""
    subprocess.run(["taskset", "-a", "-p", "-c", str(core), str(pid)], check=True, capture_output=True)


# -- the room ---------------------------------------------------------------------------

def add_dots_step(url: str, dialogue_id: int, votes: int) -> int:
    """A dots step whose budget and cap let every phone cast all its votes."""
    from dialogue import activities
    from dialogue.models import Step
    engine = create_engine(url)
    with Session(engine) as s:
        # Results shown from the start: the screen's live tally is what is measured.
        config = {"dots": votes, "max_per_item": votes, "items": ITEMS, "hide_results": False}
        step = Step(dialogue_id=dialogue_id, position=1, kind="dots", texts={"fi": {"title": "Äänestys", "body": ""}},
                    config=activities.get("dots").clean_config(config))
        s.add(step)
        s.commit()
        step_id = step.id
    engine.dispose()
    return step_id


# -- one run ----------------------------------------------------------------------------

async def run_load(args, servers: list[LiveServer], dialogue: dict, step_id: int, items: list[int]) -> dict:
    result: dict = {}
    database_name = servers[0].database_url.rsplit("/", 1)[1]
    phones = [Phone(servers[n % len(servers)].url) for n in range(args.phones)]
    deadline = time.monotonic() + args.setup_timeout
    t = time.monotonic()
    joined = await limited([join(p, dialogue["code"], deadline) for p in phones], args.concurrency)
    result["joined"] = sum(joined)
    result["join_s"] = round(time.monotonic() - t, 1)
    t = time.monotonic()
    connected = await limited([connect(p, dialogue["id"], deadline) for p, ok in zip(phones, joined) if ok],
                              args.concurrency)
    result["connected"] = sum(connected)
    result["connect_s"] = round(time.monotonic() - t, 1)

    screen = Screen()
    screen_url = servers[-1].url  # with two processes: the screen is on the other one than half the phones
    await screen.client.connect(screen_url, auth={"role": "screen", "dialogue": dialogue["id"],
                                                  "token": dialogue["screen_url"].rsplit("/", 1)[1]},
                                transports=["websocket"], wait_timeout=10)
    frames_before = screen.frames

    server_cpu = [CpuMeter(lambda pid=s.proc.pid: [pid]) for s in servers]
    pg_cpu, redis_cpu = CpuMeter(lambda: pids_named("postgres")), CpuMeter(lambda: pids_named("redis-server"))
    for meter in (*server_cpu, pg_cpu, redis_cpu):
        meter.start()
    profiler = None
    if args.profile:  # py-spy (pip install py-spy) samples the first server while the votes come
        # --gil: only the thread holding the GIL, i.e. where the CPU goes (not greenlets waiting).
        profiler = subprocess.Popen(["py-spy", "record", "--gil", "--nonblocking", "--format", "raw", "--output", args.profile,
                                     "--duration", str(int(args.seconds) + 1), "--rate", str(args.profile_rate), "--pid", str(servers[0].proc.pid)],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    gen_t0, gen_cpu0 = time.monotonic(), time.process_time()
    t0 = time.monotonic() + 0.5
    voters = [p for p in phones if p.client is not None]
    voting = asyncio.gather(*(vote(p, step_id, items, args.votes, args.seconds, t0, args.ack_timeout) for p in voters))
    if args.nice and args.db == "postgresql":
        # The database's backends for this run start as the pool grows: keep preferring them.
        async def prefer_backends():
            for _ in range(int(args.seconds + args.ack_timeout * args.votes + 30)):
                prefer(postgres_backends_of(database_name), args.nice)
                await asyncio.sleep(1)
        preferring = asyncio.ensure_future(prefer_backends())
        voting.add_done_callback(lambda _f: preferring.cancel())
    await asyncio.wait_for(voting, timeout=args.seconds + args.ack_timeout * args.votes + 30)
    vote_wall = time.monotonic() - gen_t0
    result["generator_cpu_pct"] = round(100 * (time.process_time() - gen_cpu0) / vote_wall, 1)
    result["server_cpu_pct"] = [m.stop() for m in server_cpu]
    result["postgres_cpu_pct"] = pg_cpu.stop() if args.db == "postgresql" else None
    result["redis_cpu_pct"] = redis_cpu.stop() if args.processes > 1 else None
    result["vote_phase_s"] = round(vote_wall, 1)
    if profiler is not None:
        profiler.wait(60)

    latencies = [x for p in phones for x in p.latencies]
    acked = sum(p.ok for p in phones)
    result.update(votes_sent=len(voters) * args.votes, acked_ok=acked, refused=sum(p.refused for p in phones),
                  timeouts=sum(p.timeouts for p in phones),
                  ack_ms=latency_figures(latencies))
    # The screen's last update must show every acknowledged vote (coalesced: a few a second).
    end = time.monotonic() + 15
    while screen.total != acked and time.monotonic() < end:
        await asyncio.sleep(0.1)
    last_ack = max((p.acked_at for p in phones if p.ok), default=time.monotonic())
    # How far the screen's tally lagged behind the last acknowledgement (coalesced updates).
    result["screen_delay_ms"] = round(1000 * max(0.0, screen.changed_at - last_ack), 1) \
        if screen.total == acked else None
    result["screen_updates"] = screen.frames - frames_before
    result["screen_total"] = screen.total
    result["screen_shows_every_vote"] = screen.total == acked
    result["server_memory_kb"] = [memory_kb(s.proc.pid) for s in servers]

    if args.trace:
        rows = sorted((sent - gen_t0, ms) for p in phones for sent, ms in zip(p.sent_at, p.latencies))
        Path(args.trace).write_text("".join(f"{sent:.3f}\t{ms:.1f}\n" for sent, ms in rows))
    await screen.client.disconnect()
    await limited([p.client.disconnect() for p in voters], 200)
    return result


def set_step(server: LiveServer, dialogue: dict, step_id: int) -> None:
    staff = socket_client(server.url, facilitator_session(server.url), "facilitator", dialogue["id"])
    try:
        ack = staff.call("act", ("go_to_step", {"step_id": step_id, "client_id": uuid.uuid4().hex}), timeout=10)
        assert ack["ok"], ack
    finally:
        staff.disconnect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phones", type=int, default=100)
    parser.add_argument("--votes", type=int, default=5, help="dots each phone casts")
    parser.add_argument("--seconds", type=float, default=10, help="the votes are spread over this time")
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--processes", type=int, choices=(1, 2), default=1, help="2: two servers sharing Redis")
    parser.add_argument("--nodelay", choices=("0", "1"), default="1", help="OSUVA_TCP_NODELAY for the server")
    parser.add_argument("--green-psycopg2", choices=("0", "1"), default="1", help="OSUVA_GREEN_PSYCOPG2")
    parser.add_argument("--synchronous", choices=("FULL", "NORMAL"), default=None,
                        help="OSUVA_SQLITE_SYNCHRONOUS (the server's default: FULL)")
    parser.add_argument("--group-commit-ms", type=float, default=None,
                        help="OSUVA_GROUP_COMMIT_MS (0: every socket write commits alone)")
    parser.add_argument("--pool-size", type=int, default=None, help="OSUVA_DB_POOL_SIZE")
    parser.add_argument("--tally-interval", type=float, default=None, help="OSUVA_TALLY_INTERVAL")
    parser.add_argument("--server-cores", default="0", help="cores for the servers, e.g. 0 or 0,1")
    parser.add_argument("--generator-core", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=50, help="joins/connects at a time")
    parser.add_argument("--ack-timeout", type=float, default=30)
    parser.add_argument("--setup-timeout", type=float, default=300)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile-rate", type=int, default=100, help="py-spy's samples a second")
    parser.add_argument("--profile", help="record the first server with py-spy (collapsed stacks) to this file")
    parser.add_argument("--trace", help="write each vote's send time (s) and ack latency (ms) to this file")
    parser.add_argument("--nice", type=int, default=-10,
                        help="niceness of the servers, their database backends and this generator "
                             "(a shared machine's other work otherwise takes their cores); 0: leave as is")
    args = parser.parse_args()
    random.seed(args.seed)

    os.sched_setaffinity(0, {args.generator_core})
    if args.nice:
        prefer([os.getpid()], args.nice)
        # With autogroup scheduling (Linux's default for desktops and many VMs) a niceness only
        # counts inside its session's group; the group's own niceness weighs against the others.
        with contextlib.suppress(OSError):
            Path("/proc/self/autogroup").write_text(str(args.nice))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, 4 * args.phones + 200)), hard))

    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="osuva-bench-")))
        env = {"OSUVA_TCP_NODELAY": args.nodelay, "OSUVA_GREEN_PSYCOPG2": args.green_psycopg2}
        if args.synchronous:
            env["OSUVA_SQLITE_SYNCHRONOUS"] = args.synchronous
        if args.group_commit_ms is not None:
            env["OSUVA_GROUP_COMMIT_MS"] = str(args.group_commit_ms)
        if args.pool_size:
            env["OSUVA_DB_POOL_SIZE"] = str(args.pool_size)
        if args.tally_interval is not None:
            env["OSUVA_TALLY_INTERVAL"] = str(args.tally_interval)
        if args.db == "postgresql":
            from tests.support.pg import fresh_database
            env["OSUVA_DATABASE_URL"] = stack.enter_context(fresh_database("osuva_bench"))
        else:
            # Both processes of a two-process SQLite run would share this file.
            env["OSUVA_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
        if args.processes > 1:
            env.update(OSUVA_MESSAGE_QUEUE=REDIS, OSUVA_MESSAGE_QUEUE_CHANNEL=f"osuva-bench-{uuid.uuid4().hex[:8]}")
        cores = [int(c) for c in args.server_cores.split(",")]
        servers = []
        for n in range(args.processes):
            server = LiveServer(tmp / f"server{n}", extra_env=env)
            server.instance.mkdir()
            stack.callback(server.stop)
            servers.append(server.start())
            pin(server.proc.pid, cores[n % len(cores)])
            if args.nice:
                prefer([server.proc.pid], args.nice)
        dialogue = servers[0].new_dialogue(method="blank")
        step_id = add_dots_step(servers[0].database_url, dialogue["id"], args.votes)
        set_step(servers[0], dialogue, step_id)
        engine = create_engine(servers[0].database_url)
        with engine.connect() as conn:
            from sqlalchemy import text
            items = list(conn.execute(text("SELECT id FROM item WHERE step_id = :s"), {"s": step_id}).scalars())
        engine.dispose()

        load_before = os.getloadavg()[0]
        result = asyncio.run(run_load(args, servers, dialogue, step_id, items))
        result = {"phones": args.phones, "db": args.db, "processes": args.processes, "nodelay": args.nodelay,
                  "nice": args.nice,
                  "green_psycopg2": args.green_psycopg2 if args.db == "postgresql" else None,
                  **result, "load_avg_before": round(load_before, 2), "load_avg_after": round(os.getloadavg()[0], 2)}
    print(json.dumps(result))


if __name__ == "__main__":
    main()
