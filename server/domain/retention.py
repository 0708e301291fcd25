"""Retention: erase records kept past their time, then drop the erased head of each chain."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased

from server.domain.digest import PERSONAL
from server.extensions import db
from server.models import ChainHead, ConsentRecord, Site, utcnow

# An erasure blanks what identifies the visitor; the rest stays, verified by the record digest.
ERASED = dict.fromkeys(PERSONAL)


def erase_where(*conditions: object) -> int:
    """Blank what identifies the visitor in matching records; their digests keep them verifiable."""
    result = db.session.execute(
        update(ConsentRecord)
        .where(ConsentRecord.erased_at.is_(None), *conditions)
        .values(**ERASED, erased_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def purge(days: int) -> list[tuple[str, int, int]]:
    """Erase records `days` after they were superseded or expired; trim each chain's erased head.

    A record is superseded when a later record of the same consent id exists.
    Returns (site key, records erased, records removed) per site (the caller commits).
    """
    cutoff = utcnow() - timedelta(days=days)
    newer = aliased(ConsentRecord)
    superseded = exists().where(
        newer.site_id == ConsentRecord.site_id,
        newer.consent_id == ConsentRecord.consent_id,
        newer.seq > ConsentRecord.seq,
        newer.recorded_at < cutoff,
    )
    report = []
    for site in db.session.scalars(select(Site).order_by(Site.id)):
        erased = erase_where(
            ConsentRecord.site_id == site.id,
            or_(ConsentRecord.expires_at < cutoff, superseded),
        )
        report.append((site.key, erased, trim_head(site)))
    return report


def trim_head(site: Site) -> int:
    """Delete the run of erased records at the start of a chain, moving its base past them."""
    head = db.session.get(ChainHead, site.id, with_for_update=True)
    if head is None:
        return 0
    first_live = db.session.scalar(
        select(func.min(ConsentRecord.seq)).where(
            ConsentRecord.site_id == site.id, ConsentRecord.erased_at.is_(None)
        )
    )
    upto = (first_live - 1) if first_live is not None else head.seq
    if upto <= head.base_seq:
        return 0
    last = db.session.scalar(
        select(ConsentRecord.hash).where(
            ConsentRecord.site_id == site.id, ConsentRecord.seq == upto
        )
    )
    if last is None:
        return 0
    result = db.session.execute(
        delete(ConsentRecord)
        .where(and_(ConsentRecord.site_id == site.id, ConsentRecord.seq <= upto))
        .execution_options(synchronize_session=False)
    )
    head.base_seq, head.base_hash = upto, last
    return result.rowcount or 0
