"""The admin's error pages speak the admin's language: an unknown address or a method no page
takes (under /admin, where no route matched), a forbidden page, refused input, a stale form,
too many sign-in attempts and a crash. The public API keeps its JSON envelope."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from server.extensions import db
from tests.admin.conftest import PASSWORD, login, post, said, tr
from tests.support.apps import make_app

NOT_FOUND = (
    "The requested URL was not found on the server. If you entered the URL manually please "
    "check your spelling and try again."
)


def _page(resp, status, title, message):
    assert resp.status_code == status
    assert resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    assert f"<h1>{status} — {tr(title)}</h1>" in html, html[:3000]
    assert f"<p>{said(message)}</p>" in html
    return html


def test_an_unknown_admin_address_is_an_admin_page(client, shop, locale):
    html = _page(client.get("/admin/nope"), 404, "Not Found", NOT_FOUND)
    assert f'<html lang="{locale}">' in html
    signed_in = login(client, "viewer@shop.test")
    assert signed_in.status_code == 302
    _page(client.get("/admin/sites/shop/nope/deeper"), 404, "Not Found", NOT_FOUND)
    # Outside the admin, the JSON envelope as before.
    api = client.get("/api/v1/nope")
    assert api.status_code == 404 and api.mimetype == "application/json"


def test_a_method_no_admin_page_takes(client, shop):
    resp = client.put("/admin/login")
    _page(resp, 405, "Method Not Allowed", "The method is not allowed for the requested URL.")
    assert set(resp.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}
    login(client, "viewer@shop.test")
    _page(
        client.delete("/admin/sites/shop/"),
        405,
        "Method Not Allowed",
        "The method is not allowed for the requested URL.",
    )


@pytest.mark.parametrize("other", ["fr", "en"])
def test_the_admins_own_language_wins_on_an_unknown_address(client, shop, locale, other):
    login(client, "owner@shop.test")
    assert post(client, "/admin/account/locale", {"locale": other}).status_code == 302
    resp = client.get("/admin/nope", headers={"Accept-Language": locale})
    assert f'<html lang="{other}">' in resp.get_data(as_text=True)


def test_a_page_above_the_role_is_forbidden(client, as_role):
    as_role("viewer")
    _page(
        post(client, "/admin/sites/shop/scans", {"max_pages": "2"}),
        403,
        "Forbidden",
        "You don't have the permission to access the requested resource. It is either "
        "read-protected or not readable by the server.",
    )


def test_refused_input_is_said(client, as_role):
    as_role("viewer")
    _page(
        client.get("/admin/sites/shop/scans/compare?old=1&new=x"),
        422,
        "Unprocessable Entity",
        "Choose two scans.",
    )


def test_a_stale_form_is_said(client, as_role):
    as_role("viewer")
    resp = client.post("/admin/sites/shop/verify", data={"csrf_token": "stale"})
    _page(
        resp,
        400,
        "Bad Request",
        "The form expired or did not come from this site; reload the page and retry.",
    )


def test_a_crash_is_said(app, client, as_role):
    as_role("viewer")

    def broken(**_: object) -> None:
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.view_functions["admin.scans"] = broken
    _page(
        client.get("/admin/sites/shop/scans"),
        500,
        "Internal Server Error",
        "The server encountered an internal error and was unable to complete your request. "
        "Either the server is overloaded or there is an error in the application.",
    )


def test_too_many_sign_in_attempts_are_said(request, tmp_path, locale):
    from server.domain.accounts import upsert_admin

    app = make_app(
        request,
        tmp_path,
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN="2 per minute",
        BABEL_DEFAULT_LOCALE=locale,
    )
    with app.app_context():
        upsert_admin("owner@shop.test", PASSWORD, {})
        db.session.commit()
        client = app.test_client()
        codes = [login(client, "owner@shop.test", "wrong").status_code for _ in range(3)]
        assert codes == [401, 401, 429]
        resp = login(client, "owner@shop.test", "wrong")
        assert resp.status_code == 429 and resp.headers["Retry-After"]
        html = resp.get_data(as_text=True)
        assert f'<html lang="{locale}">' in html
        assert tr("Too many failed attempts; wait a minute before trying again.") in html
        db.session.remove()


DATABASE_DOWN = "The database is unavailable; try again shortly."


def _unreachable(*_: object, **__: object) -> None:
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("connection refused"))


def test_a_database_outage_is_said(app, client, as_role, locale):
    as_role("viewer")
    app.view_functions["admin.scans"] = _unreachable
    resp = client.get("/admin/sites/shop/scans")
    html = _page(resp, 503, "Service Unavailable", DATABASE_DOWN)
    assert resp.headers["Retry-After"] == "5"
    assert f'<html lang="{locale}">' in html


def test_a_database_outage_before_the_admin_is_known_is_said(client, as_role, monkeypatch):
    # Signed in, then the database goes: looking the admin up fails, and the page of the
    # outage must not try again.
    as_role("viewer")
    monkeypatch.setattr(db.session, "get", _unreachable)
    resp = client.get("/admin/sites/shop/scans")
    _page(resp, 503, "Service Unavailable", DATABASE_DOWN)
    assert resp.headers["Retry-After"] == "5"
    # The public API keeps its envelope.
    monkeypatch.setattr(db.session, "scalar", _unreachable)
    monkeypatch.setattr(db.session, "execute", _unreachable)
    api = client.get("/api/v1/sites/nope/config")
    assert api.status_code == 503 and api.json["code"] == "unavailable"
