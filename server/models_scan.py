"""Scan records: one per scan, queued, running, then done with an immutable result."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db
from .models import utcnow

SCAN_STATES = ("queued", "running", "done", "failed")
VERDICTS = ("compliant", "not compliant", "inconclusive")


class ScanImmutable(RuntimeError):
    """A finished scan's result and verdict never change."""


class Scan(db.Model):
    """A cookie scan of one site: what was asked, its progress, and its result as evidence."""

    __tablename__ = "scans"
    __table_args__ = (Index("ix_scans_site_created", "site_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id", ondelete="CASCADE"))
    state: Mapped[str] = mapped_column(String(16), default="queued")
    requested_by: Mapped[str] = mapped_column(String(254), default="")
    # {"urls": [...], "max_pages": N}
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # {"done": n, "total": n, "url": "..."} while running.
    progress: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    policy_version: Mapped[int | None]
    browser_version: Mapped[str] = mapped_column(String(100), default="")
    verdict: Mapped[str | None] = mapped_column(String(16))
    pages: Mapped[int] = mapped_column(default=0)
    offences: Mapped[int] = mapped_column(default=0)
    # The whole result as canonical JSON, and its sha256: written once, when the scan ends.
    result: Mapped[str | None] = mapped_column(Text)
    result_sha256: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str] = mapped_column(Text, default="")


_FROZEN = (
    "result",
    "result_sha256",
    "verdict",
    "pages",
    "offences",
    "finished_at",
    "policy_version",
    "browser_version",
    "site_id",
    "options",
    "state",
    "error",
)


@event.listens_for(Scan, "before_update")
def _refuse_changes(mapper: Any, connection: Any, target: Scan) -> None:
    """Refuse any change to a scan once it is done or failed."""
    from sqlalchemy import inspect

    state = inspect(target)
    history = state.attrs.state.history
    old = history.deleted[0] if history.deleted else target.state
    if old in ("done", "failed"):
        if any(state.attrs[name].history.has_changes() for name in _FROZEN):
            raise ScanImmutable(f"scan {target.id} is {old}: its record cannot change")
