"""Many phones writing at the same moment, and their acknowledgements collected."""
from __future__ import annotations

import threading


class Acks:
    """Collects acknowledgements from callbacks running on client threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.done = threading.Condition(self.lock)
        self.items: list[tuple[int, dict, dict]] = []

    def callback(self, phone: int, payload: dict):
        def receive(ack=None):
            with self.done:
                self.items.append((phone, payload, ack or {}))
                self.done.notify_all()
        return receive

    def wait(self, n: int, timeout: float = 60):
        with self.done:
            assert self.done.wait_for(lambda: len(self.items) >= n, timeout), f"{len(self.items)} of {n} acks"


def fire_together(phones, writes_for, acks: Acks) -> int:
    """Every phone sends its writes at the same moment (without waiting for acks); returns how many."""
    barrier = threading.Barrier(len(phones))
    sent = [0]
    lock = threading.Lock()

    def run(n, client):
        writes = writes_for(n)
        barrier.wait()
        for action, payload in writes:
            client.emit("act", (action, payload), callback=acks.callback(n, payload))
        with lock:
            sent[0] += len(writes)

    threads = [threading.Thread(target=run, args=(n, c)) for n, c in enumerate(phones)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return sent[0]
