"""Privacy, tested on the real server: no IP address or user agent is kept, purge leaves nothing.

Every client in these tests connects from its own loopback address (127.83.41.7, not
the server's 127.0.0.1) and sends a user agent of its own, so that both can be
searched for afterwards: in the database file (with its write-ahead log), in every
file under the instance folder and in everything the server printed. The dialogue
goes through joining, answering with and without JavaScript, dots, the screen,
moderation, the exports and a handful of errors (a wrong code, a missing page, an
oversized form, a garbled request, a socket from another site).

Then the dialogue is closed, its retention time passes and `flask purge` runs:
nothing the participants wrote or were is left in the database file or in uploads.
"""
from __future__ import annotations

import json
import socket
import uuid
from pathlib import Path

import pytest
import requests
import socketio
from requests.adapters import HTTPAdapter

from tests.support.live import LiveServer, csrf_from
from tests.support.phone import ITEMS, database, texts

CLIENT_IP = "127.83.41.7"
USER_AGENT = "Mozilla/5.0 (Linux; Android 8.1; Nokia 3.1 Plus-yksityisyys7c2e) Osuva-testi"
UA_MARKER = "yksityisyys7c2e"
#: What participants write (a contribution by socket, one by a form post, a question).
SECRET_TEXTS = ["Asun Juvalla kuntoutuskodissa 4f1a", "Velkajärjestely kesken 9b2c", "Milloin bussi kulkee 3e5d?"]


class FromClientAddress(HTTPAdapter):
    """Connections from CLIENT_IP instead of the server's own address."""

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (CLIENT_IP, 0)
        super().init_poolmanager(*args, **kwargs)


def browser() -> requests.Session:
    http = requests.Session()
    http.mount("http://", FromClientAddress())
    http.headers["User-Agent"] = USER_AGENT
    return http


def raw_socket(server: LiveServer) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10, source_address=(CLIENT_IP, 0))
    assert sock.getsockname()[0] == CLIENT_IP
    return sock


def connect(server: LiveServer, http: requests.Session, role: str, dialogue_id: int, token: str | None = None,
            origin: str | None = None) -> socketio.Client:
    """A websocket from CLIENT_IP with the test's user agent."""
    options = {"socket": raw_socket(server)}
    if origin:
        options["origin"] = origin
    client = socketio.Client(http_session=http, reconnection=False, websocket_extra_options=options)
    auth = {"role": role, "dialogue": dialogue_id, **({"token": token} if token else {})}
    client.connect(server.url, auth=auth, headers={"User-Agent": USER_AGENT}, transports=["websocket"],
                   wait_timeout=10)
    return client


def call(client: socketio.Client, name: str, **payload) -> dict:
    return client.call("act", (name, dict(payload, client_id=uuid.uuid4().hex)), timeout=20)


def form_post(http: requests.Session, url: str, page_url: str, data: dict) -> requests.Response:
    page = http.get(page_url, timeout=10)
    return http.post(url, data={"csrf_token": csrf_from(page.text), **data}, timeout=10, allow_redirects=False)


def run_a_whole_dialogue(server: LiveServer) -> dict:
    d = server.new_dialogue()
    base = server.url
    # the facilitator logs in and prepares a dots step
    staff_http = browser()
    r = form_post(staff_http, f"{base}/login", f"{base}/login",
                  {"email": "ohjaaja@example.fi", "password": "salasana123"})
    assert r.status_code == 302
    staff = connect(server, staff_http, "facilitator", d["id"])
    with database(server) as conn:
        prompt_id = conn.execute("SELECT id FROM step WHERE dialogue_id = ? AND kind = 'prompt' ORDER BY position",
                                 (d["id"],)).fetchone()[0]
    dots_id = call(staff, "add_step", kind="dots")["step_id"]
    assert call(staff, "update_step", step_id=dots_id, **texts("Pisteet"), cfg_items="\n".join(ITEMS),
                cfg_dots=3, cfg_max_per_item=3)["ok"]
    questions_id = call(staff, "add_step", kind="questions")["step_id"]
    assert call(staff, "update_step", step_id=questions_id, **texts("Kysymykset"))["ok"]
    assert call(staff, "go_to_step", step_id=prompt_id)["ok"]
    # the screen
    token = d["screen_url"].rsplit("/", 1)[1]
    screen_http = browser()
    assert screen_http.get(d["screen_url"], timeout=10).status_code == 200
    screen = connect(server, screen_http, "screen", d["id"], token=token)
    # three phones join and answer, one of them without JavaScript
    phones = []
    for n in range(3):
        http = browser()
        r = form_post(http, f"{base}/j/{d['code']}", f"{base}/j/{d['code']}", {})
        assert r.status_code == 302
        phones.append((http, connect(server, http, "participant", d["id"])))
    assert call(phones[0][1], "contribute", step_id=prompt_id, text=SECRET_TEXTS[0])["ok"]
    r = form_post(phones[1][0], f"{base}/p/{d['code']}/act", f"{base}/p/{d['code']}",
                  {"action": "contribute", "step_id": prompt_id, "client_id": uuid.uuid4().hex,
                   "text": SECRET_TEXTS[1]})
    assert r.status_code == 303
    assert call(phones[2][1], "contribute", step_id=prompt_id, text="Kolmas ajatus")["ok"]
    # a question to the speakers, and an upvote for it
    assert call(staff, "go_to_step", step_id=questions_id)["ok"]
    question = call(phones[2][1], "ask", step_id=questions_id, text=SECRET_TEXTS[2])
    assert question["ok"], question
    assert call(phones[0][1], "upvote", step_id=questions_id, item_id=question["item_id"])["ok"]
    # dots
    assert call(staff, "go_to_step", step_id=dots_id)["ok"]
    with database(server) as conn:
        items = [i for (i,) in conn.execute("SELECT id FROM item WHERE step_id = ?", (dots_id,))]
    for _http, phone in phones:
        assert call(phone, "dot", step_id=dots_id, item_id=items[0], delta=1)["ok"]
    # moderation and the console pages
    with database(server) as conn:
        third = conn.execute("SELECT id FROM contribution WHERE text = 'Kolmas ajatus'").fetchone()[0]
    assert call(staff, "set_hidden", contribution_id=third, hidden=True)["ok"]
    assert staff_http.get(f"{base}/console/d/{d['id']}", timeout=10).status_code == 200
    assert phones[0][0].get(f"{base}/p/{d['code']}", timeout=10).status_code == 200
    # errors: each must be handled without writing the address anywhere
    anonymous = browser()
    assert anonymous.get(f"{base}/ei-ole-olemassa", timeout=10).status_code == 404
    assert form_post(anonymous, f"{base}/", f"{base}/", {"code": "ZZZZZZ"}).status_code == 400
    assert anonymous.post(f"{base}/", data={"code": "x" * 100_000}, timeout=10).status_code == 413
    assert call(phones[0][1], "contribute", step_id="ei numero", text=None)["ok"] is False
    assert call(phones[0][1], "ei-komentoa")["ok"] is False
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(server, browser(), "participant", d["id"], origin="http://evil.example")
    with pytest.raises(socketio.exceptions.ConnectionError):
        connect(server, browser(), "facilitator", d["id"])  # not logged in
    garbled = raw_socket(server)
    garbled.sendall(b"\x16\x03\x01 this is not HTTP\r\n\r\n")
    garbled.recv(1024)
    garbled.close()
    for client in [staff, screen, *[p for _h, p in phones]]:
        client.disconnect()
    return {**d, "prompt_id": prompt_id, "dots_id": dots_id}


def everything_kept(server: LiveServer) -> dict[str, bytes]:
    """Every file under the instance folder (database, WAL, uploads, ...) and the server's output."""
    files = {str(p.relative_to(server.instance)): p.read_bytes()
             for p in Path(server.instance).rglob("*") if p.is_file()}
    assert "osuva.sqlite3" in files and "server.log" in files
    return files


@pytest.mark.parametrize("async_mode", ["eventlet", "threading"])
def test_no_ip_address_or_user_agent_is_stored_or_logged(tmp_path, async_mode):
    server = LiveServer(tmp_path, extra_env={"OSUVA_ASYNC_MODE": async_mode}).start()
    try:
        run_a_whole_dialogue(server)
        with database(server) as conn:
            dump = "\n".join(conn.iterdump())
    finally:
        server.stop()
    found = []
    for name, data in {**everything_kept(server), "database dump": dump.encode()}.items():
        for what, needle in (("IP address", CLIENT_IP), ("user agent", UA_MARKER), ("user agent", "Nokia")):
            if needle.encode() in data or needle.encode("utf-16-le") in data:
                found.append(f"{what} in {name}")
        if socket.inet_aton(CLIENT_IP) in data:
            found.append(f"IP address (binary) in {name}")
    assert not found, found
    # The test can see what it looks for: the participants' texts are in the database.
    assert SECRET_TEXTS[0].encode() in everything_kept(server)["osuva.sqlite3"] + everything_kept(
        server).get("osuva.sqlite3-wal", b"")


def test_purge_leaves_no_participant_data_in_the_database_or_uploads(tmp_path):
    server = LiveServer(tmp_path).start()
    try:
        d = run_a_whole_dialogue(server)
        uploads = tmp_path / "uploads" / str(d["id"])
        uploads.mkdir(parents=True)
        (uploads / "kuva.jpg").write_bytes(b"\xff\xd8 valokuva " + SECRET_TEXTS[0].encode())
        with database(server) as conn:
            conn.execute("UPDATE contribution SET extra = ? WHERE text = ?",
                         (json.dumps({"photo": f"{d['id']}/kuva.jpg"}), SECRET_TEXTS[0]))
        staff_http = browser()
        form_post(staff_http, f"{server.url}/login", f"{server.url}/login",
                  {"email": "ohjaaja@example.fi", "password": "salasana123"})
        staff = connect(server, staff_http, "facilitator", d["id"])
        assert call(staff, "set_state", state="closed")["ok"]
        staff.disconnect()
        # the retention time passes
        with database(server) as conn:
            conn.execute("UPDATE dialogue SET closed_at = '2020-01-01 00:00:00', retention_days = 30 WHERE id = ?",
                         (d["id"],))
        out = server.cli("purge")
        assert json.loads(out.strip().splitlines()[0])["id"] == d["id"]
        with database(server) as conn:
            for table in ("participant", "contribution", "processed_write"):
                n = conn.execute(f"SELECT count(*) FROM {table} WHERE dialogue_id = ?", (d["id"],)).fetchone()[0]
                assert n == 0, table
            assert conn.execute("SELECT count(*) FROM vote").fetchone()[0] == 0
    finally:
        server.stop()
    assert not uploads.exists()
    kept = everything_kept(server)
    leftovers = [f"{text!r} in {name}" for name, data in kept.items() if name != "server.log"
                 for text in SECRET_TEXTS if text.encode() in data]
    assert not leftovers, leftovers
