"""Recording consents: validation against the published version, the hash chain, current state."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from .chainwriter import Pending, writer
from .errors import ApiError
from .extensions import db
from .models import ChainHead, ConsentRecord, Site, utcnow
from .policy import Published, VersionInfo, canonical_json, get_version, iso, sha256_hex

ADVERTISING = "advertising"
# Where a visitor decides about one thing without being shown every purpose (COMPLIANCE 22).
UNASKED_SOURCES = ("placeholder", "api")
UNASKED_ACTIONS = ("custom", "withdraw")
GENESIS = "0" * 64


_HEADS = ChainHead.__table__
# Moving a site's head by n reserves n places in its chain and locks the head row until
# commit (a row lock on PostgreSQL; SQLite's write lock is already held since BEGIN).
_TAKE_HEADS = (
    update(_HEADS)
    .where(_HEADS.c.site_id == bindparam("site"))
    .values(seq=_HEADS.c.seq + bindparam("n"))
    .returning(_HEADS.c.seq, _HEADS.c.hash)
)
_SET_HEAD = (
    update(_HEADS).where(_HEADS.c.site_id == bindparam("site")).values(hash=bindparam("new_hash"))
)
_INSERT = insert(ConsentRecord.__table__)


# The fields a record's digest covers, in the canonical record (plus the site's key).
DIGESTED = (
    "seq", "consent_id", "policy_version", "policy_sha256", "choices", "services", "action",
    "source", "language", "page", "gpc", "user_agent",
)  # fmt: skip


def canonical_record(fields: Mapping[str, Any], site_key: str) -> dict[str, Any]:
    """Return what a record's digest covers, from its column values."""
    out = {name: fields[name] for name in DIGESTED}
    out.update(
        site=site_key,
        recorded_at=iso(fields["recorded_at"]),
        expires_at=iso(fields["expires_at"]),
    )
    return out


def columns(rec: ConsentRecord) -> dict[str, Any]:
    """Return a stored record's column values."""
    return {c.key: getattr(rec, c.key) for c in ConsentRecord.__table__.columns}


def digest_of(fields: Mapping[str, Any], site_key: str) -> str:
    """Return the sha256 of the canonical record."""
    return sha256_hex(canonical_json(canonical_record(fields, site_key)))


def link_hash(prev_hash: str, digest: str) -> str:
    """Chain one record to the previous one: sha256(previous hash + record digest)."""
    return sha256_hex(prev_hash + digest)


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
        raise ApiError(422, "Unknown policy version.", {"policy_version": ["Not published."]})
    choices: dict[str, bool] = data["choices"]
    if "necessary" in choices:
        choices.pop("necessary")
    if set(choices) != info.categories:
        missing = sorted(info.categories - set(choices))
        extra = sorted(set(choices) - info.categories)
        raise ApiError(
            422,
            "Choices must name exactly the categories of that version.",
            {"choices": [f"missing: {missing}; unknown: {extra}"]},
        )
    unknown = set(data.get("services") or {}) - info.services
    if unknown:
        raise ApiError(422, "Unknown services.", {"services": [f"unknown: {sorted(unknown)}"]})
    _check_unasked(data, choices)
    if data["language"] not in info.languages:
        raise ApiError(422, "Unknown language.", {"language": ["Not a language of the site."]})
    action, values = data["action"], choices
    if action == "reject_all" and any(values.values()):
        raise ApiError(422, "reject_all must refuse every category.", {"action": ["mismatch"]})
    if action == "accept_all":
        expected = {k: not (data["gpc"] and k == ADVERTISING) for k in values}
        if values != expected:
            raise ApiError(
                422,
                "accept_all must grant every category (advertising stays off with GPC).",
                {"action": ["mismatch"]},
            )


def _check_unasked(data: dict[str, Any], choices: dict[str, bool | None]) -> None:
    """Refuse a null (not asked) category where the visitor was shown every purpose."""
    unasked = sorted(k for k, v in choices.items() if v is None)
    if not unasked:
        return
    if data["source"] not in UNASKED_SOURCES or data["action"] not in UNASKED_ACTIONS:
        raise ApiError(
            422,
            "Only a custom choice or a withdrawal from a placeholder or the API may leave "
            "a category unasked (null).",
            {"choices": [f"not asked: {unasked}"]},
        )
    if len(unasked) == len(choices) and not data.get("services"):
        raise ApiError(422, "The choice decides nothing.", {"choices": ["every category null"]})


def _check_withdraw(pub: Published, data: dict[str, Any]) -> None:
    previous = data.get("consent_id") and latest_record(pub.site_id, data["consent_id"])
    granted = {k for k, v in ((previous and previous.choices) or {}).items() if v}
    # A category left unasked (null) is not refused.
    if not any(data["choices"].get(k, False) is False for k in granted):
        raise ApiError(
            422,
            "withdraw must refuse a category that this consent id had granted.",
            {"action": ["nothing to withdraw"]},
        )


def _fields(
    pub: Published, info: VersionInfo, data: dict[str, Any], consent_id: str, ua: str | None
) -> dict[str, Any]:
    """Return the columns of a new record, all but its place in the chain."""
    now = utcnow()
    return {
        "site_id": pub.site_id,
        "consent_id": consent_id,
        "policy_version": info.version,
        "policy_sha256": info.sha256,
        "choices": data["choices"],
        "services": data.get("services") or None,
        "action": data["action"],
        "source": data["source"],
        "language": data["language"],
        "page": page_path(data.get("page")),
        "gpc": data["gpc"],
        "user_agent": (ua or "")[:512] or None if pub.store_user_agent else None,
        "recorded_at": now,
        "expires_at": now + timedelta(days=pub.lifetime_days),
        "erased_at": None,
    }


def record_consent(
    pub: Published, data: dict[str, Any], consent_id: str, user_agent: str | None
) -> dict[str, Any]:
    """Validate a loaded choice, append it to the site's chain and return it once committed."""
    _check(pub, data)
    if data["action"] == "withdraw":
        _check_withdraw(pub, data)
    info = get_version(pub, data["policy_version"])
    assert info is not None
    fields = _fields(pub, info, data, consent_id, user_agent)
    # Release this request's read transaction (on SQLite it holds the write lock).
    db.session.rollback()
    return writer(current_app).append(Pending(pub.site_id, pub.key, fields))


def append_batch(batch: list[Pending]) -> None:
    """Chain queued records: each site's head is taken once, in site order (the caller commits).

    Taking heads in one order means two writers can never wait for each other's heads.
    """
    conn = db.session.connection()
    by_site: dict[int, list[Pending]] = {}
    for item in batch:
        by_site.setdefault(item.site_id, []).append(item)
    for site_id in sorted(by_site):
        items = by_site[site_id]
        head = conn.execute(_TAKE_HEADS, {"site": site_id, "n": len(items)}).one()
        seq, prev = head.seq - len(items), head.hash or GENESIS
        for item in items:
            seq += 1
            item.fields["seq"] = seq
            item.fields["prev_hash"] = prev
            item.fields["digest"] = digest = digest_of(item.fields, item.site_key)
            item.fields["hash"] = prev = link_hash(prev, digest)
        conn.execute(_INSERT, [item.fields for item in items])
        conn.execute(_SET_HEAD, {"site": site_id, "new_hash": prev})


def history(site_id: int, consent_id: str) -> list[ConsentRecord]:
    """Return every record of one consent id, oldest first."""
    return list(
        db.session.scalars(
            select(ConsentRecord)
            .where(ConsentRecord.site_id == site_id, ConsentRecord.consent_id == consent_id)
            .order_by(ConsentRecord.seq)
        )
    )


def ensure_chain(site: Site) -> None:
    """Create the chain head of a new site (the caller commits)."""
    if db.session.get(ChainHead, site.id) is None:
        db.session.add(ChainHead(site_id=site.id, seq=0, hash=GENESIS))


@dataclass
class Problem:
    """One break in a site's chain."""

    seq: int
    record_id: int | None
    kind: str

    def __str__(self) -> str:
        where = f"record {self.record_id} (seq {self.seq})" if self.record_id else f"seq {self.seq}"
        return f"{where}: {self.kind}"


@dataclass
class Verification:
    """The result of re-checking one site's chain."""

    site: str
    checked: int = 0
    erased: int = 0
    problems: list[Problem] | None = None

    @property
    def ok(self) -> bool:
        """Tell whether the chain is intact."""
        return not self.problems


def verify_chain(site: Site) -> Verification:
    """Re-compute every digest and link of a site's chain and report each break.

    The head and the records are read in one snapshot (REPEATABLE READ on PostgreSQL; on
    SQLite the session's transaction already holds the write lock), so records appended
    meanwhile by a live server are not mistaken for insertions.
    """
    result = Verification(site=site.key, problems=[])
    problems = result.problems
    assert problems is not None
    if db.engine.dialect.name != "postgresql":
        _verify(db.session, site, result, problems)
        return result
    repeatable = db.engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with repeatable as conn, Session(bind=conn) as session:
        _verify(session, site, result, problems)
    return result


def _verify(session: Session, site: Site, result: Verification, problems: list[Problem]) -> None:
    head = session.get(ChainHead, site.id)
    if head is None:
        problems.append(Problem(0, None, "chain head missing"))
        return
    expected_seq, running = head.base_seq + 1, head.base_hash or GENESIS
    rows = session.execute(
        select(ConsentRecord)
        .where(ConsentRecord.site_id == site.id)
        .order_by(ConsentRecord.seq)
        .execution_options(yield_per=2000)
    ).scalars()
    for rec in rows:
        result.checked += 1
        if rec.seq < expected_seq:
            problems.append(Problem(rec.seq, rec.id, "inserted before the purged base"))
            continue
        if rec.seq > expected_seq:
            problems.append(
                Problem(expected_seq, None, f"removed: records {expected_seq}..{rec.seq - 1}")
            )
        if rec.prev_hash != running:
            problems.append(Problem(rec.seq, rec.id, "does not follow the previous record"))
        if rec.erased_at is not None:
            result.erased += 1
        elif digest_of(columns(rec), site.key) != rec.digest:
            problems.append(Problem(rec.seq, rec.id, "altered: contents do not match digest"))
        if link_hash(rec.prev_hash, rec.digest) != rec.hash:
            problems.append(Problem(rec.seq, rec.id, "altered: hash does not match"))
        running, expected_seq = rec.hash, rec.seq + 1
    if head.seq != expected_seq - 1:
        kind = "removed at the end" if head.seq > expected_seq - 1 else "inserted after the head"
        problems.append(Problem(head.seq, None, f"{kind} (head at seq {head.seq})"))
    elif head.hash != running and head.seq:
        problems.append(Problem(head.seq, None, "head hash does not match the last record"))
