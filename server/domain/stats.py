"""Consent statistics: actions and per-category opt-in rates, per day and per policy version."""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, func, true

from server.domain.log import categories_of, filtered
from server.extensions import db
from server.models import ConsentRecord
from server.vocab import ACTIONS

T = ConsentRecord.__table__.c


def _rate(granted: int | None, answered: int | None) -> float | None:
    return round((granted or 0) / answered, 4) if answered else None


def _grouped(site_id: int, f: dict[str, Any], key: Any, cats: list[str]) -> dict[Any, Any]:
    """Count actions and category answers per value of `key` in one query."""
    cols: list[Any] = [key.label("k")]
    cols += [func.sum(case((T.action == a, 1), else_=0)).label(a) for a in ACTIONS]
    for i, cat in enumerate(cats):
        value = ConsentRecord.choices[cat].as_boolean()
        cols.append(func.sum(case((value == true(), 1), else_=0)).label(f"g{i}"))
        cols.append(func.count(value).label(f"n{i}"))
    rows = db.session.execute(filtered(site_id, f, *cols).group_by(key).order_by(key))
    out = {}
    for row in rows:
        counts = {a: int(getattr(row, a) or 0) for a in ACTIONS}
        out[row.k] = {
            **counts,
            "total": sum(counts.values()),
            "opt_in": {
                c: _rate(getattr(row, f"g{i}"), getattr(row, f"n{i}")) for i, c in enumerate(cats)
            },
            "answers": {c: int(getattr(row, f"n{i}") or 0) for i, c in enumerate(cats)},
        }
    return out


def compute(site_id: int, f: dict[str, Any]) -> dict[str, Any]:
    """Return counts and opt-in rates per day, per version, and over the whole range."""
    cats = categories_of(site_id)
    day = func.date(T.recorded_at)
    days = _grouped(site_id, f, day, cats)
    versions = _grouped(site_id, f, T.policy_version, cats)
    totals = _grouped(site_id, f, func.coalesce(T.site_id, 0), cats)
    empty = {**{a: 0 for a in ACTIONS}, "total": 0, "opt_in": {c: None for c in cats}}
    return {
        "categories": cats,
        "totals": next(iter(totals.values()), {**empty, "answers": {c: 0 for c in cats}}),
        "days": [{"date": str(k)[:10], **v} for k, v in days.items()],
        "versions": [{"version": int(k), **v} for k, v in versions.items()],
    }
