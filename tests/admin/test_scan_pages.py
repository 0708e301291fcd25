"""The Scan pages without a browser: login, roles, CSRF, another site's scans, hostile input,
the report rendered as text, and proposals landing in the draft (audited, never published)."""

from __future__ import annotations

import json

import pytest
from markupsafe import Markup, escape

from server.domain.catalogue import catalogue
from server.domain.drafts import draft_doc
from server.domain.policy import canonical_json, sha256_hex
from server.domain.scan.jobs import queue
from server.extensions import db
from server.models import AuditEvent, PolicyVersion, Scan
from tests.admin.conftest import csrf, locale_of, login, ntr, post, said, tr
from tests.support.scans import HOSTILE, scan_result, store_scan

PAGE = "/admin/sites/shop/scans"


@pytest.fixture
def done_scan(shop):
    """A done scan of `shop` with three proposals (one a tracker), stored as the worker would."""
    return store_scan(shop)


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
    html = page.get_data(as_text=True)
    assert tr("Queued: waiting for the worker (temoin worker).") in html
    assert tr("This page reloads every 3 seconds.") in html
    flash = said("Scan %(id)s queued: the worker runs it; this page follows it.", id=scan.id)
    assert flash in html
    assert page.headers["Refresh"] == "3"


def test_a_running_and_a_failed_scan_say_so(client, as_role, shop):
    as_role("viewer")
    running = store_scan(shop, state="running")
    html = client.get(f"{PAGE}/{running.id}").get_data(as_text=True)
    url = Markup(" (<code>https://shop.test/contact</code>)")
    progress = tr("Running: page %(page)s of at most %(total)s%(url)s.", page=2, total=4, url=url)
    assert progress in html
    failed = store_scan(shop, state="failed", error="the worker stopped during the scan")
    html = client.get(f"{PAGE}/{failed.id}").get_data(as_text=True)
    why = tr("the worker stopped during the scan")
    assert tr("The scan failed: %(error)s", error=why) in html
    listing = client.get(PAGE).get_data(as_text=True)
    assert f"<td>{tr('running')}</td>" in listing and f"<td>{tr('failed')}</td>" in listing


def test_the_form_needs_its_csrf_token(client, as_role):
    as_role("editor")
    resp = client.post(PAGE, data={"urls": "", "max_pages": "3"})
    assert resp.status_code == 400
    assert db.session.query(Scan).count() == 0


@pytest.mark.parametrize(
    ("form", "message", "values"),
    [
        (
            {"urls": "https://evil.test/"},
            "%(url)s is not on the site's origins (%(origins)s)",
            {"url": "'https://evil.test/'", "origins": "https://shop.test"},
        ),
        (
            {"urls": "file:///etc/passwd"},
            "not an http(s) URL: %(url)s",
            {"url": "'file:///etc/passwd'"},
        ),
        (
            {"urls": "javascript:alert(1)"},
            "not an http(s) URL: %(url)s",
            {"url": "'javascript:alert(1)'"},
        ),
        ({"max_pages": "0"}, "max pages is a whole number from 1 to %(max)s", {"max": 200}),
        ({"max_pages": "999999999"}, "Max pages: a whole number from 1 to %(max)s.", {"max": 200}),
        ({"max_pages": "-3"}, "Max pages: a whole number from 1 to %(max)s.", {"max": 200}),
    ],
)
def test_hostile_form_input_is_refused_and_stores_nothing(
    app, client, as_role, form, message, values
):
    as_role("editor")
    resp = post(client, PAGE, form)
    assert resp.status_code == 422
    assert said(message, **values) in resp.get_data(as_text=True)
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
        assert tr("Verdict: %(verdict)s", verdict=tr("not compliant")) in html
    report = client.get(f"{PAGE}/{done_scan.id}/report.html")
    assert "attachment" in report.headers["Content-Disposition"]
    raw = client.get(f"{PAGE}/{done_scan.id}.json")
    assert raw.mimetype == "application/json"
    assert sha256_hex(raw.get_data(as_text=True)) == done_scan.result_sha256
    # The stored result is evidence: its download stays in English whatever the admin reads.
    stored = json.loads(raw.get_data())
    assert stored["verdict"] == "not compliant"
    assert stored["passes"]["b"] == "after « Tout refuser »"
    assert stored["proposals"][1]["refused"] == (
        "_ga is a known tracking cookie: not strictly necessary"
    )
    # The report follows the admin's language.
    assert f'<html lang="{locale_of()}">' in report.get_data(as_text=True)


def test_a_finished_scan_reads_in_the_admins_language(client, as_role, done_scan):
    as_role("editor")
    html = client.get(f"{PAGE}/{done_scan.id}").get_data(as_text=True)
    # The passes, the offences and what caused them.
    assert f"<td>{tr('before any choice')}</td>" in html
    assert f"<td>{tr('after « Tout refuser »')}</td>" in html
    assert tr("Before consent: %(num)s offence(s)", num=2) in html
    assert (
        tr("request to") + " <code>www.googletagmanager.com</code> " + tr("(set, then deleted)")
        in html
    )
    assert tr("Mark it like this (README, gating tags):") in html
    # Each kind of drift under its heading.
    for label in (
        "Observed but declared nowhere",
        "Declared but never observed",
        "Observed in another category than declared",
        "Declared lifetime shorter than observed",
        "Lifetime over 13 months (COMPLIANCE 16)",
    ):
        assert f"<h3>{tr(label)}</h3>" in html
    # One day is said as one (it read "declared 1 days").
    lifetimes = tr(
        "declared %(declared)s, observed %(observed)s",
        declared=ntr("%(num)d day", "%(num)d days", 1),
        observed=ntr("%(num)d day", "%(num)d days", 2),
    )
    assert lifetimes in html
    # Proposals: where they come from, why one cannot be necessary, the form's labels.
    assert tr("Proposals for the draft") in html
    refused = tr("%(name)s is a known tracking cookie: not strictly necessary", name="_ga")
    assert f'<p class="error">{refused}</p>' in html
    assert tr("unknown: choose its category") in html
    assert tr("— choose —") in html and tr("Add to the draft") in html
    # The pages, their passes and how they ended.
    timeout = tr("the page did not finish loading in %(seconds)s s", seconds="15")
    assert tr("%(where)s: %(what)s", where=tr("timeout"), what=timeout) in html
    assert tr("(Témoin's banner button was not found)") in html
    assert tr("third-party") in html and tr("first-party") in html
    assert tr("; %(num)s more found but not visited", num=3) in html


def test_the_scans_list_reads_in_the_admins_language(client, as_role, done_scan):
    as_role("editor")
    html = client.get(PAGE).get_data(as_text=True)
    assert f"<h1>{tr('Scan the site')}</h1>" in html
    assert f"<td>{tr('done')}</td>" in html
    assert f">{tr('not compliant')}</td>" in html
    assert tr("Compare the two chosen scans") in html
    assert tr("Scan now") in html


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
    assert f'<p class="ok">{tr("In the draft.")}</p>' in page
    flash = said("%(name)s added to the draft: preview, then publish.", name="_hjSessionUser_*")
    assert flash in page


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
    refused = said(
        "%(name)s is a known tracking cookie: it cannot be strictly necessary (CNIL "
        "guidelines); put its service in a category that needs consent.",
        name="_ga",
    )
    assert f'<p class="flash error" role="alert">{refused}</p>' in resp.get_data(as_text=True)
    db.session.expire_all()
    assert json.dumps(draft_doc(shop)) == before


@pytest.mark.parametrize(
    ("form", "status", "message", "values"),
    [
        (
            {"lifetime_days": "9999"},
            422,
            "At most %(days)s days (13 months).",
            {"days": 395},
        ),
        ({"lifetime_days": "x"}, 422, "Lifetime: a whole number of days.", {}),
        (
            {"category": "nope"},
            422,
            "The site has no category %(category)s.",
            {"category": "'nope'"},
        ),
        ({"name": "bad name;"}, 422, "A cookie name or pattern (a*).", {}),
        ({"service_slug": ""}, 422, "Name the service this cookie belongs to.", {}),
    ],
)
def test_bad_edits_of_a_proposal_change_nothing(
    client, as_role, done_scan, shop, form, status, message, values
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
    assert said(message, **values) in resp.get_data(as_text=True)
    db.session.expire_all()
    assert json.dumps(draft_doc(shop)) == before


def test_the_site_page_shows_the_last_scan_and_flags_it(client, as_role, done_scan):
    as_role("viewer")
    html = client.get("/admin/sites/shop/").get_data(as_text=True)
    verdict = tr("not compliant")
    why = tr("last scan: %(verdict)s", verdict=verdict)
    assert f"UTC: {verdict}</a>" in html and tr("needs a scan (%(why)s)", why=why) in html
    from server.domain.accounts import upsert_admin
    from tests.admin.conftest import PASSWORD

    upsert_admin("root@shop.test", PASSWORD, {}, True)
    db.session.commit()
    login(client, "root@shop.test")
    index = client.get("/admin/").get_data(as_text=True)
    assert tr("last scan: %(verdict)s", verdict=tr("not compliant")) in index  # shop
    assert tr("never scanned") in index  # other


def test_two_scans_compare(client, as_role, done_scan, shop):
    as_role("viewer")
    other = Scan(
        site_id=shop.id, state="queued", options={}, progress={}, error="", browser_version=""
    )
    db.session.add(other)
    db.session.flush()
    result = scan_result(
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
    went = html.split('id="went-away"')[1].split("</ul>")[0]
    assert tr("request to") + " <code>www.googletagmanager.com</code>" in went
    change = tr(
        "Verdict: %(old)s → %(new)s; offences %(before)s → %(after)s.",
        old=tr("not compliant"),
        new=tr("compliant"),
        before=2,
        after=0,
    )
    assert change in html and f"<h2>{tr('Went away')}</h2>" in html
    refused = client.get(f"{PAGE}/compare?old=x&new=1")
    assert refused.status_code == 422
    assert said("Choose two scans.") in refused.get_data(as_text=True)


def test_the_catalogue_reads_in_the_admins_language(client, as_role, shop, locale):
    as_role("owner")
    page = "/admin/sites/shop/catalogue"
    html = client.get(page).get_data(as_text=True)
    matomo = catalogue()["matomo"]
    # The services' descriptions are data in French and English: the admin's language's one.
    described = matomo.fr if locale == "fr" else matomo.en
    assert str(escape(described)) in html
    assert said(matomo.note) in html
    assert tr("Add %(name)s", name=matomo.name) in html
    resp = post(client, page, {"service": "matomo"})
    assert resp.status_code == 302
    html = client.get(resp.headers["Location"]).get_data(as_text=True)
    added = said(
        "%(name)s added to the draft (%(category)s).", name=matomo.name, category="audience"
    )
    assert added in html and tr("In the draft") in html
    again = post(client, page, {"service": "matomo"})
    assert again.status_code == 409
    present = said("The draft already has the service %(slug)s.", slug="'matomo'")
    assert present in again.get_data(as_text=True)
    unknown = post(client, page, {"service": "nope"})
    assert unknown.status_code == 404
    assert said("No service %(slug)s in the catalogue.", slug="'nope'") in unknown.get_data(
        as_text=True
    )
    # The audit log names the change as a DPO reads it.
    audit = client.get("/admin/sites/shop/audit").get_data(as_text=True)
    assert tr("service %(slug)s added from the catalogue", slug="matomo") in audit
