"""Rate limits: recording consents (per client and per site) and admin login (per client).

Limits come from the RATELIMIT_* settings and are counted in memory (SweptMemoryStorage), or
in Redis when REDIS_URL is set so that every gunicorn worker shares them. A breach answers 429
in the error envelope with Retry-After. Clients are told apart by their address, taken from
X-Forwarded-For only when PROXY_FIX says how many proxies in front may be trusted.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from limits.storage import MemoryStorage
from werkzeug.middleware.proxy_fix import ProxyFix

F = TypeVar("F", bound=Callable[..., Any])
MESSAGE = "Too many requests; try again later."


def client_key() -> str:
    """Identify the client by a keyed digest of its address, so no raw address is kept."""
    address = (request.remote_addr or "-").encode()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hashlib.blake2b(address, key=secret[:64], digest_size=12).hexdigest()


class SweptMemoryStorage(MemoryStorage):
    """limits' in-memory counters, with the expired ones dropped by one thread per process.

    limits' own memory storage starts a new timer thread 10 ms after any hit that finds none
    running: under steady traffic, a thread started every few requests, about a tenth of a
    consent write's CPU. Here one daemon thread sweeps every `SWEEP_SECONDS` (a counter read
    after its expiry is dropped at once anyway, as limits does); it stops with the storage.
    It replaces limits' private hooks by name (the lock pins limits): tests/test_limits.py
    fails if an upgrade renames them. Flask-Limiter's own fallback while Redis is down is
    still limits' plain memory storage.
    """

    STORAGE_SCHEME = ["temoin-memory"]
    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str):
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)
        self._sweeping = 0  # the pid whose sweeper runs
        self._start_lock = threading.Lock()

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - limits' hook, by name
        if self._sweeping != os.getpid():
            with self._start_lock:
                if self._sweeping != os.getpid():  # first hit here, or in a forked worker
                    self._sweeping = os.getpid()
                    ref = weakref.ref(self)
                    threading.Thread(
                        target=_sweep, args=(ref,), name="temoin-limits-sweep", daemon=True
                    ).start()

    def sweep(self) -> None:
        """Drop the counters and windows that have expired."""
        self._MemoryStorage__expire_events()  # type: ignore[attr-defined]


def _sweep(ref: weakref.ReferenceType[SweptMemoryStorage]) -> None:
    while True:
        storage = ref()
        if storage is None:
            return
        pause = storage.SWEEP_SECONDS
        storage.sweep()
        del storage
        time.sleep(pause)


# The one limiter of the app; limits are read from the RATELIMIT_* settings.
limiter = Limiter(key_func=client_key)


def site_key() -> str:
    """Identify the site a request is for (the `key` of the URL)."""
    return "site:" + str((request.view_args or {}).get("key", "-"))


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


_consent_client = limiter.limit(
    _setting("RATELIMIT_CONSENT_CLIENT"), key_func=client_key, error_message=MESSAGE
)
_consent_site = limiter.limit(
    _setting("RATELIMIT_CONSENT_SITE"), key_func=site_key, error_message=MESSAGE
)
_login = limiter.limit(
    _setting("RATELIMIT_LOGIN"), key_func=client_key, methods=["POST"], error_message=MESSAGE
)


def consent_limits(view: F) -> F:
    """Limit a consent-recording view per client and per site."""
    return _consent_client(_consent_site(view))


def login_limit(view: F) -> F:
    """Limit the POSTs of a login view per client (RATELIMIT_LOGIN)."""
    return _login(view)


def _retry_after(response: Response) -> Response:
    if response.status_code == 429 and "Retry-After" not in response.headers:
        current = limiter.current_limit
        wait = current.reset_at - time.time() if current else 1
        response.headers["Retry-After"] = str(max(1, int(wait + 0.999)))
    return response


def storage_settings(app: Flask) -> None:
    """Point the limiter at Redis when REDIS_URL is set, at process memory otherwise."""
    cfg = app.config
    redis_url = cfg.get("REDIS_URL")
    cfg.setdefault("RATELIMIT_STORAGE_URI", redis_url or "temoin-memory://")
    cfg.setdefault("RATELIMIT_KEY_PREFIX", "temoin")
    # A Redis outage must not stop consents from being recorded: count in memory meanwhile.
    cfg.setdefault("RATELIMIT_SWALLOW_ERRORS", True)
    if redis_url:
        cfg.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        options = cfg.setdefault("RATELIMIT_STORAGE_OPTIONS", {})
        options.setdefault("socket_timeout", 0.5)
        options.setdefault("socket_connect_timeout", 0.5)


def init_app(app: Flask) -> None:
    """Trust the configured proxies, then bind the limiter to the app."""
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    storage_settings(app)
    limiter.init_app(app)
    if app.config["RATELIMIT_ENABLED"]:
        app.after_request(_retry_after)
