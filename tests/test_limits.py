"""Rate limits on recording consents and on login: memory, Redis, proxies, 429 envelope."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from server.extensions import db
from server.http.limits import CONSENT_LIMITS, SweptMemoryStorage, limiter, login_limit
from server.models import ConsentRecord
from tests.support.apps import make_app
from tests.support.records import choice_body, make_site
from tests.support.redis import REDIS
from tests.support.redis import redis_prefix as shared_redis_prefix

ORIGIN = "https://shop.test"


def limited_app(request: pytest.FixtureRequest, tmp_path: Path, **config: Any) -> Flask:
    """An app with rate limits on (the test fixtures switch them off) and a published site."""
    settings = {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_CONSENT_CLIENT": "1000 per minute",
        "RATELIMIT_CONSENT_SITE": "1000 per minute",
    }
    settings.update(config)
    tmp_path.mkdir(parents=True, exist_ok=True)
    app = make_app(request, tmp_path, **settings)
    with app.app_context():
        make_site("shop")
        make_site("other", origins=[ORIGIN])
    return app


def post(app: Flask, site: str = "shop", addr: str = "10.0.0.1", **headers: str) -> Any:
    """POST a valid consent from one client address."""
    return app.test_client().post(
        f"/api/v1/sites/{site}/consents",
        json=choice_body(),
        headers={"Origin": ORIGIN, **headers},
        environ_base={"REMOTE_ADDR": addr},
    )


def rows(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ConsentRecord)) or 0


def assert_limited(resp: Any) -> None:
    assert resp.status_code == 429
    assert resp.json["code"] == "rate_limited"
    assert resp.json["status"] == 429
    assert resp.json["message"]
    assert int(resp.headers["Retry-After"]) >= 1


@pytest.fixture
def redis_prefix() -> Iterator[str]:
    """A Redis key prefix unique to this test, whose keys are deleted afterwards."""
    with shared_redis_prefix() as prefix:
        yield prefix


def test_per_client_limit_answers_429_and_writes_nothing(request, tmp_path):
    app = limited_app(request, tmp_path, RATELIMIT_CONSENT_CLIENT="3 per minute")
    assert [post(app).status_code for _ in range(3)] == [201, 201, 201]
    assert_limited(post(app))
    assert rows(app) == 3
    assert post(app, addr="10.0.0.2").status_code == 201
    assert rows(app) == 4


def test_per_site_limit_counts_every_client(request, tmp_path):
    app = limited_app(request, tmp_path, RATELIMIT_CONSENT_SITE="2 per minute")
    assert post(app, addr="10.0.0.1").status_code == 201
    assert post(app, addr="10.0.0.2").status_code == 201
    assert_limited(post(app, addr="10.0.0.3"))
    assert post(app, site="other", addr="10.0.0.3").status_code == 201
    assert rows(app) == 3


def test_forwarded_for_is_ignored_without_a_trusted_proxy(request, tmp_path):
    app = limited_app(request, tmp_path, RATELIMIT_CONSENT_CLIENT="1 per minute")
    assert post(app, **{"X-Forwarded-For": "192.0.2.1"}).status_code == 201
    assert_limited(post(app, **{"X-Forwarded-For": "192.0.2.2"}))


def test_forwarded_for_names_the_client_behind_a_trusted_proxy(request, tmp_path):
    app = limited_app(request, tmp_path, RATELIMIT_CONSENT_CLIENT="1 per minute", PROXY_FIX=1)
    assert post(app, **{"X-Forwarded-For": "192.0.2.1"}).status_code == 201
    assert post(app, **{"X-Forwarded-For": "192.0.2.2"}).status_code == 201
    assert_limited(post(app, **{"X-Forwarded-For": "192.0.2.1"}))


def test_limits_off_when_disabled(request, tmp_path):
    app = limited_app(
        request, tmp_path, RATELIMIT_ENABLED=False, RATELIMIT_CONSENT_CLIENT="1 per minute"
    )
    assert [post(app).status_code for _ in range(3)] == [201, 201, 201]


def test_counts_are_shared_through_redis(request, tmp_path, redis_prefix):
    settings = {
        "REDIS_URL": REDIS,
        "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": redis_prefix},
        "RATELIMIT_CONSENT_CLIENT": "2 per minute",
    }
    first = limited_app(request, tmp_path / "a", **settings)
    assert [post(first).status_code for _ in range(2)] == [201, 201]
    # A second app (as another gunicorn worker would be) sees the same counts.
    second = limited_app(request, tmp_path / "b", **settings)
    assert_limited(post(second))
    import redis

    conn = redis.Redis.from_url(REDIS)
    assert list(conn.scan_iter(f"{redis_prefix}*"))
    conn.close()


def test_memory_counts_are_per_process(request, tmp_path):
    settings = {"RATELIMIT_CONSENT_CLIENT": "1 per minute"}
    first = limited_app(request, tmp_path / "a", **settings)
    assert post(first).status_code == 201
    assert_limited(post(first))
    second = limited_app(request, tmp_path / "b", **settings)
    assert post(second).status_code == 201


def redis_down_app(request: pytest.FixtureRequest, tmp_path: Path) -> Flask:
    """A limited app (1 consent per client per minute) whose Redis port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return limited_app(
        request,
        tmp_path,
        REDIS_URL=f"redis://127.0.0.1:{port}/0",
        RATELIMIT_CONSENT_CLIENT="1/minute",
    )


def test_redis_down_lets_consents_through(request, tmp_path):
    app = redis_down_app(request, tmp_path)
    assert post(app).status_code == 201
    assert rows(app) == 1


def test_redis_down_still_counts_each_client_in_memory(request, tmp_path):
    app = redis_down_app(request, tmp_path)
    assert post(app).status_code == 201
    assert_limited(post(app))
    assert post(app, addr="10.0.0.2").status_code == 201
    assert rows(app) == 2


def test_a_client_over_its_limit_uses_none_of_the_sites(request, tmp_path):
    app = limited_app(
        request,
        tmp_path,
        RATELIMIT_CONSENT_CLIENT="1 per minute",
        RATELIMIT_CONSENT_SITE="2/minute",
    )
    assert post(app, addr="10.0.0.1").status_code == 201
    for _ in range(5):
        assert_limited(post(app, addr="10.0.0.1"))
    assert post(app, addr="10.0.0.2").status_code == 201
    assert_limited(post(app, addr="10.0.0.3"))
    assert rows(app) == 2


def test_login_limit_helper_limits_posts_per_client(request, tmp_path):
    app = limited_app(request, tmp_path, RATELIMIT_LOGIN="2 per minute")

    @app.route("/test-login", methods=["GET", "POST"])
    @login_limit
    def test_login() -> str:
        return "ok"

    client = app.test_client()
    assert [client.post("/test-login").status_code for _ in range(2)] == [200, 200]
    assert_limited(client.post("/test-login"))
    assert client.get("/test-login").status_code == 200
    other = client.post("/test-login", environ_base={"REMOTE_ADDR": "10.9.9.9"})
    assert other.status_code == 200


def test_blueprint_limits_still_apply(request, tmp_path):
    from flask import Blueprint

    from server.http.limits import limiter

    bp = Blueprint("limits_test_bp", __name__)

    @bp.get("/limited-bp")
    def limited() -> str:
        return "ok"

    limiter.limit("1 per minute")(bp)
    app = limited_app(request, tmp_path)
    app.register_blueprint(bp)
    client = app.test_client()
    assert client.get("/limited-bp").status_code == 200
    assert_limited(client.get("/limited-bp"))
    assert client.get("/healthz").status_code == 200


def test_memory_counting_starts_no_thread_per_request(request, tmp_path, monkeypatch):
    # limits' own memory storage started a timer thread 10 ms after any hit that found none
    # running: a thread every few requests under steady traffic.
    app = limited_app(request, tmp_path)
    post(app)  # the first hit starts the one sweeper of this process
    storage = app.extensions[CONSENT_LIMITS].storage
    started: list[str] = []
    real_start = threading.Thread.start

    def counting_start(thread: threading.Thread) -> None:
        # A Timer keeps its target in `function`, a Thread in `_target`.
        target = getattr(thread, "function", None) or getattr(thread, "_target", None)
        if getattr(target, "__self__", None) is storage or thread.name == "temoin-limits-sweep":
            started.append(thread.name)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    for i in range(20):
        assert post(app, addr=f"10.0.1.{i}").status_code == 201
        time.sleep(0.015)
    assert started == []
    assert rows(app) == 21


def test_memory_counters_expire_without_being_read_again(request, tmp_path, monkeypatch):
    monkeypatch.setattr(SweptMemoryStorage, "SWEEP_SECONDS", 0.05)
    app = limited_app(request, tmp_path)
    with app.app_context():
        storage = limiter.storage
    assert isinstance(storage, SweptMemoryStorage)
    storage.incr("gone-soon", expiry=0.1)
    storage.incr("kept", expiry=60)
    deadline = time.monotonic() + 5
    while "gone-soon" in storage.storage and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "gone-soon" not in storage.storage
    assert storage.get("kept") == 1
