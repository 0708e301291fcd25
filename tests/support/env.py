"""What the test run may rely on: CI or not, the PostgreSQL URL, free ports."""

from __future__ import annotations

import os
import socket

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEMOIN_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgres"]


def need(condition: bool, reason: str) -> None:
    """Skip when a dependency is missing, except in CI where that is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
