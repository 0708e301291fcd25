"""Hostile admin form posts and query strings: a 4xx with a message, nothing written.

Each class once answered 500: a dotted field name turned into a group where a text is
expected (or a text where a group is), a name both a text and a group, list indexes that
are not small decimal numbers, positions that are not finite numbers, integers beyond a
64-bit column in a query string, a `next` address holding CR/LF.
"""

from __future__ import annotations

import json

import pytest
from werkzeug.datastructures import MultiDict

from server.domain.drafts import draft_doc
from server.extensions import db
from server.models import Admin, Site
from tests.admin.conftest import audit_count, csrf, login, post, tr
from tests.support.html_forms import own_form, post_forms

SETTINGS = "/admin/sites/shop/settings"
SERVICE = "/admin/sites/shop/services/audience/audience-svc"
NEW_SERVICE = "/admin/sites/shop/services/new?category=audience"
CATEGORIES = "/admin/sites/shop/categories"
HUGE = "99999999999999999999"


def shop_doc() -> str:
    db.session.expire_all()
    return json.dumps(draft_doc(db.session.query(Site).filter_by(key="shop").one()))


# id: (page, prefix of the rendered fields to leave out, fields to add)
HOSTILE = {
    "theme a text": (SETTINGS, "theme.", {"theme": "x"}),
    "theme a text and a group": (SETTINGS, None, {"theme": "x"}),
    "theme.primary a group": (SETTINGS, "theme.primary", {"theme.primary.x": "#fff"}),
    "texts.fr a text": (SETTINGS, "texts.fr.", {"texts.fr": "x"}),
    "texts.fr a text and a group": (SETTINGS, None, {"texts.fr": "x"}),
    "texts a text": (SETTINGS, "texts.", {"texts": "x"}),
    "texts numbered": (SETTINGS, "texts.", {"texts.0.title": "x"}),
    "origins a group": (SETTINGS, "origins", {"origins.x": "1"}),
    "origins numbered": (SETTINGS, "origins", {"origins.0": "https://shop.test"}),
    "name a group": (SETTINGS, "name", {"name.first": "Shop"}),
    "languages a group": (SETTINGS, "languages", {"languages.0": "fr"}),
    "lifetime a group": (SETTINGS, "lifetime_days", {"lifetime_days.x": "1"}),
    "an empty part": (SETTINGS, None, {"theme..primary": "#fff"}),
    "a name 5,000 parts deep": (SETTINGS, None, {"texts." + "a." * 5000 + "b": "x"}),
    "cookies.0 a text": (SERVICE, "cookies.0.", {"cookies.0": "x"}),
    "cookies.0 a text and a group": (SERVICE, None, {"cookies.0": "x"}),
    "cookies a text": (SERVICE, "cookies.", {"cookies": "x"}),
    "cookie index a word": (SERVICE, None, {"cookies.x.name": "a"}),
    "cookie index a superscript digit": (SERVICE, None, {"cookies.\u00b2.name": "a"}),
    "cookie index 100,000": (SERVICE, None, {"cookies.100000.name": "a"}),
    "cookie index 20 digits": (SERVICE, None, {f"cookies.{HUGE}.name": "a"}),
    "cookie index with a leading zero": (SERVICE, None, {"cookies.01.name": "a"}),
    "cookie texts a text": (SERVICE, "cookies.0.texts.", {"cookies.0.texts": "x"}),
    "service texts a text": (SERVICE, "texts.", {"texts": "x"}),
    "service slug a group": (SERVICE, "slug", {"slug.x": "matomo"}),
    "service category a group": (SERVICE, "category", {"category.x": "audience"}),
    "new service cookie index a word": (NEW_SERVICE, None, {"cookies.x.name": "a"}),
    "categories.0 a text": (CATEGORIES, "categories.0.", {"categories.0": "x"}),
    "categories.0 a text and a group": (CATEGORIES, None, {"categories.0": "x"}),
    "categories a text": (CATEGORIES, "categories.", {"categories": "x"}),
    "category index 20 digits": (CATEGORIES, None, {f"categories.{HUGE}.slug": "a"}),
    "category index a word": (CATEGORIES, None, {"categories.x.position": "1"}),
    "category texts a text": (CATEGORIES, "categories.0.texts.", {"categories.0.texts": "x"}),
    "position a group": (CATEGORIES, "categories.0.position", {"categories.0.position.x": "1"}),
    "position not a number": (
        CATEGORIES,
        "categories.0.position",
        {"categories.0.position": "NaN"},
    ),
    "position infinite": (CATEGORIES, "categories.0.", {"categories.0.position": "1e999"}),
}


@pytest.mark.parametrize("page,drop,extra", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_form_fields_are_refused(as_role, page, drop, extra):
    client = as_role("owner")
    html = client.get(page).get_data(as_text=True)
    form = own_form(html, page.split("?")[0])
    data = [(k, v) for k, v in form.fields if not (drop and k.startswith(drop))]
    data += list(extra.items())
    before, events = shop_doc(), audit_count()
    resp = client.post(form.action, data=MultiDict(data))
    text = resp.get_data(as_text=True)
    assert 400 <= resp.status_code < 500, text[:300]
    assert tr("Nothing was saved: correct the fields marked below.") in text or (
        resp.status_code == 400
    )
    assert "<p>" in text and tr("Internal Server Error") not in text
    assert len(text) < 300_000, "the page grew with the index"
    assert shop_doc() == before
    assert audit_count() == events


def test_a_refused_field_is_named_on_the_page(as_role):
    client = as_role("editor")
    resp = post(client, SETTINGS, {"name": "Shop", "theme": "x", "theme.primary": "#fff"})
    assert resp.status_code == 422
    assert f'<a href="#f-theme">{tr("look")}</a>' in resp.get_data(as_text=True)


@pytest.mark.parametrize(
    "url",
    [
        f"/admin/sites/shop/diff?a={2**63}",
        f"/admin/sites/shop/diff?a=1&b={HUGE}",
        "/admin/sites/shop/diff?a=-1",
        "/admin/sites/shop/diff?a=%C2%B2",
        f"/admin/sites/shop/audit?before={HUGE}",
        "/admin/sites/shop/audit?before=x",
    ],
)
def test_hostile_numbers_in_query_strings(as_role, url):
    client = as_role("owner")
    resp = client.get(url)
    assert 400 <= resp.status_code < 500, resp.get_data(as_text=True)[:300]


UNSAFE_NEXT = [
    "/admin/\r\nX",
    "/admin/\tX",
    "/admin/\x7f",
    "/admin/\u2028",
    "//evil.test/admin",
    "/\\evil.test",
    "https://evil.test/admin",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_an_unsafe_next_is_ignored_when_signing_in(client, shop, target):
    token = csrf(client)
    resp = client.post(
        "/admin/login",
        data={
            "email": "owner@shop.test",
            "password": "correct horse battery",
            "next": target,
            "csrf_token": token,
        },
    )
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/admin/"


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_an_unsafe_next_is_ignored_when_signed_in(client, shop, target):
    login(client, "owner@shop.test")
    resp = client.get("/admin/login", query_string={"next": target})
    assert resp.status_code == 302
    assert resp.headers["Location"] == "/admin/"


@pytest.mark.parametrize("target", UNSAFE_NEXT)
def test_an_unsafe_next_is_not_put_in_the_login_form(client, shop, target):
    resp = client.get("/admin/login", query_string={"next": target})
    assert resp.status_code == 200
    form = post_forms(resp.get_data(as_text=True), "/admin/login")[0]
    assert form.data()["next"] == ""


def test_a_safe_next_is_followed(client, shop):
    resp = client.get("/admin/login?next=/admin/sites/shop/consents")
    assert post_forms(resp.get_data(as_text=True), "/admin/login")[0].data()["next"] == (
        "/admin/sites/shop/consents"
    )
    login(client, "owner@shop.test")
    resp = client.get("/admin/login?next=/admin/sites/shop/consents")
    assert resp.headers["Location"] == "/admin/sites/shop/consents"


@pytest.mark.parametrize("who", ["owner@other.test", "nobody"])
def test_removing_an_admin_of_another_site_names_nobody(as_role, who):
    client = as_role("owner")
    other = db.session.query(Admin).filter_by(email="owner@other.test").one()
    admin_id = other.id if who != "nobody" else other.id + 1000
    events = audit_count()
    resp = post(client, f"/admin/sites/shop/members/{admin_id}/remove")
    assert resp.status_code == 404
    assert "other.test" not in resp.get_data(as_text=True)
    assert "other.test" not in client.get("/admin/sites/shop/members").get_data(as_text=True)
    assert audit_count() == events
    db.session.expire_all()
    assert [m.site.key for m in other.memberships] == ["other"]
