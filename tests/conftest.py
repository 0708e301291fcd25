"""Shared fixtures: a fresh database per test on SQLite and, when configured, on PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import make_url

from server import create_app
from server.domain.chainwriter import writer
from server.extensions import db
from tests.support.apps import make_app
from tests.support.env import BACKENDS, PG_URL, need
from tests.support.live import LiveServer
from tests.support.postgres import scratch_database


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
    from server.domain.demo_site import load_demo

    site = load_demo(["http://site.test"])
    db.session.commit()
    return site


@pytest.fixture
def live_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LiveServer]:
    """The demo site served on a free port of 127.0.0.1 (SQLite), origin allowed."""
    from server.domain.demo_site import load_demo

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
