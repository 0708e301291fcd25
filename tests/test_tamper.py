"""The tamper suite: alterations of records, heads, bases, snapshots and erasures.

Each case starts from one site with two published versions, eight records and two signed
checkpoints (after record 6 and after record 8) copied "off the server" with the public key.
It alters the database as its owner could, then `temoin verify-log --checkpoints` must fail.
Cases marked `rechained` also recompute every digest, link and the head, as an attacker with
the database but not the signing key would: the chain alone cannot see those, the
checkpoints must. Real erasures and purges still verify.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update

from server.domain import checkpoints, drafts, policy
from server.domain.consents import columns
from server.domain.digest import GENESIS, digest_of, legacy_digest_of, link_hash, subject_digest
from server.domain.retention import erase_where, trim_head
from server.domain.verify import verify_chain
from server.extensions import db
from server.models import ChainHead, ConsentRecord, PolicyVersion, Site
from tests.support.records import choice_body, make_site

ORIGIN = {"Origin": "https://shop.test"}
URL = "/api/v1/sites/shop/consents"
OTHER_ID = "00000000-0000-4000-8000-000000000000"
ALL_FALSE = {"functional": False, "audience": False, "sharing": False, "advertising": False}


@dataclass
class Evidence:
    """What the auditor holds: a copy of the checkpoints file and the public key."""

    site: Site
    checkpoints: Path
    public_key: Path


def rows() -> list[ConsentRecord]:
    return list(db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.seq)))


def rec(seq: int) -> ConsentRecord:
    return db.session.scalar(select(ConsentRecord).where(ConsentRecord.seq == seq))


def head(site: Site) -> ChainHead:
    return db.session.get(ChainHead, site.id)


def rechain(site: Site) -> None:
    """Recompute every digest and link and the head, as the database's owner could."""
    prev = head(site).base_hash or GENESIS
    boundary = head(site).erasable_from_seq
    for row in rows():
        fields = columns(row)
        if row.seq >= boundary:
            if row.erased_at is None:
                row.subject_digest = subject_digest(fields)
            row.digest = digest_of(columns(row), site.key)
        else:
            row.digest = legacy_digest_of(fields, site.key)
        row.prev_hash = prev
        row.hash = prev = link_hash(prev, row.digest)
    h = head(site)
    h.hash = prev
    last = rows()
    h.seq = last[-1].seq if last else h.base_seq
    db.session.commit()


@pytest.fixture
def evidence(app, client, runner, tmp_path) -> Evidence:
    site = make_site("shop")
    for i in range(4):
        assert client.post(URL, json=choice_body(page=f"/p{i}"), headers=ORIGIN).status_code == 201
    site.lifetime_days = 100
    drafts.publish(site, reconsent=False, actor="test")
    db.session.commit()
    for i in range(4, 8):
        body = choice_body(policy_version=2, page=f"/p{i}")
        if i == 5:
            runner.invoke(args=["checkpoint", "--site", "shop"])
        assert client.post(URL, json=body, headers=ORIGIN).status_code == 201
    result = runner.invoke(args=["checkpoint", "--site", "shop"])
    assert result.exit_code == 0, result.output
    kept = tmp_path / "kept"
    kept.mkdir()
    copy = kept / "checkpoints.jsonl"
    shutil.copy(Path(app.instance_path) / "checkpoints.jsonl", copy)
    pem = kept / "public.pem"
    pem.write_text(checkpoints.public_pem(checkpoints.signing_key().public_key()))
    return Evidence(site, copy, pem)


def verify(runner, ev: Evidence, with_checkpoints: bool = True):
    args = ["verify-log", "--site", "shop"]
    if with_checkpoints:
        args += ["--checkpoints", str(ev.checkpoints), "--public-key", str(ev.public_key)]
    return runner.invoke(args=args)


def set_fields(seq: int, **values) -> None:
    db.session.execute(update(ConsentRecord).where(ConsentRecord.seq == seq).values(**values))
    db.session.commit()


def fake_erasure(seq: int, **changes) -> None:
    blank = {"consent_id": None, "page": None, "user_agent": None}
    set_fields(seq, erased_at=rec(seq).recorded_at + timedelta(days=1), **blank, **changes)


def snapshot_text(version: int, text: str, fix_sha: bool) -> None:
    pv = db.session.scalar(select(PolicyVersion).where(PolicyVersion.version == version))
    pv.snapshot = text
    if fix_sha:
        pv.sha256 = policy.sha256_hex(text)
    db.session.commit()


def _rewrite_version_one(site: Site) -> None:
    """Rewrite version 1's text, its sha256 and every record shown it, then rechain."""
    pv = db.session.scalar(select(PolicyVersion).where(PolicyVersion.version == 1))
    doc = json.loads(pv.snapshot)
    doc["texts"] = {"fr": {"banner": "Texte réécrit."}}
    pv.snapshot = policy.canonical_json(doc)
    pv.sha256 = policy.sha256_hex(pv.snapshot)
    for row in rows():
        if row.policy_version == 1:
            row.policy_sha256 = pv.sha256
    db.session.commit()
    rechain(site)


def _renumber_after_delete(site: Site, seq: int) -> None:
    db.session.execute(delete(ConsentRecord).where(ConsentRecord.seq == seq))
    for row in rows():
        if row.seq > seq:
            row.seq -= 1
            db.session.flush()
    db.session.commit()
    rechain(site)


def _insert_forged(site: Site, after: int, dated_before_checkpoints: bool) -> None:
    template = columns(rec(after))
    for row in sorted(rows(), key=lambda r: -r.seq):
        if row.seq > after:
            row.seq += 1
            db.session.flush()
    template.pop("id")
    template.update(seq=after + 1, choices={k: True for k in ALL_FALSE}, action="accept_all")
    if not dated_before_checkpoints:
        template["recorded_at"] = template["recorded_at"] + timedelta(seconds=1)
    db.session.add(ConsentRecord(**template))
    db.session.commit()
    rechain(site)


def _append_forged(site: Site) -> None:
    template = columns(rec(8))
    template.pop("id")
    template.update(seq=9, recorded_at=rec(1).recorded_at - timedelta(days=1), choices=TRUE)
    db.session.add(ConsentRecord(**template))
    db.session.commit()
    rechain(site)


def _truncate(site: Site, keep: int) -> None:
    db.session.execute(delete(ConsentRecord).where(ConsentRecord.seq > keep))
    db.session.commit()
    rechain(site)


def _move_base(site: Site, upto: int) -> None:
    last = rec(upto).hash
    db.session.execute(delete(ConsentRecord).where(ConsentRecord.seq <= upto))
    h = head(site)
    h.base_seq, h.base_hash = upto, last
    db.session.commit()


def _swap(site: Site, a: int, b: int) -> None:
    first, second = rec(a), rec(b)
    for name in ("consent_id", "page", "policy_version", "policy_sha256"):
        left, right = getattr(first, name), getattr(second, name)
        setattr(first, name, right)
        setattr(second, name, left)
    db.session.commit()
    rechain(site)


def _legacy_boundary_and_fake_erasure(site: Site) -> None:
    """Pretend the records predate verifiable erasure, then fake an erasure of one."""
    head(site).erasable_from_seq = 100
    db.session.commit()
    fake_erasure(3, choices={k: True for k in ALL_FALSE}, subject_digest=None)
    rechain(site)


def _resign_with_another_key(ev: Evidence) -> Callable[[Site], None]:
    def tamper(site: Site) -> None:
        set_fields(2, action="accept_all", choices={k: True for k in ALL_FALSE})
        rechain(site)
        other = checkpoints.Ed25519PrivateKey.generate()
        forged = checkpoints.sign(checkpoints.statement_of(db.session, site), other)
        with ev.checkpoints.open("a") as out:
            out.write(forged.line() + "\n")

    return tamper


def _edit_kept_file(ev: Evidence) -> Callable[[Site], None]:
    def tamper(site: Site) -> None:
        lines = ev.checkpoints.read_text().splitlines()
        entry = json.loads(lines[-1])
        entry["statement"]["seq"] = 6
        lines[-1] = json.dumps(entry)
        ev.checkpoints.write_text("\n".join(lines) + "\n")
        _truncate(site, 6)

    return tamper


TRUE = {k: True for k in ALL_FALSE}
# (name, alteration, caught without the checkpoints too)
CASES: list[tuple[str, Callable[[Site], None], bool]] = [
    ("choices", lambda s: set_fields(3, choices=TRUE), True),
    ("services", lambda s: set_fields(3, services={"audience-svc": True}), True),
    ("action", lambda s: set_fields(3, action="accept_all"), True),
    ("source", lambda s: set_fields(3, source="api"), True),
    ("language", lambda s: set_fields(3, language="en"), True),
    ("gpc", lambda s: set_fields(3, gpc=True), True),
    ("policy version", lambda s: set_fields(3, policy_version=2), True),
    ("policy sha256", lambda s: set_fields(3, policy_sha256="f" * 64), True),
    ("recorded at", lambda s: set_fields(3, recorded_at=rec(3).recorded_at + timedelta(1)), True),
    ("expires at", lambda s: set_fields(3, expires_at=rec(3).expires_at + timedelta(400)), True),
    (
        "consent id",
        lambda s: set_fields(3, consent_id=OTHER_ID),
        True,
    ),
    ("page", lambda s: set_fields(3, page="/elsewhere"), True),
    ("user agent", lambda s: set_fields(3, user_agent="forged"), True),
    ("subject digest", lambda s: set_fields(3, subject_digest="0" * 64), True),
    ("removed in the middle", lambda s: _delete(4), True),
    ("removed at the end", lambda s: _delete(8), True),
    ("inserted before the base", lambda s: _insert_at_zero(), True),
    ("fake erasure changing choices", lambda s: fake_erasure(3, choices=TRUE), True),
    ("fake erasure changing action", lambda s: fake_erasure(3, action="accept_all"), True),
    ("fake erasure changing version", lambda s: fake_erasure(6, policy_version=1), True),
    ("fake erasure changing time", lambda s: fake_erasure(3, recorded_at=rec(2).recorded_at), True),
    ("fake erasure without digest", lambda s: fake_erasure(3, subject_digest=None), True),
    ("snapshot rewritten", lambda s: snapshot_text(1, '{"x":1}', fix_sha=False), True),
    ("snapshot and sha rewritten", lambda s: snapshot_text(1, '{"x":1}', fix_sha=True), True),
    ("version removed", lambda s: _delete_version(1), True),
    ("choices, rechained", lambda s: set_fields(2, choices=TRUE) or rechain(s), False),
    ("removed and renumbered, rechained", lambda s: _renumber_after_delete(s, 4), False),
    ("truncated to a checkpoint, rechained", lambda s: _truncate(s, 6), False),
    ("truncated to nothing, rechained", lambda s: _truncate(s, 0), False),
    ("inserted in the middle, rechained", lambda s: _insert_forged(s, 3, True), False),
    ("appended and backdated, rechained", _append_forged, False),
    ("swapped, rechained", lambda s: _swap(s, 2, 7), False),
    ("times moved, rechained", lambda s: _shift_times(s), False),
    ("version text rewritten everywhere, rechained", _rewrite_version_one, False),
    ("legacy boundary moved for a fake erasure", _legacy_boundary_and_fake_erasure, False),
    ("purge base moved forward", lambda s: _move_base(s, 3), False),
    ("purge base hash rewritten, rechained", lambda s: _base_hash(s), False),
]


def _delete(seq: int) -> None:
    db.session.execute(delete(ConsentRecord).where(ConsentRecord.seq == seq))
    db.session.commit()


def _delete_version(version: int) -> None:
    db.session.execute(delete(PolicyVersion).where(PolicyVersion.version == version))
    db.session.commit()


def _insert_at_zero() -> None:
    template = columns(rec(1))
    template.pop("id")
    template["seq"] = 0
    db.session.add(ConsentRecord(**template))
    db.session.commit()


def _shift_times(site: Site) -> None:
    for row in rows():
        row.recorded_at += timedelta(hours=2)
        row.expires_at += timedelta(hours=2)
    db.session.commit()
    rechain(site)


def _base_hash(site: Site) -> None:
    head(site).base_hash = "a" * 64
    db.session.commit()
    rechain(site)


def test_the_intact_log_verifies_with_its_checkpoints(runner, evidence):
    result = verify(runner, evidence)
    assert result.exit_code == 0, result.output
    assert "intact, 8 records (0 erased), 2 policy versions, 2 checkpoints agree" in result.output


@pytest.mark.parametrize(("name", "tamper", "chain_alone"), CASES, ids=[c[0] for c in CASES])
def test_each_alteration_is_caught(runner, evidence, name, tamper, chain_alone):
    tamper(evidence.site)
    db.session.expire_all()
    assert verify_chain(evidence.site).ok is not chain_alone, name
    result = verify(runner, evidence)
    assert result.exit_code == 1, result.output
    assert "shop:" in result.output


@pytest.mark.parametrize("make", [_resign_with_another_key, _edit_kept_file])
def test_a_forged_or_edited_checkpoint_is_refused(runner, evidence, make):
    make(evidence)(evidence.site)
    result = verify(runner, evidence)
    assert result.exit_code == 1
    assert "signature does not verify" in result.output


def test_real_erasure_and_purge_still_verify(runner, client, evidence):
    erase_where(ConsentRecord.seq.in_([1, 2, 5]))
    db.session.commit()
    db.session.expire_all()
    erased = rec(5)
    assert (
        erased.consent_id is None
        and erased.page is None
        and erased.choices == ALL_FALSE | {"functional": True}
    )
    result = verify(runner, evidence)
    assert result.exit_code == 0, result.output
    assert "(3 erased)" in result.output
    # A purge drops the erased head of the chain and signs a new checkpoint.
    assert trim_head(evidence.site) == 2
    db.session.commit()
    stale = verify(runner, evidence)
    assert stale.exit_code == 1 and "purge base moved after the newest checkpoint" in stale.output
    assert runner.invoke(args=["checkpoint", "--site", "shop"]).exit_code == 0
    fresh = Path(runner.app.instance_path) / "checkpoints.jsonl"
    evidence.checkpoints.write_text(fresh.read_text())
    result = verify(runner, evidence)
    assert result.exit_code == 0, result.output
    assert "intact, 6 records (1 erased)" in result.output


def test_records_written_before_verifiable_erasure_still_verify(runner, app):
    site = make_site("shop")
    client = app.test_client()
    for i in range(3):
        assert client.post(URL, json=choice_body(page=f"/p{i}"), headers=ORIGIN).status_code == 201
    # As the migration leaves an existing chain: its records keep their legacy digest.
    head(site).erasable_from_seq = 4
    for row in rows():
        row.subject_digest = None
    db.session.commit()
    rechain(site)
    assert verify_chain(site).ok
    assert client.post(URL, json=choice_body(), headers=ORIGIN).status_code == 201
    erase_where(ConsentRecord.seq.in_([2, 4]))
    db.session.commit()
    result = verify_chain(site)
    assert result.ok, result.problems
    assert (result.erased, result.unverifiable) == (2, 1)
    set_fields(4, action="accept_all", choices=TRUE)
    assert not verify_chain(site).ok


def test_latest_checkpoint_is_served_with_its_public_key(client, evidence):
    resp = client.get("/api/v1/sites/shop/checkpoints/latest")
    assert resp.status_code == 200
    body = resp.json
    assert body["statement"]["seq"] == 8 and body["statement"]["versions"] == 2
    key = checkpoints.load_public_key(body["public_key"].encode())
    lines = [json.dumps({k: body[k] for k in ("statement", "signature")})]
    assert list(checkpoints.read_lines(lines, key)) == [body["statement"]]
    assert body["key_id"] == checkpoints.key_id(key)
    assert client.get("/api/v1/sites/nope/checkpoints/latest").status_code == 404


def test_the_signing_key_stays_out_of_the_database(app, evidence):
    path = Path(app.instance_path) / "signing-key.pem"
    assert path.stat().st_mode & 0o777 == 0o600
    pem = path.read_text()
    stored = json.dumps([columns(r) for r in rows()], default=str)
    assert "PRIVATE KEY" in pem and pem.splitlines()[1] not in stored
