"""The job queue (Huey) and its one kind of job, a scan: the web process queues, `temoin
worker` runs. SQLite storage in the instance folder by default, Redis when TEMOIN_REDIS_URL
is set."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from huey import RedisHuey, SqliteHuey
from sqlalchemy import update

from server.domain.errors import Invalid, Unavailable
from server.domain.scan.store import queue_scan, run_scan
from server.domain.scan.urls import ScanInputError
from server.domain.wording import wording
from server.extensions import db
from server.models import Scan, Site, utcnow

EXTENSION = "temoin_queue"
SCAN_TASK = "temoin.scan"

QUEUE_DOWN = wording("scan.queue_down", "the job queue is unavailable: {error}")
QUEUE_DOWN_RETRY = wording(
    "scan.queue_down_retry", "the job queue is unavailable: {error}; try again later."
)
WORKER_STOPPED = wording("scan.worker_stopped", "the worker stopped during the scan")


class QueueUnavailable(RuntimeError):
    """The job queue could not take the job (the argument names the cause's type)."""


class Queue:
    """An app's Huey instance and its scan task."""

    def __init__(self, app: Flask) -> None:
        url = app.config.get("REDIS_URL")
        if url:
            self.huey = RedisHuey("temoin", url=url, results=False)
        else:
            path = app.config.get("QUEUE_FILE") or str(Path(app.instance_path) / "queue.db")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.huey = SqliteHuey("temoin", filename=path, results=False, timeout=10)

        def scan(scan_id: int) -> None:
            with app.app_context():
                try:
                    run_scan(scan_id, app.config, app.instance_path)
                finally:
                    db.session.remove()

        self.scan = self.huey.task(name=SCAN_TASK, retries=0)(scan)


def queue(app: Flask) -> Queue:
    """Return the app's job queue, made on first use (after the instance folder is known)."""
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions[EXTENSION] = Queue(app)
    return found


def enqueue_scan(app: Flask, scan_id: int) -> None:
    """Hand a committed, queued scan to the worker."""
    try:
        queue(app).scan(scan_id)
    except Exception as exc:
        raise QueueUnavailable(type(exc).__name__) from exc


def recover(app: Flask) -> int:
    """Mark scans left running past any scan's time limit as failed; return how many."""
    # Past the whole-scan limit and a margin, no live worker is still on it.
    cutoff = utcnow() - timedelta(seconds=float(app.config["SCAN_TOTAL_SECONDS"]) + 300)
    with app.app_context():
        result = db.session.execute(
            update(Scan)
            .where(Scan.state == "running", Scan.started_at < cutoff)
            .values(state="failed", error=str(WORKER_STOPPED()), finished_at=utcnow())
        )
        db.session.commit()
        return int(getattr(result, "rowcount", 0) or 0)


def run_worker(app: Flask, workers: int = 1) -> Any:
    """Run queued jobs until interrupted (SIGINT/SIGTERM)."""
    consumer = queue(app).huey.create_consumer(workers=workers, worker_type="thread")
    consumer.run()
    return consumer


def start_scan(app: Flask, site: Site, urls: list[str], max_pages: int | None, actor: str) -> Scan:
    """Store a queued scan and hand it to the worker (committed).

    Invalid for URLs outside the site's origins or too many pages (nothing stored);
    Unavailable when the job queue cannot take it (the scan is kept, marked failed).
    """
    try:
        scan = queue_scan(site, urls, max_pages, actor)
    except ScanInputError as exc:
        db.session.rollback()
        raise Invalid(exc.said, {"urls": [str(exc)]}) from exc
    db.session.commit()
    try:
        enqueue_scan(app, scan.id)
    except QueueUnavailable as exc:
        scan.state, scan.error = "failed", str(QUEUE_DOWN(error=str(exc)))
        db.session.commit()
        raise Unavailable(QUEUE_DOWN_RETRY(error=str(exc))) from exc
    return scan
