"""The tamper-evident log: intact, altered, removed, inserted; concurrent writers; retention."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from server.domain.verify import verify_chain
from server.extensions import db
from server.models import ChainHead, ConsentRecord
from tests.support.records import choice_body, make_site

ORIGIN = {"Origin": "https://shop.test"}
URL = "/api/v1/sites/shop/consents"


@pytest.fixture
def shop(app):
    return make_site("shop")


def record_n(client, n: int) -> list[str]:
    hashes = []
    for i in range(n):
        resp = client.post(URL, json=choice_body(page=f"/p{i}"), headers=ORIGIN)
        assert resp.status_code == 201
        hashes.append(resp.json["hash"])
    return hashes


def records() -> list[ConsentRecord]:
    return list(db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.seq)))


def test_intact_chain_links_each_record_to_the_previous(client, shop, runner):
    hashes = record_n(client, 5)
    rows = records()
    assert [r.hash for r in rows] == hashes
    assert all(b.prev_hash == a.hash for a, b in zip(rows, rows[1:], strict=False))
    assert verify_chain(shop).ok
    result = runner.invoke(args=["verify-log", "--site", "shop"])
    assert result.exit_code == 0, result.output
    assert "intact, 5 records" in result.output


def test_altered_record_is_named(client, shop, runner):
    record_n(client, 4)
    target = records()[1]
    db.session.execute(
        update(ConsentRecord)
        .where(ConsentRecord.id == target.id)
        .values(
            choices={"functional": True, "audience": True, "sharing": True, "advertising": True}
        )
    )
    db.session.commit()
    result = runner.invoke(args=["verify-log", "--site", "shop"])
    assert result.exit_code == 1
    assert f"record {target.id} (seq 2): altered" in result.output
    problems = verify_chain(shop).problems
    assert [p.seq for p in problems] == [2]


def test_altered_record_with_recomputed_digest_breaks_the_link(client, shop):
    from server.domain.consents import columns
    from server.domain.digest import digest_of

    record_n(client, 3)
    target = records()[0]
    target.action = "accept_all"
    target.digest = digest_of(columns(target), "shop")
    db.session.commit()
    kinds = [p.kind for p in verify_chain(shop).problems]
    assert any("hash does not match" in k for k in kinds)


def test_removed_record_is_named(client, shop, runner):
    record_n(client, 4)
    db.session.execute(delete(ConsentRecord).where(ConsentRecord.seq == 2))
    db.session.commit()
    result = runner.invoke(args=["verify-log"])
    assert result.exit_code == 1
    assert "removed: records 2..2" in result.output


def test_removed_last_record_is_named(client, shop):
    record_n(client, 3)
    db.session.execute(delete(ConsentRecord).where(ConsentRecord.seq == 3))
    db.session.commit()
    problems = verify_chain(shop).problems
    assert problems and "removed at the end" in problems[0].kind


def test_inserted_record_is_named(client, shop, runner):
    record_n(client, 3)
    last = records()[-1]
    forged = ConsentRecord(
        **{
            c: getattr(last, c)
            for c in (
                "site_id",
                "consent_id",
                "policy_version",
                "policy_sha256",
                "choices",
                "services",
                "action",
                "source",
                "language",
                "page",
                "gpc",
                "user_agent",
                "recorded_at",
                "expires_at",
                "digest",
            )
        },
        seq=4,
        prev_hash=last.hash,
        hash="f" * 64,
    )
    db.session.add(forged)
    db.session.commit()
    result = runner.invoke(args=["verify-log", "--site", "shop"])
    assert result.exit_code == 1
    assert "seq 4" in result.output


def test_chains_are_per_site(client, shop):
    make_site("other", origins=["https://other.test"])
    record_n(client, 2)
    resp = client.post(
        "/api/v1/sites/other/consents", json=choice_body(), headers={"Origin": "https://other.test"}
    )
    assert resp.status_code == 201
    other_first = db.session.scalar(
        select(ConsentRecord).where(ConsentRecord.seq == 1, ConsentRecord.site_id != shop.id)
    )
    assert other_first.prev_hash == "0" * 64


@pytest.mark.parametrize("app", ["postgres", "sqlite"], indirect=True)
def test_concurrent_writers_never_fork_the_chain(app, shop):
    errors: list[str] = []
    per_thread, threads = 15, 8

    def post_many() -> None:
        client = app.test_client()
        for _ in range(per_thread):
            resp = client.post(URL, json=choice_body(), headers=ORIGIN)
            if resp.status_code != 201:
                errors.append(f"{resp.status_code} {resp.get_data(as_text=True)}")

    workers = [threading.Thread(target=post_many) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    db.session.expire_all()
    rows = records()
    assert [r.seq for r in rows] == list(range(1, per_thread * threads + 1))
    assert len({r.prev_hash for r in rows}) == len(rows)
    assert verify_chain(shop).ok
    assert db.session.get(ChainHead, shop.id).hash == rows[-1].hash


def _shift(recorded_days: int, expires_days: int) -> None:
    """Move every record's timestamps (in Python: SQLite has no interval arithmetic)."""
    for rec in records():
        rec.recorded_at += timedelta(days=recorded_days)
        rec.expires_at += timedelta(days=expires_days)
    db.session.commit()


def test_purge_keeps_the_chain_verifiable(client, shop, runner):
    import uuid

    old, current = str(uuid.uuid4()), str(uuid.uuid4())
    client.post(URL, json=choice_body(consent_id=old), headers=ORIGIN)
    client.post(URL, json=choice_body(consent_id=current), headers=ORIGIN)
    client.post(
        URL,
        json=choice_body(
            consent_id=old,
            action="reject_all",
            choices=dict.fromkeys(choice_body()["choices"], False),
        ),
        headers=ORIGIN,
    )
    # Age the records, then chain them as if they had been written back then.
    _shift(-600, -600)
    _rechain(shop)
    assert verify_chain(shop).ok
    fresh = client.post(URL, json=choice_body(consent_id=current), headers=ORIGIN)
    assert fresh.status_code == 201
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    # The three aged records expired 418 days ago, past the 395-day retention.
    db.session.expire_all()
    remaining = records()
    assert [r.seq for r in remaining] == [4]
    assert remaining[0].consent_id == current and remaining[0].erased_at is None
    head = db.session.get(ChainHead, shop.id)
    assert head.base_seq == 3
    check = runner.invoke(args=["verify-log", "--site", "shop"])
    assert check.exit_code == 0, check.output


def test_purge_erases_superseded_records_but_keeps_current_ones(client, shop, runner):
    import uuid

    cid, other = str(uuid.uuid4()), str(uuid.uuid4())
    client.post(URL, json=choice_body(consent_id=cid), headers=ORIGIN)
    client.post(URL, json=choice_body(consent_id=other), headers=ORIGIN)
    client.post(URL, json=choice_body(consent_id=cid), headers=ORIGIN)
    # Supersession 400 days ago: the first record is past retention, its successor is not
    # expired (lifetime moved forward so only supersession can make it purgeable).
    _shift(-400, 1000)
    _rechain(shop)
    result = runner.invoke(args=["purge", "--days", "395"])
    assert result.exit_code == 0
    db.session.expire_all()
    rows = records()
    assert [r.seq for r in rows] == [2, 3]
    assert [r.consent_id for r in rows] == [other, cid]
    assert verify_chain(shop).ok


def test_purged_record_in_the_middle_is_reported_as_erased(client, shop):
    from server.domain.retention import erase_where

    record_n(client, 3)
    erase_where(ConsentRecord.seq == 2)
    db.session.commit()
    result = verify_chain(shop)
    assert result.ok and result.erased == 1


def _rechain(site) -> None:
    """Recompute digests and links after moving timestamps (test set-up only)."""
    from server.domain.consents import columns
    from server.domain.digest import GENESIS, digest_of, link_hash

    prev = GENESIS
    for rec in records():
        rec.digest = digest_of(columns(rec), site.key)
        rec.prev_hash = prev
        rec.hash = prev = link_hash(prev, rec.digest)
    db.session.get(ChainHead, site.id).hash = prev
    db.session.commit()


@pytest.mark.parametrize("app", ["postgres"], indirect=True)
def test_writers_queued_behind_a_held_head_commit_together(app, shop):
    """Records that queue while a site's head is held are appended in one commit."""
    from sqlalchemy import event, text

    commits: list[int] = []

    def count_commit(conn) -> None:
        commits.append(1)

    event.listen(db.engine, "commit", count_commit)
    holder = db.engine.connect()
    holder.execute(text("SELECT 1 FROM chain_heads WHERE site_id = :s FOR UPDATE"), {"s": shop.id})
    statuses: list[int] = []

    def post() -> None:
        resp = app.test_client().post(URL, json=choice_body(), headers=ORIGIN)
        statuses.append(resp.status_code)
        if resp.status_code != 201:
            print(resp.get_data(as_text=True))

    threads = [threading.Thread(target=post) for _ in range(5)]
    for t in threads:
        t.start()
    # Wait until the writer is blocked on the held head and the other requests are queued.
    # (A separate connection each time: pg_stat_activity is frozen within a transaction.)
    waiting = 0
    for _ in range(100):
        with db.engine.connect() as probe:
            waiting = probe.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                    " AND datname = current_database()"
                )
            ).scalar()
        if waiting:
            break
        threading.Event().wait(0.05)
    threading.Event().wait(0.3)
    holder.rollback()
    holder.close()
    for t in threads:
        t.join()
    event.remove(db.engine, "commit", count_commit)
    assert waiting == 1
    assert statuses == [201] * 5
    assert len(commits) <= 2
    db.session.expire_all()
    assert [r.seq for r in records()] == [1, 2, 3, 4, 5]
    assert verify_chain(shop).ok


def test_replays_leave_the_chain_verifiable(client, shop, runner):
    import uuid

    bodies = [choice_body(event_id=str(uuid.uuid4()), page=f"/p{i}") for i in range(3)]
    statuses = [client.post(URL, json=b, headers=ORIGIN).status_code for b in bodies + bodies]
    assert statuses == [201] * 3 + [200] * 3
    assert [r.seq for r in records()] == [1, 2, 3]
    assert db.session.get(ChainHead, shop.id).seq == 3
    result = runner.invoke(args=["verify-log", "--site", "shop"])
    assert result.exit_code == 0, result.output
    assert "intact, 3 records" in result.output


def _pending(site, event_id: str | None, page: str = "/p"):
    """A record as the API would queue it for the chain writer."""
    import uuid

    from server.domain import policy
    from server.domain.chainwriter import Pending
    from server.domain.consents import prepare

    body = choice_body(event_id=event_id and uuid.UUID(event_id), page=page)
    body["consent_id"] = str(uuid.uuid4())
    return Pending(site.id, site.key, prepare(policy.get_published(site.key), body, None), False)


def test_a_batch_appends_a_repeated_event_once(app, shop):
    """Within one batch and against the stored log: each event once, the others unharmed."""
    import uuid

    from server.domain.chainwriter import writer

    stored, fresh = str(uuid.uuid4()), str(uuid.uuid4())
    writer(app).write([_pending(shop, stored)])
    batch = [
        _pending(shop, fresh, "/a"),
        _pending(shop, None, "/b"),
        _pending(shop, fresh, "/a"),
        _pending(shop, stored),  # the log already has it: a unique violation, then a replay
        _pending(shop, str(uuid.uuid4()), "/c"),
    ]
    writer(app).write(batch)
    assert [item.error for item in batch] == [None] * 5
    assert [item.created for item in batch] == [True, True, False, False, True]
    assert batch[2].answer["hash"] == batch[0].answer["hash"]
    db.session.expire_all()
    rows = records()
    assert [r.seq for r in rows] == [1, 2, 3, 4]
    assert batch[3].answer["hash"] == rows[0].hash
    assert [r.page for r in rows] == ["/p", "/a", "/b", "/c"]
    assert db.session.get(ChainHead, shop.id).seq == 4
    assert verify_chain(shop).ok
