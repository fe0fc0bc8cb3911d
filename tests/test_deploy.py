"""The production set-up of docs/deploy.md: nginx in front of two Osuva processes.

`deploy/nginx/osuva.conf` must parse (`nginx -t`, Debian's nginx; `.ci/run` installs it),
and with only its ports, names and certificate changed it must serve one dialogue from two
processes sharing PostgreSQL and Redis: a phone joins and votes through nginx (HTTPS and a
WebSocket upgrade), and the screen and the facilitator on the other process see it.
"""
from __future__ import annotations

import shutil
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
import socketio
import urllib3

from tests.support.live import (
    LiveServer,
    Recorder,
    add_steps,
    csrf_from,
    facilitator_session,
    free_port,
)
from tests.support.pg import fresh_database
from tests.support.queue import REDIS, redis_channel

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx" / "osuva.conf"


def _nginx() -> str:
    found = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(found).exists(), "nginx is missing: apt-get install nginx-light (.ci/run does)"
    return found


def _self_signed(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                    "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


def _render(folder: Path, *, http: int, https: int, backends: list[int]) -> Path:
    """The site config as shipped, with ports, the name, backends and certificate of this test."""
    cert, key = _self_signed(folder)
    site = SITE.read_text()
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};").replace("listen [::]:80;", "")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl http2;").replace("listen [::]:443 ssl http2;", "")
    site = site.replace("osuva.example.fi;", "127.0.0.1;")
    site = site.replace("/etc/letsencrypt/live/osuva.example.fi/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/osuva.example.fi/privkey.pem", str(key))
    servers = "".join(f"    server 127.0.0.1:{port};\n" for port in backends)
    site = site.replace("    server 127.0.0.1:5001;\n    server 127.0.0.1:5002;\n", servers)
    (folder / "osuva.conf").write_text(site)
    main = folder / "nginx.conf"
    main.write_text(f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
                    f"http {{\n  client_body_temp_path {folder}/body;\n  proxy_temp_path {folder}/proxy;\n"
                    f"  include {folder}/osuva.conf;\n}}\n")
    return main


def test_the_nginx_config_parses(tmp_path):
    main = _render(tmp_path, http=free_port(), https=free_port(), backends=[5001, 5002])
    result = subprocess.run([_nginx(), "-t", "-c", str(main)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr


@pytest.fixture
def behind_nginx(tmp_path):
    channel = redis_channel()
    with fresh_database() as url:
        env = {"OSUVA_DATABASE_URL": url, "OSUVA_MESSAGE_QUEUE": REDIS, "OSUVA_MESSAGE_QUEUE_CHANNEL": channel}
        a = LiveServer(tmp_path / "a", extra_env=env)
        b = LiveServer(tmp_path / "b", extra_env=env)
        for server in (a, b):
            server.instance.mkdir()
        https = free_port()
        main = _render(tmp_path, http=free_port(), https=https, backends=[a.port, b.port])
        nginx = None
        try:
            with ThreadPoolExecutor(2) as pool:
                list(pool.map(lambda server: server.start(), (a, b)))
            nginx = subprocess.Popen([_nginx(), "-c", str(main), "-g", "daemon off;"],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            yield {"a": a, "b": b, "url": url, "front": f"https://127.0.0.1:{https}"}
        finally:
            if nginx is not None:
                nginx.terminate()
                nginx.wait(10)
            a.stop()
            b.stop()


def _front_session(front: str) -> requests.Session:
    http = requests.Session()
    http.verify = False  # the test's own self-signed certificate
    http.trust_env = False  # else a CA bundle named in the environment overrides verify=False
    deadline, error = time.monotonic() + 10, None
    while time.monotonic() < deadline:
        try:
            http.get(front + "/", timeout=2)
            return http
        except requests.ConnectionError as exc:
            error = exc
            time.sleep(0.05)  # polling for nginx to open its port, not waiting for a result
    raise AssertionError(f"nginx did not answer: {error!r}")


def test_two_processes_behind_nginx_serve_one_dialogue(behind_nginx):
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    a, b, front = behind_nginx["a"], behind_nginx["b"], behind_nginx["front"]
    d = a.new_dialogue(method="blank")
    steps = add_steps(behind_nginx["url"], d["id"], [("dots", {"dots": 2, "items": ["Bussit", "Kirjasto"]})])
    staff_http = facilitator_session(b.url)
    staff = socketio.Client(http_session=staff_http)
    staff.connect(b.url, auth={"role": "facilitator", "dialogue": d["id"]}, transports=["websocket"], wait_timeout=10)
    screen = socketio.Client()
    screen.connect(b.url, auth={"role": "screen", "dialogue": d["id"], "token": d["screen_url"].rsplit("/", 1)[1]},
                   transports=["websocket"], wait_timeout=10)
    live = Recorder(screen, "live")
    # The phone goes through nginx: HTTPS for the join form, then a WebSocket upgrade.
    phone_http = _front_session(front)
    page = phone_http.get(f"{front}/j/{d['code']}", timeout=10)
    assert page.status_code == 200 and "csrf_token" in page.text
    joined = phone_http.post(f"{front}/j/{d['code']}", data={"csrf_token": csrf_from(page.text)}, timeout=10)
    assert joined.status_code == 200 and d["code"] in joined.url
    phone = socketio.Client(http_session=phone_http, ssl_verify=False)
    phone.connect(front, auth={"role": "participant", "dialogue": d["id"]}, transports=["websocket"],
                  wait_timeout=10)
    states = Recorder(phone, "state")
    try:
        ack = staff.call("act", ("go_to_step", {"step_id": steps["dots"], "client_id": uuid.uuid4().hex}), timeout=10)
        assert ack["ok"], ack
        states.wait_for(lambda s: s["step_id"] == steps["dots"])
        # Results are hidden until revealed: the facilitator shows them to the screen.
        ack = staff.call("act", ("reveal", {"step_id": steps["dots"], "revealed": "1",
                                            "client_id": uuid.uuid4().hex}), timeout=10)
        assert ack["ok"], ack
        export = staff_http.get(f"{b.url}/console/d/{d['id']}/export.json", timeout=10).json()
        item = next(st for st in export["steps"] if st["id"] == steps["dots"])["results"]["items"][0]["id"]
        vote = phone.call("act", ("dot", {"step_id": steps["dots"], "item_id": item, "delta": 1,
                                          "client_id": uuid.uuid4().hex}), timeout=10)
        assert vote["ok"], vote
        live.wait_for(lambda s: bool(s["step"] and s["step"]["results"]) and
                      sum(bar["value"] for bar in s["step"]["results"]["bars"]) == 1)
    finally:
        for client in (phone, screen, staff):
            client.disconnect()
