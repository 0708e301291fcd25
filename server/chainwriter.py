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
from typing import Any

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError

from .errors import ApiError
from .extensions import db

log = logging.getLogger("temoin")
EXTENSION = "temoin_chain_writer"


class Pending:
    """One record waiting for the writer, and the writer's answer."""

    __slots__ = ("site_id", "site_key", "fields", "done", "error")

    def __init__(self, site_id: int, site_key: str, fields: dict[str, Any]) -> None:
        self.site_id = site_id
        self.site_key = site_key
        self.fields = fields
        self.done = threading.Event()
        self.error: BaseException | None = None


class ChainWriter:
    """Appends queued records in batches: one head lock per site and one commit per batch."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.max_batch = int(app.config["CONSENT_BATCH_MAX"])
        cfg = app.config
        # Longer than anything the writer can wait for, so a request is never answered
        # 503 while its record may still be committed.
        self.wait_seconds = (
            float(cfg["DB_POOL_TIMEOUT"])
            + float(cfg["DB_CONNECT_TIMEOUT"])
            + 3 * float(cfg["DB_STATEMENT_TIMEOUT_MS"]) / 1000
            + 5
        )
        self._queue: queue.SimpleQueue[Pending | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._pid = 0
        self._start = threading.Lock()

    def append(self, item: Pending) -> dict[str, Any]:
        """Queue a record, wait until it is committed, and return its chained fields."""
        self._ensure_running()
        self._queue.put(item)
        if not item.done.wait(self.wait_seconds):
            raise ApiError(503, "The consent log did not answer in time; try again.")
        if isinstance(item.error, ApiError):
            raise item.error
        if item.error is not None:
            raise ApiError(503, "The database is unavailable; try again shortly.") from None
        return item.fields

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
        from .consent import append_batch

        with self.app.app_context():
            while True:
                first = self._queue.get()
                if first is None:
                    break
                batch, stop = self._take_batch(first)
                try:
                    append_batch(batch)
                    db.session.commit()
                except Exception as exc:  # every waiting request must get an answer
                    db.session.rollback()
                    if not isinstance(exc, SQLAlchemyError | ApiError):
                        log.exception("consent writer failed")
                    for item in batch:
                        item.error = exc
                finally:
                    for item in batch:
                        item.done.set()
                if stop:
                    break
            db.session.remove()


def init_app(app: Flask) -> None:
    """Give the app its chain writer."""
    app.extensions[EXTENSION] = ChainWriter(app)


def writer(app: Flask) -> ChainWriter:
    """Return the app's chain writer."""
    return app.extensions[EXTENSION]
