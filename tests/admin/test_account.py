"""The admin's own account: changing the password; sign-ins in the audit log."""

from __future__ import annotations

import pytest

from server.domain.accounts import check_password
from server.extensions import db
from server.models import Admin, AuditEvent
from tests.admin.conftest import PASSWORD, audit_count, csrf, login, post, tr

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
    assert (
        f'id="f-{field}-e"' in html
        and tr("Nothing was saved: correct the fields marked below.") in html
    )
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


def _events(action: str) -> list[AuditEvent]:
    db.session.expire_all()
    return db.session.query(AuditEvent).filter_by(action=action).order_by(AuditEvent.id).all()


def _no_password(events: list[AuditEvent], *passwords: str) -> None:
    for e in events:
        stored = f"{e.actor} {e.action} {e.target} {e.before} {e.after}"
        for password in passwords:
            assert password not in stored


def test_sign_ins_and_outs_are_audited(client, shop):
    assert login(client, "owner@shop.test", "wrong password!").status_code == 401
    assert login(client, "nobody@shop.test", "guessed password").status_code == 401
    assert login(client, "  Owner@Shop.test ").status_code == 302
    assert post(client, "/admin/logout").status_code == 302
    failed = _events("sign in failed")
    assert [(e.site_id, e.actor) for e in failed] == [
        (None, "owner@shop.test"),
        (None, "nobody@shop.test"),
    ]
    assert [(e.site_id, e.actor) for e in _events("sign in")] == [(None, "owner@shop.test")]
    assert [(e.site_id, e.actor) for e in _events("sign out")] == [(None, "owner@shop.test")]
    all_events = db.session.query(AuditEvent).all()
    _no_password(all_events, PASSWORD, "wrong password!", "guessed password")


def test_logout_without_session_writes_nothing(client, shop):
    before = audit_count()
    assert post(client, "/admin/logout").status_code == 302
    assert audit_count() == before


def _audit_page(client) -> str:
    resp = client.get("/admin/sites/shop/audit")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def test_owners_see_sign_ins_of_their_members_only(app, client, shop):
    login(app.test_client(), "editor@shop.test")
    login(app.test_client(), "viewer@shop.test", "wrong password!")
    login(app.test_client(), "owner@other.test")
    login(app.test_client(), "stranger@example.test", "wrong password!")
    login(client, "owner@shop.test")
    page = _audit_page(client)
    for email in ("editor@shop.test", "viewer@shop.test", "owner@shop.test"):
        assert email in page
    assert tr("failed sign-in") in page
    assert "owner@other.test" not in page
    assert "stranger@example.test" not in page
    # The other site's owner sees their own sign-ins, none of shop's members.
    other = app.test_client()
    login(other, "owner@other.test")
    html = other.get("/admin/sites/other/audit").get_data(as_text=True)
    assert "owner@other.test" in html and tr("sign-in") in html
    for email in ("editor@shop.test", "viewer@shop.test", "owner@shop.test"):
        assert email not in html


def test_sign_ins_not_shown_to_non_owners(app, client, shop):
    login(app.test_client(), "owner@shop.test")
    login(client, "editor@shop.test")
    assert client.get("/admin/sites/shop/audit").status_code == 403
    assert client.get("/admin/sites/other/audit").status_code == 404


def test_password_change_shown_to_owners_of_the_members_site(app, client, shop):
    editor = app.test_client()
    login(editor, "editor@shop.test")
    assert _change(editor).status_code == 302
    login(client, "owner@shop.test")
    assert tr("password change") in _audit_page(client)
    other = app.test_client()
    login(other, "owner@other.test")
    audit = other.get("/admin/sites/other/audit").get_data(as_text=True)
    assert tr("password change") not in audit


def test_membership_decides_what_owners_see(app, client, shop):
    # Becoming a member of `shop` is what makes an admin's sign-ins visible there.
    login(app.test_client(), "owner@other.test")
    login(client, "owner@shop.test")
    assert "owner@other.test" not in _audit_page(client)
    assert (
        post(
            client, "/admin/sites/shop/members", {"email": "owner@other.test", "role": "viewer"}
        ).status_code
        == 302
    )
    page = _audit_page(client)
    assert page.count("owner@other.test") >= 2  # the role given, and the sign-in
