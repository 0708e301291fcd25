"""Editing pages: settings, categories, services and cookies; field errors keep what was typed."""

from __future__ import annotations

import json
import re

import pytest

from server.domain.drafts import draft_doc
from server.domain.schemas_admin import BANNER_KEYS
from server.extensions import db
from server.models import AuditEvent, PolicyVersion, Site
from tests.admin.conftest import audit_count, post

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def shop_doc() -> dict:
    db.session.expire_all()
    return draft_doc(db.session.query(Site).filter_by(key="shop").one())


def settings_form(**overrides):
    form = {
        "name": "Shop",
        "origins": "https://shop.test\nhttps://www.shop.test",
        "languages": "fr, en",
        "default_language": "fr",
        "lifetime_days": "182",
        "theme.position": "bottom",
        "theme.primary": "#1f4fd1",
        "floating_button": "on",
        "texts.fr.title": "Vos cookies",
        "texts.en.title": "Your cookies",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def service_form(**overrides):
    form = {
        "category": "audience",
        "slug": "matomo",
        "name": "Matomo",
        "provider": "InnoCraft",
        "privacy_url": "https://matomo.org/privacy-policy/",
        "texts.fr.description": "Mesure d'audience.",
        "texts.en.description": "Audience measurement.",
        "cookies.0.name": "_pk_id.*",
        "cookies.0.domain": "",
        "cookies.0.lifetime_days": "395",
        "cookies.0.texts.fr.purpose": "Identifiant du visiteur.",
        "cookies.0.texts.en.purpose": "Visitor id.",
        "cookies.1.name": "",
        "cookies.1.lifetime_days": "",
    }
    form.update(overrides)
    return form


def test_settings_saved_in_the_draft_and_audited(as_role):
    client = as_role("editor")
    events = audit_count()
    resp = post(client, "/admin/sites/shop/settings", settings_form(lifetime_days="90"))
    assert resp.status_code == 302
    doc = shop_doc()
    assert doc["lifetime_days"] == 90
    assert doc["origins"] == ["https://shop.test", "https://www.shop.test"]
    assert doc["texts"]["fr"]["title"] == "Vos cookies"
    assert doc["floating_button"] is True and doc["reload_on_withdraw"] is False
    assert audit_count() == events + 1
    event = db.session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
    assert event.actor == "editor@shop.test" and event.action == "edit settings"
    assert event.before["lifetime_days"] == 182 and event.after["lifetime_days"] == 90


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"origins": "https://shop.test\nnot an origin"}, "origins", "not an origin"),
        ({"origins": "javascript:alert(1)"}, "origins", "not an origin"),
        ({"lifetime_days": "400"}, "lifetime_days", "395"),
        ({"lifetime_days": "abc"}, "lifetime_days", "integer"),
        ({"default_language": "de"}, "default_language", "languages"),
        ({"theme.primary": "red"}, "theme.primary", "colour"),
        ({"name": ""}, "name", "Length"),
        ({"texts.fr.title": "x" * 5000}, "texts.fr.title", "Longer"),
    ],
)
def test_invalid_settings_show_field_errors_and_save_nothing(as_role, overrides, field, message):
    client = as_role("editor")
    before, events = json.dumps(shop_doc()), audit_count()
    form = settings_form(**overrides)
    resp = post(client, "/admin/sites/shop/settings", form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Nothing was saved" in html
    fid = "f-" + field.replace(".", "-")
    assert f'id="{fid}-e"' in html and message.lower() in html.lower()
    # What was typed is still in the form.
    typed = form[field].split("\n")[-1]
    assert typed[:50] in html
    assert json.dumps(shop_doc()) == before
    assert audit_count() == events


def test_service_with_cookie_added_to_audience(as_role):
    client = as_role("editor")
    resp = post(client, "/admin/sites/shop/services/new", service_form())
    assert resp.status_code == 302
    audience = next(c for c in shop_doc()["categories"] if c["slug"] == "audience")
    svc = audience["services"][-1]
    assert svc["slug"] == "matomo" and svc["provider"] == "InnoCraft"
    assert svc["cookies"] == [
        {
            "name": "_pk_id.*",
            "domain": "",
            "lifetime_days": 395,
            "texts": {
                "fr": {"purpose": "Identifiant du visiteur."},
                "en": {"purpose": "Visitor id."},
            },
        }
    ]
    page = client.get("/admin/sites/shop/services").get_data(as_text=True)
    assert "Matomo" in page and "_pk_id.*" in page


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"category": "necessary", "cookies.0.name": "_ga"}, "cookies.0.name", "tracking"),
        ({"category": "necessary", "cookies.0.name": "_fbp"}, "cookies.0.name", "tracking"),
        ({"category": "necessary", "cookies.0.name": "IDE"}, "cookies.0.name", "tracking"),
        ({"cookies.0.lifetime_days": "396"}, "cookies.0.lifetime_days", "395"),
        ({"slug": "audience-svc"}, "slug", "once"),
        ({"slug": "Bad slug"}, "slug", "lowercase"),
        ({"privacy_url": "javascript:alert(1)"}, "privacy_url", "URL"),
        ({"category": "nope"}, "category", "Choose"),
        ({"name": ""}, "name", "Length"),
    ],
)
def test_invalid_service_refused_with_field_errors(as_role, overrides, field, message):
    client = as_role("editor")
    before = json.dumps(shop_doc())
    form = service_form(**overrides)
    resp = post(client, "/admin/sites/shop/services/new", form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422, html[:300]
    fid = "f-" + field.replace(".", "-")
    assert f'id="{fid}-e"' in html
    assert message.lower() in html.lower()
    assert 'value="InnoCraft"' in html and "Mesure d&#39;audience." in html
    assert json.dumps(shop_doc()) == before


def test_edit_service_moves_it_and_clearing_a_row_removes_the_cookie(as_role):
    client = as_role("editor")
    url = "/admin/sites/shop/services/functional/functional-svc"
    page = client.get(url).get_data(as_text=True)
    assert 'value="functional_ck"' in page
    form = {
        "category": "sharing",
        "slug": "functional-svc",
        "name": "Moved",
        "cookies.0.name": "",
        "cookies.0.lifetime_days": "",
        "cookies.1.name": "kept",
        "cookies.1.lifetime_days": "0",
    }
    assert post(client, url, form).status_code == 302
    cats = {c["slug"]: c for c in shop_doc()["categories"]}
    assert [s["slug"] for s in cats["functional"]["services"]] == []
    moved = cats["sharing"]["services"][-1]
    assert moved["name"] == "Moved"
    assert [c["name"] for c in moved["cookies"]] == ["kept"]


def test_delete_service(as_role):
    client = as_role("editor")
    resp = post(client, "/admin/sites/shop/services/sharing/sharing-svc/delete")
    assert resp.status_code == 302
    cats = {c["slug"]: c for c in shop_doc()["categories"]}
    assert cats["sharing"]["services"] == []
    assert client.get("/admin/sites/shop/services/sharing/sharing-svc").status_code == 404


def test_categories_texts_and_order(as_role):
    client = as_role("editor")
    form = {}
    for i, slug in enumerate(["necessary", "functional", "audience", "sharing", "advertising"]):
        form[f"categories.{i}.position"] = str(5 - i)
        form[f"categories.{i}.texts.fr.name"] = f"Nom {slug}"
    assert post(client, "/admin/sites/shop/categories", form).status_code == 302
    cats = shop_doc()["categories"]
    assert [c["slug"] for c in cats] == [
        "advertising",
        "sharing",
        "audience",
        "functional",
        "necessary",
    ]
    assert cats[0]["texts"] == {"fr": {"name": "Nom advertising"}}
    assert cats[0]["services"][0]["slug"] == "advertising-svc"


def test_add_and_remove_category(as_role):
    client = as_role("editor")
    assert post(client, "/admin/sites/shop/categories/add", {"slug": "video"}).status_code == 302
    assert shop_doc()["categories"][-1]["slug"] == "video"
    post(client, "/admin/sites/shop/categories/add", {"slug": "Not A Slug"})
    assert [c["slug"] for c in shop_doc()["categories"]].count("video") == 1
    assert len(shop_doc()["categories"]) == 6
    assert post(client, "/admin/sites/shop/categories/video/delete").status_code == 302
    post(client, "/admin/sites/shop/categories/necessary/delete")
    assert [c["slug"] for c in shop_doc()["categories"]][0] == "necessary"
    assert len(shop_doc()["categories"]) == 5


def test_xss_in_a_description_is_text_in_the_admin(as_role):
    client = as_role("editor")
    resp = post(
        client,
        "/admin/sites/shop/services/new",
        service_form(**{"texts.fr.description": XSS, "name": XSS[:100]}),
    )
    assert resp.status_code == 302
    for url in ("/admin/sites/shop/services", "/admin/sites/shop/services/audience/matomo"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert(2)</script>" not in html
        assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html
    assert post(client, "/admin/sites/shop/publish", {}).status_code == 302
    html = client.get("/admin/sites/shop/versions/2").get_data(as_text=True)
    assert "<img src=x" not in html and "&lt;img src=x" in html
    diff = client.get("/admin/sites/shop/diff?a=1&b=2").get_data(as_text=True)
    assert "<script>alert(2)" not in diff and "matomo" in diff


def test_publish_from_the_page_with_reconsent(as_role):
    client = as_role("editor")
    resp = post(client, "/admin/sites/shop/publish", {"reconsent": "on"})
    assert resp.status_code == 302
    row = db.session.query(PolicyVersion).filter_by(version=2).one()
    assert row.reconsent is True and row.published_by == "editor@shop.test"
    page = client.get("/admin/sites/shop/", follow_redirects=True).get_data(as_text=True)
    assert "Version 2 published" in page
    # Nothing changed and no reconsent: refused with a message, no version.
    resp = post(client, "/admin/sites/shop/publish", {}, follow_redirects=True)
    assert "Nothing to publish" in resp.get_data(as_text=True)
    assert db.session.query(PolicyVersion).filter_by(site_id=row.site_id).count() == 2


def test_versions_and_diff_pages(as_role):
    client = as_role("editor")
    post(client, "/admin/sites/shop/services/new", service_form())
    overview = client.get("/admin/sites/shop/").get_data(as_text=True)
    assert "unpublished change" in overview and "matomo" in overview
    draft_diff = client.get("/admin/sites/shop/diff?a=1&b=draft").get_data(as_text=True)
    assert "categories[audience].services[matomo].name" in draft_diff
    post(client, "/admin/sites/shop/publish", {})
    versions = client.get("/admin/sites/shop/versions").get_data(as_text=True)
    assert "v2" in versions and "editor@shop.test" in versions
    diff = client.get("/admin/sites/shop/diff?a=1&b=2").get_data(as_text=True)
    assert "categories[audience].services[matomo].cookies[_pk_id.*].lifetime_days" in diff
    assert client.get("/admin/sites/shop/diff?a=1&b=9").status_code == 404
    assert client.get("/admin/sites/shop/diff?a=x").status_code == 404
    page = client.get("/admin/sites/shop/versions/2").get_data(as_text=True)
    assert "matches the snapshot" in page


def test_preview_serves_the_widget_with_the_draft(as_role):
    client = as_role("editor")
    post(client, "/admin/sites/shop/services/new", service_form())
    page = client.get("/admin/sites/shop/preview")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/admin/sites/shop/preview/fr" in html and "/admin/sites/shop/preview/en" in html
    frame = client.get("/admin/sites/shop/preview/en")
    assert frame.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in frame.headers["Content-Security-Policy"]
    assert '<html lang="en">' in frame.get_data(as_text=True)
    js = client.get("/admin/sites/shop/preview/en/widget.js")
    assert js.status_code == 200 and js.mimetype == "application/javascript"
    body = js.get_data(as_text=True)
    assert "Temoin._boot(" in body and '"matomo"' in body and '"version":2' in body
    assert '"always_on":"Always on"' in body, "the widget's labels in the site's languages"
    assert '"always_on":"Immer aktiv"' not in body
    assert client.get("/admin/sites/shop/preview/de").status_code == 404


def test_editing_pages_need_csrf(as_role):
    client = as_role("owner")
    before = json.dumps(shop_doc())
    for url, data in (
        ("/admin/sites/shop/settings", settings_form(name="No token")),
        ("/admin/sites/shop/services/new", service_form()),
        ("/admin/sites/shop/publish", {"reconsent": "on"}),
        ("/admin/sites/shop/categories/add", {"slug": "video"}),
    ):
        resp = client.post(url, data=data)
        assert resp.status_code == 400, url
        bad = client.post(url, data={**data, "csrf_token": "forged"})
        assert bad.status_code == 400, url
    assert json.dumps(shop_doc()) == before
    assert db.session.query(PolicyVersion).count() == 2


def test_publish_page_names_each_empty_text_and_publishes_nothing(as_role):
    client = as_role("editor")
    # The form sends only the titles: every other banner text becomes empty.
    assert post(client, "/admin/sites/shop/settings", settings_form()).status_code == 302
    resp = post(client, "/admin/sites/shop/publish", {"reconsent": "on"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert "Nothing was published" in html
    for lang in ("fr", "en"):
        for key in ("description", "withdraw", "accept_all", "reject_all", "close"):
            href = f"/admin/sites/shop/settings#f-texts-{lang}-{key}"
            assert f'<a href="{href}"><code>texts.{lang}.{key}</code></a>' in html, (lang, key)
    assert "<code>texts.fr.title</code>" not in html
    assert db.session.query(PolicyVersion).count() == 2


def test_publish_page_links_empty_category_and_cookie_texts(as_role):
    client = as_role("editor")
    form = service_form(**{"cookies.0.texts.en.purpose": ""})  # a French purpose only
    assert post(client, "/admin/sites/shop/services/new", form).status_code == 302
    form = {}
    for i in range(5):
        form[f"categories.{i}.position"] = str(i + 1)
        for lang in ("fr", "en"):
            for key in ("name", "description"):
                form[f"categories.{i}.texts.{lang}.{key}"] = f"{key} {i} {lang}"
    form["categories.4.texts.en.description"] = ""
    assert post(client, "/admin/sites/shop/categories", form).status_code == 302
    resp = post(client, "/admin/sites/shop/publish", {})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert (
        '<a href="/admin/sites/shop/categories#f-categories-4-texts-en-description">'
        "<code>categories.4.texts.en.description</code></a>"
    ) in html
    assert (
        '<a href="/admin/sites/shop/services/audience/matomo#f-cookies-0-texts-en-purpose">'
        "<code>categories.2.services.1.cookies.0.texts.en.purpose</code></a>"
    ) in html
    assert db.session.query(PolicyVersion).count() == 2


def test_overview_warns_about_what_a_new_language_still_lacks(as_role):
    """German turned on: banner and purposes get its defaults, services and cookies are named."""
    client = as_role("editor")
    page = client.get("/admin/sites/shop/").get_data(as_text=True)
    assert "Visitors reading" not in page
    form = settings_form(languages="fr, en, de")
    for lang in ("fr", "en"):
        for key in BANNER_KEYS:
            form[f"texts.{lang}.{key}"] = f"{key} {lang}"
    form["texts.de.title"] = "Ihre Cookies"
    assert post(client, "/admin/sites/shop/settings", form).status_code == 302
    page = client.get("/admin/sites/shop/").get_data(as_text=True)
    warnings = "".join(re.findall(r'<div class="flash warn".*?</div>', page, re.S))
    assert warnings.count("Visitors reading de") == 1
    assert "the fr text, or none," in warnings
    assert "<code>categories.1.services.0.texts.de.description</code>" in warnings
    assert "<code>texts.de." not in warnings and "texts.en." not in warnings
    assert "the widget has no" not in page and "Visitors reading en" not in page
    assert shop_doc()["texts"]["de"]["title"] == "Ihre Cookies"
    assert shop_doc()["texts"]["de"]["reject_all"] == "Alle ablehnen"
