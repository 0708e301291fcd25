"""Re-checking a site's evidence: every record, link, head, purge base and policy snapshot.

Alone, the chain proves that records were not changed, removed or inserted unless whoever
changed them also recomputed every later link and the head. Signed checkpoints kept elsewhere
pin the head, the base and the snapshots as they were when signed, which a rewrite made with
the database alone cannot match.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import accumulate
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from server.domain.checkpoints import snapshots_digest
from server.domain.digest import GENESIS, digest_of, legacy_digest_of, link_hash, subject_digest
from server.domain.policy import sha256_hex
from server.domain.wording import Message, wording
from server.extensions import db
from server.models import ChainHead, ConsentRecord, PolicyVersion, Site

# A record is stamped before it waits for the writer; one stamped this long before a
# checkpoint may still be appended after it.
CLOCK_SLACK = timedelta(seconds=60)

# What can disagree, each under its key (the admin says them in its language).
HEAD_MISSING = wording("verify.head_missing", "chain head missing")
BEFORE_BASE = wording("verify.before_base", "inserted before the purged base")
REMOVED = wording("verify.removed", "removed: records {first}..{last}")
NOT_FOLLOWING = wording("verify.not_following", "does not follow the previous record")
HASH_ALTERED = wording("verify.hash_altered", "altered: hash does not match")
REMOVED_AT_END = wording("verify.removed_at_end", "removed at the end (head at seq {seq})")
AFTER_HEAD = wording("verify.after_head", "inserted after the head (head at seq {seq})")
HEAD_HASH = wording("verify.head_hash", "head hash does not match the last record")
LEGACY_ALTERED = wording("verify.legacy_altered", "altered: contents do not match digest")
SUBJECT_MISSING = wording("verify.subject_missing", "altered: visitor digest missing")
SUBJECT_ALTERED = wording("verify.subject_altered", "altered: visitor fields do not match")
ERASED_ALTERED = wording(
    "verify.erased_altered", "erased record altered: contents do not match digest"
)
NOT_PUBLISHED = wording("verify.not_published", "shown policy version {version}, not published")
POLICY_SHA = wording("verify.policy_sha", "policy sha256 differs from version {version}'s")
VERSION_MISSING = wording("verify.version_missing", "policy version {version} missing")
SNAPSHOT_ALTERED = wording(
    "verify.snapshot_altered", "policy version {version}: snapshot does not match its sha256"
)
SNAPSHOTS_DIFFER = wording(
    "verify.snapshots_differ",
    "policy versions 1..{count} differ from the checkpoint signed at {time}",
)
CHECKPOINT_DIFFERS = wording(
    "verify.checkpoint_differs", "differs from the checkpoint signed at {time}"
)
DATED_BEFORE = wording("verify.dated_before", "after a checkpoint in the chain but dated before it")
DATED_AFTER = wording("verify.dated_after", "covered by a checkpoint but dated after it")
TRUNCATED = wording("verify.truncated", "truncated: the checkpoint signed at {time} has seq {seq}")
BASE_BACK = wording("verify.base_back", "purge base moved back since {time}")
BASE_DIFFERS = wording("verify.base_differs", "purge base differs from {time}")
BOUNDARY_MOVED = wording("verify.boundary_moved", "erasure boundary moved since {time}")
BASE_AFTER_NEWEST = wording(
    "verify.base_after_newest",
    "purge base moved after the newest checkpoint given ({seq} then); each purge signs one: "
    "verify with a newer copy",
)


@dataclass
class Problem:
    """One disagreement found in a site's evidence."""

    seq: int
    record_id: int | None
    said: Message

    @property
    def kind(self) -> str:
        """What disagreed, in English."""
        return str(self.said)

    def __str__(self) -> str:
        where = f"record {self.record_id} (seq {self.seq})" if self.record_id else f"seq {self.seq}"
        return f"{where}: {self.kind}"


@dataclass
class Verification:
    """The result of re-checking one site's evidence."""

    site: str
    checked: int = 0
    erased: int = 0
    # Erased before erasure was verifiable: their remaining contents cannot be checked.
    unverifiable: int = 0
    versions: int = 0
    checkpoints: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether nothing disagreed."""
        return not self.problems

    def flag(self, seq: int, record_id: int | None, said: Message) -> None:
        """Add one problem."""
        self.problems.append(Problem(seq, record_id, said))

    def summary(self) -> str:
        """Describe an intact result in one line."""
        text = f"intact, {self.checked} records ({self.erased} erased)"
        if self.unverifiable:
            text += f", {self.unverifiable} erased before erasure was verifiable"
        text += f", {self.versions} policy versions"
        if self.checkpoints:
            text += f", {self.checkpoints} checkpoints agree"
        return text


def _columns(rec: ConsentRecord) -> dict[str, Any]:
    return {c.key: getattr(rec, c.key) for c in ConsentRecord.__table__.columns}


def verify_chain(site: Site, checkpoints: Iterable[Mapping[str, Any]] = ()) -> Verification:
    """Re-check a site's records, head, base and snapshots, and each checkpoint of it given.

    Everything is read in one snapshot (REPEATABLE READ on PostgreSQL; on SQLite the
    session's transaction already holds the write lock), so records appended meanwhile by a
    live server are not mistaken for insertions.
    """
    result = Verification(site=site.key)
    mine = [cp for cp in checkpoints if cp.get("site") == site.key]
    if db.engine.dialect.name != "postgresql":
        _verify(db.session, site, result, mine)
        return result
    repeatable = db.engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with repeatable as conn, Session(bind=conn) as session:
        _verify(session, site, result, mine)
    return result


def _verify(
    session: Session, site: Site, result: Verification, checkpoints: list[Mapping[str, Any]]
) -> None:
    head = session.get(ChainHead, site.id)
    if head is None:
        result.flag(0, None, HEAD_MISSING())
        return
    shown = _verify_snapshots(session, site, result)
    pins = _Pins(checkpoints)
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
            result.flag(rec.seq, rec.id, BEFORE_BASE())
            continue
        if rec.seq > expected_seq:
            result.flag(expected_seq, None, REMOVED(first=expected_seq, last=rec.seq - 1))
        _verify_record(rec, site.key, head.erasable_from_seq, shown, result)
        if rec.prev_hash != running:
            result.flag(rec.seq, rec.id, NOT_FOLLOWING())
        if link_hash(rec.prev_hash, rec.digest) != rec.hash:
            result.flag(rec.seq, rec.id, HASH_ALTERED())
        pins.check_record(rec, result)
        running, expected_seq = rec.hash, rec.seq + 1
    if head.seq != expected_seq - 1:
        kind = REMOVED_AT_END if head.seq > expected_seq - 1 else AFTER_HEAD
        result.flag(head.seq, None, kind(seq=head.seq))
    elif head.hash != running and head.seq:
        result.flag(head.seq, None, HEAD_HASH())
    pins.check_head(head, result)
    for cp in checkpoints:
        _check_snapshots(cp, shown, result)


def _verify_record(
    rec: ConsentRecord,
    site_key: str,
    erasable_from: int,
    shown: dict[int, str],
    result: Verification,
) -> None:
    fields = _columns(rec)
    erased = rec.erased_at is not None
    result.erased += erased
    if rec.seq < erasable_from:
        if erased:
            result.unverifiable += 1
        elif legacy_digest_of(fields, site_key) != rec.digest:
            result.flag(rec.seq, rec.id, LEGACY_ALTERED())
    elif rec.subject_digest is None:
        result.flag(rec.seq, rec.id, SUBJECT_MISSING())
    elif not erased and subject_digest(fields) != rec.subject_digest:
        result.flag(rec.seq, rec.id, SUBJECT_ALTERED())
    elif digest_of(fields, site_key) != rec.digest:
        result.flag(rec.seq, rec.id, ERASED_ALTERED() if erased else LEGACY_ALTERED())
    sha = shown.get(rec.policy_version)
    if sha is None:
        result.flag(rec.seq, rec.id, NOT_PUBLISHED(version=rec.policy_version))
    elif sha != rec.policy_sha256:
        result.flag(rec.seq, rec.id, POLICY_SHA(version=rec.policy_version))


def _verify_snapshots(session: Session, site: Site, result: Verification) -> dict[int, str]:
    """Re-hash every published snapshot; return each version's sha256."""
    shown: dict[int, str] = {}
    rows = session.execute(
        select(PolicyVersion.version, PolicyVersion.snapshot, PolicyVersion.sha256)
        .where(PolicyVersion.site_id == site.id)
        .order_by(PolicyVersion.version)
    )
    for number, (version, snapshot, sha) in enumerate(rows, 1):
        result.versions += 1
        if version != number:
            result.flag(0, None, VERSION_MISSING(version=number))
        if sha256_hex(snapshot) != sha:
            result.flag(0, None, SNAPSHOT_ALTERED(version=version))
        shown[version] = sha
    return shown


def _check_snapshots(cp: Mapping[str, Any], shown: dict[int, str], result: Verification) -> None:
    count = int(cp["versions"])
    signed = [(v, shown[v]) for v in sorted(shown) if v <= count]
    if len(signed) != count or snapshots_digest(signed) != cp["snapshots"]:
        result.flag(0, None, SNAPSHOTS_DIFFER(count=count, time=cp["time"]))


def _when(cp: Mapping[str, Any]) -> datetime:
    return datetime.strptime(cp["time"], "%Y-%m-%dT%H:%M:%S.%fZ")


class _Pins:
    """The checkpoints of one site, checked against records as the chain is walked."""

    def __init__(self, checkpoints: list[Mapping[str, Any]]) -> None:
        self.by_seq = sorted(checkpoints, key=lambda cp: (int(cp["seq"]), cp["time"]))
        self.seqs = [int(cp["seq"]) for cp in self.by_seq]
        times = [_when(cp) for cp in self.by_seq]
        # Latest signing time among checkpoints up to each index, earliest from each index on.
        self.latest_before = list(accumulate(times, max))
        self.earliest_from = list(accumulate(reversed(times), min))[::-1]

    def check_record(self, rec: ConsentRecord, result: Verification) -> None:
        """Compare one record with the checkpoints at, before and after its place."""
        if not self.by_seq:
            return
        at = bisect.bisect_left(self.seqs, rec.seq)
        for cp in self.by_seq[at : bisect.bisect_right(self.seqs, rec.seq)]:
            if cp["head_hash"] != rec.hash:
                result.flag(rec.seq, rec.id, CHECKPOINT_DIFFERS(time=cp["time"]))
        if at and rec.recorded_at + CLOCK_SLACK < self.latest_before[at - 1]:
            result.flag(rec.seq, rec.id, DATED_BEFORE())
        if at < len(self.seqs) and rec.recorded_at - CLOCK_SLACK > self.earliest_from[at]:
            result.flag(rec.seq, rec.id, DATED_AFTER())

    def check_head(self, head: ChainHead, result: Verification) -> None:
        """Compare the head and purge base with every checkpoint."""
        result.checkpoints = len(self.by_seq)
        for cp in self.by_seq:
            seq, when = int(cp["seq"]), cp["time"]
            if head.seq < seq:
                result.flag(head.seq, None, TRUNCATED(time=when, seq=seq))
            if head.base_seq < int(cp["base_seq"]):
                result.flag(head.base_seq, None, BASE_BACK(time=when))
            elif head.base_seq == int(cp["base_seq"]) and head.base_hash != cp["base_hash"]:
                result.flag(head.base_seq, None, BASE_DIFFERS(time=when))
            if seq and seq == head.base_seq and head.base_hash != cp["head_hash"]:
                result.flag(seq, None, BASE_DIFFERS(time=when))
            if head.erasable_from_seq != int(cp["erasable_from_seq"]):
                result.flag(head.erasable_from_seq, None, BOUNDARY_MOVED(time=when))
        if self.by_seq:
            newest = max(self.by_seq, key=lambda cp: cp["time"])
            if head.base_seq > int(newest["base_seq"]):
                result.flag(head.base_seq, None, BASE_AFTER_NEWEST(seq=newest["base_seq"]))
