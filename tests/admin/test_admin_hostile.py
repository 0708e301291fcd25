"""Hostile input to the public and admin APIs and pages: a 4xx with a message, nothing written.

Each class of input once answered 500 or 503 (deep JSON, NUL characters, lone surrogates,
dates beyond the calendar, integers beyond 64 bits, a page path or cookie domain longer
than its column, regexes passing a trailing newline, contradictory evidence).
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuditEvent, ConsentRecord, PolicyVersion
from tests.admin.conftest import audit_count
from tests.support.records import choice_body

ORIGIN = {"Origin": "https://shop.test"}
URL = "/api/v1/sites/shop/consents"


def written() -> tuple[int, int, int]:
    """Count what a request could have written: records, versions, audit events."""
    return (
        db.session.scalar(select(func.count()).select_from(ConsentRecord)),
        db.session.scalar(select(func.count()).select_from(PolicyVersion)),
        db.session.scalar(select(func.count()).select_from(AuditEvent)),
    )


def deep(n: int) -> str:
    return '{"a":' * n + "1" + "}" * n


CONSENT_BODIES = {
    "nested 8,000 deep": deep(8000),
    "nested 100,000 deep (arrays)": "[" * 100_000 + "]" * 100_000,
    "NUL in the page": json.dumps(choice_body(page="/p\x00q")),
    "lone surrogate in the page": json.dumps(choice_body(page="/p")).replace("/p", "/p\\ud800"),
    "lone surrogate in a choice key": json.dumps(choice_body()).replace(
        '"functional"', '"functional\\udfff"'
    ),
    "page path over its column": json.dumps(choice_body(page="/" + "p" * 600)),
    "language with a trailing newline": json.dumps(choice_body(language="fr\n")),
    "reject_all granting a service": json.dumps(
        choice_body(
            action="reject_all",
            choices=dict.fromkeys(("functional", "audience", "sharing", "advertising"), False),
            services={"audience-svc": True},
        )
    ),
}


@pytest.mark.parametrize("body", CONSENT_BODIES.values(), ids=CONSENT_BODIES.keys())
def test_hostile_consent_bodies_are_refused(client, sites, body):
    before = written()
    resp = client.post(URL, data=body, content_type="application/json", headers=ORIGIN)
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)[:300]
    assert resp.json["message"]
    assert written() == before


@pytest.mark.parametrize(
    "body",
    [deep(8000), deep(40), json.dumps({"name": "Shop\x00"}), '{"name": "\\ud800"}'],
    ids=["nested 8,000 deep", "nested 40 deep", "NUL", "lone surrogate"],
)
def test_hostile_draft_bodies_are_refused(client, tokens, body):
    before = written()
    resp = client.put(
        "/api/v1/admin/sites/shop/draft",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {tokens['owner']}"},
    )
    assert 400 <= resp.status_code < 500
    assert resp.json["message"]
    assert written() == before


RANGES = [
    "to=9999-12-31",
    "from=0001-01-01T00:00%2B05:00",
    "from=9999-12-31T23:59-05:00",
    "to=1000-01-01",
    "to=2026-13-01",
]


@pytest.mark.parametrize("query", RANGES)
@pytest.mark.parametrize("path", ["consents", "stats"])
def test_dates_beyond_the_calendar_are_refused_by_the_api(client, tokens, path, query):
    resp = client.get(
        f"/api/v1/admin/sites/shop/{path}?{query}",
        headers={"Authorization": f"Bearer {tokens['viewer']}"},
    )
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert resp.json["message"]


@pytest.mark.parametrize("query", RANGES)
@pytest.mark.parametrize("page", ["consents", "stats", "export"])
def test_dates_beyond_the_calendar_are_refused_by_the_pages(as_role, page, query):
    client = as_role("viewer")
    resp = client.get(f"/admin/sites/shop/{page}?{query}")
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)[:300]


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/sites/shop/consents/{2**63}",
        f"/admin/sites/shop/consents/{10**30}",
        f"/admin/sites/shop/consents?before={2**63}",
        "/admin/sites/shop/consents?language=fr%00",
        "/admin/login?next=/admin/%00",
    ],
)
def test_out_of_range_and_nul_in_urls(as_role, url):
    client = as_role("viewer")
    resp = client.get(url)
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)[:300]


def test_nul_in_the_login_email_is_refused(client, shop):
    events = audit_count()
    resp = client.post("/admin/login", data={"email": "owner@shop.test\x00", "password": "x"})
    assert resp.status_code == 400
    assert audit_count() == events


@pytest.mark.parametrize(
    "field",
    [
        {"name": "_ga", "domain": "." + "a" * 200, "lifetime_days": 30},
        {"name": "_ga\n", "domain": "", "lifetime_days": 30},
    ],
    ids=["domain longer than its column", "name with a trailing newline"],
)
def test_cookie_fields_beyond_their_columns_are_refused(client, tokens, field):
    auth = {"Authorization": f"Bearer {tokens['owner']}"}
    draft = client.get("/api/v1/admin/sites/shop/draft", headers=auth).json
    draft["categories"][1]["services"][0]["cookies"] = [field]
    doc = {k: draft[k] for k in draft if k not in ("site", "published_version")}
    before = written()
    resp = client.put("/api/v1/admin/sites/shop/draft", json=doc, headers=auth)
    assert resp.status_code == 422, resp.get_data(as_text=True)[:300]
    assert written() == before


@pytest.mark.parametrize("colour", ["#fff\n", "#ffffff\n"])
def test_a_colour_with_a_trailing_newline_is_refused(client, tokens, colour):
    auth = {"Authorization": f"Bearer {tokens['owner']}"}
    resp = client.put(
        "/api/v1/admin/sites/shop/draft", json={"theme": {"primary": colour}}, headers=auth
    )
    assert resp.status_code == 422


def test_csv_cells_holding_a_separator_are_quoted(client, tokens):
    assert client.post(URL, json=choice_body(page="/a;=1+1"), headers=ORIGIN).status_code == 201
    resp = client.get(
        "/api/v1/admin/sites/shop/consents?format=csv",
        headers={"Authorization": f"Bearer {tokens['viewer']}"},
    )
    text = resp.get_data(as_text=True)
    assert '"/a;\'=1+1"' in text
    # A spreadsheet splitting on ";" keeps every text cell whole.
    for row in csv.reader(io.StringIO(text), delimiter=";"):
        for cell in row:
            assert not cell.lstrip('"').startswith(("=", "+", "@"))
