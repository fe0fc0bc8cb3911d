"""The Redis message queue the multi-process tests share (.ci/run starts Redis)."""
from __future__ import annotations

import uuid

import pytest
import redis

REDIS = "redis://127.0.0.1:6379/0"


def redis_channel() -> str:
    """A channel of this run's own on the test Redis; fails clearly if Redis is missing."""
    try:
        redis.Redis.from_url(REDIS, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.fail(f"Redis is not reachable at {REDIS} ({exc}). The multi-process tests need it: "
                    "start it (.ci/run does: redis-server --daemonize yes ...).", pytrace=False)
    # Publish/subscribe ignores the database number: a channel of this run's own keeps runs apart.
    return f"osuva-test-{uuid.uuid4().hex[:12]}"
