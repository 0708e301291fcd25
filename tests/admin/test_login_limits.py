"""Login limits an attacker can neither slip past nor turn against the admin they target."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.domain.accounts import upsert_admin
from server.extensions import db
from server.models import AuditEvent
from tests.admin.conftest import PASSWORD, csrf, login, post
from tests.support.apps import make_app
from tests.support.redis import REDIS, redis_prefix

EMAIL = "owner@shop.test"


def limited(request: pytest.FixtureRequest, tmp_path: Path, **config: Any) -> Flask:
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_LOGIN": "10 per minute",
        "RATELIMIT_LOGIN_EMAIL": "5 per hour",
    }
    app = make_app(request, tmp_path, **{**settings, **config})
    with app.app_context():
        upsert_admin(EMAIL, PASSWORD, {})
        db.session.commit()
        db.session.remove()
    return app


def failures(app: Flask) -> int:
    """Count the password checks that failed (each is audited once the password is checked)."""
    with app.app_context():
        actions = db.session.scalars(select(AuditEvent.action)).all()
        db.session.remove()
    return actions.count("sign in failed")


def client_at(app: Flask, addr: str) -> Any:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = addr
    return client


def test_rotating_addresses_cannot_lock_out_an_admin_who_signed_in_before(request, tmp_path):
    app = limited(request, tmp_path)
    admin = client_at(app, "10.0.0.1")
    assert login(admin, EMAIL).status_code == 302  # this browser now knows the account
    assert post(admin, "/admin/logout").status_code == 302
    codes = [login(client_at(app, f"10.1.0.{i}"), EMAIL, "wrong").status_code for i in range(12)]
    # Guessing from many addresses is slowed: 5 attempts per hour from unknown browsers
    # (the admin's own first sign-in was one), then no password is checked.
    assert codes == [401] * 4 + [429] * 8
    assert failures(app) == 4
    assert login(admin, EMAIL).status_code == 302
    # A browser that never signed in to the account waits like the attacker.
    assert login(client_at(app, "10.0.0.2"), EMAIL).status_code == 429


def test_one_client_guessing_one_account_is_limited_per_account(request, tmp_path):
    app = limited(
        request, tmp_path, RATELIMIT_LOGIN="3 per minute", RATELIMIT_LOGIN_EMAIL="99/hour"
    )
    guesser = client_at(app, "10.2.0.1")
    codes = [login(guesser, EMAIL, "wrong").status_code for _ in range(4)]
    assert codes == [401, 401, 401, 429]
    assert failures(app) == 3


@pytest.fixture
def redis_storage() -> Iterator[dict[str, Any]]:
    with redis_prefix() as prefix:
        yield {"RATELIMIT_STORAGE_URI": REDIS, "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix}}


@pytest.mark.parametrize("storage", ["memory", "redis"])
def test_concurrent_attempts_cannot_slip_past_the_count(request, tmp_path, storage):
    config = request.getfixturevalue("redis_storage") if storage == "redis" else {}
    app = limited(
        request,
        tmp_path,
        RATELIMIT_LOGIN="100 per minute",
        RATELIMIT_LOGIN_EMAIL="10 per hour",
        **config,
    )
    codes: list[int] = []
    start = threading.Barrier(24)

    def attempt(i: int) -> None:
        client = client_at(app, f"10.3.{i}.1")
        form = {"email": EMAIL, "password": "wrong", "csrf_token": csrf(client)}
        start.wait()
        resp = client.post("/admin/login", data=form)
        codes.append(resp.status_code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(24)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    print(f"\nlogin [{storage}]: {sorted(codes)}; password checks {failures(app)}")
    assert sorted(codes) == [401] * 10 + [429] * 14
    assert failures(app) == 10
