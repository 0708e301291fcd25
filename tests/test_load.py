"""Many concurrent POSTs for one site leave one unbroken chain and exactly one row per 201."""

from __future__ import annotations

import http.client
import json
import threading
import time
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from server.domain.verify import verify_chain
from server.extensions import db
from server.models import ConsentRecord, Site
from tests.support.records import choice_body

THREADS = 16
PER_THREAD = 25
TIME_LIMIT = 60.0  # seconds; the run stops early rather than overrun


def _worker(base: str, origin: str, out: list[dict[str, Any]], deadline: float) -> None:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    consent_id = str(uuid.uuid4())
    for i in range(PER_THREAD):
        if time.monotonic() > deadline:
            break
        # Every other request updates the same visitor's choice; the rest are new visitors.
        body = choice_body(consent_id=consent_id) if i % 2 else choice_body()
        conn.request(
            "POST",
            "/api/v1/sites/demo/consents",
            json.dumps(body),
            {"Origin": origin, "Content-Type": "text/plain"},
        )
        resp = conn.getresponse()
        out.append({"status": resp.status, "body": json.loads(resp.read())})
    conn.close()


@pytest.mark.parametrize("live_server", ["postgres", "sqlite"], indirect=True)
def test_concurrent_posts_keep_one_chain(live_server):
    results: list[dict[str, Any]] = []
    deadline = time.monotonic() + TIME_LIMIT
    threads = [
        threading.Thread(target=_worker, args=(live_server.url, live_server.url, results, deadline))
        for _ in range(THREADS)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIME_LIMIT + 30)
    elapsed = time.monotonic() - started
    statuses = [r["status"] for r in results]
    acknowledged = [r["body"]["hash"] for r in results if r["status"] == 201]
    ok = statuses.count(201)
    print(f"\n{len(results)} POSTs in {elapsed:.2f} s from {THREADS} threads: {ok} × 201")
    assert statuses and set(statuses) == {201}, [r["body"] for r in results if r["status"] != 201]

    with live_server.app.app_context():
        site = db.session.scalar(select(Site).where(Site.key == "demo"))
        count = db.session.scalar(
            select(func.count()).select_from(ConsentRecord).where(ConsentRecord.site_id == site.id)
        )
        stored = set(
            db.session.scalars(select(ConsentRecord.hash).where(ConsentRecord.site_id == site.id))
        )
        result = verify_chain(site)
        db.session.remove()
    assert count == len(acknowledged)
    assert stored == set(acknowledged)
    assert result.ok, result.problems
    assert result.checked == count
