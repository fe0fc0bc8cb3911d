"""Rate limits: token buckets for socket events, attempt limits for codes and logins.

A token bucket per participant (or staff member) slows a flood of socket events
from one phone without slowing anyone else. Wrong join codes and failed logins are
limited per client address and (logins) per account, on the server: a limit kept in
the browser's cookie would stop nobody who simply drops the cookie.

Everything here lives in memory only and is forgotten at restart. Addresses are not
kept even there: a key is an HMAC of the address with a random key made at start-up.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field

RATE = 5.0    # tokens per second
BURST = 20.0  # a burst a reconnecting phone may resend at once


@dataclass
class TokenBucket:
    rate: float = RATE
    burst: float = BURST
    tokens: float = BURST
    stamp: float = field(default_factory=lambda: time.monotonic())  # looked up at call time: tests stop the clock

    def take(self) -> bool:
        """Take one token if there is one (refill first by the time passed)."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


_buckets: dict[str, TokenBucket] = {}


#: A logged-in facilitator working the console fast (grouping texts by keyboard, say)
#: gets a bigger bucket than a phone; it still stops a runaway script.
STAFF_RATE, STAFF_BURST = 20.0, 100.0


def bucket_for(key: str, *, staff: bool = False) -> TokenBucket:
    bucket = _buckets.get(key)
    if bucket is None:
        bucket = _buckets[key] = (TokenBucket(STAFF_RATE, STAFF_BURST, STAFF_BURST) if staff else TokenBucket())
    return bucket


def forget(key: str) -> None:
    _buckets.pop(key, None)


class AttemptLimiter:
    """At most `limit` failed attempts per key within `window` seconds."""

    def __init__(self, limit: int, window: float):
        self.limit, self.window = limit, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def blocked(self, key: str) -> bool:
        """Whether `key` has used up its attempts for now."""
        with self._lock:
            return len(self._recent(key, time.monotonic())) >= self.limit

    def failed(self, key: str) -> None:
        """Count one failed attempt for `key`."""
        with self._lock:
            now = time.monotonic()
            self._recent(key, now).append(now)
            if len(self._failures) > 100_000:  # a flood of keys: drop the ones with nothing recent
                for stale in [k for k, v in self._failures.items() if not v or v[-1] <= now - self.window]:
                    del self._failures[stale]

    def clear(self, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                self._failures.clear()
            else:
                self._failures.pop(key, None)


_SECRET = secrets.token_bytes(32)  # new at every start: a key cannot be turned back into an address


def private_key(*parts: str) -> str:
    """A limiter key for `parts` (an address, an e-mail) that does not contain them."""
    return hmac.new(_SECRET, "\x00".join(parts).encode(), hashlib.sha256).hexdigest()


#: Wrong join codes per client address (a whole room may share one address on the Wi-Fi).
WRONG_CODES = AttemptLimiter(limit=30, window=60)
#: Failed logins per client address and per account.
FAILED_LOGINS_BY_ADDRESS = AttemptLimiter(limit=20, window=300)
FAILED_LOGINS_BY_ACCOUNT = AttemptLimiter(limit=10, window=300)


def client_key() -> str:
    """The current request's client address as a limiter key.

    Only the keyed hash is kept, in this process's memory, for the limiter's window;
    the address itself is never stored or logged (tests/test_privacy.py checks it).
    """
    from flask import request
    return private_key("address", request.remote_addr or "")


def reset() -> None:
    """Forget every bucket and attempt (a new app starts afresh)."""
    _buckets.clear()
    for limiter in (WRONG_CODES, FAILED_LOGINS_BY_ADDRESS, FAILED_LOGINS_BY_ACCOUNT):
        limiter.clear()
