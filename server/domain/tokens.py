"""API tokens (stored as sha256) and password hashing (argon2id)."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from server.extensions import db
from server.models import ROLES, ApiToken, Site

PREFIX = "tmn_"
_hasher = PasswordHasher()
RANK = {role: i for i, role in enumerate(ROLES)}


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


def check_password(stored: str, password: str) -> bool:
    """Tell whether a password matches its stored hash."""
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def token_digest(token: str) -> str:
    """Return what is stored of a token: its sha256."""
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(site: Site, role: str, label: str = "") -> tuple[ApiToken, str]:
    """Create a token for a site; the plain token is returned once and never stored."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    plain = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        site_id=site.id, role=role, token_hash=token_digest(plain), prefix=plain[:10], label=label
    )
    db.session.add(row)
    return row, plain


def find_token(header: str | None, site_id: int) -> ApiToken | None:
    """Return the live token of this site named by an `Authorization: Bearer` header."""
    if not header or not header.startswith("Bearer "):
        return None
    token = header[len("Bearer ") :].strip()
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(token)))
    if row is None or row.site_id != site_id or row.revoked_at is not None:
        return None
    return row


def allows(role: str, needed: str) -> bool:
    """Tell whether a role includes the rights of another (recorder is a write-only role)."""
    if needed == "recorder":
        return role in ("recorder", "editor", "owner")
    if role == "recorder":
        return False
    return RANK[role] >= RANK[needed]
