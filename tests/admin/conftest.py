"""Admin test helpers: accounts with roles, signing in, CSRF tokens from the rendered pages."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from flask import Flask, current_app
from flask.testing import FlaskClient
from flask_babel import force_locale, get_translations, gettext
from markupsafe import Markup

from server.domain.accounts import upsert_admin
from server.domain.tokens import create_token
from server.extensions import db
from server.models import AuditEvent, Site
from tests.support.records import make_site

PASSWORD = "correct horse battery"
# The admin suite runs in each of the admin's languages (CI may run one per job).
LOCALES = tuple(os.environ.get("TEMOIN_TEST_ADMIN_LOCALES", "en,fr").split(","))
TOKEN_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the other languages on SQLite only: the database never changes a word of a page,
    and the English run covers both backends (a quarter fewer admin tests to run)."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        other = params.get("locale", LOCALES[0]) != LOCALES[0]
        (dropped if other and params.get("app") == "postgres" else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(autouse=True, params=LOCALES)
def locale(request: pytest.FixtureRequest) -> str:
    """Run the test with the admin pages in one language (the instance's default)."""
    if "app" in request.fixturenames:
        app: Flask = request.getfixturevalue("app")
        app.config["BABEL_DEFAULT_LOCALE"] = request.param
    return request.param


def tr(message: str, **values: Any) -> str:
    """Say an admin message as a template of this test's language does (values escaped).

    A message a view passes to a template (a flash, a field error) is escaped as a whole: its
    apostrophes read `&#39;` there (see `said`).
    """
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE") or "en"):
        return str(Markup(gettext(message)) % values)


def said(message: str, **values: Any) -> str:
    """Say a message a view hands to a template, escaped as the template shows it."""
    return tr(message, **values).replace("'", "&#39;")


def ntr(singular: str, plural: str, num: int, **values: Any) -> str:
    """Say a message with a count as a template of this test's language does."""
    with force_locale(current_app.config.get("BABEL_DEFAULT_LOCALE") or "en"):
        text = get_translations().ungettext(singular, plural, num)
        return str(Markup(text) % {"num": num, **values})


# Language names as the admin pages say them, per admin language (fixed here, not computed).
LANGUAGE_NAMES = {
    "en": {"fr": "French", "en": "English", "de": "German"},
    "fr": {"fr": "français", "en": "anglais", "de": "allemand"},
}


NO_ADMIN = (
    "No admin has this e-mail: an instance superuser can add it here, which creates the "
    "account, or create it with temoin create-admin."
)


def locale_of() -> str:
    """Return this test's admin language."""
    return current_app.config.get("BABEL_DEFAULT_LOCALE") or "en"


def language(tag: str) -> str:
    """Name a language as this test's admin language does."""
    return LANGUAGE_NAMES[current_app.config.get("BABEL_DEFAULT_LOCALE") or "en"][tag]


def csrf(client: FlaskClient, page: str = "/admin/login") -> str:
    """Return a CSRF token of the client's session, read from a rendered form."""
    html = client.get(page, follow_redirects=True).get_data(as_text=True)
    match = TOKEN_RE.search(html)
    assert match, f"no CSRF token on {page}"
    return match.group(1)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> Any:
    """Sign in through the login form."""
    token = csrf(client)
    return client.post(
        "/admin/login", data={"email": email, "password": password, "csrf_token": token}
    )


def post(client: FlaskClient, url: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """POST a form with a valid CSRF token, as the browser would."""
    body = {**(data or {}), "csrf_token": csrf(client, "/admin/")}
    return client.post(url, data=body, **kw)


def audit_count() -> int:
    """Count audit events."""
    return db.session.query(AuditEvent).count()


@pytest.fixture
def sites(app: Any) -> Site:
    """Two published five-category sites, `shop` and `other`; returns `shop`."""
    make_site("other", origins=["https://other.test"])
    return make_site("shop")


@pytest.fixture
def shop(sites: Site) -> Site:
    """The site `shop`, with an owner, an editor and a viewer; `other` has its own owner."""
    upsert_admin("owner@shop.test", PASSWORD, {"shop": "owner"})
    upsert_admin("editor@shop.test", PASSWORD, {"shop": "editor"})
    upsert_admin("viewer@shop.test", PASSWORD, {"shop": "viewer"})
    upsert_admin("owner@other.test", PASSWORD, {"other": "owner"})
    db.session.commit()
    return sites


@pytest.fixture
def as_role(client: FlaskClient, shop: Site) -> Any:
    """Sign the client in with a role on `shop`."""

    def _as(role: str) -> FlaskClient:
        resp = login(client, f"{role}@shop.test")
        assert resp.status_code == 302
        return client

    return _as


@pytest.fixture
def tokens(sites: Site) -> dict[str, str]:
    """One API token per role on `shop`, and an owner token of `other`."""
    out = {}
    for role in ("viewer", "recorder", "editor", "owner"):
        _, out[role] = create_token(sites, role, f"{role} token")
    other = db.session.query(Site).filter_by(key="other").one()
    _, out["other"] = create_token(other, "owner", "other site")
    db.session.commit()
    return out
