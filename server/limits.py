"""Rate limits: recording consents (per client and per site) and admin login (per client).

Limits come from the RATELIMIT_* settings and are counted in memory, or in Redis when
REDIS_URL is set so that every gunicorn worker shares them. A breach answers 429 in the
error envelope with Retry-After. Clients are told apart by their address, taken from
X-Forwarded-For only when PROXY_FIX says how many proxies in front may be trusted.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, request
from flask.globals import request_ctx
from limits.storage import MemoryStorage
from werkzeug.middleware.proxy_fix import ProxyFix

from .extensions import limiter

F = TypeVar("F", bound=Callable[..., Any])
MESSAGE = "Too many requests; try again later."


class SweptMemoryStorage(MemoryStorage):
    """The `limits` memory storage, sweeping expired counters every few seconds.

    Counters expire when read anyway; the stock storage also starts a sweeping thread
    whenever the previous one ended, 10 ms after, which under load means a new thread
    a hundred times a second in every worker.
    """

    STORAGE_SCHEME = ["temoin-memory"]
    SWEEP_SECONDS = 5.0

    def _MemoryStorage__schedule_expiry(self) -> None:  # overrides the private scheduler
        if not self.timer.is_alive():
            self.timer = threading.Timer(self.SWEEP_SECONDS, self._MemoryStorage__expire_events)
            self.timer.daemon = True
            self.timer.start()


def client_key() -> str:
    """Identify the client by a keyed digest of its address, so no raw address is kept."""
    address = (request.remote_addr or "-").encode()
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hashlib.blake2b(address, key=secret[:64], digest_size=12).hexdigest()


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


def _app_wide_limits() -> bool:
    manager = limiter.limit_manager
    return bool(manager._application_limits or manager._default_limits or manager._blueprint_limits)


def _only_when_needed(app: Flask) -> None:
    """Run Flask-Limiter's per-request pass only while app-wide limits exist.

    Témoin's limits decorate views, which check them themselves; the app-wide pass would
    look for default, application or blueprint limits on every request (the widget's too)
    and find none, at a cost comparable to serving a 304.
    """
    hooks = app.before_request_funcs.setdefault(None, [])
    check = limiter._check_request_limit
    if check not in hooks:
        return

    def check_app_wide_limits() -> None:
        if _app_wide_limits():
            check()

    hooks[hooks.index(check)] = check_app_wide_limits
    # Its after-request and teardown steps only concern requests that met a limit.
    _skip_unless_limited(app.after_request_funcs.setdefault(None, []), "__inject_headers")
    _skip_unless_limited(app.teardown_request_funcs.setdefault(None, []), "__release_context")


def _skip_unless_limited(hooks: list[Callable[..., Any]], name: str) -> None:
    for i, hook in enumerate(hooks):
        if name in repr(hook) and "Limiter" in repr(hook):

            def only_if_limited(arg: Any, _hook: Callable[..., Any] = hook) -> Any:
                if hasattr(request_ctx._get_current_object(), "_limiter_request_context"):
                    return _hook(arg)
                return arg if isinstance(arg, Response) else None

            hooks[i] = only_if_limited


def init_app(app: Flask) -> None:
    """Trust the configured proxies, then bind the limiter to the app."""
    proxies = int(app.config.get("PROXY_FIX") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    storage_settings(app)
    limiter.init_app(app)
    if app.config["RATELIMIT_ENABLED"]:
        _only_when_needed(app)
        app.after_request(_retry_after)
