"""Login, logout, session cookie flags, security headers, CSRF and roles on the admin pages."""

from __future__ import annotations

import pytest

from server.models import Site
from tests.admin.conftest import PASSWORD, csrf, login, post, tr
from tests.support.apps import make_app


def test_login_page_and_security_headers(client, shop):
    resp = client.get("/admin/login")
    assert resp.status_code == 200
    csp = resp.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp
    assert resp.headers["Referrer-Policy"] == "same-origin"
    assert resp.headers["X-Frame-Options"] == "DENY"
    assert "Strict-Transport-Security" not in resp.headers
    https = client.get("/admin/login", base_url="https://admin.test")
    assert "max-age=" in https.headers["Strict-Transport-Security"]


def test_login_sets_hardened_session_cookie(client, shop):
    resp = login(client, "owner@shop.test")
    assert resp.status_code == 302
    assert resp.headers["Location"].startswith("/admin")
    cookie = resp.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie
    page = client.get("/admin/", follow_redirects=True)
    assert "owner@shop.test" in page.get_data(as_text=True)


def test_session_cookie_secure_on_https(client, shop):
    token = csrf(client, "https://admin.test/admin/login")
    resp = client.post(
        "/admin/login",
        base_url="https://admin.test",
        # Over https the CSRF check also wants a same-origin Referer (Referrer-Policy keeps it).
        headers={"Referer": "https://admin.test/admin/login"},
        data={"email": "owner@shop.test", "password": PASSWORD, "csrf_token": token},
    )
    assert resp.status_code == 302
    assert "Secure" in resp.headers["Set-Cookie"]


@pytest.mark.parametrize(
    "email,password",
    [("owner@shop.test", "wrong password"), ("nobody@shop.test", PASSWORD), ("", "")],
)
def test_bad_credentials_refused(client, shop, email, password):
    resp = login(client, email, password)
    assert resp.status_code == 401
    assert tr("Unknown e-mail or wrong password.") in resp.get_data(as_text=True)
    assert client.get("/admin/sites/shop/").status_code == 302


def test_login_without_csrf_refused(client, shop):
    resp = client.post("/admin/login", data={"email": "owner@shop.test", "password": PASSWORD})
    assert resp.status_code == 400
    expired = "The form expired or did not come from this site; reload the page and retry."
    assert tr(expired) in resp.get_data(as_text=True)
    assert client.get("/admin/sites/shop/").status_code == 302


def test_pages_need_login(client, shop):
    resp = client.get("/admin/sites/shop/consents")
    assert resp.status_code == 302
    assert "/admin/login?next=/admin/sites/shop/consents" in resp.headers["Location"]


def test_next_never_leaves_the_admin(client, shop):
    token = csrf(client)
    resp = client.post(
        "/admin/login",
        data={
            "email": "owner@shop.test",
            "password": PASSWORD,
            "next": "https://evil.test/",
            "csrf_token": token,
        },
    )
    assert resp.headers["Location"] == "/admin/"


def test_logout_needs_csrf_and_ends_the_session(client, shop):
    login(client, "owner@shop.test")
    assert client.post("/admin/logout").status_code == 400
    assert client.get("/admin/sites/shop/").status_code == 200
    assert post(client, "/admin/logout").status_code == 302
    assert client.get("/admin/sites/shop/").status_code == 302


def test_a_signed_out_session_cookie_is_refused_when_replayed(client, shop, app):
    login(client, "owner@shop.test")
    name = app.config["SESSION_COOKIE_NAME"]
    kept = client.get_cookie(name, path="/admin").value
    other = app.test_client()
    login(other, "owner@shop.test")
    assert post(client, "/admin/logout").status_code == 302
    client.set_cookie(name, kept, path="/admin")
    assert client.get("/admin/sites/shop/").status_code == 302
    # Signing out ends the admin's other sessions too.
    assert other.get("/admin/sites/shop/").status_code == 302
    login(client, "owner@shop.test")
    assert client.get("/admin/sites/shop/").status_code == 200


def test_a_removed_members_sessions_end(client, shop, app):
    from server.extensions import db
    from server.models import Admin

    editor = app.test_client()
    login(editor, "editor@shop.test")
    assert editor.get("/admin/sites/shop/").status_code == 200
    login(client, "owner@shop.test")
    target = db.session.query(Admin).filter_by(email="editor@shop.test").one()
    assert post(client, f"/admin/sites/shop/members/{target.id}/remove").status_code == 302
    assert editor.get("/admin/").status_code == 302


def test_password_change_ends_open_sessions(client, shop, app):
    from server.domain.accounts import upsert_admin
    from server.extensions import db

    login(client, "owner@shop.test")
    upsert_admin("owner@shop.test", "another long password", {})
    db.session.commit()
    assert client.get("/admin/sites/shop/").status_code == 302


def test_other_sites_answer_404(client, shop):
    login(client, "owner@other.test")
    for url in (
        "/admin/sites/shop/",
        "/admin/sites/shop/settings",
        "/admin/sites/shop/consents",
        "/admin/sites/shop/audit",
        "/admin/sites/nosuchsite/",
    ):
        assert client.get(url).status_code == 404, url
    assert post(client, "/admin/sites/shop/publish", {"reconsent": "on"}).status_code == 404


@pytest.mark.parametrize(
    "role,url,expected",
    [
        ("viewer", "/admin/sites/shop/", 200),
        ("viewer", "/admin/sites/shop/consents", 200),
        ("viewer", "/admin/sites/shop/stats", 200),
        ("viewer", "/admin/sites/shop/versions", 200),
        ("viewer", "/admin/sites/shop/settings", 403),
        ("viewer", "/admin/sites/shop/services", 403),
        ("viewer", "/admin/sites/shop/preview", 403),
        ("viewer", "/admin/sites/shop/rights", 403),
        ("editor", "/admin/sites/shop/settings", 200),
        ("editor", "/admin/sites/shop/categories", 200),
        ("editor", "/admin/sites/shop/services", 200),
        ("editor", "/admin/sites/shop/preview", 200),
        ("editor", "/admin/sites/shop/members", 403),
        ("editor", "/admin/sites/shop/audit", 403),
        ("owner", "/admin/sites/shop/members", 200),
        ("owner", "/admin/sites/shop/audit", 200),
        ("owner", "/admin/sites/shop/rights", 200),
    ],
)
def test_roles(as_role, role, url, expected):
    client = as_role(role)
    assert client.get(url).status_code == expected


def test_viewer_cannot_edit_or_publish(as_role, app):
    from server.extensions import db
    from server.models import PolicyVersion

    client = as_role("viewer")
    assert post(client, "/admin/sites/shop/settings", {"name": "Hacked"}).status_code == 403
    assert post(client, "/admin/sites/shop/publish", {"reconsent": "on"}).status_code == 403
    db.session.expire_all()
    assert db.session.query(Site).filter_by(key="shop").one().name == "Shop"
    assert db.session.query(PolicyVersion).count() == 2


@pytest.mark.parametrize("backend", ["sqlite"])
def test_login_rate_limited(request, tmp_path, backend):
    from sqlalchemy import select

    from server.domain.accounts import upsert_admin
    from server.extensions import db
    from server.models import AuditEvent

    app = make_app(request, tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="3 per minute")
    with app.app_context():
        upsert_admin("owner@shop.test", PASSWORD, {})
        db.session.commit()
        client = app.test_client()
        codes = [login(client, "owner@shop.test", "wrong").status_code for _ in range(4)]
        assert codes == [401, 401, 401, 429]
        resp = login(client, "owner@shop.test")
        assert resp.status_code == 429
        too_many = "Too many failed attempts; wait a minute before trying again."
        assert tr(too_many) in resp.get_data(as_text=True)
        assert "Retry-After" in resp.headers
        # Refused attempts never reach the view: only the three failures are audited.
        actions = db.session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["sign in failed"] * 3
        db.session.remove()
        db.engine.dispose()
