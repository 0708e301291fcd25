"""The audit log: who changed what, when, with the state before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..extensions import db
from ..models import AuditEvent, utcnow


def record_event(
    site_id: int | None,
    actor: str,
    action: str,
    target: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Append one audit event (the caller commits, with the change it describes)."""
    event = AuditEvent(
        site_id=site_id,
        actor=actor[:254],
        action=action[:64],
        target=target[:200],
        before=before,
        after=after,
        at=utcnow(),
    )
    db.session.add(event)
    return event


def list_events(site_id: int, before_id: int | None = None, limit: int = 50) -> list[AuditEvent]:
    """Return a site's audit events, newest first, older than `before_id` when given."""
    query = select(AuditEvent).where(AuditEvent.site_id == site_id)
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
