"""Engine settings per database: SQLite serialises writers, PostgreSQL fails fast when down."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

log = logging.getLogger("temoin")
WATCHDOG = "temoin_db_watchdog"


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
        # Connections are pinged at checkout by setup_postgres, within the watchdog's bound.
        "pool_pre_ping": False,
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


class Watchdog:
    """Cut PostgreSQL round trips that outlive their bound, so no request waits on a frozen server.

    The server's statement_timeout ends slow statements, but a server that stops answering
    (stopped, swapped out, a network that drops packets while the kernel still acknowledges
    them) never sends that error, and libpq waits for ever. Each statement, commit, rollback
    and checkout ping is armed with a deadline; one thread shuts down the socket of any that
    passes it, which makes the call fail at once as a lost connection (503), and the pool
    discards the connection.
    """

    TICK = 0.05

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._armed: dict[int, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self._pid = 0
        self._thread: threading.Thread | None = None

    @contextmanager
    def bound(self, seconds: float) -> Iterator[None]:
        """Use a shorter bound for this thread's database calls inside the block."""
        previous = getattr(self._local, "limit", None)
        self._local.limit = seconds
        try:
            yield
        finally:
            self._local.limit = previous

    def arm(self, dbapi_conn: Any) -> None:
        """Start the clock of one round trip on a connection."""
        limit = getattr(self._local, "limit", None) or self.limit
        with self._lock:
            self._armed[id(dbapi_conn)] = (time.monotonic() + limit, dbapi_conn)
        if self._pid != os.getpid() or self._thread is None or not self._thread.is_alive():
            self._start()

    def disarm(self, dbapi_conn: Any) -> None:
        """Stop the clock of a connection."""
        with self._lock:
            self._armed.pop(id(dbapi_conn), None)

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
                return
            self._pid = os.getpid()
            self._armed.clear()  # a forked worker: the parent's connections are not ours
            self._thread = threading.Thread(
                target=self._run, name="temoin-db-watchdog", daemon=True
            )
            self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(self.TICK)
            now = time.monotonic()
            with self._lock:
                late = [key for key, (deadline, _) in self._armed.items() if deadline < now]
                expired = [self._armed.pop(key)[1] for key in late]
            for dbapi_conn in expired:
                cut(dbapi_conn)


def cut(dbapi_conn: Any) -> None:
    """Shut down a psycopg connection's socket, so its pending call fails now."""
    try:
        fd = dbapi_conn.pgconn.socket
        with socket.socket(fileno=os.dup(fd)) as sock:
            sock.shutdown(socket.SHUT_RDWR)
    except Exception as err:  # noqa: BLE001 - closed or lost already: nothing left to cut
        log.debug("database connection already closed: %s", err)
        return
    log.warning("database did not answer in time: connection cut")


def setup_postgres(engine: Engine, limit: float) -> Watchdog:
    """Bound every round trip to PostgreSQL, and ping each connection at checkout."""
    dog = Watchdog(limit)

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, *args: Any) -> None:
        dog.arm(cursor.connection)

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, *args: Any) -> None:
        dog.disarm(cursor.connection)

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _ending(conn: Any) -> None:
        if not conn.invalidated:  # a lost connection has nothing left to wait for
            dog.arm(conn.connection.dbapi_connection)

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_conn: Any, record: Any, proxy: Any) -> None:
        dog.arm(dbapi_conn)
        try:
            dbapi_conn.execute("SELECT 1")
            dbapi_conn.rollback()
        except Exception as err:  # any failure: the pool tries a fresh connection
            raise exc.DisconnectionError() from err
        finally:
            dog.disarm(dbapi_conn)

    @event.listens_for(engine, "checkin")
    def _checkin(dbapi_conn: Any, record: Any) -> None:
        if dbapi_conn is not None:
            dog.disarm(dbapi_conn)

    return dog
