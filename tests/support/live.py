"""A real Osuva server in a subprocess (python app.py, eventlet) and clients for it.

Used by the live-server tests and the benchmarks: the server is started exactly as
the README says, on its own SQLite database in a temporary instance folder.
"""
from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
import socketio

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """Start, kill and restart `python app.py` on a port of its own."""

    def __init__(self, instance: Path, port: int | None = None, extra_env: dict | None = None):
        self.instance = instance
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "OSUVA_INSTANCE_PATH": str(instance), "OSUVA_PUBLIC_URL": self.url,
                    "OSUVA_SECRET_KEY": "live-test-secret", "OSUVA_PORT": str(self.port),
                    **(extra_env or {})}
        self.proc: subprocess.Popen | None = None
        self.log_path = instance / "server.log"
        self._facilitators: set[str] = set()  # made by new_dialogue (each CLI run starts Python)

    @property
    def database_url(self) -> str:
        """The database this server uses (OSUVA_DATABASE_URL, or SQLite in its instance folder)."""
        return self.env.get("OSUVA_DATABASE_URL") or f"sqlite:///{self.instance / 'osuva.sqlite3'}"

    def start(self, timeout: float = 30) -> "LiveServer":
        log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([sys.executable, "app.py", "--host", "127.0.0.1", "--port", str(self.port)],
                                     cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if requests.get(self.url + "/", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)  # polling for the port to open, not waiting for a result
        raise RuntimeError("server did not start in time")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        """SIGKILL: the hardest crash; nothing gets to clean up."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()

    def cli(self, *args: str) -> str:
        """Run `flask --app app ARGS` against this server's database; return its output."""
        out = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT, env=self.env,
                             capture_output=True, text=True, timeout=60)
        if out.returncode != 0:
            raise RuntimeError(out.stderr + out.stdout)
        return out.stdout

    def new_dialogue(self, method: str = "ideakierros", owner: str = "ohjaaja@example.fi",
                     password: str = "salasana123") -> dict:
        """Create a facilitator (once) and a dialogue; return the CLI's JSON."""
        if owner not in self._facilitators:
            try:
                self.cli("create-facilitator", owner, "--password", password)
            except RuntimeError as exc:
                if "already" not in str(exc):
                    raise
            self._facilitators.add(owner)
        output = self.cli("new-dialogue", "--method", method, "--title", "Live", "--owner", owner)
        return json.loads(output.strip().splitlines()[-1])


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    if not match:
        raise AssertionError("no CSRF token in page")
    return match.group(1)


def joined_session(base_url: str, code: str) -> requests.Session:
    """An HTTP session that has joined the dialogue as a participant (cookie set)."""
    http = requests.Session()
    page = http.get(f"{base_url}/j/{code}", timeout=10)
    http.post(f"{base_url}/j/{code}", data={"csrf_token": csrf_from(page.text)}, timeout=10)
    return http


def facilitator_session(base_url: str, email: str = "ohjaaja@example.fi",
                        password: str = "salasana123") -> requests.Session:
    http = requests.Session()
    page = http.get(f"{base_url}/login", timeout=10)
    r = http.post(f"{base_url}/login", data={"csrf_token": csrf_from(page.text), "email": email,
                                             "password": password}, timeout=10, allow_redirects=False)
    assert r.status_code == 302, r.text
    return http


def socket_client(base_url: str, http: requests.Session | None, role: str, dialogue_id: int,
                  token: str | None = None, **client_kwargs) -> socketio.Client:
    """A connected python-socketio client carrying the session's cookies."""
    client = socketio.Client(http_session=http or requests.Session(), **client_kwargs)
    auth = {"role": role, "dialogue": dialogue_id}
    if token:
        auth["token"] = token
    client.connect(base_url, auth=auth, transports=["websocket"], wait_timeout=10)
    return client


class Recorder:
    """Every payload of one event a client receives; a test waits for a condition on them.

    Callbacks run on the client's thread, so the list is guarded by a condition variable.
    """

    def __init__(self, client: socketio.Client, event: str):
        self.items: list = []
        self.cond = threading.Condition()
        client.on(event, self._add)

    def _add(self, data):
        with self.cond:
            self.items.append(data)
            self.cond.notify_all()

    def wait_for(self, predicate, timeout: float = 10):
        """Wait until some payload satisfies predicate; return the latest one that does."""
        with self.cond:
            assert self.cond.wait_for(lambda: any(predicate(x) for x in self.items), timeout), self.items[-3:]
            return next(x for x in reversed(self.items) if predicate(x))

    def clear(self) -> None:
        """Forget what arrived so far (to wait for something that comes after this point)."""
        with self.cond:
            self.items.clear()


def add_steps(database_url: str, dialogue_id: int, specs: list[tuple[str, dict]]) -> dict[str, int]:
    """Append steps (kind, config) to a live server's dialogue, as the step editor would.

    Returns the new steps' ids by kind. Writes straight to the server's database,
    so a test can set up voting steps without driving the console.
    """
    from sqlalchemy import create_engine, func, select
    from sqlalchemy.orm import Session

    from dialogue import activities
    from dialogue.models import Step

    engine = create_engine(database_url)
    ids = {}
    with Session(engine) as s:
        last = s.scalar(select(func.max(Step.position)).where(Step.dialogue_id == dialogue_id)) or 0
        for position, (kind, config) in enumerate(specs, last + 1):
            step = Step(dialogue_id=dialogue_id, position=position, kind=kind,
                        texts={"fi": {"title": kind, "body": ""}}, config=activities.get(kind).clean_config(config))
            s.add(step)
            s.flush()
            ids[kind] = step.id
        s.commit()
    engine.dispose()
    return ids
