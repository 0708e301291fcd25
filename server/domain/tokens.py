"""Site API tokens: made once and shown once, stored as their sha256, revocable."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select

from server.extensions import db
from server.models import ApiToken, Site
from server.vocab import API_TOKEN_PREFIX, ROLES

MAX_LENGTH = 100


def token_digest(token: str) -> str:
    """Return what is stored of a token: its sha256."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(site: Site, role: str, label: str = "") -> tuple[ApiToken, str]:
    """Create a token for a site; the plain token is returned once and never stored."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    plain = API_TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        site_id=site.id, role=role, token_hash=token_digest(plain), prefix=plain[:10], label=label
    )
    db.session.add(row)
    return row, plain


def find_token(plain: str | None) -> ApiToken | None:
    """Return the live (unrevoked) token a plain token names, whichever site it is for."""
    if not plain or not plain.startswith(API_TOKEN_PREFIX) or len(plain) > MAX_LENGTH:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(plain)))
    return row if row is not None and row.revoked_at is None else None
