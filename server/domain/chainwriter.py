"""Group commit for the consent chains: queued records are appended in batches, one commit each.

Every record of a site must take the site's chain head in turn, so the time the head is held
bounds how many consents a site can record per second. A request therefore validates, then
queues its record; the first request that finds no batch being written writes the queue
itself, in its own thread: its record and whatever was queued meanwhile, each site's head
held once for all of them, one commit. Requests queued meanwhile wait on a condition; when
the batch is committed, one of those not yet answered writes the next batch. A lone request
(a sync worker) thus writes its own record without handing it to another thread, and under
load the commit is shared. The batches go through one connection kept by the writer while it
is busy (no checkout, no ping per batch); one idle for a while goes back to the pool and is
pinged again at its next checkout. A request is answered after its batch's commit: nothing
is acknowledged before it is durable.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

import psycopg
from flask import Flask, current_app
from psycopg.pq import TransactionStatus
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError

from server.database import WATCHDOG
from server.domain.errors import DATABASE_DOWN, DomainError, Invalid, Unavailable
from server.extensions import db

log = logging.getLogger("temoin")
EXTENSION = "temoin_chain_writer"
# A kept connection idle for longer goes back to the pool, to be pinged at its next checkout:
# back-to-back batches (under load) skip the ping, a lone request after a pause never meets
# a connection the database dropped meanwhile (a restart, an idle timeout).
IDLE_SECONDS = 0.05


# The batch's own commit does not wait for the disk; the flush's that follows it does (`write`).
_EARLY_COMMIT = text("SET LOCAL synchronous_commit TO off")
# A transactional message in the WAL (no table touched): its commit writes WAL, so it is
# flushed at once (an empty commit, or one that only took a transaction id, is not).
_FLUSH = "SELECT pg_logical_emit_message(true, 'temoin', 'flush')"


class NotDurable(Exception):
    """A batch committed whose flush to disk was not confirmed: answered 503, never retried."""


class Pending:
    """One record waiting for the writer, and the writer's answer.

    `answer` is the acknowledgement: the new record's columns once chained (`created`), or
    those of the record first stored with the same event id (a replay, not written again).
    """

    __slots__ = (
        "site_id", "site_key", "fields", "consent_given", "answer", "created", "done", "error"
    )  # fmt: skip

    def __init__(
        self, site_id: int, site_key: str, fields: dict[str, Any], consent_given: bool = True
    ) -> None:
        self.site_id = site_id
        self.site_key = site_key
        self.fields = fields
        # Whether the client named the consent id (a replay must then repeat it).
        self.consent_given = consent_given
        self.answer: dict[str, Any] = fields
        self.created = True
        self.done = threading.Event()
        self.error: BaseException | None = None


class ChainWriter:
    """Appends queued records in batches: one head lock per site and one commit per batch."""

    def __init__(self, app: Flask, apply: Callable[..., None]) -> None:
        self.app = app
        # Chains a batch under the site heads (consents.append_batch), on a connection given
        # or the session's, perhaps in psycopg's pipeline; `look_up`: stored events first.
        self._apply = apply
        self.max_batch = int(app.config["CONSENT_BATCH_MAX"])
        cfg = app.config
        # A request waits no longer than a pooled connection and one statement may take. A
        # record answered 503 may still be committed later: the client sends it again with
        # the same event_id, which is then acknowledged once (200), never recorded twice.
        self.wait_seconds = (
            float(cfg["DB_POOL_TIMEOUT"]) + float(cfg["DB_STATEMENT_TIMEOUT_MS"]) / 1000
        )
        self._pid = os.getpid()
        self._cond = threading.Condition()
        self._queue: deque[Pending] = deque()
        self._writing = False  # a request thread is writing a batch
        self._conn: Connection | None = None
        self._used = 0.0

    def append(self, item: Pending) -> dict[str, Any]:
        """Queue a record, wait until it is committed, and return its acknowledgement."""
        deadline = time.monotonic() + self.wait_seconds
        with self._cond:
            self._forked()
            self._queue.append(item)
            while self._writing and not item.done.is_set():
                left = deadline - time.monotonic()
                if left <= 0 or not self._cond.wait(left):
                    if not item.done.is_set():
                        self._give_up(item)
            lead = not item.done.is_set()
            if lead:
                self._writing = True
        if lead:
            try:
                self._write_queue(item)
            finally:
                with self._cond:
                    self._writing = False
                    self._cond.notify_all()
        if isinstance(item.error, DomainError):
            raise item.error
        if item.error is not None:
            raise Unavailable(DATABASE_DOWN) from None
        return item.answer

    def _give_up(self, item: Pending) -> None:
        """Answer 503 to a request that waited too long (its record unwritten if still queued)."""
        try:
            self._queue.remove(item)
        except ValueError:
            pass  # in the batch being written: it may still be committed (see wait_seconds)
        raise Unavailable("The consent log did not answer in time; try again.")

    def _write_queue(self, mine: Pending) -> None:
        """Write batches from the queue until `mine` is answered (in the request's thread)."""
        while not mine.done.is_set():
            with self._cond:
                count = min(len(self._queue), self.max_batch)
                batch = [self._queue.popleft() for _ in range(count)]
            if not batch:  # cannot happen: `mine` is queued until it is written
                break
            self.settle(batch, kept=True)
            lost = next((i.error for i in batch if i.error and unavailable(i.error)), None)
            with self._cond:
                if lost is not None:
                    # The database could not be reached: the records queued meanwhile get
                    # the same 503 now, rather than each waiting on an attempt of its own.
                    while self._queue:
                        late = self._queue.popleft()
                        late.error = lost
                        late.done.set()
                self._cond.notify_all()

    def _connection(self) -> Connection:
        """Return the writer's connection: kept while busy, checked out again after idling."""
        now = time.monotonic()
        conn = self._conn
        if conn is not None and (now - self._used > IDLE_SECONDS or conn.invalidated):
            self._release()
        if self._conn is None:
            engine = db.engine
            if not event.contains(engine, "engine_disposed", self._disposed):
                event.listen(engine, "engine_disposed", self._disposed)
            self._conn = engine.connect()
        self._used = now
        return self._conn

    def _disposed(self, _engine: Engine) -> None:
        """The engine's pool is being disposed of: so is the connection kept from it."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.invalidate()  # closes the database connection now, whatever its pool
            conn.close()

    def _release(self, broken: bool = False) -> None:
        """Give the kept connection back to the pool, or close it for good when `broken`."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if broken and not conn.invalidated:
                conn.invalidate()  # closes the database connection itself, now
            conn.close()
        except Exception as exc:  # noqa: BLE001 - a lost connection: the pool forgets it
            log.debug("chain writer connection not closed cleanly: %s", exc)

    def _idle(self, conn: Connection) -> None:
        """Stop the watchdog's clock on the kept connection between batches."""
        dog = current_app.extensions.get(WATCHDOG)
        if dog is not None and not conn.invalidated:
            dog.disarm(conn.connection.dbapi_connection)

    def write(self, batch: list[Pending], conn: Connection | None = None) -> None:
        """Append a batch and commit it (on `conn`, or on the caller's session).

        Repeated events are found in memory within a batch; one already stored breaks the
        unique (site, event id) constraint. Then the batch is rolled back and chained again
        (durably, at once), with the stored events looked up under the heads: the others are
        still recorded.

        On the kept PostgreSQL connection the batch commits without waiting for its WAL to
        reach the disk, so that the site's head is free for the next writer (another worker)
        while the disk works; then a second transaction, holding only a WAL message, is
        committed durably, which flushes the WAL up to it, the batch's commit included, and
        only then are the records acknowledged (`_write_early`). The flushes of concurrent
        writers are shared by PostgreSQL. A crash before the flush loses only records nobody
        was told were recorded; a later writer chained after them is flushed after them (the
        WAL is written in order).
        """
        txn = conn if conn is not None else db.session
        early = conn is not None and conn.dialect.name == "postgresql"
        try:
            if early:
                self._write_early(batch, conn)  # type: ignore[arg-type]
            else:
                with ExitStack() as pipeline:
                    self._apply(batch, conn=conn, pipeline=pipeline)
                    txn.commit()
        except IntegrityError:
            rollback(conn)
            self._apply(batch, look_up=True, conn=conn)
            txn.commit()
        if conn is not None:
            self._idle(conn)

    def _write_early(self, batch: list[Pending], conn: Connection) -> None:
        """Append a batch on PostgreSQL: commit early, then flush, in one round trip.

        After the head is taken, what is left goes in psycopg's pipeline as one message:
        the records and the head, the batch's commit without waiting for the disk, then a
        WAL message in a transaction of its own, which PostgreSQL commits at the pipeline's
        sync, durably: its WAL and all before it, the batch's, is then on disk.
        An error in the batch aborts its transaction (nothing committed) and is raised as
        SQLAlchemy would; any other failure means the batch may be committed without the
        flush confirmed: NotDurable, answered 503 and never written again.
        """
        driver = conn.connection.driver_connection
        dog = current_app.extensions.get(WATCHDOG)
        try:
            with ExitStack() as pipeline:
                self._apply(batch, conn=conn, pipeline=pipeline)
                conn.execute(_EARLY_COMMIT)
                driver.execute("COMMIT")
                driver.execute(_FLUSH)
                if dog is not None:
                    dog.arm(driver)  # the sync at the end of the block waits for the flush
        except psycopg.Error as exc:
            if driver.info.transaction_status == TransactionStatus.INERROR:
                raise DBAPIError.instance(None, None, exc, psycopg.Error) from exc
            conn.invalidate()
            raise NotDurable(f"a batch committed without its flush confirmed: {exc}") from exc
        finally:
            if dog is not None and not conn.invalidated:
                dog.disarm(driver)
        conn.commit()  # the driver's transaction has ended: only SQLAlchemy's ends here

    def settle(self, batch: list[Pending], kept: bool = False) -> None:
        """Write a batch and answer each of its records, whatever happens.

        `kept`: on the writer's kept connection, else on the caller's session. When a batch
        fails for a reason other than the database being unreachable, its records are
        written again one by one, so that only a record the database refuses fails (422),
        never the others queued beside it.
        """
        conn = None
        try:
            conn = self._connection() if kept else None
            self.write(batch, conn)
        except Exception as exc:  # every waiting request must get an answer
            self._failed(batch, exc, kept, conn)
        finally:
            for item in batch:
                item.done.set()

    def _failed(
        self, batch: list[Pending], exc: Exception, kept: bool, conn: Connection | None
    ) -> None:
        for item in batch:  # until a retry says otherwise, nothing of the batch is written
            item.error = exc
        if kept:
            self._reset(conn, exc)
        else:
            try:
                db.session.rollback()
            except Exception:  # noqa: BLE001 - a lost connection: the session is reset
                db.session.remove()
        if len(batch) > 1 and not unavailable(exc):
            log.warning("consent batch of %d failed (%s); writing one by one", len(batch), exc)
            for item in batch:
                self.settle([item], kept)
            return
        if not isinstance(exc, DomainError):
            log.error("consent record not written: %s", exc, exc_info=exc)
        for item in batch:
            item.error = exc if isinstance(exc, DomainError) or unavailable(exc) else refused()

    def _reset(self, conn: Connection | None, exc: Exception) -> None:
        """Roll the kept connection back after a failure, or give it up when it is broken."""
        if conn is not None and not unavailable(exc):
            try:
                rollback(conn)
                if not conn.invalidated:
                    self._idle(conn)
                    return
            except Exception as err:  # noqa: BLE001 - lost on the way: given up below
                log.debug("chain writer connection lost at rollback: %s", err)
        self._release(broken=True)  # the next batch checks a connection out afresh, pinged

    def _forked(self) -> None:
        """In a forked worker, forget the parent's queue and connection (they are not ours)."""
        if self._pid != os.getpid():
            self._pid = os.getpid()
            self._queue = deque()
            self._writing = False
            self._conn = None

    def stop(self) -> None:
        """Give the kept connection back (the app's tests and shutdown call this)."""
        with self._cond:
            if self._pid == os.getpid():
                self._release()


def rollback(conn: Connection | None) -> None:
    """Roll back `conn` (or the session), on the driver too when it is still in a transaction.

    A commit that fails in psycopg's pipeline mode (a statement before it failed) leaves the
    transaction open in the driver although SQLAlchemy takes it as ended.
    """
    if conn is None:
        db.session.rollback()  # the connection goes back to the pool, which rolls it back
        return
    conn.rollback()
    driver = conn.connection.driver_connection
    info = getattr(driver, "info", None)  # psycopg's; sqlite3 connections have none
    if info is not None and info.transaction_status != TransactionStatus.IDLE:
        driver.rollback()


def refused() -> Invalid:
    """The answer to a record the database refused although it passed validation (no retry)."""
    return Invalid("The consent log cannot store this record as sent.")


def unavailable(exc: BaseException) -> bool:
    """Tell whether an error means the database could not be reached or did not answer."""
    if isinstance(exc, OperationalError | SATimeoutError | NotDurable):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def init_app(app: Flask, apply: Callable[..., None]) -> None:
    """Give the app its chain writer, which chains batches with `apply`."""
    app.extensions[EXTENSION] = ChainWriter(app, apply)


def writer(app: Flask) -> ChainWriter:
    """Return the app's chain writer."""
    return app.extensions[EXTENSION]
