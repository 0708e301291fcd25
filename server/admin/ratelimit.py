"""Login rate limits on the app's shared limiter: per client, and per e-mail typed."""

from __future__ import annotations

from flask import request

from ..extensions import limiter
from ..limits import login_limit


def login_key() -> str:
    """Key failed logins by the e-mail typed, so spreading attempts over addresses is slowed."""
    return "login:" + (request.form.get("email") or "").strip().lower()[:254]


__all__ = ["limiter", "login_key", "login_limit"]
