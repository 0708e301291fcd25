"""Login limits, counted atomically before a password is checked, keyed to spare real admins.

Three counts, each taken (incremented and compared in one step of the limiter's storage)
before the password is looked at, so concurrent attempts cannot slip past them:

- per client address, every POST (`RATELIMIT_LOGIN`, the decorator of server.http.limits);
- per e-mail typed and client (`RATELIMIT_LOGIN`): one client guessing one account;
- per e-mail typed, for clients that never signed in to it (`RATELIMIT_LOGIN_EMAIL`, slower):
  guessing spread over many addresses.

A browser that signed in to an account carries a signed device cookie for it; there the
second count is kept per device and the third does not apply, so an attacker rotating
addresses can slow guessing on an account but cannot lock out the admin who owns it.
"""

from __future__ import annotations

import logging

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer
from limits import parse

from server.http.limits import client_key, limiter, login_limit, seconds_left

log = logging.getLogger("temoin")
DEVICE_COOKIE = "temoin_device"
DEVICE_DAYS = 180


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.config["SECRET_KEY"]), salt="temoin-device")


def known_device(email: str) -> str | None:
    """Return this browser's device id when it signed in to `email` before."""
    raw = request.cookies.get(DEVICE_COOKIE)
    if not raw:
        return None
    try:
        device, known = _serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
    except (BadSignature, ValueError, TypeError):
        return None
    return str(device) if email in known else None


def remember_device(resp: Response, email: str) -> None:
    """Mark this browser as one that signed in to `email` (kept for DEVICE_DAYS)."""
    device, known = client_key(), []
    raw = request.cookies.get(DEVICE_COOKIE)
    if raw:
        try:
            device, known = _serializer().loads(raw, max_age=DEVICE_DAYS * 86400)
        except (BadSignature, ValueError, TypeError):
            pass
    known = [email, *[e for e in known if e != email]][:10]
    resp.set_cookie(
        DEVICE_COOKIE,
        _serializer().dumps([device, known]),
        max_age=DEVICE_DAYS * 86400,
        path="/admin",
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )


def login_wait(email: str) -> int:
    """Count one login attempt for `email`; return the seconds to wait if it is over a limit."""
    if not limiter.enabled or not current_app.config["RATELIMIT_ENABLED"]:
        return 0
    cfg = current_app.config
    device = known_device(email)
    counts = [(parse(cfg["RATELIMIT_LOGIN"]), "login", email, device or client_key())]
    if device is None:
        counts.append((parse(cfg["RATELIMIT_LOGIN_EMAIL"]), "login-email", email))
    strategy = limiter.limiter
    for item, *keys in counts:
        try:
            if not strategy.hit(item, "temoin", *keys):
                return seconds_left(strategy, item, "temoin", *keys)
        except Exception as exc:  # noqa: BLE001 - storage down: the per-client limit still holds
            log.warning("login limit storage unavailable: %s", exc)
    return 0


__all__ = ["limiter", "login_limit", "login_wait", "remember_device"]
