"""The catalogue of common services: what it holds, `temoin add-service`, and the admin's
« Add from catalogue » (roles, CSRF, audited, into the draft only)."""

from __future__ import annotations

import json

import pytest

from server.domain.accounts import upsert_admin
from server.domain.catalogue import add_service, catalogue
from server.domain.drafts import draft_doc
from server.domain.scan.hosts import match_host
from server.domain.schemas_admin import is_tracker
from server.domain.sites import create_site
from server.extensions import db
from server.models import AuditEvent, PolicyVersion
from tests.admin.conftest import PASSWORD, login, post

NAMED = [
    "google-analytics",
    "google-tag-manager",
    "google-ads",
    "matomo",
    "plausible",
    "hotjar",
    "clarity",
    "microsoft-ads",
    "facebook",
    "linkedin-insight",
    "tiktok-pixel",
    "pinterest",
    "twitter",
    "youtube",
    "vimeo",
    "google-maps",
    "recaptcha",
    "crisp",
    "intercom",
    "hubspot",
    "brevo",
    "mailchimp",
    "stripe",
]


def test_the_catalogue_holds_fifty_services_with_capped_lifetimes():
    services = catalogue()
    assert len(services) >= 50
    assert set(NAMED) <= set(services)
    for svc in services.values():
        assert svc.fr and svc.en and svc.privacy_url.startswith("https://"), svc.slug
        assert svc.category in ("necessary", "functional", "audience", "sharing", "advertising")
        assert all(0 <= days <= 395 for _, days in svc.cookies), svc.slug
        if svc.category == "necessary":
            assert not any(is_tracker(name) for name, _ in svc.cookies), svc.slug


def test_every_catalogue_service_fits_a_new_sites_draft(app):
    site = create_site("fresh", "Fresh", ["https://fresh.test"])
    for slug in catalogue():
        if slug in ("facebook-share", "linkedin-share"):
            continue  # a second Facebook or LinkedIn entry: same cookie names, other purpose
        add_service(site, slug, "test")
        db.session.commit()  # one transaction per service, as one click in the admin is
    doc = draft_doc(site)
    slugs = {s["slug"] for c in doc["categories"] for s in c["services"]}
    assert len(slugs) == len(catalogue()) - 2


def test_the_scanner_knows_the_catalogues_hosts():
    assert match_host("www.clarity.ms").service == "Microsoft Clarity"
    assert match_host("cdn.taboola.com").category == "advertising"


def test_add_service_from_the_command_line(app, runner):
    site = create_site("fresh", "Fresh", ["https://fresh.test"])
    db.session.commit()
    res = runner.invoke(args=["add-service", "fresh", "hotjar"])
    assert res.exit_code == 0, res.output
    assert "Hotjar added to the draft of fresh in functional" in res.output
    functional = next(c for c in draft_doc(site)["categories"] if c["slug"] == "functional")
    assert [s["slug"] for s in functional["services"]] == ["hotjar"]
    assert db.session.query(PolicyVersion).count() == 0
    before = json.dumps(draft_doc(site))
    again = runner.invoke(args=["add-service", "fresh", "hotjar"])
    assert again.exit_code == 1 and "already has the service 'hotjar'" in again.output
    unknown = runner.invoke(args=["add-service", "fresh", "nope"])
    assert unknown.exit_code == 1 and "No service 'nope'" in unknown.output
    assert "google-analytics" in unknown.output
    assert runner.invoke(args=["add-service", "nosite", "hotjar"]).exit_code == 1
    db.session.expire_all()
    assert json.dumps(draft_doc(site)) == before


@pytest.fixture
def fresh(app):
    site = create_site("fresh", "Fresh", ["https://fresh.test"])
    upsert_admin("editor@fresh.test", PASSWORD, {"fresh": "editor"})
    upsert_admin("viewer@fresh.test", PASSWORD, {"fresh": "viewer"})
    upsert_admin("owner@other.test", PASSWORD, {})
    create_site("other", "Other", ["https://other.test"])
    from server.domain.accounts import find_admin, set_role

    set_role(
        find_admin("owner@other.test"),
        db.session.query(type(site)).filter_by(key="other").one(),
        "owner",
    )
    db.session.commit()
    return site


PAGE = "/admin/sites/fresh/catalogue"


def test_an_editor_adds_a_service_in_one_click_audited(client, fresh):
    login(client, "editor@fresh.test")
    assert "Google Analytics 4" in client.get(PAGE).get_data(as_text=True)
    resp = post(client, PAGE, {"service": "youtube"})
    assert resp.status_code == 302
    sharing = next(c for c in draft_doc(fresh)["categories"] if c["slug"] == "sharing")
    assert [ck["name"] for ck in sharing["services"][0]["cookies"]] == ["YSC", "VISITOR_INFO1_LIVE"]
    event = db.session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
    assert event.action == "edit catalogue youtube" and event.actor == "editor@fresh.test"
    again = post(client, PAGE, {"service": "youtube"})
    assert again.status_code == 409
    assert post(client, PAGE, {"service": "<script>"}).status_code == 404


def test_catalogue_needs_an_editor_csrf_and_the_right_site(client, fresh):
    login(client, "viewer@fresh.test")
    assert client.get(PAGE).status_code == 403
    login(client, "owner@other.test")
    assert client.get(PAGE).status_code == 404
    login(client, "editor@fresh.test")
    assert client.post(PAGE, data={"service": "hotjar"}).status_code == 400
    assert all(not c["services"] for c in draft_doc(fresh)["categories"])
