"""The dot vote's own cost, without the transport: CPU per write of the group commit.

    python tests/load/bench_write_path.py                 # 1,000 phones x 5 dots, groups of 50
    python tests/load/bench_write_path.py --profile out.txt

`bench_voting.py` measures the whole server (sockets, acknowledgements, live tallies);
this one measures only what Osuva adds to each write: N participants' dots run through
`GroupCommitter.commit` in groups, as the socket writes of a room voting at once are,
on SQLite (synchronous=FULL, in a temporary folder). It prints the CPU per write and
the writes per second of CPU, so a change on the write path can be judged in seconds
(docs/performance.md), and then the CPU of one build of the staff's and screen's live
state over all those votes (the broadcast does it a few times a second). It asserts
nothing about timing.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from dialogue import create_app, db  # noqa: E402
from dialogue.actors import PARTICIPANT, Actor  # noqa: E402
from dialogue.commands import core  # noqa: E402
from dialogue.commands.group_commit import GroupCommitter, Job  # noqa: E402
from dialogue.models import Base, Vote  # noqa: E402
from dialogue.realtime import snapshot  # noqa: E402
from tests.conftest import Factory  # noqa: E402
from tests.support.world import World  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--votes", type=int, default=5, help="dots each phone casts")
    parser.add_argument("--group", type=int, default=50, help="writes in one transaction")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--profile", help="record with py-spy (collapsed stacks) to this file")
    parser.add_argument("--live", type=int, default=20,
                        help="then build the staff's and screen's live state this many times")
    args = parser.parse_args()
    random.seed(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"INSTANCE_PATH": tmp, "SECRET_KEY": "bench", "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
                          "PUBLIC_URL": "http://osuva.test", "ASYNC_MODE": "threading", "TALLY_INTERVAL": 0,
                          "AUTO_MIGRATE": False, "TESTING": True, "WTF_CSRF_ENABLED": False})
        Base.metadata.create_all(db.engine)
        with app.app_context():
            world = World(Factory(app))
            step = world.step("dots")
            items = world.items("dots", n=5, dots=args.votes, max_per_item=args.votes)
            phones = [Actor(PARTICIPANT, world.d.id, participant_id=world.new_participant()) for _ in range(args.phones)]
            jobs = []
            for _ in range(args.votes):
                for actor in random.sample(phones, len(phones)):
                    client_id = uuid.uuid4().hex
                    payload = {"step_id": step.id, "item_id": random.choice(items), "delta": 1, "client_id": client_id}
                    jobs.append(Job(core.REGISTRY["dot"], actor, payload, client_id, "fi"))
            committer = GroupCommitter(app, 0, None, time.sleep)
            profiler = None
            if args.profile:
                profiler = subprocess.Popen(["py-spy", "record", "--format", "raw", "--output", args.profile,
                                             "--pid", str(os.getpid())],
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(1)  # py-spy attaches
            wall0, cpu0 = time.perf_counter(), time.process_time()
            for start in range(0, len(jobs), args.group):
                committer.commit(jobs[start:start + args.group])
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            if profiler is not None:
                profiler.send_signal(2)
                profiler.wait(30)
            ok = sum(bool(j.response and j.response.get("ok")) for j in jobs)
            stored = db.session.query(Vote).count()
            # What the coalesced broadcast builds a few times a second while the votes come,
            # the results shown on the screen too (as the room's tally is in bench_voting.py).
            step.revealed = True
            db.session.commit()
            live_cpu = time.process_time()
            for _ in range(args.live):
                snapshot.stamped_live_states(db.session, world.d.id)
            live_cpu = time.process_time() - live_cpu
            print(json.dumps({
                "writes": len(jobs), "ok": ok, "vote_rows": stored, "group": args.group,
                "cpu_ms_per_write": round(1000 * cpu / len(jobs), 3),
                "wall_ms_per_write": round(1000 * wall / len(jobs), 3),
                "writes_per_cpu_second": round(len(jobs) / cpu),
                "live_state_cpu_ms": round(1000 * live_cpu / max(1, args.live), 2),
            }))


if __name__ == "__main__":
    main()
