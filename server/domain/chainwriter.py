"""Group commit for the consent chains: one writer thread per process appends queued records.

Every record of a site must take the site's chain head in turn, so the time the head is held
bounds how many consents a site can record per second. Request threads therefore only
validate and queue; one writer thread per process takes whatever is queued, holds each
site's head once for all of it, and commits once. A request is answered after that commit:
nothing is acknowledged before it is durable.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from typing import Any

from flask import Flask
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.exc import TimeoutError as SATimeoutError

from server.domain.errors import DomainError, Invalid, Unavailable
from server.extensions import db

log = logging.getLogger("temoin")
EXTENSION = "temoin_chain_writer"


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


# Chains a batch of records (the flag: look stored event ids up under the heads first).
Apply = Callable[[list[Pending], bool], None]


class ChainWriter:
    """Appends queued records in batches: one head lock per site and one commit per batch."""

    def __init__(self, app: Flask, apply: Apply) -> None:
        self.app = app
        self._apply = apply  # chains a batch under the site heads: consents.append_batch
        self.max_batch = int(app.config["CONSENT_BATCH_MAX"])
        cfg = app.config
        # A request waits no longer than a pooled connection and one statement may take. A
        # record answered 503 may still be committed later: the client sends it again with
        # the same event_id, which is then acknowledged once (200), never recorded twice.
        self.wait_seconds = (
            float(cfg["DB_POOL_TIMEOUT"]) + float(cfg["DB_STATEMENT_TIMEOUT_MS"]) / 1000
        )
        self._queue: queue.SimpleQueue[Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._start = threading.Lock()

    def append(self, item: Pending) -> dict[str, Any]:
        """Queue a record, wait until it is committed, and return its acknowledgement."""
        self._ensure_running()
        self._queue.put(item)
        if not item.done.wait(self.wait_seconds):
            raise Unavailable("The consent log did not answer in time; try again.")
        if isinstance(item.error, DomainError):
            raise item.error
        if item.error is not None:
            raise Unavailable("The database is unavailable; try again shortly.") from None
        return item.answer

    def write(self, batch: list[Pending]) -> None:
        """Append a batch and commit it (in the writer thread, or a caller's app context).

        Repeated events are found in memory within a batch; one already stored breaks the
        unique (site, event id) constraint. Then the batch is rolled back and chained again,
        with the stored events looked up under the heads: the others are still recorded.
        """
        try:
            self._apply(batch, False)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            self._apply(batch, True)
            db.session.commit()

    def settle(self, batch: list[Pending]) -> None:
        """Write a batch and answer each of its records, whatever happens.

        When a batch fails for a reason other than the database being unreachable, its
        records are written again one by one, so that only a record the database refuses
        fails (422), never the others queued beside it.
        """
        try:
            self.write(batch)
        except Exception as exc:  # every waiting request must get an answer
            self._failed(batch, exc)
        finally:
            for item in batch:
                item.done.set()

    def _failed(self, batch: list[Pending], exc: Exception) -> None:
        for item in batch:  # until a retry says otherwise, nothing of the batch is written
            item.error = exc
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - a lost connection: the session is reset below
            db.session.remove()
        if len(batch) > 1 and not unavailable(exc):
            log.warning("consent batch of %d failed (%s); writing one by one", len(batch), exc)
            for item in batch:
                self.settle([item])
            return
        if not isinstance(exc, DomainError):
            log.error("consent record not written: %s", exc, exc_info=exc)
        for item in batch:
            item.error = exc if isinstance(exc, DomainError) or unavailable(exc) else refused()

    def _ensure_running(self) -> None:
        if self._pid == os.getpid() and self._thread is not None and self._thread.is_alive():
            return
        with self._start:
            if self._pid != os.getpid():  # a forked worker: the parent's thread is not here
                self._queue = queue.SimpleQueue()
                self._thread = None
                self._pid = os.getpid()
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="temoin-chain-writer", daemon=True
                )
                self._thread.start()

    def stop(self) -> None:
        """Finish what is queued and end the writer thread."""
        thread = self._thread
        if thread is not None and thread.is_alive() and self._pid == os.getpid():
            self._queue.put(None)
            thread.join(10)
        self._thread = None

    def _take_batch(self, first: Pending) -> tuple[list[Pending], bool]:
        batch, stop = [first], False
        while len(batch) < self.max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                stop = True
                break
            batch.append(item)
        return batch, stop

    def _run(self) -> None:
        with self.app.app_context():
            while True:
                first = self._queue.get()
                if first is None:
                    break
                batch, stop = self._take_batch(first)
                self.settle(batch)
                if stop:
                    break
            db.session.remove()


def refused() -> Invalid:
    """The answer to a record the database refused although it passed validation (no retry)."""
    return Invalid("The consent log cannot store this record as sent.")


def unavailable(exc: BaseException) -> bool:
    """Tell whether an error means the database could not be reached or did not answer."""
    if isinstance(exc, OperationalError | SATimeoutError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def init_app(app: Flask, apply: Apply) -> None:
    """Give the app its chain writer, which chains batches with `apply`."""
    app.extensions[EXTENSION] = ChainWriter(app, apply)


def writer(app: Flask) -> ChainWriter:
    """Return the app's chain writer."""
    return app.extensions[EXTENSION]
