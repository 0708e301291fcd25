"""Admin API: bearer tokens per role and site, the draft, publishing, export and statistics."""

from __future__ import annotations

import csv
import io
import json

import pytest

from server.extensions import db
from server.models import AuditEvent, PolicyVersion, Site
from tests.admin.conftest import audit_count
from tests.support.records import COOKIE_TEXTS, choice_body

DRAFT = "/api/v1/admin/sites/shop/draft"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def draft_state() -> str:
    from server.domain.drafts import draft_doc

    db.session.expire_all()
    return json.dumps(draft_doc(db.session.query(Site).filter_by(key="shop").one()))


def record(client, user_agent: str = "Browser/1.0", **overrides):
    resp = client.post(
        "/api/v1/sites/shop/consents",
        json=choice_body(**overrides),
        headers={"Origin": "https://shop.test", "User-Agent": user_agent},
    )
    assert resp.status_code == 201, resp.json
    return resp.json


@pytest.mark.parametrize(
    "headers,status",
    [
        ({}, 401),
        ({"Authorization": "Bearer"}, 401),
        ({"Authorization": "Bearer tmn_not-a-token"}, 401),
        ({"Authorization": "Basic dXNlcjpwdw=="}, 401),
    ],
)
def test_api_needs_a_live_token(client, tokens, headers, status):
    resp = client.get(DRAFT, headers=headers)
    assert resp.status_code == status
    assert resp.json["code"] == "unauthorized"


def test_revoked_token_refused(client, tokens):
    from server.models import ApiToken, utcnow

    for row in db.session.query(ApiToken).filter_by(role="viewer"):
        row.revoked_at = utcnow()
    db.session.commit()
    assert client.get(DRAFT, headers=auth(tokens["viewer"])).status_code == 401


def test_other_sites_token_gets_404(client, tokens):
    for url in (DRAFT, "/api/v1/admin/sites/shop/stats", "/api/v1/admin/sites/shop/consents"):
        assert client.get(url, headers=auth(tokens["other"])).status_code == 404
    resp = client.post("/api/v1/admin/sites/shop/publish", headers=auth(tokens["other"]))
    assert resp.status_code == 404
    assert (
        client.get("/api/v1/admin/sites/nope/draft", headers=auth(tokens["owner"])).status_code
        == 404
    )


@pytest.mark.parametrize(
    "role,method,url,status",
    [
        ("viewer", "get", DRAFT, 200),
        ("recorder", "get", DRAFT, 403),
        ("viewer", "put", DRAFT, 403),
        ("viewer", "post", "/api/v1/admin/sites/shop/publish", 403),
        ("recorder", "get", "/api/v1/admin/sites/shop/stats", 403),
        ("viewer", "get", "/api/v1/admin/sites/shop/stats", 200),
        ("viewer", "get", "/api/v1/admin/sites/shop/consents", 200),
        ("editor", "put", DRAFT, 200),
        ("owner", "put", DRAFT, 200),
    ],
)
def test_roles(client, tokens, role, method, url, status):
    kwargs = {"json": {"name": "Renamed"}} if method == "put" else {}
    resp = getattr(client, method)(url, headers=auth(tokens[role]), **kwargs)
    assert resp.status_code == status


def test_get_draft_shape(client, tokens):
    resp = client.get(DRAFT, headers=auth(tokens["viewer"]))
    body = resp.json
    assert resp.headers["Cache-Control"] == "no-store"
    assert body["site"] == "shop" and body["published_version"] == 1
    assert [c["slug"] for c in body["categories"]][:2] == ["necessary", "functional"]
    svc = body["categories"][2]["services"][0]
    assert svc["slug"] == "audience-svc" and svc["name"] == "audience service"
    assert svc["cookies"][0] == {
        "name": "audience_ck",
        "domain": "",
        "lifetime_days": 30,
        "texts": COOKIE_TEXTS,
    }
    assert body["origins"] == ["https://shop.test"] and body["lifetime_days"] == 182


def test_put_draft_round_trip_and_audit(client, tokens):
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    body["categories"][2]["services"].append(
        {
            "slug": "matomo",
            "name": "Matomo",
            "provider": "InnoCraft",
            "privacy_url": "https://matomo.org/privacy-policy/",
            "texts": {"fr": {"description": "Mesure d'audience."}},
            "cookies": [{"name": "_pk_id.*", "lifetime_days": 395, "domain": ""}],
        }
    )
    before = audit_count()
    resp = client.put(DRAFT, json=body, headers=auth(tokens["editor"]))
    assert resp.status_code == 200, resp.json
    assert resp.json["categories"][2]["services"][1]["slug"] == "matomo"
    assert "matomo" in draft_state()
    assert audit_count() == before + 1
    event = db.session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
    assert event.actor.startswith("token tmn_") and event.action == "edit draft"
    assert any("matomo" in path for path in event.after)
    # The published version does not change until publishing.
    pub = client.get("/api/v1/sites/shop/config").json
    assert "matomo" not in json.dumps(pub)


def _with(mutate):
    def build(body):
        mutate(body)
        return body

    return build


BAD_DRAFTS = [
    ("origins", _with(lambda b: b.update(origins=["not an origin"]))),
    ("origins", _with(lambda b: b.update(origins=["https://shop.test/path"]))),
    ("lifetime_days", _with(lambda b: b.update(lifetime_days=396))),
    ("lifetime_days", _with(lambda b: b.update(lifetime_days=0))),
    (
        "categories",
        _with(lambda b: b["categories"][1]["services"][0]["cookies"][0].update(lifetime_days=400)),
    ),
    (
        "categories",
        _with(
            lambda b: b["categories"][0]["services"][0]["cookies"].append(
                {"name": "_ga", "lifetime_days": 30}
            )
        ),
    ),
    (
        "categories",
        _with(
            lambda b: b["categories"][0]["services"][0]["cookies"].append(
                {"name": "_gcl_au", "lifetime_days": 30}
            )
        ),
    ),
    ("categories", _with(lambda b: b.update(categories=b["categories"][1:]))),
    ("categories", _with(lambda b: b["categories"][1].update(slug="Bad Slug"))),
    (
        "categories",
        _with(
            lambda b: b["categories"][1]["services"].append(dict(b["categories"][2]["services"][0]))
        ),
    ),
    ("default_language", _with(lambda b: b.update(default_language="de"))),
    ("theme", _with(lambda b: b.update(theme={"primary": "red"}))),
    ("theme", _with(lambda b: b.update(theme={"layout": "sidebar"}))),
    ("theme", _with(lambda b: b.update(theme={"layout": "Box"}))),
    ("theme", _with(lambda b: b.update(theme={"layout": ""}))),
    ("theme", _with(lambda b: b.update(theme={"layout": ["box"]}))),
    ("unknown", _with(lambda b: b.update(unknown=1))),
    ("name", _with(lambda b: b.update(name=""))),
]


@pytest.mark.parametrize("field,mutate", BAD_DRAFTS)
def test_put_invalid_draft_is_422_and_writes_nothing(client, tokens, field, mutate):
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    state, events = draft_state(), audit_count()
    resp = client.put(DRAFT, json=mutate(body), headers=auth(tokens["editor"]))
    assert resp.status_code == 422
    assert resp.json["code"] == "invalid"
    assert field in resp.json["errors"]
    assert draft_state() == state
    assert audit_count() == events


def test_tracker_in_necessary_names_the_field(client, tokens):
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    body["categories"][0]["services"][0]["cookies"].append({"name": "_ga_ABC*", "lifetime_days": 1})
    resp = client.put(DRAFT, json=body, headers=auth(tokens["editor"]))
    err = resp.json["errors"]["categories"]["0"]["services"]["0"]["cookies"]["1"]["name"][0]
    assert "known tracking cookie" in err


@pytest.mark.parametrize(
    "kwargs,status",
    [
        ({"data": "not json", "content_type": "application/json"}, 400),
        ({"data": "[]", "content_type": "application/json"}, 400),
        ({"data": "{}", "content_type": "text/plain"}, 415),
        ({"data": "x" * (1024 * 1024 + 10), "content_type": "application/json"}, 413),
    ],
)
def test_put_malformed_bodies(client, tokens, kwargs, status):
    state = draft_state()
    resp = client.put(DRAFT, headers=auth(tokens["editor"]), **kwargs)
    assert resp.status_code == status
    assert draft_state() == state


def test_publish_creates_the_next_version(client, tokens):
    client.put(DRAFT, json={"name": "Shop 2"}, headers=auth(tokens["editor"]))
    resp = client.post(
        "/api/v1/admin/sites/shop/publish", json={"reconsent": True}, headers=auth(tokens["editor"])
    )
    assert resp.status_code == 201, resp.json
    assert resp.json["version"] == 2 and len(resp.json["sha256"]) == 64
    assert resp.json["reconsent"] is True
    config = client.get("/api/v1/sites/shop/config").json
    assert config["version"] == 2 and config["name"] == "Shop 2"
    assert config["reconsent_version"] == 2
    row = db.session.query(PolicyVersion).filter_by(version=2).one()
    assert row.sha256 == resp.json["sha256"] and row.published_by.startswith("token tmn_")
    snap = client.get("/api/v1/sites/shop/policies/2").json
    assert snap["sha256"] == resp.json["sha256"]


def test_publish_nothing_changed_is_409_unless_reconsent(client, tokens):
    url = "/api/v1/admin/sites/shop/publish"
    resp = client.post(url, headers=auth(tokens["editor"]))
    assert resp.status_code == 409
    assert (
        client.post(url, json={"reconsent": True}, headers=auth(tokens["editor"])).status_code
        == 201
    )


def test_publish_refuses_texts_empty_in_a_language_naming_each_field(client, tokens):
    body = client.get(DRAFT, headers=auth(tokens["editor"])).json
    del body["texts"]["en"]["description"]
    body["texts"]["fr"]["withdraw"] = "  "
    body["categories"][2]["texts"]["en"]["name"] = ""
    body["categories"][1]["services"][0]["texts"] = {"fr": {"description": "Un service."}}
    body["categories"][3]["services"][0]["cookies"][0]["texts"] = {}
    assert client.put(DRAFT, json=body, headers=auth(tokens["editor"])).status_code == 200
    events = audit_count()
    url = "/api/v1/admin/sites/shop/publish"
    for payload in ({}, {"reconsent": True}):
        resp = client.post(url, json=payload, headers=auth(tokens["editor"]))
        assert resp.status_code == 422, resp.json
        assert resp.json["code"] == "invalid"
        errors = resp.json["errors"]
        assert set(errors["texts"]) == {"fr", "en"}
        assert list(errors["texts"]["en"]) == ["description"]
        assert list(errors["texts"]["fr"]) == ["withdraw"]
        cats = errors["categories"]
        assert set(cats) == {"1", "2", "3"}
        assert cats["2"] == {"texts": {"en": {"name": [cats["2"]["texts"]["en"]["name"][0]]}}}
        assert "en" in cats["2"]["texts"]["en"]["name"][0]
        assert list(cats["1"]["services"]["0"]["texts"]) == ["en"]
        cookie = cats["3"]["services"]["0"]["cookies"]["0"]["texts"]
        assert {lang: list(keys) for lang, keys in cookie.items()} == {
            "fr": ["purpose"],
            "en": ["purpose"],
        }
    assert db.session.query(PolicyVersion).count() == 2
    assert audit_count() == events
    assert client.get("/api/v1/sites/shop/config").json["version"] == 1


def test_a_new_site_publishes_as_created(client, app):
    from server.domain.sites import create_site
    from server.domain.tokens import create_token

    site = create_site("fresh", "Fresh", ["https://fresh.test"])
    _, token = create_token(site, "editor", "ci")
    db.session.commit()
    resp = client.post("/api/v1/admin/sites/fresh/publish", headers=auth(token))
    assert resp.status_code == 201, resp.json
    config = client.get("/api/v1/sites/fresh/config").json
    names = [c["texts"]["fr"]["name"] for c in config["categories"]]
    assert names == [
        "Strictement nécessaires",
        "Fonctionnalités",
        "Mesure d’audience",
        "Partage sur les réseaux sociaux",
        "Publicité personnalisée",
    ]
    assert config["texts"]["en"]["accept_all"] == "Accept all"


@pytest.mark.parametrize("body", [{"reconsent": "yes"}, {"reconsent": True, "extra": 1}, []])
def test_publish_bad_body_writes_nothing(client, tokens, body):
    resp = client.post(
        "/api/v1/admin/sites/shop/publish", json=body, headers=auth(tokens["editor"])
    )
    assert resp.status_code in (400, 422)
    assert db.session.query(PolicyVersion).count() == 2


def test_export_csv_and_jsonl(client, tokens):
    first = record(client)
    record(client, action="accept_all", choices={k: True for k in choice_body()["choices"]})
    url = "/api/v1/admin/sites/shop/consents"
    resp = client.get(url + "?format=csv", headers=auth(tokens["viewer"]))
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    assert "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert len(rows) == 2
    assert rows[0]["consent_id"] == first["consent_id"] and rows[0]["hash"] == first["hash"]
    assert rows[0]["choice_functional"] == "1" and rows[0]["choice_audience"] == "0"
    resp = client.get(url + "?format=jsonl", headers=auth(tokens["viewer"]))
    assert resp.mimetype == "application/x-ndjson"
    lines = [json.loads(line) for line in resp.get_data(as_text=True).splitlines()]
    assert [r["action"] for r in lines] == ["custom", "accept_all"]
    assert lines[1]["choices"]["audience"] is True and lines[0]["seq"] == 1


def test_export_date_range(client, tokens):
    record(client)
    url = "/api/v1/admin/sites/shop/consents?format=jsonl"
    assert (
        client.get(url + "&from=2000-01-01&to=2000-12-31", headers=auth(tokens["viewer"])).data
        == b""
    )
    assert (
        client.get(url + "&from=2000-01-01", headers=auth(tokens["viewer"])).data.count(b"\n") == 1
    )


def test_export_neutralises_spreadsheet_formulas(client, tokens):
    record(client, user_agent='=HYPERLINK("https://evil.test")')
    resp = client.get("/api/v1/admin/sites/shop/consents", headers=auth(tokens["viewer"]))
    row = next(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert row["user_agent"] == '\'=HYPERLINK("https://evil.test")'
    jsonl = client.get(
        "/api/v1/admin/sites/shop/consents?format=jsonl", headers=auth(tokens["viewer"])
    )
    assert json.loads(jsonl.data)["user_agent"].startswith("=HYPERLINK")


@pytest.mark.parametrize(
    "query,field",
    [
        ("?format=xml", "format"),
        ("?from=yesterday", "from"),
        ("?from=2024-02-30", "from"),
        ("?from=2024-03-02&to=2024-03-01", "to"),
        ("?nope=1", "nope"),
    ],
)
def test_export_bad_query_is_422(client, tokens, query, field):
    resp = client.get("/api/v1/admin/sites/shop/consents" + query, headers=auth(tokens["viewer"]))
    assert resp.status_code == 422
    assert field in resp.json["errors"]


def test_stats(client, tokens):
    cats = choice_body()["choices"]
    record(client)
    record(client, action="accept_all", choices={k: True for k in cats})
    record(client, action="reject_all", choices={k: False for k in cats})
    resp = client.get(
        "/api/v1/admin/sites/shop/stats?from=2000-01-01", headers=auth(tokens["viewer"])
    )
    assert resp.status_code == 200
    body = resp.json
    assert body["site"] == "shop" and body["from"].startswith("2000-01-01")
    assert body["totals"]["total"] == 3
    assert body["totals"]["accept_all"] == 1 and body["totals"]["reject_all"] == 1
    assert body["totals"]["custom"] == 1 and body["totals"]["withdraw"] == 0
    assert body["totals"]["opt_in"]["functional"] == pytest.approx(2 / 3, abs=1e-3)
    assert body["totals"]["opt_in"]["advertising"] == pytest.approx(1 / 3, abs=1e-3)
    assert len(body["days"]) == 1 and body["days"][0]["total"] == 3
    assert body["versions"] == [{**body["versions"][0], "version": 1, "total": 3}]
    empty = client.get(
        "/api/v1/admin/sites/shop/stats?to=2000-01-01", headers=auth(tokens["viewer"])
    ).json
    assert empty["totals"]["total"] == 0 and empty["days"] == []


def test_unasked_categories_are_neither_answers_nor_refusals(client, tokens):
    """A placeholder record's null categories count in no opt-in rate and export empty."""
    cats = choice_body()["choices"]
    record(client, action="reject_all", choices=dict.fromkeys(cats, False))
    unasked = {**dict.fromkeys(cats), "sharing": True}
    record(client, source="placeholder", choices=unasked, services={"functional-svc": True})
    headers = auth(tokens["viewer"])
    totals = client.get("/api/v1/admin/sites/shop/stats?from=2000-01-01", headers=headers).json[
        "totals"
    ]
    assert totals["answers"]["audience"] == 1 and totals["opt_in"]["audience"] == 0
    assert totals["answers"]["sharing"] == 2 and totals["opt_in"]["sharing"] == 0.5
    resp = client.get("/api/v1/admin/sites/shop/consents?format=csv", headers=headers)
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True))))
    assert [rows[1]["choice_audience"], rows[1]["choice_sharing"]] == ["", "1"]


def test_stats_bad_range_is_422(client, tokens):
    resp = client.get("/api/v1/admin/sites/shop/stats?to=soon", headers=auth(tokens["viewer"]))
    assert resp.status_code == 422 and "to" in resp.json["errors"]


def test_openapi_lists_admin_paths(client):
    spec = client.get("/api/v1/openapi.json").json
    for path in (
        "/api/v1/admin/sites/{key}/draft",
        "/api/v1/admin/sites/{key}/publish",
        "/api/v1/admin/sites/{key}/consents",
        "/api/v1/admin/sites/{key}/stats",
    ):
        assert path in spec["paths"], path
    assert set(spec["paths"]["/api/v1/admin/sites/{key}/draft"]) == {"get", "put"}
    assert "DraftSchema" in spec["components"]["schemas"]
    assert "PublishOut" in spec["components"]["schemas"]
