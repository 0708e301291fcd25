"""Every bad input gets a clear 4xx in the envelope and writes nothing."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from server.domain.tokens import create_token
from server.extensions import db
from server.models import ChainHead, ConsentRecord
from tests.support.records import choice_body, make_site

ORIGIN = {"Origin": "https://shop.test"}
URL = "/api/v1/sites/shop/consents"
ALL_ON = {"functional": True, "audience": True, "sharing": True, "advertising": True}
ALL_OFF = dict.fromkeys(ALL_ON, False)


@pytest.fixture
def shop(app):
    return make_site("shop")


def assert_nothing_written(site) -> None:
    assert db.session.scalar(select(func.count()).select_from(ConsentRecord)) == 0
    db.session.expire_all()
    assert db.session.get(ChainHead, site.id).seq == 0


INVALID = {
    "missing version": {k: v for k, v in choice_body().items() if k != "policy_version"},
    "version as string": choice_body(policy_version="1"),
    "unpublished version": choice_body(policy_version=2),
    "missing choices": {k: v for k, v in choice_body().items() if k != "choices"},
    "choice not a boolean": choice_body(choices={**ALL_OFF, "functional": 1}),
    "missing category": choice_body(choices={"functional": True}),
    "unknown category": choice_body(choices={**ALL_OFF, "spying": True}),
    "unknown service": choice_body(services={"nope": True}),
    "bad action": choice_body(action="maybe"),
    "bad source": choice_body(source="popup"),
    "reject_all with a grant": choice_body(
        action="reject_all", choices={**ALL_OFF, "audience": True}
    ),
    "accept_all with a refusal": choice_body(
        action="accept_all", choices={**ALL_ON, "sharing": False}
    ),
    "accept_all with gpc refusing audience": choice_body(
        action="accept_all", gpc=True, choices={**ALL_ON, "audience": False, "advertising": False}
    ),
    "withdraw with nothing granted before": choice_body(action="withdraw"),
    "bad consent id": choice_body(consent_id="1234"),
    "bad event id": choice_body(event_id="not-a-uuid"),
    "event id not a string": choice_body(event_id=12),
    "unknown language": choice_body(language="de"),
    "language not a tag": choice_body(language="français"),
    "page too long": choice_body(page="/" + "a" * 3000),
    "unknown field": choice_body(ip="1.2.3.4"),
    "gpc not a boolean": choice_body(gpc="yes"),
    "too many choices": choice_body(choices={f"c{i}": False for i in range(60)}),
    # COMPLIANCE 22: "not asked" (null) only where the visitor was not shown every purpose.
    "unasked from the banner": choice_body(source="banner", choices={**ALL_OFF, "audience": None}),
    "unasked from the preferences": choice_body(choices={**ALL_OFF, "audience": None}),
    "unasked in accept_all": choice_body(
        source="placeholder", action="accept_all", choices={**ALL_ON, "audience": None}
    ),
    "unasked in reject_all": choice_body(
        source="placeholder", action="reject_all", choices={**ALL_OFF, "audience": None}
    ),
    "unasked without a category": choice_body(
        source="placeholder", choices={"functional": None, "audience": None, "sharing": True}
    ),
    "nothing decided": choice_body(source="placeholder", choices=dict.fromkeys(ALL_ON)),
    "withdraw by leaving unasked": choice_body(
        source="api", action="withdraw", choices={**ALL_ON, "audience": None}
    ),
    "service choice null": choice_body(
        source="placeholder", choices=dict.fromkeys(ALL_ON), services={"sharing-svc": None}
    ),
}


@pytest.mark.parametrize("body", INVALID.values(), ids=INVALID.keys())
def test_invalid_body_is_422(client, shop, body):
    resp = client.post(URL, json=body, headers=ORIGIN)
    assert resp.status_code == 422, resp.json
    assert resp.json["code"] == "invalid" and resp.json["errors"]
    assert_nothing_written(shop)


MALFORMED = {
    "not json": ("{not json", "application/json", 400),
    "json array": ("[1, 2]", "application/json", 400),
    "not utf-8": (b"\xff\xfe{}", "text/plain", 400),
    "too deep": (
        json.dumps({"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}),
        "application/json",
        400,
    ),
    "form encoded": ("a=1", "application/x-www-form-urlencoded", 415),
    "xml": ("<a/>", "application/xml", 415),
    "too large": (
        json.dumps({**choice_body(), "page": "/" + "a" * 20000}),
        "application/json",
        413,
    ),
}


@pytest.mark.parametrize("raw,ctype,status", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_body(client, shop, raw, ctype, status):
    resp = client.post(URL, data=raw, content_type=ctype, headers=ORIGIN)
    assert resp.status_code == status
    assert resp.json["status"] == status and resp.json["message"]
    assert_nothing_written(shop)


def test_unknown_site_is_404(client, shop):
    resp = client.post("/api/v1/sites/nope/consents", json=choice_body(), headers=ORIGIN)
    assert resp.status_code == 404
    assert_nothing_written(shop)


def refused() -> dict[tuple[str, str], int]:
    """Recordings refused by origin, by (site key, origin)."""
    from server.models import RefusedOrigin, Site

    rows = db.session.execute(
        select(Site.key, RefusedOrigin.origin, RefusedOrigin.count).join(
            Site, Site.id == RefusedOrigin.site_id
        )
    )
    return {(key, origin): n for key, origin, n in rows}


def test_origin_not_allowed_is_a_403_that_origin_can_read(client, shop):
    """A misconfigured origin is told so: the widget reads the 403 instead of a CORS error."""
    resp = client.post(URL, json=choice_body(), headers={"Origin": "https://evil.test"})
    assert resp.status_code == 403
    assert resp.json["code"] == "forbidden"
    assert "https://evil.test" in resp.json["message"] and "shop" in resp.json["message"]
    assert resp.headers["Access-Control-Allow-Origin"] == "https://evil.test"
    assert "Origin" in resp.headers["Vary"]
    assert "Access-Control-Allow-Credentials" not in resp.headers
    assert set(resp.json) == {"code", "status", "message", "errors"}, "the envelope, nothing else"
    assert_nothing_written(shop)
    assert refused() == {("shop", "https://evil.test"): 1}


def test_refusals_are_counted_per_site_and_normalised_origin(client, shop):
    from server.models import RefusedOrigin

    make_site("other", origins=["https://other.test"])
    for origin in ("https://evil.test", "HTTPS://Evil.TEST/", "http://127.0.0.1:8802"):
        assert client.post(URL, json=choice_body(), headers={"Origin": origin}).status_code == 403
    other = "/api/v1/sites/other/consents"
    assert client.post(other, json=choice_body(), headers=ORIGIN).status_code == 403
    assert refused() == {
        ("shop", "https://evil.test"): 2,
        ("shop", "http://127.0.0.1:8802"): 1,
        ("other", "https://shop.test"): 1,
    }
    row = db.session.scalar(
        select(RefusedOrigin).where(RefusedOrigin.origin == "https://evil.test")
    )
    assert row.first_seen <= row.last_seen
    assert_nothing_written(shop)


def test_refused_origins_kept_per_site_are_capped(client, shop):
    """An attacker sending made-up origins fills one bucket, not the database."""
    from server.domain.origins import MAX_ORIGINS, OTHER

    for i in range(MAX_ORIGINS + 10):
        origin = f"https://o{i}.evil.test"
        assert client.post(URL, json=choice_body(), headers={"Origin": origin}).status_code == 403
    client.post(URL, json=choice_body(), headers={"Origin": "https://o0.evil.test"})
    got = refused()
    assert len(got) == MAX_ORIGINS + 1
    assert got[("shop", OTHER)] == 10
    assert got[("shop", "https://o0.evil.test")] == 2, "known origins still count"
    assert_nothing_written(shop)


def test_a_refusal_that_cannot_be_counted_is_still_a_403(client, shop, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from server.domain import origins

    def down(*args):
        raise OperationalError("UPDATE refused_origins", {}, Exception("database is locked"))

    monkeypatch.setattr(origins, "count_refusal", down)
    resp = client.post(URL, json=choice_body(), headers={"Origin": "https://evil.test"})
    assert resp.status_code == 403
    assert resp.headers["Access-Control-Allow-Origin"] == "https://evil.test"
    assert_nothing_written(shop)


def test_a_refused_origin_header_that_is_not_an_origin_is_not_kept_as_sent(client, shop):
    from server.domain.origins import MALFORMED

    for origin in ("<script>alert(1)</script>", "https://" + "a" * 300 + ".test"):
        resp = client.post(URL, json=choice_body(), headers={"Origin": origin})
        assert resp.status_code == 403
    assert refused() == {("shop", MALFORMED): 2}


def test_origin_of_another_site_is_403(client, shop):
    make_site("other", origins=["https://other.test"])
    resp = client.post(URL, json=choice_body(), headers={"Origin": "https://other.test"})
    assert resp.status_code == 403
    assert_nothing_written(shop)


def test_preflight_allows_only_site_origins(client, shop):
    ok = client.options(URL, headers={**ORIGIN, "Access-Control-Request-Method": "POST"})
    assert ok.status_code == 204
    assert ok.headers["Access-Control-Allow-Origin"] == "https://shop.test"
    assert "POST" in ok.headers["Access-Control-Allow-Methods"]
    bad = client.options(
        URL, headers={"Origin": "https://evil.test", "Access-Control-Request-Method": "POST"}
    )
    assert bad.status_code == 403
    assert "Access-Control-Allow-Origin" not in bad.headers, "a refused origin reads only the 403"
    assert refused() == {("shop", "https://evil.test"): 1}


def test_server_call_without_origin_needs_a_token(client, shop):
    assert client.post(URL, json=choice_body()).status_code == 403
    bad = client.post(URL, json=choice_body(), headers={"Authorization": "Bearer tmn_wrong"})
    assert bad.status_code == 403
    assert_nothing_written(shop)


def test_server_call_with_tokens(client, shop):
    _, viewer = create_token(shop, "viewer")
    _, recorder = create_token(shop, "recorder")
    other = make_site("other", origins=["https://other.test"])
    _, foreign = create_token(other, "owner")
    db.session.commit()
    for token in (viewer, foreign):
        resp = client.post(URL, json=choice_body(), headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 403
    assert_nothing_written(shop)
    resp = client.post(
        URL, json=choice_body(source="api"), headers={"Authorization": f"Bearer {recorder}"}
    )
    assert resp.status_code == 201
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_revoked_token_is_refused(client, shop):
    from server.models import utcnow

    row, plain = create_token(shop, "recorder")
    row.revoked_at = utcnow()
    db.session.commit()
    resp = client.post(URL, json=choice_body(), headers={"Authorization": f"Bearer {plain}"})
    assert resp.status_code == 403
    assert_nothing_written(shop)


def test_wrong_method_is_405_in_the_envelope(client, shop):
    resp = client.delete(URL, headers=ORIGIN)
    assert resp.status_code == 405
    assert resp.json["code"] == "method_not_allowed"
