"""Recording consents: validation against the published version, the hash chain, current state."""

from __future__ import annotations

import uuid
from contextlib import ExitStack
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import Flask, current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Connection

from server.domain import chainwriter
from server.domain.chainwriter import Pending, writer
from server.domain.digest import GENESIS, seal
from server.domain.errors import Invalid
from server.domain.policy import Published, VersionInfo, get_version
from server.domain.replays import new_events, settle, stored_events
from server.extensions import db
from server.models import ChainHead, ConsentRecord, Site, utcnow
from server.vocab import (
    ACCEPT_ALL,
    ADVERTISING,
    NECESSARY,
    PAGE_MAX,
    REJECT_ALL,
    UNASKED_ACTIONS,  # where a visitor decides about one thing without seeing every purpose
    UNASKED_SOURCES,
    WITHDRAW,
)

_HEADS = ChainHead.__table__
# Moving a site's head by n reserves n places in its chain and locks the head row until
# commit (a row lock on PostgreSQL; SQLite's write lock is already held since BEGIN).
_TAKE_HEADS = (
    update(_HEADS)
    .where(_HEADS.c.site_id == bindparam("site"))
    .values(seq=_HEADS.c.seq + bindparam("n"))
    .returning(_HEADS.c.seq, _HEADS.c.hash)
)
# Sets the head to the last record appended (fewer than reserved when some were replays).
_SET_HEAD = (
    update(_HEADS)
    .where(_HEADS.c.site_id == bindparam("site"))
    .values(seq=bindparam("new_seq"), hash=bindparam("new_hash"))
)
_INSERT = insert(ConsentRecord.__table__)
# PostgreSQL: one record and the head that follows it in one statement (compiled once).
_RECORD_COLUMNS = [c for c in ConsentRecord.__table__.columns if c.key != "id"]
_APPEND_ONE = _SET_HEAD.add_cte(
    insert(ConsentRecord.__table__)
    .values({c.key: bindparam(f"r_{c.key}", type_=c.type) for c in _RECORD_COLUMNS})
    .cte("appended")
)


def columns(rec: ConsentRecord) -> dict[str, Any]:
    """Return a stored record's column values."""
    return {c.key: getattr(rec, c.key) for c in ConsentRecord.__table__.columns}


def page_path(page: str | None) -> str | None:
    """Keep only the path of a page address: no scheme, host, query string or fragment."""
    if not page:
        return None
    return urlsplit(page).path or "/"


def latest_record(site_id: int, consent_id: str) -> ConsentRecord | None:
    """Return the newest record of one consent id on one site."""
    return db.session.scalar(
        select(ConsentRecord)
        .where(ConsentRecord.site_id == site_id, ConsentRecord.consent_id == consent_id)
        .order_by(ConsentRecord.seq.desc())
        .limit(1)
    )


def _check(pub: Published, data: dict[str, Any]) -> None:
    """Refuse a choice that does not fit the published version it names."""
    info = get_version(pub, data["policy_version"])
    if info is None:
        raise Invalid("Unknown policy version.", {"policy_version": ["Not published."]})
    choices: dict[str, bool] = data["choices"]
    choices.pop(NECESSARY, None)
    if set(choices) != info.categories:
        missing = sorted(info.categories - set(choices))
        extra = sorted(set(choices) - info.categories)
        raise Invalid(
            "Choices must name exactly the categories of that version.",
            {"choices": [f"missing: {missing}; unknown: {extra}"]},
        )
    unknown = set(data.get("services") or {}) - info.services
    if unknown:
        raise Invalid("Unknown services.", {"services": [f"unknown: {sorted(unknown)}"]})
    _check_unasked(data, choices)
    if data["language"] not in info.languages:
        raise Invalid("Unknown language.", {"language": ["Not a language of the site."]})
    if len(page_path(data.get("page")) or "") > PAGE_MAX:
        raise Invalid("The page path is too long.", {"page": [f"At most {PAGE_MAX}."]})
    action, values = data["action"], choices
    granted = any(values.values()) or any((data.get("services") or {}).values())
    if action == REJECT_ALL and granted:
        raise Invalid(
            "reject_all must refuse every category and service.", {"action": ["mismatch"]}
        )
    if action == ACCEPT_ALL:
        expected = {k: not (data["gpc"] and k == ADVERTISING) for k in values}
        if values != expected:
            raise Invalid(
                "accept_all must grant every category (advertising stays off with GPC).",
                {"action": ["mismatch"]},
            )


def _check_unasked(data: dict[str, Any], choices: dict[str, bool | None]) -> None:
    """Refuse a null (not asked) category where the visitor was shown every purpose."""
    unasked = sorted(k for k, v in choices.items() if v is None)
    if not unasked:
        return
    if data["source"] not in UNASKED_SOURCES or data["action"] not in UNASKED_ACTIONS:
        raise Invalid(
            "Only a custom choice or a withdrawal from a placeholder or the API may leave "
            "a category unasked (null).",
            {"choices": [f"not asked: {unasked}"]},
        )
    if len(unasked) == len(choices) and not data.get("services"):
        raise Invalid("The choice decides nothing.", {"choices": ["every category null"]})


def _withdraws(pub: Published, data: dict[str, Any]) -> bool:
    """Tell whether a withdrawal refuses something its consent id had granted."""
    previous = latest_record(pub.site_id, data["consent_id"])
    granted = {k for k, v in ((previous and previous.choices) or {}).items() if v}
    # A category left unasked (null) is not refused.
    return any(data["choices"].get(k, False) is False for k in granted)


def _user_agent(header: str | None) -> str | None:
    """Keep what the user_agent column can store: no NUL, 512 characters."""
    return (header or "").replace("\x00", "")[:512] or None


def _fields(
    pub: Published, info: VersionInfo, data: dict[str, Any], ua: str | None
) -> dict[str, Any]:
    """Return the columns of a new record, all but its place in the chain."""
    now = utcnow()
    event_id = data.get("event_id")
    return {
        "site_id": pub.site_id,
        "consent_id": data["consent_id"],
        "event_id": str(event_id) if event_id else None,
        "policy_version": info.version,
        "policy_sha256": info.sha256,
        "choices": data["choices"],
        "services": data.get("services") or None,
        "action": data["action"],
        "source": data["source"],
        "language": data["language"],
        "page": page_path(data.get("page")),
        "gpc": data["gpc"],
        "user_agent": _user_agent(ua) if pub.store_user_agent else None,
        "recorded_at": now,
        "expires_at": now + timedelta(days=pub.lifetime_days),
        "erased_at": None,
    }


def prepare(pub: Published, data: dict[str, Any], user_agent: str | None) -> dict[str, Any]:
    """Check a loaded choice against the version it names; return the new record's columns."""
    _check(pub, data)
    info = get_version(pub, data["policy_version"])
    assert info is not None
    return _fields(pub, info, data, user_agent)


def record_consent(
    pub: Published, data: dict[str, Any], user_agent: str | None
) -> tuple[dict[str, Any], bool]:
    """Record a loaded choice once; return its acknowledgement and whether it is new.

    A choice repeating a stored event id writes nothing and gets that record's acknowledgement.
    """
    given = data.get("consent_id") is not None
    data["consent_id"] = str(data.get("consent_id") or uuid.uuid4())
    item = Pending(pub.site_id, pub.key, prepare(pub, data, user_agent), given)
    if data["action"] == WITHDRAW and not _withdraws(pub, data):
        # Once recorded, a withdrawal has nothing left to withdraw: its replay is still one.
        event_id = item.fields["event_id"]
        original = event_id and stored_events(db.session, pub.site_id, [event_id]).get(event_id)
        if not original:
            raise Invalid(
                "withdraw must refuse a category that this consent id had granted.",
                {"action": ["nothing to withdraw"]},
            )
        settle(item, original)
        if item.error:
            raise item.error
        return item.answer, False
    # Release this request's read transaction (on SQLite it holds the write lock).
    db.session.rollback()
    answer = writer(current_app).append(item)
    return answer, item.created


def append_batch(
    batch: list[Pending],
    look_up: bool = False,
    conn: Connection | None = None,
    pipeline: ExitStack | None = None,
) -> None:
    """Chain queued records: each site's head is taken once, in site order (the caller commits).

    Taking heads in one order means two writers can never wait for each other's heads. An
    event repeated within the batch is appended once; with `look_up`, stored events are
    looked up once the head is held, when no other writer can be adding them. On `conn`, or
    on the session's connection. On PostgreSQL a lone record and the new head are written by
    one statement; with `pipeline`, what follows the last head taken is sent in psycopg's
    pipeline mode, entered into that stack, so that it and the caller's commit (made before
    the stack closes) travel together: the last head is held for one round trip.
    """
    conn = conn if conn is not None else db.session.connection()
    together = conn.dialect.name == "postgresql"
    by_site: dict[int, list[Pending]] = {}
    for item in batch:
        item.answer, item.created, item.error = item.fields, True, None
        by_site.setdefault(item.site_id, []).append(item)
    last = max(by_site)
    for site_id in sorted(by_site):
        items = by_site[site_id]
        head = conn.execute(_TAKE_HEADS, {"site": site_id, "n": len(items)}).one()
        seq, prev = head.seq - len(items), head.hash or GENESIS
        fresh = new_events(conn, site_id, items, look_up)
        for item in fresh:
            seq += 1
            item.fields["seq"] = seq
            prev = seal(item.fields, item.site_key, prev)
        moved = {"site": site_id, "new_seq": seq, "new_hash": prev}
        if pipeline is not None and together and site_id == last:
            pipeline.enter_context(conn.connection.driver_connection.pipeline())
        if together and len(fresh) == 1:
            record = {f"r_{key}": value for key, value in fresh[0].fields.items()}
            conn.execute(_APPEND_ONE, {**moved, **record})
            continue
        if fresh:
            conn.execute(_INSERT, [item.fields for item in fresh])
        conn.execute(_SET_HEAD, moved)


def history(site_id: int, consent_id: str) -> list[ConsentRecord]:
    """Return every record of one consent id, oldest first."""
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.site_id == site_id, ConsentRecord.consent_id == consent_id)
            .order_by(ConsentRecord.seq)
        )
    )


def init_app(app: Flask) -> None:
    """Give the app its chain writer, which appends queued records with `append_batch`."""
    chainwriter.init_app(app, append_batch)


def ensure_chain(site: Site) -> None:
    """Create the chain head of a new site (the caller commits)."""
    if db.session.get(ChainHead, site.id) is None:
        db.session.add(ChainHead(site_id=site.id, seq=0, hash=GENESIS))
