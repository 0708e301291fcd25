"""The caller's site API token, from an `Authorization: Bearer tmn_…` header."""

from __future__ import annotations

from flask import request

from server.domain.tokens import find_token
from server.models import ApiToken

SCHEME = "Bearer "


def bearer_token() -> ApiToken | None:
    """Return the live token the request's Authorization header carries, if any."""
    header = request.headers.get("Authorization") or ""
    if not header.startswith(SCHEME):
        return None
    return find_token(header[len(SCHEME) :].strip())
