"""Check a running Osuva before an event: N simulated phones vote in a dialogue, as browsers do.

    python -m dialogue.loadtest --url http://127.0.0.1:5000 --code ABC123 --phones 300 --votes 5 --seconds 10

Prepare the dialogue first: its current step must be a dot vote whose dots per participant
(and most dots on one item) are at least `--votes` (the demo's dots step, or one you add).
Open the screen link and give it with `--screen` to also measure how far the projector's
tally lags (its results must be shown, not hidden until revealed).

Each phone joins as a browser does (the join page, its CSRF token and cookie, the form
post), opens a Socket.IO connection (WebSocket) and casts `--votes` dots at random moments
over `--seconds`, each with its own client id, waiting for the acknowledgement. The tool
prints one JSON object: phones joined and connected, votes sent / acknowledged / refused /
timed out, acknowledgement latency p50/p95/p99, the screen's delay behind the last
acknowledgement, and, with `--server-pid` (the server on this machine), its CPU and memory.

Every loop is bounded in count and time. It talks to localhost only, unless told
`--allow-remote` (never point it at someone else's server). The votes stay in the dialogue:
use a dialogue made for the test, and delete it afterwards.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import socketio

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
DIALOGUE_ID = re.compile(r'data-dialogue="(\d+)"')
DOT_STEP = re.compile(r'data-action="dot".*?name="step_id" value="(\d+)"', re.S)
ITEM_ID = re.compile(r'name="item_id" value="(\d+)"')
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}
LIMITS = {"phones": 5000, "votes": 100, "seconds": 600}
TICK = os.sysconf("SC_CLK_TCK")


# -- measuring ------------------------------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far (0 if it is not there)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def memory_kb(pid: int) -> dict[str, int]:
    """Resident memory now (VmRSS) and at its peak (VmHWM), in KB."""
    out = {}
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(value.split()[0])
    return out


def percentile(values: list[float], p: float) -> float | None:
    """The p-th percentile of `values` (None for none), rounded to 0.1."""
    if not values:
        return None
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1)


def latency_figures(latencies: list[float]) -> dict[str, float | None]:
    """p50, p95, p99 and the largest acknowledgement latency, in ms."""
    return {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
            "max": round(max(latencies), 1) if latencies else None}


# -- a simulated phone --------------------------------------------------------------------------

class Phone:
    """One simulated phone: its cookie, its socket, its acknowledgement times."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookie = ""
        self.client: socketio.AsyncClient | None = None
        self.latencies: list[float] = []
        self.sent_at: list[float] = []  # monotonic time each acknowledged vote was sent
        self.acked_at = 0.0  # monotonic time of the last acknowledgement
        self.ok = self.refused = self.timeouts = 0


async def join(phone: Phone, code: str, deadline: float) -> bool:
    """Join as the form does: the page (CSRF token and cookie), then the form post."""
    jar = aiohttp.CookieJar(unsafe=True)  # unsafe: cookies for an IP address host
    timeout = aiohttp.ClientTimeout(total=max(1.0, deadline - time.monotonic()))
    try:
        async with aiohttp.ClientSession(cookie_jar=jar, timeout=timeout) as http:
            async with http.get(f"{phone.base_url}/j/{code}") as page:
                token = CSRF.search(await page.text())
            if token is None:
                return False
            async with http.post(f"{phone.base_url}/j/{code}", data={"csrf_token": token.group(1)},
                                 allow_redirects=False) as answer:
                if answer.status not in (302, 303):
                    return False
        phone.cookie = "; ".join(f"{c.key}={c.value}" for c in jar)
        return bool(phone.cookie)
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


async def connect(phone: Phone, dialogue_id: int, deadline: float) -> bool:
    """Open the phone's socket. No event handlers: a phone only waits for its own
    acknowledgements (the generator must not spend its core decoding what it does not need)."""
    client = socketio.AsyncClient(reconnection=False)
    try:
        await client.connect(phone.base_url, headers={"Cookie": phone.cookie},
                             auth={"role": "participant", "dialogue": dialogue_id}, transports=["websocket"],
                             wait_timeout=max(1.0, deadline - time.monotonic()))
    except (socketio.exceptions.ConnectionError, asyncio.TimeoutError, OSError):
        return False
    phone.client = client
    return True


async def vote(phone: Phone, step_id: int, items: list[int], votes: int, seconds: float, t0: float,
               ack_timeout: float) -> None:
    """Cast `votes` dots at random moments in [t0, t0 + seconds), each waiting for its ack."""
    moments = sorted(random.uniform(0, seconds) for _ in range(votes))
    for moment in moments:
        delay = t0 + moment - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        payload = {"step_id": step_id, "item_id": random.choice(items), "delta": 1, "client_id": uuid.uuid4().hex}
        start = time.monotonic()
        try:
            ack = await phone.client.call("act", ("dot", payload), timeout=ack_timeout)
        except (socketio.exceptions.TimeoutError, socketio.exceptions.BadNamespaceError):
            phone.timeouts += 1
            continue
        phone.acked_at = time.monotonic()
        phone.latencies.append(1000 * (phone.acked_at - start))
        phone.sent_at.append(start)
        if ack and ack.get("ok"):
            phone.ok += 1
        else:
            phone.refused += 1


class Screen:
    """The projector: counts `live` updates and keeps the newest one's total of dots (by as_of)."""

    def __init__(self):
        self.frames = 0
        self.as_of = 0.0
        self.total: int | None = None
        self.changed_at = 0.0  # monotonic time the total last changed
        self.client = socketio.AsyncClient(reconnection=False)
        self.client.on("live", self.on_live)

    async def on_live(self, state):
        self.frames += 1
        if state.get("as_of", 0) < self.as_of:
            return  # an older update overtaken by a newer one
        self.as_of = state.get("as_of", 0)
        results = (state.get("step") or {}).get("results") or {}
        total = sum(bar["value"] for bar in results.get("bars", [])) if results.get("bars") is not None else None
        if total != self.total:
            self.total, self.changed_at = total, time.monotonic()


async def limited(coros, limit: int):
    """Run coroutines with at most `limit` at a time; return their results in order."""
    gate = asyncio.Semaphore(limit)

    async def one(coro):
        async with gate:
            return await coro
    return await asyncio.gather(*(one(c) for c in coros))


# -- the user's tool ----------------------------------------------------------------------------

class NotReady(Exception):
    """The dialogue cannot be tested as it is (the message says why and what to do)."""


async def discover(base_url: str, code: str, deadline: float) -> tuple[Phone, int, int, list[int]]:
    """Join one phone and read, as its browser would, the dialogue's id, the current dot-vote
    step and its items (from the phone's own page)."""
    scout = Phone(base_url)
    if not await join(scout, code, deadline):
        raise NotReady(f"could not join {base_url}/j/{code}: is the code right and joining open?")
    async with aiohttp.ClientSession(headers={"Cookie": scout.cookie}) as http:
        async with http.get(f"{base_url}/p/{code}") as page:
            html = await page.text()
    dialogue = DIALOGUE_ID.search(html)
    step = DOT_STEP.search(html)
    items = sorted({int(i) for i in ITEM_ID.findall(html)})
    if dialogue is None or step is None or not items:
        raise NotReady("the dialogue's current step is not a dot vote with items: go to one in the console first")
    return scout, int(dialogue.group(1)), int(step.group(1)), items


def screen_auth(screen_link: str, dialogue_id: int) -> tuple[str, dict]:
    """The screen's server and socket credentials from its link (…/s/<token>)."""
    parts = urlsplit(screen_link)
    token = parts.path.rstrip("/").rsplit("/", 1)[-1]
    return f"{parts.scheme}://{parts.netloc}", {"role": "screen", "dialogue": dialogue_id, "token": token}


async def run(args) -> dict:
    """The whole check; returns the figures."""
    deadline = time.monotonic() + args.setup_timeout
    scout, dialogue_id, step_id, items = await discover(args.url, args.code, deadline)
    result: dict = {"phones": args.phones, "votes_each": args.votes, "seconds": args.seconds,
                    "dialogue": dialogue_id, "step": step_id, "items": len(items)}
    phones = [scout] + [Phone(args.url) for _ in range(args.phones - 1)]
    t = time.monotonic()
    joined = [True] + await limited([join(p, args.code, deadline) for p in phones[1:]], args.concurrency)
    result["joined"], result["join_s"] = sum(joined), round(time.monotonic() - t, 1)
    t = time.monotonic()
    connected = await limited([connect(p, dialogue_id, deadline) for p, ok in zip(phones, joined) if ok],
                              args.concurrency)
    result["connected"], result["connect_s"] = sum(connected), round(time.monotonic() - t, 1)

    screen = None
    if args.screen:
        screen = Screen()
        origin, auth = screen_auth(args.screen, dialogue_id)
        await screen.client.connect(origin, auth=auth, transports=["websocket"], wait_timeout=10)
    total_before = None
    if screen is not None:
        end = time.monotonic() + 5
        while screen.total is None and time.monotonic() < end:
            await asyncio.sleep(0.1)
        total_before = screen.total

    cpu_before, t_before = (cpu_seconds(args.server_pid), time.monotonic()) if args.server_pid else (0.0, 0.0)
    voters = [p for p in phones if p.client is not None]
    t0 = time.monotonic() + 0.5
    await asyncio.wait_for(
        asyncio.gather(*(vote(p, step_id, items, args.votes, args.seconds, t0, args.ack_timeout) for p in voters)),
        timeout=args.seconds + args.ack_timeout * args.votes + 30)
    latencies = [x for p in voters for x in p.latencies]
    acked = sum(p.ok for p in voters)
    result.update(votes_sent=len(voters) * args.votes, acked_ok=acked, refused=sum(p.refused for p in voters),
                  timeouts=sum(p.timeouts for p in voters), ack_ms=latency_figures(latencies))
    if args.server_pid:
        wall = time.monotonic() - t_before
        result["server_cpu_pct"] = round(100 * (cpu_seconds(args.server_pid) - cpu_before) / wall, 1)
        result["server_cpu_ms_per_vote"] = round(1000 * (cpu_seconds(args.server_pid) - cpu_before) / acked, 2) \
            if acked else None
        result["server_memory_kb"] = memory_kb(args.server_pid)
    if screen is not None:
        last_ack = max((p.acked_at for p in voters), default=time.monotonic())
        expected = (total_before or 0) + acked
        end = time.monotonic() + 15
        while screen.total != expected and time.monotonic() < end:
            await asyncio.sleep(0.05)
        result["screen_updates"] = screen.frames
        result["screen_shows_every_vote"] = screen.total == expected
        result["screen_delay_ms"] = round(1000 * max(0.0, screen.changed_at - last_ack), 1) \
            if screen.total == expected else None
        if total_before is None:
            result["screen_note"] = "the screen shows no dot results: show them in the console to measure its delay"
        await screen.client.disconnect()
    await limited([p.client.disconnect() for p in voters], 200)
    return result


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line, checked against the tool's bounds and the localhost rule."""
    parser = argparse.ArgumentParser(prog="python -m dialogue.loadtest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5000", help="the Osuva server (default: %(default)s)")
    parser.add_argument("--code", required=True, help="the dialogue's code (its current step: a dot vote)")
    parser.add_argument("--phones", type=int, default=100, help=f"simulated phones (1–{LIMITS['phones']})")
    parser.add_argument("--votes", type=int, default=5, help=f"dots each phone casts (1–{LIMITS['votes']})")
    parser.add_argument("--seconds", type=float, default=10,
                        help=f"the votes are spread over this time (1–{LIMITS['seconds']})")
    parser.add_argument("--screen", help="the screen link (…/s/TOKEN), to measure the projector's delay")
    parser.add_argument("--server-pid", type=int, help="the server's process id, for its CPU and memory")
    parser.add_argument("--concurrency", type=int, default=50, help="joins and connections at a time")
    parser.add_argument("--ack-timeout", type=float, default=30, help="seconds to wait for one acknowledgement")
    parser.add_argument("--setup-timeout", type=float, default=300, help="seconds for joining and connecting")
    parser.add_argument("--seed", type=int, default=1, help="the random moments and choices")
    parser.add_argument("--allow-remote", action="store_true",
                        help="allow a server other than this machine (only your own, with its owner's consent)")
    args = parser.parse_args(argv)
    for name, high in LIMITS.items():
        value = getattr(args, name)
        if not 1 <= value <= high:
            parser.error(f"--{name} must be between 1 and {high}")
    hosts = [urlsplit(args.url).hostname] + ([urlsplit(args.screen).hostname] if args.screen else [])
    if not args.allow_remote and any(h not in LOCAL_HOSTS for h in hosts):
        parser.error("only a server on this machine is tested unless you add --allow-remote")
    args.url = args.url.rstrip("/")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the check and print its figures as one JSON object; 2 when the dialogue is not ready."""
    args = parse_args(argv)
    random.seed(args.seed)
    try:
        result = asyncio.run(run(args))
    except NotReady as problem:
        print(f"loadtest: {problem}", file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
