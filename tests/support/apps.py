"""The app factory of the tests: an app on the backend a test is parametrised with."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from flask import Flask, g, has_app_context
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.test import TestResponse

from server import create_app
from server.extensions import db


class FreshClient(FlaskClient):
    """A test client whose every request starts with an empty `g`, as a request does in production.

    The tests hold one app context open across requests (to use `db.session` between them),
    and Flask then reuses that context, and its `g`, for each request of the test client.
    """

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:  # type: ignore[override]
        """Send a request with nothing left in `g` by the test or an earlier request."""
        if has_app_context():
            for name in list(g):
                g.pop(name)
        return super().open(*args, **kwargs)


def truncate_all() -> None:
    """Empty every table of the current app's database (PostgreSQL)."""
    names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    db.session.commit()


def make_app(request: pytest.FixtureRequest, tmp_path: Path, **config: Any) -> Flask:
    """Create an app on the backend the test is parametrised with, on an empty database."""
    backend = getattr(request, "param", "sqlite")
    if backend == "postgres":
        url = request.getfixturevalue("pg_database")
    else:
        path = tmp_path / "temoin.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = f"sqlite:///{path}"
    settings = {
        "DATABASE_URL": url,
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "CONFIG_CACHE_SECONDS": 0.0,
        "RATELIMIT_ENABLED": False,
        # PostgreSQL ends a session idle in a transaction for twice this (10 s by default).
        # On the shared CI machine a test process was seen to stall about 10 s, and the
        # server then killed the test's own session mid-test. No test of these apps is about
        # timeouts (tests/test_faults.py sets its own), so they get room for such a pause.
        "DB_STATEMENT_TIMEOUT_MS": 30_000,
        "WTF_CSRF_ENABLED": True,
        # argon2's cheapest parameters: hashing is most of a short admin test's time otherwise
        # (tests/test_passwords.py checks the production profile).
        "PASSWORD_HASH_PROFILE": "cheapest",
    }
    settings.update(config)
    app = create_app(settings)
    app.test_client_class = FreshClient
    app.instance_path = str(tmp_path / "instance")
    if backend == "postgres":
        with app.app_context():
            truncate_all()
    return app
