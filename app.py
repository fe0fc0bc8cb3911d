"""Osuva's entry point.

`python app.py [--host H] [--port P]` migrates the database and starts the async
server (eventlet by default; OSUVA_ASYNC_MODE=threading or gevent also work).
`flask --app app COMMAND` runs the management commands.

This is the only module that touches the async library: it must patch the standard
library before anything else is imported.
"""
import os
import sys
import warnings

# eventlet announces its maintenance mode on every import; the server setting says why we use it.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")



def make_psycopg2_cooperative() -> None:
    """Let eventlet run other greenlets while psycopg2 waits for PostgreSQL.

    psycopg2 is C code that eventlet's monkey patching does not reach: without a wait
    callback every query blocks the whole process for its round trip, and a greenlet
    waiting for a row lock (SELECT ... FOR UPDATE) would stop every other greenlet,
    including the one holding the lock. (The recipe of the psycogreen package.)
    """
    try:
        import psycopg2
        from psycopg2 import extensions
    except ImportError:  # SQLite only
        return
    from eventlet.hubs import trampoline

    def wait(conn, timeout=None):
        while True:
            state = conn.poll()
            if state == extensions.POLL_OK:
                return
            if state == extensions.POLL_READ:
                trampoline(conn.fileno(), read=True, timeout=timeout)
            elif state == extensions.POLL_WRITE:
                trampoline(conn.fileno(), write=True, timeout=timeout)
            else:
                raise psycopg2.OperationalError(f"bad state from poll: {state}")

    extensions.set_wait_callback(wait)


if __name__ == "__main__" and os.environ.get("OSUVA_ASYNC_MODE", "eventlet") == "eventlet":
    import eventlet

    eventlet.monkey_patch()
    if os.environ.get("OSUVA_GREEN_PSYCOPG2", "1") == "1":  # 0: only for measuring the difference
        make_psycopg2_cooperative()

import argparse  # noqa: E402
import gc  # noqa: E402
import resource  # noqa: E402

from dialogue import create_app  # noqa: E402
from dialogue.config import DEFAULT_PORT, lan_address, remember_port  # noqa: E402
from dialogue.extensions import socketio  # noqa: E402

MAX_CONNECTIONS = 5000


def raise_open_file_limit(wanted: int) -> None:
    """Each phone is a socket: lift the soft open-file limit (often 1,024) toward `wanted`."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


def protocol_without_addresses(nodelay: bool = True):
    """eventlet's request handler, minus the client address in the lines it prints itself.

    With the access log off, eventlet still reports a garbled request (a stray TLS
    handshake, a port scanner) through http.server's log_message, which starts with
    the client's address and bypasses logging. Participants' addresses are never logged.

    `nodelay` turns Nagle's algorithm off on each connection: eventlet writes a response's
    headers and body (and a WebSocket frame's parts) separately, and the second small
    write would wait for the phone's delayed ACK, up to 40 ms (docs/performance.md).
    """
    import socket

    import eventlet.wsgi

    class Protocol(eventlet.wsgi.HttpProtocol):
        def setup(self) -> None:
            super().setup()
            if nodelay:
                try:
                    self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                except OSError:  # not a TCP socket (a Unix socket in a test, say)
                    pass

        def address_string(self) -> str:
            return "[address]"

    return Protocol


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Run the Osuva server.")
    parser.add_argument("--host", default="0.0.0.0")
    parser.add_argument("--port", type=int, default=int(os.environ.get("OSUVA_PORT") or DEFAULT_PORT),
                        help=f"default: OSUVA_PORT or {DEFAULT_PORT}")
    args = parser.parse_args(argv)
    application = create_app({"PORT": args.port})
    remember_port(application.config["INSTANCE_PATH"], args.port)
    raise_open_file_limit(MAX_CONNECTIONS + 100)
    lan = lan_address()
    print("Osuva is running:", flush=True)
    print(f"  on this computer:  http://127.0.0.1:{args.port}/", flush=True)
    if args.host in ("0.0.0.0", "::"):
        print(f"  on the same Wi-Fi: http://{lan}:{args.port}/", flush=True)
    print(f"  QR codes point to: {application.config['PUBLIC_URL']}/", flush=True)
    sys.stdout.flush()
    kwargs = {}
    if application.config["ASYNC_MODE"] == "eventlet":
        kwargs["max_size"] = MAX_CONNECTIONS  # eventlet's default is 1,024 connections
        kwargs["log_output"] = False          # its access log would print client addresses
        kwargs["protocol"] = protocol_without_addresses(os.environ.get("OSUVA_TCP_NODELAY", "1") == "1")
        kwargs["debug"] = False               # never send a traceback to a client
    elif application.config["ASYNC_MODE"] == "threading":
        kwargs["allow_unsafe_werkzeug"] = True
    # What is loaded by now (the app, its libraries) lives as long as the process: the garbage
    # collector need not walk it again on every full collection, each of which paused every
    # socket (300 phones voting: ack p99 200 ms -> 30 ms, server CPU -15 %; docs/performance.md).
    gc.freeze()
    socketio.run(application, host=args.host, port=args.port, **kwargs)


if __name__ == "__main__":
    main()
else:
    app = create_app()
