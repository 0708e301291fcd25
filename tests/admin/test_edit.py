"""Editing pages: settings, categories, services and cookies; field errors keep what was typed."""

from __future__ import annotations

import json
import re

import pytest

from server.domain.drafts import draft_doc
from server.domain.schemas_admin import BANNER_KEYS
from server.extensions import db
from server.models import AuditEvent, PolicyVersion, Site
from tests.admin.conftest import audit_count, language, ntr, post, said, tr

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


UNPUBLISHED = (
    "Nothing was published: these texts, shown to visitors, are empty in one of the site's "
    "languages. Fill them in the draft, then publish."
)
ORIGIN = "Not an origin (scheme://host[:port]): %(origin)s"
DAYS = "Between %(min)s and %(max)s days (13 months)."
CHARS = "Between %(min)s and %(max)s characters."
TRACKER = (
    "%(name)s is a known tracking cookie: it cannot be strictly necessary (CNIL "
    "guidelines); put its service in a category that needs consent."
)


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        (
            {"origins": "https://shop.test\nnot an origin"},
            "origins",
            (ORIGIN, {"origin": "'not an origin'"}),
        ),
        (
            {"origins": "javascript:alert(1)"},
            "origins",
            (ORIGIN, {"origin": "'javascript:alert(1)'"}),
        ),
        ({"lifetime_days": "400"}, "lifetime_days", (DAYS, {"min": 1, "max": 395})),
        ({"lifetime_days": "abc"}, "lifetime_days", ("Not a valid integer.", {})),
        (
            {"default_language": "de"},
            "default_language",
            ("Must be one of the site's languages.", {}),
        ),
        ({"theme.primary": "red"}, "theme.primary", ("A colour like #1f4fd1.", {})),
        ({"name": ""}, "name", (CHARS, {"min": 1, "max": 200})),
        (
            {"texts.fr.title": "x" * 5000},
            "texts.fr.title",
            ("At most %(max)s characters.", {"max": 4000}),
        ),
    ],
)
def test_invalid_settings_show_field_errors_and_save_nothing(as_role, overrides, field, message):
    client = as_role("editor")
    before, events = json.dumps(shop_doc()), audit_count()
    form = settings_form(**overrides)
    resp = post(client, "/admin/sites/shop/settings", form)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert tr("Nothing was saved: correct the fields marked below.") in html
    fid = "f-" + field.replace(".", "-")
    assert f'id="{fid}-e"' in html and said(message[0], **message[1]) in html
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
        (
            {"category": "necessary", "cookies.0.name": "_ga"},
            "cookies.0.name",
            (TRACKER, {"name": "_ga"}),
        ),
        (
            {"category": "necessary", "cookies.0.name": "_fbp"},
            "cookies.0.name",
            (TRACKER, {"name": "_fbp"}),
        ),
        (
            {"category": "necessary", "cookies.0.name": "IDE"},
            "cookies.0.name",
            (TRACKER, {"name": "IDE"}),
        ),
        (
            {"cookies.0.lifetime_days": "396"},
            "cookies.0.lifetime_days",
            ("At most %(days)s days (13 months).", {"days": 395}),
        ),
        ({"slug": "audience-svc"}, "slug", ("Each service slug appears once in the site.", {})),
        ({"slug": "Bad slug"}, "slug", ("Lowercase letters, digits, - and _.", {})),
        ({"privacy_url": "javascript:alert(1)"}, "privacy_url", ("An http(s) URL or a /path.", {})),
        ({"category": "nope"}, "category", ("Choose a category.", {})),
        ({"name": ""}, "name", (CHARS, {"min": 1, "max": 120})),
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
    assert said(message[0], **message[1]) in html
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
    assert (
        tr("Version %(number)s published (sha256 %(hash)s…).", number=2, hash=row.sha256[:12])
        in page
    )
    # Nothing changed and no reconsent: refused with a message, no version.
    resp = post(client, "/admin/sites/shop/publish", {}, follow_redirects=True)
    nothing = "Nothing to publish: the draft equals the last published version."
    assert tr(nothing) in resp.get_data(as_text=True)
    assert db.session.query(PolicyVersion).filter_by(site_id=row.site_id).count() == 2


def test_versions_and_diff_pages(as_role):
    client = as_role("editor")
    post(client, "/admin/sites/shop/services/new", service_form())
    overview = client.get("/admin/sites/shop/").get_data(as_text=True)
    # The overview and the diff name what changed as a DPO does, never by its path.
    assert f"<li>Matomo › {tr('name')}</li>" in overview and "services[matomo]" not in overview
    draft_diff = client.get("/admin/sites/shop/diff?a=1&b=draft").get_data(as_text=True)
    assert f"<td>Matomo › {tr('name')}</td>" in draft_diff
    assert "categories[audience]" not in draft_diff
    post(client, "/admin/sites/shop/publish", {})
    versions = client.get("/admin/sites/shop/versions").get_data(as_text=True)
    assert "v2" in versions and "editor@shop.test" in versions
    diff = client.get("/admin/sites/shop/diff?a=1&b=2").get_data(as_text=True)
    cookie = tr("cookie %(name)s", name="_pk_id.*")
    assert f"<td>Matomo › {cookie} › {tr('lifetime (days)')}</td>" in diff
    assert "cookies[_pk_id.*]" not in diff
    assert client.get("/admin/sites/shop/diff?a=1&b=9").status_code == 404
    assert client.get("/admin/sites/shop/diff?a=x").status_code == 404
    page = client.get("/admin/sites/shop/versions/2").get_data(as_text=True)
    assert tr("matches the snapshot") in page


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
    assert tr(UNPUBLISHED) in html
    for lang in ("fr", "en"):
        for key in ("description", "withdraw", "accept_all", "reject_all", "close"):
            href = f"/admin/sites/shop/settings#f-texts-{lang}-{key}"
            assert f'<a href="{href}">{tr("Banner")} › ' in html, (lang, key)
    assert "#f-texts-fr-title" not in html and "texts.fr." not in html
    # Each empty text is named: the banner's « how to withdraw » in French, in the admin's words.
    withdraw = tr("%(field)s (%(language)s)", field=tr("how to withdraw"), language=language("fr"))
    assert f'#f-texts-fr-withdraw">{tr("Banner")} › {withdraw}</a>' in html
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
    in_english = language("en")
    category = tr("category %(name)s", name="name 4 fr")
    description = tr("%(field)s (%(language)s)", field=tr("description"), language=in_english)
    assert (
        '<a href="/admin/sites/shop/categories#f-categories-4-texts-en-description">'
        f"{category} › {description}</a>"
    ) in html
    cookie = tr("cookie %(name)s", name="_pk_id.*")
    purpose = tr("%(field)s (%(language)s)", field=tr("purpose"), language=in_english)
    assert (
        '<a href="/admin/sites/shop/services/audience/matomo#f-cookies-0-texts-en-purpose">'
        f"Matomo › {cookie} › {purpose}</a>"
    ) in html
    assert "categories.2.services" not in html.replace("#f-categories", "")
    assert db.session.query(PolicyVersion).count() == 2


def test_overview_warns_about_what_a_new_language_still_lacks(as_role):
    """German turned on: banner and purposes get its defaults, services and cookies are named."""
    client = as_role("editor")
    page = client.get("/admin/sites/shop/").get_data(as_text=True)
    reading = "Visitors reading %(language)s"
    assert all(tr(reading, language=language(lang)) not in page for lang in ("fr", "en", "de"))
    form = settings_form(languages="fr, en, de")
    for lang in ("fr", "en"):
        for key in BANNER_KEYS:
            form[f"texts.{lang}.{key}"] = f"{key} {lang}"
    form["texts.de.title"] = "Ihre Cookies"
    assert post(client, "/admin/sites/shop/settings", form).status_code == 302
    page = client.get("/admin/sites/shop/").get_data(as_text=True)
    warnings = "".join(re.findall(r'<div class="flash warn".*?</div>', page, re.S))
    german, french = language("de"), language("fr")
    assert warnings.count(tr(reading, language=german)) == 1
    missing = 5 + 5  # the services' and the cookies' descriptions: no default text for them
    would = ntr(
        "would get the %(other)s text, or none, where this %(num)d text is empty in "
        "%(language)s; publishing is refused until it is filled:",
        "would get the %(other)s text, or none, where these %(num)d texts are empty in "
        "%(language)s; publishing is refused until they are filled:",
        missing,
        other=french,
        language=german,
    )
    assert would in warnings
    described = tr("%(field)s (%(language)s)", field=tr("description"), language=german)
    assert f"› {described}</a>" in warnings
    assert "settings#f-texts-de-" not in warnings and "texts-en-" not in warnings
    labels = tr(
        "see the widget's own labels (“Purposes:”, “Always on”, “Lifetime”, the placeholders "
        "of blocked content, the floating button) in %(other)s: the widget has no "
        "%(language)s version of them.",
        other=french,
        language=german,
    )
    assert labels not in page and tr(reading, language=language("en")) not in page
    assert shop_doc()["texts"]["de"]["title"] == "Ihre Cookies"
    assert shop_doc()["texts"]["de"]["reject_all"] == "Alle ablehnen"
