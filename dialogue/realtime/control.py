"""Orders every server process carries out on its own sockets: disconnect the members of a
room (a revoked helper link's sockets).

With one process the order runs at once. With several (OSUVA_MESSAGE_QUEUE on Redis) a
socket lives on whichever process it connected to, so the order goes out on a Redis
channel of its own that every process listens to, and each disconnects its own members.
Room membership is kept per process, which is why Socket.IO's own queue cannot do this.
"""
from __future__ import annotations

import json
import logging

import redis
from flask import Flask

from dialogue.extensions import socketio

log = logging.getLogger(__name__)

_url: str | None = None
_channel = ""


def init_app(app: Flask) -> None:
    """Listen for orders from the other processes when there are any (a Redis queue)."""
    global _url, _channel
    queue = app.config.get("MESSAGE_QUEUE") or ""
    _url = queue if queue.startswith(("redis://", "rediss://")) else None
    _channel = f"{app.config['MESSAGE_QUEUE_CHANNEL']}-control"
    if _url:
        socketio.start_background_task(_listen, _url, _channel)


def disconnect_room(room: str) -> None:
    """Disconnect every socket in `room`, on every process."""
    if _url is None:
        disconnect_local(room)
        return
    try:
        redis.Redis.from_url(_url).publish(_channel, json.dumps({"disconnect": room}))
    except redis.RedisError:
        log.exception("could not send the disconnect order; disconnecting this process's sockets only")
        disconnect_local(room)


def disconnect_local(room: str) -> None:
    """Disconnect this process's sockets in `room`."""
    server = socketio.server
    if server is None:
        return
    for sid, _eio_sid in list(server.manager.get_participants("/", room)):
        server.disconnect(sid, namespace="/")


def _listen(url: str, channel: str) -> None:
    """Carry out the orders on this process's sockets, for as long as the process runs."""
    while True:
        try:
            pubsub = redis.Redis.from_url(url).pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(channel)
            for message in pubsub.listen():
                order = json.loads(message["data"])
                if isinstance(order, dict) and isinstance(order.get("disconnect"), str):
                    disconnect_local(order["disconnect"])
        except (redis.RedisError, ValueError):
            log.exception("the control channel failed; listening again in a second")
            socketio.sleep(1)
