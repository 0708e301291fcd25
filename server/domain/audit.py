"""The audit log: who changed what, when, with the state before and after.

Account events (sign-ins, failed sign-ins, sign-outs, password changes) belong to no site:
a site's log shows those of the site's members only, so no other site's admins appear.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, or_, select

from server.extensions import db
from server.models import Admin, AuditEvent, Membership, utcnow

SIGN_IN = "sign in"
SIGN_IN_FAILED = "sign in failed"
SIGN_OUT = "sign out"
CHANGE_PASSWORD = "change password"
# A superuser created an account (with a one-time password) to make it a member of a site.
CREATE_ADMIN = "create admin"
ACCOUNT_ACTIONS = (SIGN_IN, SIGN_IN_FAILED, SIGN_OUT, CHANGE_PASSWORD)


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
    """Return a site's audit events and its members' account events, newest first.

    Only events older than `before_id` when it is given.
    """
    members = (
        select(Admin.email)
        .join(Membership, Membership.admin_id == Admin.id)
        .where(Membership.site_id == site_id)
    )
    account = and_(
        AuditEvent.site_id.is_(None),
        AuditEvent.action.in_(ACCOUNT_ACTIONS),
        AuditEvent.actor.in_(members),
    )
    query = select(AuditEvent).where(or_(AuditEvent.site_id == site_id, account))
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    return list(db.session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)))
