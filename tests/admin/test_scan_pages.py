"""The Scan pages without a browser: login, roles, CSRF, another site's scans, hostile input,
the report rendered as text, and proposals landing in the draft (audited, never published)."""

from __future__ import annotations

import json

import pytest

from server.domain.drafts import draft_doc
from server.domain.policy import canonical_json, sha256_hex
from server.domain.scan.jobs import queue
from server.extensions import db
from server.models import AuditEvent, PolicyVersion, Scan
from tests.admin.conftest import csrf, login, post, tr

PAGE = "/admin/sites/shop/scans"
HOSTILE = '<script>alert("x")</script>'


def _result(site, **over):
    body = {
        "format": 1,
        "scan": None,
        "site": site.key,
        "requested_by": "editor@shop.test",
        "requested_at": "2026-12-01T10:00:00.000000Z",
        "started_at": "2026-12-01T10:00:01Z",
        "finished_at": "2026-12-01T10:01:00Z",
        "seconds": 59.0,
        "policy_version": 1,
        "policy_sha256": "ab" * 32,
        "browser": "Chromium 1",
        "cookie_database": "test",
        "options": {"urls": [], "max_pages": 20},
        "limits": {},
        "passes": {
            "a": "before any choice",
            "b": "after « Tout refuser »",
            "c": "after « Tout accepter »",
        },
        "verdict": "not compliant",
        "offences": [
            {
                "page": "https://shop.test/",
                "pass": "a",
                "kind": "cookie",
                "name": "_ga",
                "domain": "shop.test",
                "category": "audience",
                "status": "known",
                "service": None,
                "removed": False,
                "cause": {
                    "url": "https://www.googletagmanager.com/gtag/js",
                    "element": HOSTILE,
                    "markup": HOSTILE,
                },
            }
        ],
        "pages": [{"url": "https://shop.test/" + HOSTILE, "status": "ok", "passes": {}}],
        "matched": [],
        "drift": {
            "undeclared": [],
            "never_observed": [],
            "wrong_category": [],
            "lifetime_too_short": [],
            "over_13_months": [],
        },
        "proposals": [
            {
                "id": "cookie:_hjSessionUser_*",
                "kind": "cookie",
                "name": "_hjSessionUser_*",
                "observed_name": "_hjSessionUser_123",
                "domain": "",
                "observed_days": 365,
                "lifetime_days": 365,
                "category": "functional",
                "service": {
                    "slug": "hotjar",
                    "name": "Hotjar",
                    "provider": "Hotjar",
                    "privacy_url": "https://www.hotjar.com/legal/policies/privacy/",
                },
                "purpose": "Hotjar cookie " + HOSTILE,
                "source": "Open Cookie Database",
                "pages": ["https://shop.test/"],
            },
            {
                "id": "cookie:_ga",
                "kind": "cookie",
                "name": "_ga",
                "observed_name": "_ga",
                "domain": "",
                "observed_days": 730,
                "lifetime_days": 395,
                "category": "audience",
                "service": {
                    "slug": "google-analytics",
                    "name": "Google Analytics",
                    "provider": "Google",
                    "privacy_url": "",
                },
                "purpose": "ID used to identify users",
                "source": "Open Cookie Database",
                "pages": ["https://shop.test/"],
            },
        ],
        "skipped_for_time": [],
        "not_visited_past_max_pages": 0,
    }
    body.update(over)
    return body


def finished_scan(shop):
    """A done scan of `shop` with two proposals (one a tracker), stored as the worker would."""
    scan = Scan(
        site_id=shop.id,
        state="queued",
        options={},
        progress={},
        error="",
        browser_version="",
        requested_by="editor@shop.test",
    )
    db.session.add(scan)
    db.session.flush()
    text = canonical_json(_result(shop, scan=scan.id))
    scan.result, scan.result_sha256 = text, sha256_hex(text)
    scan.state, scan.verdict, scan.pages, scan.offences = "done", "not compliant", 1, 1
    from server.models import utcnow

    scan.finished_at = utcnow()
    db.session.commit()
    return scan


@pytest.fixture
def done_scan(shop):
    return finished_scan(shop)


def test_the_scan_page_needs_a_login(client, shop):
    assert client.get(PAGE).status_code == 302
    assert client.post(PAGE, data={}).status_code in (302, 400)
    assert db.session.query(Scan).count() == 0


def test_an_editor_queues_a_scan_through_the_form(app, client, as_role):
    as_role("editor")
    resp = post(client, PAGE, {"urls": "https://shop.test/contact\n", "max_pages": "3"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    scan = db.session.query(Scan).one()
    assert scan.state == "queued" and scan.options == {
        "urls": ["https://shop.test/contact"],
        "max_pages": 3,
    }
    assert queue(app).huey.pending_count() == 1
    page = client.get(resp.headers["Location"])
    assert "waiting for the worker" in page.get_data(as_text=True)
    assert page.headers["Refresh"] == "3"


def test_the_form_needs_its_csrf_token(client, as_role):
    as_role("editor")
    resp = client.post(PAGE, data={"urls": "", "max_pages": "3"})
    assert resp.status_code == 400
    assert db.session.query(Scan).count() == 0


@pytest.mark.parametrize(
    ("form", "needle"),
    [
        ({"urls": "https://evil.test/"}, "not on the site"),
        ({"urls": "file:///etc/passwd"}, "not an http(s) URL"),
        ({"urls": "javascript:alert(1)"}, "not an http(s) URL"),
        ({"max_pages": "0"}, "max pages is a whole number from 1 to 200"),
        ({"max_pages": "999999999"}, "Max pages"),
        ({"max_pages": "-3"}, "Max pages"),
    ],
)
def test_hostile_form_input_is_refused_and_stores_nothing(app, client, as_role, form, needle):
    as_role("editor")
    resp = post(client, PAGE, form)
    assert resp.status_code == 422
    assert needle in resp.get_data(as_text=True)
    assert db.session.query(Scan).count() == 0
    assert queue(app).huey.pending_count() == 0


def test_a_viewer_reads_but_cannot_start(client, as_role, done_scan):
    as_role("viewer")
    assert client.get(PAGE).status_code == 200
    assert post(client, PAGE, {"max_pages": "2"}).status_code == 403
    assert client.get(f"{PAGE}/{done_scan.id}").status_code == 200


def test_another_sites_admin_sees_nothing(client, done_scan):
    login(client, "owner@other.test")
    assert client.get(PAGE).status_code == 404
    assert client.get(f"{PAGE}/{done_scan.id}").status_code == 404
    assert client.get(f"{PAGE}/{done_scan.id}.json").status_code == 404
    assert client.get(f"{PAGE}/{done_scan.id}/report.html").status_code == 404
    token = csrf(client, "/admin/")
    assert client.post(PAGE, data={"csrf_token": token}).status_code == 404
    # Their own site's address with this scan's id: not theirs either.
    assert client.get(f"/admin/sites/other/scans/{done_scan.id}").status_code == 404


def test_report_and_downloads_render_admin_text_as_text(client, as_role, done_scan):
    as_role("viewer")
    for url in (f"{PAGE}/{done_scan.id}", f"{PAGE}/{done_scan.id}/report.html"):
        html = client.get(url).get_data(as_text=True)
        assert HOSTILE not in html
        assert "&lt;script&gt;alert(" in html
        assert "Verdict: not compliant" in html
    report = client.get(f"{PAGE}/{done_scan.id}/report.html")
    assert "attachment" in report.headers["Content-Disposition"]
    raw = client.get(f"{PAGE}/{done_scan.id}.json")
    assert raw.mimetype == "application/json"
    assert sha256_hex(raw.get_data(as_text=True)) == done_scan.result_sha256
    assert json.loads(raw.get_data())["verdict"] == "not compliant"


def test_accepting_a_proposal_lands_it_in_the_draft_audited_not_published(
    client, as_role, done_scan, shop
):
    as_role("editor")
    versions = db.session.query(PolicyVersion).count()
    resp = post(
        client,
        f"{PAGE}/{done_scan.id}/accept",
        {
            "proposal": "cookie:_hjSessionUser_*",
            "category": "functional",
            "service_slug": "hotjar",
            "service_name": "Hotjar",
            "name": "_hjSessionUser_*",
            "lifetime_days": "365",
            "purpose": "Identifies the visitor across Hotjar sessions.",
        },
    )
    assert resp.status_code == 302, resp.get_data(as_text=True)
    db.session.expire_all()
    doc = draft_doc(shop)
    functional = next(c for c in doc["categories"] if c["slug"] == "functional")
    hotjar = next(s for s in functional["services"] if s["slug"] == "hotjar")
    assert hotjar["cookies"][0]["name"] == "_hjSessionUser_*"
    assert hotjar["cookies"][0]["lifetime_days"] == 365
    assert db.session.query(PolicyVersion).count() == versions
    event = db.session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
    assert event.action == "edit scan proposal" and event.actor == "editor@shop.test"
    page = client.get(f"{PAGE}/{done_scan.id}").get_data(as_text=True)
    assert "In the draft." in page


def test_a_tracker_is_refused_in_necessary(client, as_role, done_scan, shop):
    as_role("editor")
    before = json.dumps(draft_doc(shop))
    resp = post(
        client,
        f"{PAGE}/{done_scan.id}/accept",
        {
            "proposal": "cookie:_ga",
            "category": "necessary",
            "service_slug": "google-analytics",
            "service_name": "Google Analytics",
            "name": "_ga",
            "lifetime_days": "395",
            "purpose": "x",
        },
    )
    assert resp.status_code == 422
    assert "known tracking cookie" in resp.get_data(as_text=True)
    db.session.expire_all()
    assert json.dumps(draft_doc(shop)) == before


@pytest.mark.parametrize(
    ("form", "status", "needle"),
    [
        ({"lifetime_days": "9999"}, 422, "395"),
        ({"lifetime_days": "x"}, 422, "whole number"),
        ({"category": "nope"}, 422, "no category"),
        ({"name": "bad name;"}, 422, "cookie name"),
        ({"service_slug": ""}, 422, "Name the service"),
    ],
)
def test_bad_edits_of_a_proposal_change_nothing(
    client, as_role, done_scan, shop, form, status, needle
):
    as_role("editor")
    before = json.dumps(draft_doc(shop))
    base = {
        "proposal": "cookie:_hjSessionUser_*",
        "category": "functional",
        "service_slug": "hotjar",
        "service_name": "Hotjar",
        "name": "_hjSessionUser_*",
        "lifetime_days": "365",
        "purpose": "x",
    }
    resp = post(client, f"{PAGE}/{done_scan.id}/accept", {**base, **form})
    assert resp.status_code == status
    assert needle in resp.get_data(as_text=True)
    db.session.expire_all()
    assert json.dumps(draft_doc(shop)) == before


def test_the_site_page_shows_the_last_scan_and_flags_it(client, as_role, done_scan):
    as_role("viewer")
    html = client.get("/admin/sites/shop/").get_data(as_text=True)
    why = tr("last scan: %(verdict)s", verdict="not compliant")
    assert "not compliant" in html and tr("needs a scan (%(why)s)", why=why) in html
    from server.domain.accounts import upsert_admin
    from tests.admin.conftest import PASSWORD

    upsert_admin("root@shop.test", PASSWORD, {}, True)
    db.session.commit()
    login(client, "root@shop.test")
    index = client.get("/admin/").get_data(as_text=True)
    assert tr("last scan: %(verdict)s", verdict="not compliant") in index  # shop
    assert tr("never scanned") in index  # other


def test_two_scans_compare(client, as_role, done_scan, shop):
    as_role("viewer")
    other = Scan(
        site_id=shop.id, state="queued", options={}, progress={}, error="", browser_version=""
    )
    db.session.add(other)
    db.session.flush()
    result = _result(
        shop,
        scan=other.id,
        verdict="compliant",
        offences=[],
        pages=[
            {
                "url": "https://shop.test/",
                "status": "ok",
                "passes": {
                    "c": {
                        "cookies": [{"name": "_hjSessionUser_123", "domain": "shop.test"}],
                        "storage": [],
                        "requests": [],
                    }
                },
            }
        ],
    )
    other.result = canonical_json(result)
    other.state, other.verdict = "done", "compliant"
    db.session.commit()
    html = client.get(f"{PAGE}/compare?old={done_scan.id}&new={other.id}").get_data(as_text=True)
    assert "_hjSessionUser_123" in html.split('id="appeared"')[1].split("</ul>")[0]
    assert client.get(f"{PAGE}/compare?old=x&new=1").status_code == 422
