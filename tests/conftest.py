"""Shared fixtures: a fresh database per test on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import make_url, text
from werkzeug.serving import make_server

from server import create_app
from server.chainwriter import writer
from server.extensions import db
from tests.support.postgres import scratch_database

IN_CI = os.environ.get("CI", "").lower() == "true"
PG_URL = os.environ.get("TEMOIN_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgres"]


def need(condition: bool, reason: str) -> None:
    """Skip when a dependency is missing, except in CI where that is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"required in CI: {reason}")
        pytest.skip(reason)


def _worker() -> str:
    # The process id keeps concurrent pytest runs on one server out of each other's way.
    return f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}_{os.getpid()}"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """Create one PostgreSQL database per test worker, migrated once."""
    need(bool(PG_URL), "TEMOIN_TEST_POSTGRES_URL is not set")
    name = f"{make_url(PG_URL).database}_temoin_{_worker()}"
    with scratch_database(PG_URL, name) as url:
        app = create_app({"DATABASE_URL": url, "TESTING": True})
        with app.app_context():
            from flask_migrate import upgrade

            upgrade()
            db.engine.dispose()
        yield url


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Migrate one SQLite file per session; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "temoin.db"
    app = create_app({"DATABASE_URL": f"sqlite:///{path}", "TESTING": True})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        db.engine.dispose()
    return path


def _truncate_all() -> None:
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
        "WTF_CSRF_ENABLED": True,
    }
    settings.update(config)
    app = create_app(settings)
    app.instance_path = str(tmp_path / "instance")
    if backend == "postgres":
        with app.app_context():
            _truncate_all()
    return app


@pytest.fixture(params=BACKENDS)
def app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An application on a fresh, migrated database (SQLite, then PostgreSQL)."""
    application = make_app(request, tmp_path)
    with application.app_context():
        yield application
        writer(application).stop()
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of the app."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner of the app."""
    return app.test_cli_runner()


@pytest.fixture
def demo(app: Flask) -> Any:
    """The demo site, published, allowing the test origin."""
    from server.demo import load_demo

    site = load_demo(["http://site.test"])
    db.session.commit()
    return site


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The app served over HTTP on 127.0.0.1 in a background thread."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> LiveServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._thread.join(5)


@pytest.fixture
def live_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """The demo site served on a free port of 127.0.0.1 (SQLite), origin allowed."""
    from server.demo import load_demo

    application = make_app(request, tmp_path)
    server = LiveServer(application)
    with application.app_context():
        load_demo([server.url, f"http://localhost:{server.port}"])
        db.session.commit()
        db.session.remove()
    server.start()
    yield server
    server.stop()
    writer(application).stop()
    with application.app_context():
        db.engine.dispose()
