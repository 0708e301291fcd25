"""The admin's own account: changing the password; sign-ins in the audit log."""

from __future__ import annotations

import pytest

from server.auth import check_password
from server.extensions import db
from server.models import Admin, AuditEvent
from tests.admin.conftest import PASSWORD, audit_count, csrf, login, post

NEW = "a brand new passphrase"
URL = "/admin/account/password"


def _admin(email: str) -> Admin:
    db.session.expire_all()
    return db.session.query(Admin).filter_by(email=email).one()


def _change(client, current=PASSWORD, new=NEW, confirm=None):
    data = {
        "current_password": current,
        "new_password": new,
        "confirm": new if confirm is None else confirm,
    }
    return post(client, URL, data)


def test_page_is_linked_and_needs_login(client, shop):
    resp = client.get(URL)
    assert resp.status_code == 302 and "/admin/login" in resp.headers["Location"]
    login(client, "owner@shop.test")
    page = client.get("/admin/sites/shop/").get_data(as_text=True)
    assert f'href="{URL}"' in page
    form = client.get(URL)
    assert form.status_code == 200
    assert 'name="csrf_token"' in form.get_data(as_text=True)


def test_change_password(client, app, shop):
    other = app.test_client()
    login(other, "owner@shop.test")
    login(client, "owner@shop.test")
    before = audit_count()
    resp = _change(client)
    assert resp.status_code == 302
    admin = _admin("owner@shop.test")
    assert check_password(admin.password_hash, NEW)
    assert not check_password(admin.password_hash, PASSWORD)
    # This session goes on; the other one has ended.
    assert client.get("/admin/sites/shop/").status_code == 200
    assert other.get("/admin/sites/shop/").status_code == 302
    assert audit_count() == before + 1
    event = db.session.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
    assert (event.site_id, event.actor) == (None, "owner@shop.test")
    assert event.action == "change password"
    assert event.before is None and event.after is None
    stored = f"{event.actor} {event.action} {event.target}"
    assert PASSWORD not in stored and NEW not in stored
    # The new password signs in; the old one no longer does.
    assert login(app.test_client(), "owner@shop.test", NEW).status_code == 302
    assert login(app.test_client(), "owner@shop.test", PASSWORD).status_code == 401


@pytest.mark.parametrize(
    "current,new,confirm,field",
    [
        ("wrong password!", NEW, NEW, "current_password"),
        ("", NEW, NEW, "current_password"),
        (PASSWORD, "short", "short", "new_password"),
        (PASSWORD, "", "", "new_password"),
        (PASSWORD, NEW, NEW + "x", "confirm"),
    ],
)
def test_invalid_change_saves_nothing(client, shop, current, new, confirm, field):
    login(client, "owner@shop.test")
    stored = _admin("owner@shop.test").password_hash
    before = audit_count()
    resp = _change(client, current, new, confirm)
    assert resp.status_code == 422
    html = resp.get_data(as_text=True)
    assert f'id="f-{field}-e"' in html and "Nothing was saved" in html
    # Passwords typed are never sent back.
    for typed in {current, new, confirm} - {""}:
        assert f'value="{typed}"' not in html
    assert _admin("owner@shop.test").password_hash == stored
    assert audit_count() == before
    assert client.get("/admin/sites/shop/").status_code == 200


def test_change_without_csrf_refused(client, shop):
    login(client, "owner@shop.test")
    stored = _admin("owner@shop.test").password_hash
    before = audit_count()
    resp = client.post(
        URL, data={"current_password": PASSWORD, "new_password": NEW, "confirm": NEW}
    )
    assert resp.status_code == 400
    assert _admin("owner@shop.test").password_hash == stored
    assert audit_count() == before


def test_csrf_token_of_another_session_refused(client, app, shop):
    token = csrf(app.test_client())
    login(client, "owner@shop.test")
    stored = _admin("owner@shop.test").password_hash
    data = {"current_password": PASSWORD, "new_password": NEW, "confirm": NEW, "csrf_token": token}
    assert client.post(URL, data=data).status_code == 400
    assert _admin("owner@shop.test").password_hash == stored
