"""One bad record never fails another: in a shared batch, and under load through gunicorn."""

from __future__ import annotations

import http.client
import json
import logging
import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select

from server.domain import policy
from server.domain.chainwriter import Pending, writer
from server.domain.consents import prepare
from server.domain.errors import DomainError
from server.domain.verify import verify_chain
from server.extensions import db
from server.http.errors import status_of
from server.models import ConsentRecord, Site
from tests.support.env import PG_URL, need
from tests.support.gunicorn import Gunicorn
from tests.support.records import choice_body, make_site

ORIGIN = "https://shop.test"


def pending(site: Site, page: str = "/p") -> Pending:
    """A record as the API queues it, checked against the published version."""
    body = choice_body(page="/p")
    body["consent_id"] = str(uuid.uuid4())
    fields = prepare(policy.get_published(site.key), body, None)
    fields["page"] = page  # past validation, as a gap in it would let through
    return Pending(site.id, site.key, fields, False)


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(ConsentRecord))


def test_a_record_the_database_refuses_fails_alone(app, caplog):
    site = make_site("shop")
    # PostgreSQL refuses a page over its column; SQLite a string that is not valid UTF-8.
    bad_page = "/" + "x" * 600 if db.engine.dialect.name == "postgresql" else "/\ud800"
    batch = [pending(site, "/a"), pending(site, bad_page), pending(site, "/b")]
    with caplog.at_level(logging.WARNING, logger="temoin"):
        writer(app).settle(batch)
    good, bad = [batch[0], batch[2]], batch[1]
    assert all(item.done.is_set() and item.error is None for item in good)
    assert isinstance(bad.error, DomainError) and status_of(bad.error) == 422
    assert "writing one by one" in caplog.text
    assert "consent record not written" in caplog.text  # the database's error, logged
    db.session.expire_all()
    assert count() == 2
    assert sorted(r.page for r in db.session.scalars(select(ConsentRecord))) == ["/a", "/b"]
    assert verify_chain(site).ok


HOSTILE = [
    json.dumps(choice_body(page="/" + "p" * 600)),
    json.dumps(choice_body(page="/p\x00")),
    json.dumps(choice_body(page="/p")).replace("/p", "/p\\ud800"),
    '{"a":' * 5000 + "1" + "}" * 5000,
]


def _client(base: str, bodies: list[str], out: list[tuple[bool, int, Any]], good: bool) -> None:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    for body in bodies:
        conn.request(
            "POST",
            "/api/v1/sites/shop/consents",
            body,
            {"Origin": ORIGIN, "Content-Type": "text/plain"},
        )
        resp = conn.getresponse()
        data = resp.read()
        out.append((good, resp.status, json.loads(data) if data else None))
    conn.close()


@pytest.mark.parametrize("app", ["postgres"], indirect=True)
def test_poison_under_load_through_gunicorn(app, tmp_path):
    need(bool(PG_URL), "TEMOIN_TEST_POSTGRES_URL is not set")
    make_site("shop", origins=[ORIGIN])
    db.session.remove()
    url = app.config["DATABASE_URL"]
    results: list[tuple[bool, int, Any]] = []
    with Gunicorn(
        log=tmp_path / "gunicorn.log",
        TEMOIN_DATABASE_URL=url,
        TEMOIN_SECRET_KEY="poison",
        TEMOIN_RATELIMIT_ENABLED="false",
    ) as server:
        goods = [[json.dumps(choice_body(page=f"/g{t}-{i}")) for i in range(30)] for t in range(4)]
        bads = [HOSTILE * 8 for _ in range(2)]
        threads = [
            threading.Thread(target=_client, args=(server.url, bodies, results, True))
            for bodies in goods
        ] + [
            threading.Thread(target=_client, args=(server.url, bodies, results, False))
            for bodies in bads
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
    good_statuses = [s for g, s, _ in results if g]
    bad_statuses = [s for g, s, _ in results if not g]
    print(f"poison: {len(good_statuses)} good, {len(bad_statuses)} bad")
    assert good_statuses == [201] * 120
    assert len(bad_statuses) == 64 and all(400 <= s < 500 for s in bad_statuses)
    acknowledged = {b["hash"] for g, s, b in results if g and s == 201}
    db.session.expire_all()
    stored = set(db.session.scalars(select(ConsentRecord.hash)))
    assert stored == acknowledged
    assert verify_chain(db.session.scalar(select(Site).filter_by(key="shop"))).ok
