"""A simulated phone for the live-server reliability tests.

It does what static/js/act.js does: every write gets a client_id and goes into an
outbox; an acknowledgement takes it out; whatever is still in the outbox is resent
after reconnecting (the server treats a resent client_id as the same write). A
"too fast" answer (`retry`) keeps the write in the outbox and sends it again a
moment later.

`drop()` cuts the connection without a goodbye, the way a phone losing its network
or falling asleep does; writes in flight may or may not have reached the server,
and acknowledgements in flight are lost.
"""
from __future__ import annotations

import contextlib
import socket
import sqlite3
import threading
import uuid
from typing import Any, Iterator

import requests
import socketio

from tests.support.live import (
    LiveServer,
    facilitator_session,
    joined_session,
    socket_client,
)

RETRY_DELAY = 0.3  # seconds before resending a write the server asked to slow down
ITEMS = ["Bussiyhteydet", "Kirjaston aukiolo", "Neuvonta puhelimessa"]


class Phone:
    """One participant's phone: its cookie, its socket, its outbox."""

    def __init__(self, base_url: str, code: str, dialogue_id: int, http: requests.Session | None = None,
                 role: str = "participant", token: str | None = None):
        self.base_url, self.dialogue_id, self.role, self.token = base_url, dialogue_id, role, token
        self.http = http or joined_session(base_url, code)
        self.sock: socketio.Client | None = None
        self.outbox: dict[str, tuple[str, dict[str, Any]]] = {}
        self.acks: dict[str, dict[str, Any]] = {}
        self.states: list[dict[str, Any]] = []
        self.sent_order: list[str] = []
        self.cond = threading.Condition()
        self._timers: list[threading.Timer] = []
        self.retries = 0  # how often the server said "too fast, wait a moment"
        self.disconnects = 0
        #: Called with (client_id, ack) after each final acknowledgement.
        self.listeners: list = []

    # -- connection -------------------------------------------------------------------

    def connect(self) -> "Phone":
        """Connect a fresh socket (a woken phone opens a new connection) and resend the outbox."""
        sock = socketio.Client(http_session=self.http, reconnection=False)
        sock.on("state", self._on_state)
        sock.on("live", self._on_state)
        sock.on("disconnect", self._on_disconnect)
        auth: dict[str, Any] = {"role": self.role, "dialogue": self.dialogue_id}
        if self.token:
            auth["token"] = self.token
        sock.connect(self.base_url, auth=auth, transports=["websocket"], wait_timeout=10)
        self.sock = sock
        self.flush()
        return self

    def drop(self) -> None:
        """Lose the network: the TCP connection is cut, nothing is said to the server."""
        sock, self.sock = self.sock, None
        if sock is None:
            return
        raw = getattr(getattr(sock.eio, "ws", None), "sock", None)
        if raw is not None:
            try:
                raw.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        try:
            sock.disconnect()
        except Exception:  # the connection is already gone: that is the point
            pass

    def forget_socket(self) -> socketio.Client | None:
        """Stop using the current connection without closing it (a half-open connection)."""
        sock, self.sock = self.sock, None
        return sock

    def close(self) -> None:
        for timer in self._timers:
            timer.cancel()
        self.drop()

    # -- writing ------------------------------------------------------------------------

    def send(self, action: str, payload: dict[str, Any], client_id: str | None = None) -> str:
        """Put a write in the outbox and send it if connected; return its client_id."""
        client_id = client_id or uuid.uuid4().hex
        with self.cond:
            self.outbox[client_id] = (action, dict(payload, client_id=client_id))
            self.sent_order.append(client_id)
        self._emit(client_id)
        return client_id

    def send_and_lose_ack(self, action: str, payload: dict[str, Any], timeout: float = 10) -> str:
        """Send a write the server processes, but whose acknowledgement never reaches the phone.

        Returns once the server has answered (so the write is certainly stored); the
        write stays in the outbox, as it would on a phone whose network went away just
        before the answer arrived.
        """
        client_id = uuid.uuid4().hex
        with self.cond:
            self.outbox[client_id] = (action, dict(payload, client_id=client_id))
            self.sent_order.append(client_id)
        while True:
            answered = threading.Event()
            answers: list[Any] = []
            self.sock.emit("act", self.outbox[client_id],
                           callback=lambda ack=None: (answers.append(ack), answered.set()))
            assert answered.wait(timeout), "the server did not answer"
            if not answers[0].get("retry"):
                break
            threading.Event().wait(RETRY_DELAY)  # "too fast": the phone sends it again in a moment
        assert answers[0].get("ok"), answers[0]
        return client_id

    def flush(self) -> None:
        """Send everything not yet acknowledged (after a reconnect)."""
        with self.cond:
            pending = list(self.outbox)
        for client_id in pending:
            self._emit(client_id)

    def _emit(self, client_id: str) -> None:
        with self.cond:
            entry = self.outbox.get(client_id)
        sock = self.sock
        if entry is None or sock is None or not sock.connected:
            return  # offline: it stays in the outbox
        action, payload = entry
        try:
            sock.emit("act", (action, payload), callback=lambda ack=None: self._on_ack(client_id, ack))
        except Exception:  # the connection went away while sending: stays in the outbox
            pass

    def _on_ack(self, client_id: str, ack: Any) -> None:
        if isinstance(ack, dict) and ack.get("retry"):
            self.retries += 1
            timer = threading.Timer(RETRY_DELAY, self._emit, args=(client_id,))
            timer.daemon = True
            self._timers.append(timer)
            timer.start()
            return
        with self.cond:
            if client_id in self.outbox:
                self.outbox.pop(client_id)
                self.acks[client_id] = ack if isinstance(ack, dict) else {"ok": False, "error": repr(ack)}
            self.cond.notify_all()
        for listener in self.listeners:
            listener(client_id, ack)

    def _on_disconnect(self, *_reason: Any) -> None:
        with self.cond:
            self.disconnects += 1
            self.cond.notify_all()

    def _on_state(self, data: Any) -> None:
        with self.cond:
            self.states.append(data)
            self.cond.notify_all()

    # -- waiting ----------------------------------------------------------------------------

    def wait_until(self, predicate, timeout: float = 30) -> bool:
        with self.cond:
            return self.cond.wait_for(predicate, timeout)

    def wait_all_acked(self, timeout: float = 30) -> None:
        assert self.wait_until(lambda: not self.outbox, timeout), f"unacknowledged: {list(self.outbox)}"

    def acked(self) -> set[str]:
        with self.cond:
            return set(self.acks)


# -- a live dialogue to write to ---------------------------------------------------------

def staff_socket(server: LiveServer, d: dict) -> socketio.Client:
    """The owner's console socket for dialogue `d` (made by server.new_dialogue())."""
    return socket_client(server.url, facilitator_session(server.url), "facilitator", d["id"])


def act(staff, command: str, /, **payload) -> dict:
    """Run a command over a socket; it must succeed."""
    ack = staff.call("act", (command, dict(payload, client_id=uuid.uuid4().hex)), timeout=20)
    assert ack["ok"], (command, ack)
    return ack


def texts(lang_title: str) -> dict:
    return {f"title_{lang}": f"{lang_title} ({lang})" for lang in ("fi", "sv", "en")}


@contextlib.contextmanager
def database(server: LiveServer) -> Iterator[sqlite3.Connection]:
    """The live server's SQLite database, opened beside it (committed and closed afterwards)."""
    conn = sqlite3.connect(server.instance / "osuva.sqlite3", timeout=30)
    conn.execute("PRAGMA secure_delete=ON")  # as the server's own connections (privacy tests look)
    try:
        with conn:
            yield conn
    finally:
        conn.close()


def prepare_live_dialogue(server: LiveServer, dots: int = 6) -> dict:
    """A dialogue where phones can both contribute (prompt, open early) and give dots (current step)."""
    d = server.new_dialogue()
    staff = staff_socket(server, d)
    with database(server) as conn:
        prompt_id = conn.execute("SELECT id FROM step WHERE dialogue_id = ? AND kind = 'prompt' ORDER BY position",
                                 (d["id"],)).fetchone()[0]
    dots_id = act(staff, "add_step", kind="dots")["step_id"]
    act(staff, "update_step", step_id=dots_id, **texts("Pisteet"), cfg_items="\n".join(ITEMS),
        cfg_dots=dots, cfg_max_per_item=dots)
    act(staff, "update_step", step_id=prompt_id, **texts("Ajatukset"), cfg_open_early=True, cfg_wall=True,
        cfg_max_length=500)
    act(staff, "go_to_step", step_id=dots_id)
    # Results are hidden until revealed: show them, so the projector's tallies can be checked.
    act(staff, "reveal", step_id=dots_id, revealed="1")
    staff.disconnect()
    # "open": the prompt step takes answers while the dots step is on.
    with database(server) as conn:
        conn.execute("UPDATE dialogue SET state = 'open' WHERE id = ?", (d["id"],))
        items = dict(conn.execute("SELECT text, id FROM item WHERE step_id = ?", (dots_id,)).fetchall())
    assert set(items) == set(ITEMS)
    return {**d, "prompt_id": prompt_id, "dots_id": dots_id, "items": items}


