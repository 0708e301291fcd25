"""Repeated events: a decision sent twice (a lost answer, two tabs) is recorded once."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from server.domain.chainwriter import Pending
from server.domain.errors import Conflict
from server.models import ConsentRecord

_RECORDS = ConsentRecord.__table__
# What a decision sent again must repeat to be the same event (and the consent id, when the
# client named it); other content under a stored event id is a conflict, not a replay.
REPEATED = (
    "policy_version", "choices", "services", "action", "source", "language", "page", "gpc",
)  # fmt: skip


def stored_events(
    executor: Connection | Session, site_id: int, event_ids: Iterable[str]
) -> dict[str, dict[str, Any]]:
    """Return the stored records of some event ids of one site, by event id."""
    rows = executor.execute(
        select(_RECORDS).where(_RECORDS.c.site_id == site_id, _RECORDS.c.event_id.in_(event_ids))
    ).mappings()
    return {row["event_id"]: dict(row) for row in rows}


def settle(item: Pending, original: dict[str, Any]) -> None:
    """Answer a repeated event with the record first made for it, or refuse other content."""
    keys = REPEATED + (("consent_id",) if item.consent_given else ())
    if any(original[k] != item.fields[k] for k in keys):
        item.error = Conflict(
            "This event_id was already recorded with other content; "
            "a new decision needs a new event_id.",
            {"event_id": ["already recorded with other content"]},
        )
    item.answer, item.created = original, False


def new_events(
    conn: Connection, site_id: int, items: list[Pending], look_up: bool
) -> list[Pending]:
    """Return the items to append; settle repeats within the batch (with look_up, of the log)."""
    ids = {item.fields["event_id"] for item in items} - {None}
    seen = stored_events(conn, site_id, ids) if look_up and ids else {}
    fresh = []
    for item in items:
        event_id = item.fields["event_id"]
        if event_id in seen:
            settle(item, seen[event_id])
            continue
        fresh.append(item)
        if event_id:
            seen[event_id] = item.fields  # chained below: the replay's answer gets its hash
    return fresh
