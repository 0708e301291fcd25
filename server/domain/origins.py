"""Recordings refused by origin: counted per site, so that a page missing from a site's
allowed origins shows in the admin instead of failing silently."""

from __future__ import annotations

import re

from sqlalchemy import func, select, text, update
from sqlalchemy.dialects import postgresql, sqlite

from server.extensions import db
from server.models import RefusedOrigin, utcnow

# Distinct origins kept per site; any further one is counted under OTHER, so made-up
# Origin headers fill one row, not the database.
MAX_ORIGINS = 50
OTHER = "(other origins)"
# What is counted for a header that is not an origin (browsers never send one).
MALFORMED = "(not an origin)"
MAX_LENGTH = 200
_ORIGIN = re.compile(r"null|[a-z][a-z0-9+.-]*://[a-z0-9._~\[\]:-]+")
_T = RefusedOrigin.__table__
# pg_advisory_xact_lock(namespace, site id): new origins of one site are added in turn.
_LOCK_NAMESPACE = 0x746D6E  # "tmn"


def normalise(origin: str) -> str:
    """Return an Origin header as counted: lower case, no trailing slash, or MALFORMED."""
    value = origin.strip().rstrip("/").lower()
    return value if len(value) <= MAX_LENGTH and _ORIGIN.fullmatch(value) else MALFORMED


def count_refusal(site_id: int, origin: str) -> None:
    """Count one recording refused to an origin (the caller commits)."""
    key, now = normalise(origin), utcnow()
    if _bump(site_id, key, now):
        return
    if db.engine.dialect.name == "postgresql":
        db.session.execute(
            text("SELECT pg_advisory_xact_lock(:ns, :site)"),
            {"ns": _LOCK_NAMESPACE, "site": site_id},
        )
    kept = db.session.scalar(
        select(func.count()).where(_T.c.site_id == site_id, _T.c.origin != OTHER)
    )
    if kept >= MAX_ORIGINS:
        key = OTHER
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    db.session.execute(
        dialect.insert(_T)
        .values(site_id=site_id, origin=key, count=1, first_seen=now, last_seen=now)
        .on_conflict_do_update(
            index_elements=["site_id", "origin"],
            set_={"count": _T.c.count + 1, "last_seen": now},
        )
    )


def _bump(site_id: int, key: str, now: object) -> bool:
    result = db.session.execute(
        update(_T)
        .where(_T.c.site_id == site_id, _T.c.origin == key)
        .values(count=_T.c.count + 1, last_seen=now)
    )
    return bool(result.rowcount)


def refused_origins(site_id: int) -> list[RefusedOrigin]:
    """Return the origins a site refused to record from, most recently refused first."""
    return list(
        db.session.scalars(
            select(RefusedOrigin)
            .where(RefusedOrigin.site_id == site_id)
            .order_by(RefusedOrigin.last_seen.desc(), RefusedOrigin.origin)
        )
    )
