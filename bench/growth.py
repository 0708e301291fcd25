"""Growth on PostgreSQL: insert and lookup latency as the log grows (export: bench_export.py).

Filler records are bulk-inserted server-side (their chain is not valid, and need not be);
the measured inserts and lookups go through the real code path (the app, in-process).
"""

from __future__ import annotations

import json
import random
import statistics
import time

from sqlalchemy import select, text

from bench.db import bench_app, prepare_database
from server.extensions import db
from server.models import ChainHead, Site
from tests.support.postgres import scratch_database
from tests.support.records import choice_body

SAMPLES = 300
FILL = text(
    """
    INSERT INTO consent_records (site_id, seq, consent_id, policy_version, policy_sha256,
        choices, services, action, source, language, page, gpc, user_agent,
        recorded_at, expires_at, digest, prev_hash, hash)
    SELECT :site, :seq0 + i - :first, md5('filler' || i)::uuid::text, 1, :sha,
        CAST(:choices AS json), NULL, 'custom', 'banner', 'fr', '/filler', false, 'bench',
        now() at time zone 'utc' - make_interval(secs => i),
        now() at time zone 'utc' + interval '182 days',
        md5('d' || i) || md5('e' || i), md5('p' || i) || md5('q' || i),
        md5('h' || i) || md5('k' || i)
    FROM generate_series(CAST(:first AS bigint), CAST(:last AS bigint)) AS i
    """
)


# Databases the bench creates on the server and drops afterwards.
database = scratch_database


def _fill(site_id: int, sha: str, first: int, last: int) -> None:
    """Add filler records first..last (numbering the filler) after the chain head."""
    head = db.session.get(ChainHead, site_id)
    seq0 = head.seq + 1
    choices = json.dumps(choice_body()["choices"])
    step = 200_000
    # The app's statement timeout is meant for requests, not for filling a table.
    db.session.execute(text("SET LOCAL statement_timeout = 0"))
    for start in range(first, last + 1, step):
        end = min(last, start + step - 1)
        db.session.execute(
            FILL,
            {"site": site_id, "seq0": seq0 + start - first, "first": start, "last": end,
             "sha": sha, "choices": choices},
        )  # fmt: skip
    head.seq = seq0 + (last - first)
    db.session.commit()
    db.session.execute(text("ANALYZE consent_records"))
    db.session.commit()


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99


def measure(url: str, sizes: list[int], origin: str) -> str:
    """Grow the demo site's log to each size and time inserts and lookups there."""
    prepare_database(url, origin)
    app = bench_app(url, RATELIMIT_ENABLED=False)
    rows = ["| records | insert p50 ms | insert p99 ms | lookup p50 ms | lookup p99 ms "
            "|", "|---:|---:|---:|---:|---:|"]  # fmt: skip
    filled = 0
    client = app.test_client()
    rng = random.Random(7)
    for size in sizes:
        with app.app_context():
            site = db.session.scalar(select(Site).where(Site.key == "demo"))
            sha = site.versions[-1].sha256
            _fill(site.id, sha, filled + 1, size)
            filled = size
            db.session.remove()
        inserts, lookups = [], []
        for _ in range(SAMPLES):
            started = time.perf_counter()
            resp = client.post("/api/v1/sites/demo/consents", json=choice_body(),
                               headers={"Origin": origin})  # fmt: skip
            inserts.append((time.perf_counter() - started) * 1000)
            assert resp.status_code == 201, resp.json
        with app.app_context():
            ids = [
                db.session.scalar(text("SELECT md5('filler' || :i)::uuid::text"), {"i": i})
                for i in rng.sample(range(1, filled + 1), SAMPLES)
            ]
            db.session.remove()
        for cid in ids:
            started = time.perf_counter()
            resp = client.get(f"/api/v1/sites/demo/consents/{cid}")
            lookups.append((time.perf_counter() - started) * 1000)
            assert resp.status_code == 200, resp.json
        ins, look = _percentiles(inserts), _percentiles(lookups)
        line = (f"| {size:,} | {ins[0]:.2f} | {ins[1]:.2f} | {look[0]:.2f} | {look[1]:.2f} "
                "|")  # fmt: skip
        print(line, flush=True)
        rows.append(line)
    with app.app_context():
        db.engine.dispose()
    return "\n".join(rows)
