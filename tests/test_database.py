"""The embedded database's settings: a consent is acknowledged only once it is on disk."""

from __future__ import annotations

from sqlalchemy import text

from server.extensions import db
from tests.support.records import choice_body, make_site


def test_commits_are_durable(client, app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert db.engine.dialect.name == "postgresql"
        assert db.session.scalar(text("SHOW synchronous_commit")) == "on"
        return
    make_site()
    # Every pooled connection, including the one a request uses, is set up alike.
    resp = client.post(
        "/api/v1/sites/shop/consents", json=choice_body(), headers={"Origin": "https://shop.test"}
    )
    assert resp.status_code == 201, resp.json
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
