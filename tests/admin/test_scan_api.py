"""Admin API for scans: queue (editor), list and read (viewer); hostile input stores nothing."""

from __future__ import annotations

import pytest

from server.domain.policy import canonical_json
from server.domain.scan.jobs import queue
from server.extensions import db
from server.models import Scan, ScanImmutable
from tests.support.env import free_port

SCANS = "/api/v1/admin/sites/shop/scans"


def auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def scan_count() -> int:
    return db.session.query(Scan).count()


def test_an_editor_queues_a_scan_for_the_worker(app, client, tokens):
    resp = client.post(
        SCANS,
        json={"urls": ["https://shop.test/prix#haut"], "max_pages": 5},
        headers=auth(tokens["editor"]),
    )
    assert resp.status_code == 202, resp.json
    body = resp.json
    assert body["state"] == "queued" and body["verdict"] is None
    assert body["options"] == {"urls": ["https://shop.test/prix"], "max_pages": 5}
    assert resp.headers["Location"] == f"{SCANS}/{body['id']}"
    assert queue(app).huey.pending_count() == 1
    listed = client.get(SCANS, headers=auth(tokens["viewer"]))
    assert [s["id"] for s in listed.json["scans"]] == [body["id"]]
    one = client.get(f"{SCANS}/{body['id']}", headers=auth(tokens["viewer"]))
    assert one.status_code == 200 and one.json["result"] is None


def test_without_a_body_the_scan_uses_the_default_page_budget(client, tokens):
    resp = client.post(SCANS, headers=auth(tokens["editor"]))
    assert resp.status_code == 202, resp.json
    assert resp.json["options"] == {"urls": [], "max_pages": 20}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        ({"urls": ["https://evil.test/"]}, "not on the site's origins"),
        ({"urls": ["http://shop.test/"]}, "not on the site's origins"),  # another scheme
        ({"urls": ["file:///etc/passwd"]}, "not an http(s) URL"),
        ({"urls": ["javascript:alert(1)"]}, "not an http(s) URL"),
        ({"urls": ["data:text/html,<script>1</script>"]}, "not an http(s) URL"),
        ({"urls": ["https://shop.test:99999/"]}, "not an http(s) URL"),
        ({"urls": ["https://shop.test/"] * 51}, "Longer than maximum"),
        ({"max_pages": 0}, "Must be greater than or equal to 1"),
        ({"max_pages": 10**9}, "less than or equal to 200"),
        ({"max_pages": "5"}, "Not a valid integer"),
        ({"depth": 3}, "Unknown field"),
    ],
)
def test_hostile_input_is_refused_and_stores_nothing(app, client, tokens, body, needle):
    resp = client.post(SCANS, json=body, headers=auth(tokens["editor"]))
    assert resp.status_code == 422, resp.json
    assert needle in str(resp.json), resp.json
    assert scan_count() == 0
    assert queue(app).huey.pending_count() == 0


def test_roles_and_sites_are_kept_apart(client, tokens):
    assert client.post(SCANS, json={}, headers=auth(tokens["viewer"])).status_code == 403
    assert client.post(SCANS, json={}, headers=auth(tokens["other"])).status_code == 404
    assert client.post(SCANS, json={}).status_code == 401
    assert scan_count() == 0
    mine = client.post(SCANS, json={}, headers=auth(tokens["editor"])).json["id"]
    theirs = client.post(
        "/api/v1/admin/sites/other/scans", json={}, headers=auth(tokens["other"])
    ).json["id"]
    assert client.get(f"{SCANS}/{theirs}", headers=auth(tokens["owner"])).status_code == 404
    assert client.get(SCANS, headers=auth(tokens["other"])).status_code == 404
    listed = client.get(SCANS, headers=auth(tokens["owner"])).json["scans"]
    assert [s["id"] for s in listed] == [mine]
    assert client.get(f"{SCANS}/999999", headers=auth(tokens["owner"])).status_code == 404
    assert client.get(f"{SCANS}/-1", headers=auth(tokens["owner"])).status_code == 404


def test_a_queue_that_is_down_answers_503_and_the_scan_is_marked_failed(app, client, tokens):
    app.config["REDIS_URL"] = f"redis://127.0.0.1:{free_port()}/0"
    app.extensions.pop("temoin_queue", None)
    resp = client.post(SCANS, json={}, headers=auth(tokens["editor"]))
    assert resp.status_code == 503, resp.json
    assert resp.json["code"]
    scan = db.session.query(Scan).one()
    assert scan.state == "failed" and "queue is unavailable" in scan.error


def test_a_finished_scan_cannot_change(app, sites):
    scan = Scan(
        site_id=sites.id,
        state="done",
        options={},
        progress={},
        error="",
        browser_version="",
        result=canonical_json({"verdict": "compliant"}),
        verdict="compliant",
    )
    db.session.add(scan)
    db.session.commit()
    scan.verdict = "not compliant"
    with pytest.raises(ScanImmutable):
        db.session.flush()
    db.session.rollback()
    scan.result = "{}"
    with pytest.raises(ScanImmutable):
        db.session.flush()
    db.session.rollback()
    assert db.session.get(Scan, scan.id).verdict == "compliant"


def test_the_openapi_document_lists_the_scan_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/api/v1/admin/sites/{key}/scans"]) == {"get", "post"}
    assert "get" in paths["/api/v1/admin/sites/{key}/scans/{scan_id}"]
