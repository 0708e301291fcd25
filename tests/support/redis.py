"""A Redis key prefix of a test's own on the machine's Redis, its keys deleted afterwards."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.support.env import need

REDIS = "redis://127.0.0.1:6379/0"


@contextmanager
def redis_prefix() -> Iterator[str]:
    """Yield a key prefix unique to the caller; fail in CI, skip elsewhere, without Redis."""
    redis = pytest.importorskip("redis")
    conn = redis.Redis.from_url(REDIS, socket_connect_timeout=1)
    try:
        conn.ping()
    except redis.RedisError:
        need(False, "Redis is not running on 127.0.0.1:6379")
    prefix = f"temoin-test-{uuid.uuid4().hex}"
    try:
        yield prefix
    finally:
        keys = list(conn.scan_iter(f"{prefix}*"))
        if keys:
            conn.delete(*keys)
        conn.close()
