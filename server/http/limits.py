"""Rate limits: recording consents (per client and per site) and admin login (per client).

Limits come from the RATELIMIT_* settings and are counted in memory (SweptMemoryStorage), or
in Redis when REDIS_URL is set so that every gunicorn worker shares them. A breach answers 429
in the error envelope with Retry-After. Clients are told apart by their address, taken from
X-Forwarded-For only when PROXY_FIX says how many proxies in front may be trusted.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import STRATEGIES, RateLimiter
from werkzeug.exceptions import TooManyRequests
from werkzeug.middleware.proxy_fix import ProxyFix

F = TypeVar("F", bound=Callable[..., Any])
MESSAGE = "Too many requests; try again later."
CONSENT_LIMITS = "temoin_consent_limits"
log = logging.getLogger("temoin")


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


def _setting(name: str) -> Callable[[], str]:
    return lambda: str(current_app.config[name])


_login = limiter.limit(
    _setting("RATELIMIT_LOGIN"), key_func=client_key, methods=["POST"], error_message=MESSAGE
)


class ConsentLimits:
    """The two counts taken before a consent is recorded: per client, then per site.

    Counted straight with limits' strategy, in the limiter's storage settings, rather than
    through Flask-Limiter's decorator, whose per-request resolution of scopes, exemptions
    and limits cost about a third of a consent write's CPU. A client over its limit is
    refused before the site's count is taken, so one client cannot use up a site's budget.
    When the shared storage (Redis) fails, counting goes on in this process's memory, and
    the storage is tried again every `RECHECK_SECONDS`.
    """

    RECHECK_SECONDS = 5.0

    def __init__(self, app: Flask) -> None:
        cfg = app.config
        strategy = STRATEGIES[cfg.get("RATELIMIT_STRATEGY") or "fixed-window"]
        uri = str(cfg["RATELIMIT_STORAGE_URI"])
        options = dict(cfg.get("RATELIMIT_STORAGE_OPTIONS") or {})
        self.prefix = str(cfg["RATELIMIT_KEY_PREFIX"])
        self.storage = storage_from_string(uri, **options)
        self.counter: RateLimiter = strategy(self.storage)
        self._fallback: RateLimiter = (
            self.counter if isinstance(self.storage, MemoryStorage)
            else strategy(SweptMemoryStorage())
        )  # fmt: skip
        self._down_until = 0.0
        self._items: dict[str, RateLimitItem] = {}

    def _item(self, setting: str) -> RateLimitItem:
        item = self._items.get(setting)
        if item is None:
            item = self._items[setting] = parse(setting)
        return item

    def _strategy(self) -> RateLimiter:
        if self._down_until and time.monotonic() >= self._down_until:
            if self.storage.check():
                log.info("rate limit storage recovered")
                self._down_until = 0.0
            else:
                self._down_until = time.monotonic() + self.RECHECK_SECONDS
        return self._fallback if self._down_until else self.counter

    def wait(self, site: str) -> int:
        """Count one consent from this client for `site`; return seconds to wait if over."""
        cfg = current_app.config
        counts = (
            (self._item(cfg["RATELIMIT_CONSENT_CLIENT"]), "consent", client_key()),
            (self._item(cfg["RATELIMIT_CONSENT_SITE"]), "consent-site", site),
        )
        for item, *keys in counts:
            strategy = self._strategy()
            try:
                allowed = strategy.hit(item, self.prefix, *keys)
            except Exception as exc:  # noqa: BLE001 - storage down: count in memory meanwhile
                log.warning("rate limit storage unreachable, counting in memory: %s", exc)
                self._down_until = time.monotonic() + self.RECHECK_SECONDS
                strategy = self._fallback
                allowed = strategy.hit(item, self.prefix, *keys)
            if not allowed:
                return seconds_left(strategy, item, self.prefix, *keys)
        return 0


def seconds_left(strategy: RateLimiter, item: RateLimitItem, *keys: str) -> int:
    """Return the whole seconds until a count over its limit may be taken again (at least 1)."""
    reset = strategy.get_window_stats(item, *keys).reset_time
    return max(1, int(reset - time.time() + 0.999))


def consent_limits(view: F) -> F:
    """Limit a consent-recording view per client and per site (its `key`): 429 when over."""

    @functools.wraps(view)
    def limited(*args: Any, **kwargs: Any) -> Any:
        counts: ConsentLimits | None = current_app.extensions.get(CONSENT_LIMITS)
        if counts is not None:
            wait = counts.wait(str(kwargs.get("key", "-")))
            if wait:
                raise TooManyRequests(MESSAGE, retry_after=wait)
        return view(*args, **kwargs)

    return limited  # type: ignore[return-value]


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
        app.extensions[CONSENT_LIMITS] = ConsentLimits(app)
