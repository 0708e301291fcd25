"""Engine settings per database: SQLite serialises writers, PostgreSQL fails fast when down."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def engine_options(app: Flask, url: str) -> dict[str, Any]:
    """Return SQLAlchemy engine options fitting the database the URL names."""
    cfg = app.config
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": cfg["DB_STATEMENT_TIMEOUT_MS"] / 1000}}
    statement_ms = int(cfg["DB_STATEMENT_TIMEOUT_MS"])
    # A transaction left open (a worker killed while holding a site's chain lock) is ended
    # by the server, so the lock is freed for the other writers.
    idle_ms = 2 * statement_ms
    return {
        "pool_pre_ping": True,
        "pool_size": cfg["DB_POOL_SIZE"],
        "max_overflow": cfg["DB_POOL_SIZE"],
        "pool_timeout": cfg["DB_POOL_TIMEOUT"],
        "pool_recycle": 1800,
        "connect_args": {
            "connect_timeout": cfg["DB_CONNECT_TIMEOUT"],
            "application_name": "temoin",
            "options": (
                f"-c statement_timeout={statement_ms} "
                f"-c idle_in_transaction_session_timeout={idle_ms}"
            ),
            # Notice a server that vanished without closing the connection (host down,
            # network cut) within seconds instead of the kernel's default of minutes.
            "keepalives": 1,
            "keepalives_idle": 10,
            "keepalives_interval": 2,
            "keepalives_count": 3,
            "tcp_user_timeout": statement_ms + 1000,
        },
    }


def database_url(app: Flask) -> str:
    """Return the configured database URL, or the embedded SQLite file by default."""
    url = app.config.get("DATABASE_URL")
    if url:
        return str(url)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'temoin.db'}"


def setup_sqlite(engine: Engine) -> None:
    """Make every SQLite transaction take the write lock at BEGIN (WAL, foreign keys on).

    A deferred SQLite transaction that reads before it writes can fail instead of waiting;
    BEGIN IMMEDIATE makes writers queue, which serialises the consent chain across workers.
    synchronous=FULL syncs the write-ahead log at every commit: with NORMAL, the last commits
    before a power loss or an OS crash could vanish although their consents were acknowledged.
    """

    @event.listens_for(engine, "connect")
    def _connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")
