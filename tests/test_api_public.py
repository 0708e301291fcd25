"""The public API through the HTTP client: config, policies, consents, state, OpenAPI."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import func, select

from server.domain import drafts
from server.extensions import db
from server.models import ConsentRecord
from tests.support.records import choice_body, make_site

ORIGIN = {"Origin": "https://shop.test"}
URL = "/api/v1/sites/shop/consents"


def count() -> int:
    return db.session.scalar(select(func.count()).select_from(ConsentRecord))


@pytest.fixture
def shop(app):
    return make_site("shop")


def test_config_is_the_published_document(client, shop):
    resp = client.get("/api/v1/sites/shop/config")
    assert resp.status_code == 200
    doc = resp.json
    assert doc["site"] == "shop" and doc["version"] == 1 and len(doc["sha256"]) == 64
    assert [c["slug"] for c in doc["categories"]] == [
        "necessary",
        "functional",
        "audience",
        "sharing",
        "advertising",
    ]
    assert doc["categories"][0]["required"] is True
    assert doc["reconsent_version"] == 1 and doc["lifetime_days"] == 182
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in resp.headers["Cache-Control"]
    again = client.get("/api/v1/sites/shop/config", headers={"If-None-Match": resp.headers["ETag"]})
    assert again.status_code == 304


def test_republishing_with_reconsent_changes_the_config_etag(client, shop):
    first = client.get("/api/v1/sites/shop/config")
    drafts.publish(shop, reconsent=True, actor="test")  # nothing edited: same snapshot, same sha256
    db.session.commit()
    resp = client.get("/api/v1/sites/shop/config", headers={"If-None-Match": first.headers["ETag"]})
    assert resp.status_code == 200
    assert resp.json["sha256"] == first.json["sha256"]
    assert resp.json["version"] == 2 and resp.json["reconsent_version"] == 2


def test_config_unknown_or_unpublished_site_is_404(client, app):
    make_site("draft-only", publish=False)
    for key in ("nope", "draft-only"):
        resp = client.get(f"/api/v1/sites/{key}/config")
        assert resp.status_code == 404
        assert resp.json["code"] == "not_found" and resp.json["status"] == 404


def test_policy_snapshot_hashes_to_its_sha256(client, shop):
    from server.domain.policy import canonical_json, sha256_hex

    resp = client.get("/api/v1/sites/shop/policies/1")
    assert resp.status_code == 200
    body = resp.json
    assert body["version"] == 1 and body["reconsent"] is False
    assert sha256_hex(canonical_json(body["snapshot"])) == body["sha256"]
    assert resp.headers["Access-Control-Allow-Origin"] == "*"
    assert client.get("/api/v1/sites/shop/policies/2").status_code == 404


def test_record_a_choice(client, shop):
    resp = client.post(
        URL, json=choice_body(page="https://shop.test/a/b?q=secret#frag"), headers=ORIGIN
    )
    assert resp.status_code == 201, resp.json
    body = resp.json
    uuid.UUID(body["consent_id"])
    assert body["choices"] == choice_body()["choices"]
    assert body["action"] == "custom" and body["policy_version"] == 1
    assert body["recorded_at"].endswith("Z") and body["expires_at"] > body["recorded_at"]
    assert len(body["hash"]) == 64
    assert resp.headers["Access-Control-Allow-Origin"] == "https://shop.test"
    rec = db.session.scalar(select(ConsentRecord))
    assert rec.page == "/a/b"
    assert rec.policy_sha256 == client.get("/api/v1/sites/shop/config").json["sha256"]
    assert rec.seq == 1 and rec.hash == body["hash"]


def test_expiry_follows_the_published_lifetime_not_the_draft(client, shop):
    from datetime import datetime, timedelta

    shop.lifetime_days = 30  # edited in the draft, not published
    db.session.commit()
    body = client.post(URL, json=choice_body(), headers=ORIGIN).json
    recorded = datetime.fromisoformat(body["recorded_at"].rstrip("Z"))
    expires = datetime.fromisoformat(body["expires_at"].rstrip("Z"))
    assert expires - recorded == timedelta(days=182)


def test_no_client_address_is_stored(client, shop):
    """COMPLIANCE 11: the log keeps no IP address, not even one a proxy forwarded."""
    from server.domain.consents import columns

    resp = client.post(
        URL,
        json=choice_body(),
        headers={**ORIGIN, "X-Forwarded-For": "198.51.100.23"},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert resp.status_code == 201
    stored = json.dumps(columns(db.session.scalar(select(ConsentRecord))), default=str)
    assert "203.0.113.7" not in stored and "198.51.100.23" not in stored


def test_text_plain_body_is_accepted(client, shop):
    resp = client.post(
        URL, data=json.dumps(choice_body()), content_type="text/plain", headers=ORIGIN
    )
    assert resp.status_code == 201
    assert count() == 1


def test_given_consent_id_is_kept_and_history_grows(client, shop):
    cid = str(uuid.uuid4())
    first = client.post(
        URL,
        json=choice_body(
            consent_id=cid,
            action="accept_all",
            choices=dict.fromkeys(["functional", "audience", "sharing", "advertising"], True),
        ),
        headers=ORIGIN,
    )
    assert first.status_code == 201 and first.json["consent_id"] == cid
    withdraw = client.post(URL, json=choice_body(consent_id=cid, action="withdraw"), headers=ORIGIN)
    assert withdraw.status_code == 201, withdraw.json
    state = client.get(f"/api/v1/sites/shop/consents/{cid}")
    assert state.status_code == 200
    assert state.json["current"]["action"] == "withdraw"
    assert [h["action"] for h in state.json["history"]] == ["accept_all", "withdraw"]
    assert state.json["expired"] is False
    assert "no-store" in state.headers["Cache-Control"]


def test_gpc_accept_all_leaves_advertising_off(client, shop):
    choices = {"functional": True, "audience": True, "sharing": True, "advertising": False}
    resp = client.post(
        URL, json=choice_body(action="accept_all", gpc=True, choices=choices), headers=ORIGIN
    )
    assert resp.status_code == 201
    assert db.session.scalar(select(ConsentRecord.gpc)) is True


def test_necessary_is_forced_on_and_not_stored_as_a_choice(client, shop):
    body = choice_body()
    body["choices"]["necessary"] = False
    resp = client.post(URL, json=body, headers=ORIGIN)
    assert resp.status_code == 201
    assert "necessary" not in db.session.scalar(select(ConsentRecord.choices))


def test_user_agent_is_kept_only_when_the_site_allows(client, shop):
    client.post(URL, json=choice_body(), headers={**ORIGIN, "User-Agent": "Probe/1.0"})
    shop.store_user_agent = False
    db.session.commit()
    client.post(URL, json=choice_body(), headers={**ORIGIN, "User-Agent": "Probe/1.0"})
    agents = db.session.scalars(select(ConsentRecord.user_agent).order_by(ConsentRecord.seq))
    assert list(agents) == ["Probe/1.0", None]


UNASKED = dict.fromkeys(["functional", "audience", "sharing", "advertising"], None)


def test_placeholder_records_only_what_the_visitor_decided(client, shop):
    """COMPLIANCE 22: one service allowed from its placeholder is recorded alone; the purposes
    never asked are null (not refused), until the visitor answers the banner."""
    body = choice_body(source="placeholder", choices=UNASKED, services={"sharing-svc": True})
    resp = client.post(URL, json=body, headers=ORIGIN)
    assert resp.status_code == 201, resp.json
    assert resp.json["choices"] == UNASKED and resp.json["services"] == {"sharing-svc": True}
    cid = resp.json["consent_id"]
    rec = db.session.scalar(select(ConsentRecord))
    assert rec.choices == UNASKED and rec.source == "placeholder"
    assert rec.services == {"sharing-svc": True}
    # A category allowed from a placeholder, the others still not asked.
    some = {**UNASKED, "sharing": True}
    body = choice_body(consent_id=cid, source="placeholder", choices=some)
    assert client.post(URL, json=body, headers=ORIGIN).status_code == 201
    refused = dict.fromkeys(UNASKED, False)
    body = choice_body(consent_id=cid, action="withdraw", source="banner", choices=refused)
    assert client.post(URL, json=body, headers=ORIGIN).status_code == 201
    history = client.get(f"/api/v1/sites/shop/consents/{cid}").json["history"]
    assert [h["choices"] for h in history] == [UNASKED, some, refused]
    assert [h["source"] for h in history] == ["placeholder", "placeholder", "banner"]


def test_the_api_may_leave_categories_unasked_and_withdraw_one(client, shop):
    """A page's own `Temoin.update()` decides what it names: the rest stays not asked."""
    cid = str(uuid.uuid4())
    some = {**UNASKED, "audience": True}
    body = choice_body(consent_id=cid, source="api", choices=some)
    assert client.post(URL, json=body, headers=ORIGIN).status_code == 201
    body = choice_body(consent_id=cid, source="api", action="withdraw")
    body["choices"] = {**UNASKED, "audience": False}
    resp = client.post(URL, json=body, headers=ORIGIN)
    assert resp.status_code == 201, resp.json
    assert resp.json["choices"] == {**UNASKED, "audience": False}


def test_state_of_unknown_consent_is_404(client, shop):
    assert client.get(f"/api/v1/sites/shop/consents/{uuid.uuid4()}").status_code == 404
    assert client.get("/api/v1/sites/shop/consents/not-a-uuid").status_code == 404


def test_consent_of_another_site_is_not_visible(client, shop):
    make_site("other", origins=["https://other.test"])
    cid = client.post(URL, json=choice_body(), headers=ORIGIN).json["consent_id"]
    assert client.get(f"/api/v1/sites/other/consents/{cid}").status_code == 404


def test_openapi_lists_every_public_path(client):
    resp = client.get("/api/v1/openapi.json")
    assert resp.status_code == 200
    doc = resp.json
    assert doc["openapi"].startswith("3.")
    for path in (
        "/api/v1/sites/{key}/config",
        "/api/v1/sites/{key}/policies/{version}",
        "/api/v1/sites/{key}/consents",
        "/api/v1/sites/{key}/consents/{consent_id}",
    ):
        assert path in doc["paths"]
    assert "ConsentIn" in doc["components"]["schemas"]
    props = doc["components"]["schemas"]["ConsentIn"]["properties"]
    assert {
        "event_id",
        "policy_version",
        "choices",
        "action",
        "source",
        "language",
        "page",
        "gpc",
    } <= set(props)
    assert props["event_id"]["format"] == "uuid"
    answers = doc["paths"]["/api/v1/sites/{key}/consents"]["post"]["responses"]
    assert {"200", "201", "409"} <= set(answers)


def test_unknown_route_uses_the_envelope(client):
    resp = client.get("/api/v1/nothing")
    assert resp.status_code == 404
    assert set(resp.json) == {"code", "status", "message", "errors"}


def test_a_repeated_event_is_acknowledged_again_without_a_second_record(client, shop):
    """The widget re-sends a record whose answer it lost: same acknowledgement, one row."""
    body = choice_body(event_id=str(uuid.uuid4()))
    first = client.post(URL, data=json.dumps(body), content_type="text/plain", headers=ORIGIN)
    assert first.status_code == 201, first.json
    again = client.post(URL, data=json.dumps(body), content_type="text/plain", headers=ORIGIN)
    assert again.status_code == 200, again.json
    assert again.json == first.json and again.json["hash"] == first.json["hash"]
    assert again.json["event_id"] == body["event_id"]
    assert again.headers["Access-Control-Allow-Origin"] == "https://shop.test"
    assert count() == 1
    assert db.session.scalar(select(ConsentRecord.event_id)) == body["event_id"]


def test_a_repeated_event_without_consent_id_gets_the_first_consent_id(client, shop):
    body = choice_body(event_id=str(uuid.uuid4()))
    first = client.post(URL, json=body, headers=ORIGIN)
    again = client.post(URL, json=body, headers=ORIGIN)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["consent_id"] == first.json["consent_id"]
    assert count() == 1


def test_a_repeated_withdrawal_is_acknowledged_not_refused(client, shop):
    """Once recorded, a withdrawal has nothing left to withdraw: its replay is still a 200."""
    cid = str(uuid.uuid4())
    granted = choice_body(
        consent_id=cid,
        choices=dict.fromkeys(["functional", "audience", "sharing", "advertising"], True),
    )
    assert client.post(URL, json=granted, headers=ORIGIN).status_code == 201
    withdraw = choice_body(consent_id=cid, action="withdraw", event_id=str(uuid.uuid4()))
    first = client.post(URL, json=withdraw, headers=ORIGIN)
    again = client.post(URL, json=withdraw, headers=ORIGIN)
    assert (first.status_code, again.status_code) == (201, 200), again.json
    assert again.json["hash"] == first.json["hash"]
    assert count() == 2


def test_an_event_id_is_unique_per_site_only(client, shop):
    make_site("other", origins=["https://other.test"])
    body = choice_body(event_id=str(uuid.uuid4()))
    assert client.post(URL, json=body, headers=ORIGIN).status_code == 201
    other = client.post(
        "/api/v1/sites/other/consents", json=body, headers={"Origin": "https://other.test"}
    )
    assert other.status_code == 201
    assert count() == 2


CHANGED = {
    "choices": {
        "choices": {"functional": False, "audience": True, "sharing": False, "advertising": False}
    },
    "action": {
        "action": "reject_all",
        "choices": dict.fromkeys(["functional", "audience", "sharing", "advertising"], False),
    },
    "page": {"page": "/elsewhere"},
    "consent id": {"consent_id": str(uuid.uuid4())},
    "source": {"source": "banner"},
}


@pytest.mark.parametrize("change", CHANGED.values(), ids=CHANGED.keys())
def test_an_event_id_sent_again_with_other_content_is_409(client, shop, change):
    event_id, cid = str(uuid.uuid4()), str(uuid.uuid4())
    first = client.post(URL, json=choice_body(event_id=event_id, consent_id=cid), headers=ORIGIN)
    assert first.status_code == 201
    other = choice_body(**{"event_id": event_id, "consent_id": cid, **change})
    resp = client.post(URL, json=other, headers=ORIGIN)
    assert resp.status_code == 409, resp.json
    assert resp.json["code"] == "conflict" and "event_id" in resp.json["message"]
    assert resp.headers["Access-Control-Allow-Origin"] == "https://shop.test"
    assert count() == 1


def test_identical_posts_at_once_make_one_record(app, shop):
    """Two tabs (or a retry racing its original) send one event together: one row, 201 + 200."""
    import threading

    from server.domain.verify import verify_chain

    rounds, copies = 6, 2
    answers: dict[str, list[tuple[int, str]]] = {}

    def post(body: dict, barrier: threading.Barrier) -> None:
        client = app.test_client()
        barrier.wait()
        resp = client.post(URL, data=json.dumps(body), content_type="text/plain", headers=ORIGIN)
        answers[body["event_id"]].append((resp.status_code, resp.json.get("hash", "")))

    for _ in range(rounds):
        body = choice_body(event_id=str(uuid.uuid4()))
        answers[body["event_id"]] = []
        barrier = threading.Barrier(copies)
        threads = [threading.Thread(target=post, args=(body, barrier)) for _ in range(copies)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    for got in answers.values():
        assert sorted(s for s, _ in got) == [200, 201], got
        assert len({h for _, h in got}) == 1, got
    db.session.expire_all()
    assert count() == rounds
    assert verify_chain(shop).ok
