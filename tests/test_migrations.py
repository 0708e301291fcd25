"""Migrations: each one upgrades a database holding data, and downgrades again."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, make_url, text

from server import create_app
from server.extensions import db
from tests.support.env import PG_URL, need
from tests.support.postgres import scratch_database

INITIAL = "8783edcc1bac"


@pytest.fixture(params=["sqlite", "postgres"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database that no migration has touched."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'temoin.db'}"
        return
    need(bool(PG_URL), "TEMOIN_TEST_POSTGRES_URL is not set")
    name = f"{make_url(PG_URL).database}_temoin_migrations_{os.getpid()}"
    with scratch_database(PG_URL, name) as url:
        yield url


def test_must_change_password_is_added_to_existing_admins(empty_url):
    app = create_app({"DATABASE_URL": empty_url, "TESTING": True})
    with app.app_context():
        upgrade(revision=INITIAL)
        db.session.execute(
            text(
                "INSERT INTO admins (email, password_hash, created_at, is_superuser) "
                "VALUES ('a@x.test', 'h', '2026-01-01 00:00:00', false)"
            )
        )
        db.session.commit()
        upgrade()
        assert db.session.scalar(text("SELECT must_change_password FROM admins")) in (0, False)
        db.session.rollback()  # SQLite: the migration needs the write lock this read holds
        downgrade(revision=INITIAL)
        columns = {c["name"] for c in inspect(db.engine).get_columns("admins")}
        assert "must_change_password" not in columns and "is_superuser" in columns
        assert db.session.scalar(text("SELECT email FROM admins")) == "a@x.test"
        db.session.remove()
        db.engine.dispose()


def test_admin_locale_is_added_empty_and_removed_again(empty_url):
    app = create_app({"DATABASE_URL": empty_url, "TESTING": True})
    with app.app_context():
        upgrade(revision="d7a3c9e1f2b4")
        db.session.execute(
            text(
                "INSERT INTO admins (email, password_hash, created_at, is_superuser) "
                "VALUES ('a@x.test', 'h', '2026-01-01 00:00:00', false)"
            )
        )
        db.session.commit()
        upgrade(revision="9d3c6a0f4e21")
        assert db.session.scalar(text("SELECT locale FROM admins")) is None
        db.session.execute(text("UPDATE admins SET locale = 'fr'"))
        db.session.commit()
        downgrade(revision="d7a3c9e1f2b4")
        columns = {c["name"] for c in inspect(db.engine).get_columns("admins")}
        assert "locale" not in columns and "session_generation" in columns
        assert db.session.scalar(text("SELECT email FROM admins")) == "a@x.test"
        db.session.remove()
        db.engine.dispose()
