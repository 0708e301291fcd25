"""Superusers: creating sites and their owners' accounts from the admin; nobody else can."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from server.domain.accounts import check_password, upsert_admin
from server.domain.visitor_texts import missing_texts
from server.extensions import db
from server.models import Admin, AuditEvent, Membership, PolicyVersion, Site
from tests.admin.conftest import NO_ADMIN, PASSWORD, audit_count, csrf, login, post, tr

ROOT = "root@temoin.test"
NEW = "/admin/sites/new"


@pytest.fixture
def root(client, shop):
    """The client signed in as an instance superuser (member of no site)."""
    upsert_admin(ROOT, PASSWORD, {}, superuser=True)
    db.session.commit()
    assert login(client, ROOT).status_code == 302
    return client


def site_form(**overrides):
    form = {"key": "blog", "name": "Blog", "origins": "https://blog.test\nhttps://www.blog.test"}
    form.update(overrides)
    return form


def counts():
    db.session.expire_all()
    return tuple(
        db.session.scalar(select(func.count()).select_from(model))
        for model in (Site, Admin, Membership, AuditEvent)
    )


def one_time_password(html: str) -> str:
    match = re.search(r'<code class="token">([^<]+)</code>', html)
    assert match, html[:500]
    return match.group(1)


def test_superuser_lists_every_site_and_creates_one(root):
    listing = root.get("/admin/").get_data(as_text=True)
    assert f'href="{NEW}"' in listing
    assert "/admin/sites/shop/" in listing and "/admin/sites/other/" in listing
    assert root.get("/admin/sites/other/").status_code == 200
    assert root.get(NEW).status_code == 200
    resp = post(root, NEW, site_form())
    assert resp.status_code == 302 and resp.headers["Location"] == "/admin/sites/blog/"
    site = db.session.scalar(select(Site).where(Site.key == "blog"))
    assert site.name == "Blog" and site.origins == ["https://blog.test", "https://www.blog.test"]
    from server.domain.drafts import draft_doc

    assert missing_texts(draft_doc(site)) == {}
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "create site"))
    assert event.actor == ROOT and event.site_id == site.id
    # The new site publishes as it is.
    assert post(root, "/admin/sites/blog/publish", {}).status_code == 302
    assert db.session.scalar(select(PolicyVersion).where(PolicyVersion.site_id == site.id))


def test_new_owner_gets_a_one_time_password_shown_once(root, app):
    resp = post(root, NEW, site_form(owner="DPO@Blog.test"))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 201, html[:300]
    password = one_time_password(html)
    admin = db.session.scalar(select(Admin).where(Admin.email == "dpo@blog.test"))
    assert admin.must_change_password and check_password(admin.password_hash, password)
    assert password not in admin.password_hash
    assert db.session.scalar(select(Membership.role).where(Membership.admin_id == admin.id)) == (
        "owner"
    )
    assert password not in root.get("/admin/sites/blog/members").get_data(as_text=True)

    # The owner signs in with it and must choose their own password before anything else.
    owner = app.test_client()
    assert login(owner, "dpo@blog.test", password).status_code == 302
    for url in ("/admin/", "/admin/sites/blog/", "/admin/sites/blog/settings"):
        resp = owner.get(url)
        assert resp.status_code == 302 and resp.headers["Location"] == "/admin/account/password"
    page = owner.get("/admin/account/password").get_data(as_text=True)
    first = (
        "You signed in with a one-time password: choose your own to continue. Type the "
        "one-time password as the current one."
    )
    assert tr(first) in page
    blocked = post(owner, "/admin/sites/blog/settings", {"name": "Hijack"})
    assert blocked.status_code == 302
    new = "my own long passphrase"
    form = {"current_password": password, "new_password": new, "confirm": new}
    assert post(owner, "/admin/account/password", form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Admin, admin.id).must_change_password is False
    assert owner.get("/admin/sites/blog/").status_code == 200
    assert owner.get("/admin/sites/shop/").status_code == 404
    assert "Hijack" not in db.session.scalar(select(Site.name).where(Site.key == "blog"))


def test_new_site_with_an_existing_owner(root):
    resp = post(root, NEW, site_form(owner="owner@other.test"))
    assert resp.status_code == 201
    assert 'class="token"' not in resp.get_data(as_text=True)
    db.session.expire_all()
    admin = db.session.scalar(select(Admin).where(Admin.email == "owner@other.test"))
    assert admin.must_change_password is False
    assert check_password(admin.password_hash, PASSWORD)


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"key": "Bad Key"}, "key"),
        ({"key": "shop"}, "key"),
        ({"key": ""}, "key"),
        ({"name": ""}, "name"),
        ({"origins": ""}, "origins"),
        ({"origins": "https://blog.test\nnot an origin"}, "origins"),
        ({"owner": "not an e-mail"}, "owner"),
    ],
)
def test_new_site_bad_input_is_422_and_writes_nothing(root, overrides, field):
    before = counts()
    resp = post(root, NEW, site_form(**overrides))
    html = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert tr("Nothing was saved: correct the fields marked below.") in html
    assert f'id="f-{field}-e"' in html
    assert counts() == before


@pytest.mark.parametrize("role", ["owner", "editor", "viewer"])
def test_only_superusers_may_create_sites(as_role, role):
    client = as_role(role)
    before = counts()
    assert client.get(NEW).status_code == 403
    assert f'href="{NEW}"' not in client.get("/admin/", follow_redirects=True).get_data(
        as_text=True
    )
    assert post(client, NEW, site_form(owner="x@blog.test")).status_code == 403
    assert counts() == before


def test_new_site_needs_login_and_csrf(client, shop):
    resp = client.get(NEW)
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
    upsert_admin(ROOT, PASSWORD, {}, superuser=True)
    db.session.commit()
    login(client, ROOT)
    before = counts()
    assert client.post(NEW, data=site_form()).status_code == 400
    assert client.post(NEW, data={**site_form(), "csrf_token": "forged"}).status_code == 400
    assert counts() == before
    assert csrf(client, NEW)


def test_superuser_adds_an_owner_who_has_no_account(root):
    url = "/admin/sites/shop/members"
    resp = post(root, url, {"email": "New@Shop.test", "role": "owner"})
    assert resp.status_code == 201
    password = one_time_password(resp.get_data(as_text=True))
    admin = db.session.scalar(select(Admin).where(Admin.email == "new@shop.test"))
    assert admin.must_change_password and check_password(admin.password_hash, password)
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.target == "new@shop.test").order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.actor, e.site_id) for e in events] == [
        ("create admin", ROOT, admin.memberships[0].site_id),
        ("set role", ROOT, admin.memberships[0].site_id),
    ]
    assert events[1].after == {"role": "owner"}
    # Bad input still writes nothing.
    before = counts()
    assert post(root, url, {"email": "nope", "role": "owner"}).status_code == 422
    assert post(root, url, {"email": "a@b.test", "role": "god"}).status_code == 422
    assert counts() == before


def test_an_owner_cannot_create_accounts(as_role):
    client = as_role("owner")
    before = counts()
    resp = post(client, "/admin/sites/shop/members", {"email": "new@shop.test", "role": "viewer"})
    assert resp.status_code == 422
    assert tr(NO_ADMIN) in resp.get_data(as_text=True)
    assert counts() == before


def test_a_site_made_by_a_superuser_is_invisible_to_other_sites_admins(root, app):
    post(root, NEW, site_form())
    other = app.test_client()
    login(other, "owner@other.test")
    for url in ("/admin/sites/blog/", "/admin/sites/blog/settings", "/admin/sites/blog/members"):
        assert other.get(url).status_code == 404, url
    listing = other.get("/admin/", follow_redirects=True).get_data(as_text=True)
    assert "blog" not in listing
    assert audit_count() >= 1
