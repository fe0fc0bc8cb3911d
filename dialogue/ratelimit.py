"""Token buckets per connection: a flood from one phone is slowed, others are not."""
from __future__ import annotations

import time
from dataclasses import dataclass, field

RATE = 5.0    # tokens per second
BURST = 20.0  # a burst a reconnecting phone may resend at once


@dataclass
class TokenBucket:
    rate: float = RATE
    burst: float = BURST
    tokens: float = BURST
    stamp: float = field(default_factory=time.monotonic)

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


def bucket_for(key: str) -> TokenBucket:
    bucket = _buckets.get(key)
    if bucket is None:
        bucket = _buckets[key] = TokenBucket()
    return bucket


def forget(key: str) -> None:
    _buckets.pop(key, None)


def reset() -> None:
    """Forget every bucket (a new app starts with full buckets)."""
    _buckets.clear()
