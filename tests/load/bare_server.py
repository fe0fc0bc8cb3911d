"""The transport's own limit: a bare Flask-SocketIO + eventlet server with no database.

    python tests/load/bare_server.py --port 5099

It answers the same join page and form post as Osuva (a CSRF field, a cookie, a redirect),
accepts every socket, counts each `act` ("dot") in memory, acknowledges it, and sends the
screens coalesced tallies (`live`, the shape Osuva's screen state has) every 0.3 s. No
checks, no transaction, no privacy rules: what one process carries when only the
transport works. `tests/load/bench_scale.py` runs it beside Osuva and compares.
"""
import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import collections  # noqa: E402
import resource  # noqa: E402
import socket  # noqa: E402
import time  # noqa: E402

from flask import Flask, jsonify, make_response, redirect  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

app = Flask(__name__)
socketio = SocketIO(app, async_mode="eventlet", logger=False, engineio_logger=False)
counts: collections.Counter = collections.Counter()
dirty = False
INTERVAL = 0.3


@app.get("/j/<code>")
def join_page(code):
    return f'<form method="post"><input type="hidden" name="csrf_token" value="bare-{code}"></form>'


@app.post("/j/<code>")
def join(code):
    answer = make_response(redirect(f"/p/{code}", 303))
    answer.set_cookie("bare", f"{code}-{time.monotonic_ns()}", httponly=True)
    return answer


@app.get("/count")
def count():
    return jsonify(total=sum(counts.values()))


@socketio.on("connect")
def on_connect(auth=None):
    if isinstance(auth, dict) and auth.get("role") == "screen":
        join_room("screen")


@socketio.on("act")
def on_act(name=None, payload=None):
    global dirty
    if name == "dot" and isinstance(payload, dict):
        counts[payload.get("item_id")] += 1
        dirty = True
    return {"ok": True}


def flush_forever():
    global dirty
    while True:
        socketio.sleep(INTERVAL)
        if dirty:
            dirty = False
            bars = [{"value": v} for v in counts.values()]
            socketio.emit("live", {"as_of": time.time(), "step": {"results": {"bars": bars}}}, to="screen")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=5099)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 10000) if hard > 0 else 10000, hard))
    listener = eventlet.listen(("127.0.0.1", args.port), backlog=2048)
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    socketio.start_background_task(flush_forever)
    eventlet.wsgi.server(listener, app, log_output=False, max_size=10000)


if __name__ == "__main__":
    main()
