"""Admin accounts: passwords (argon2id), per-site roles, sessions that can be ended."""

from __future__ import annotations

import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import select

from server.domain.sites import get_site
from server.extensions import db
from server.models import Admin, Membership, Site

PROFILES = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,
    "rfc9106-high-memory": profiles.RFC_9106_HIGH_MEMORY,
    "cheapest": profiles.CHEAPEST,
}
EXTENSION = "temoin_password_hasher"


def _hasher() -> tuple[PasswordHasher, str]:
    """The app's argon2id hasher (PASSWORD_HASH_PROFILE) and a hash of nothing anyone knows."""
    kept = current_app.extensions.get(EXTENSION)
    if kept is None:
        name = current_app.config.get("PASSWORD_HASH_PROFILE") or "rfc9106-low-memory"
        if name not in PROFILES:
            raise ValueError(f"PASSWORD_HASH_PROFILE must be one of {', '.join(PROFILES)}")
        hasher = PasswordHasher.from_parameters(PROFILES[name])
        kept = current_app.extensions[EXTENSION] = (hasher, hasher.hash(secrets.token_hex(16)))
    return kept


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher()[0].hash(password)


def check_password(stored: str, password: str) -> bool:
    """Tell whether a password matches its stored hash (hashed with any parameters)."""
    try:
        return _hasher()[0].verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def check_no_password(password: str) -> None:
    """Take as long as checking a password does, for an e-mail that has no account."""
    check_password(_hasher()[1], password)


def find_admin(email: str) -> Admin | None:
    """Return the admin with this e-mail (compared in lower case)."""
    return db.session.scalar(select(Admin).where(Admin.email == email.strip().lower()))


def upsert_admin(
    email: str, password: str, roles: dict[str, str], superuser: bool | None = None
) -> Admin:
    """Create an admin or reset its password, and set its role on the given sites.

    `superuser` True or False grants or revokes the instance-wide powers; None keeps them.
    """
    email = email.strip().lower()
    admin = find_admin(email)
    if admin is None:
        admin = Admin(email=email, password_hash=hash_password(password))
        db.session.add(admin)
        db.session.flush()
    else:
        admin.password_hash = hash_password(password)
    if superuser is not None:
        admin.is_superuser = superuser
    for key, role in roles.items():
        site = get_site(key)
        if site is None:
            raise ValueError(f"no site {key!r}")
        set_role(admin, site, role)
    return admin


def new_admin(email: str) -> tuple[Admin, str]:
    """Create an admin with a generated one-time password, returned once (never stored).

    The admin must choose their own password at first sign-in.
    """
    password = secrets.token_urlsafe(12)
    admin = Admin(
        email=email.strip().lower(),
        password_hash=hash_password(password),
        must_change_password=True,
    )
    db.session.add(admin)
    db.session.flush()
    return admin, password


def set_role(admin: Admin, site: Site, role: str | None) -> str | None:
    """Give an admin a role on a site, or remove it (None); return the role it had."""
    member = db.session.scalar(
        select(Membership).where(Membership.admin_id == admin.id, Membership.site_id == site.id)
    )
    before = member.role if member else None
    if role is None:
        if member:
            db.session.delete(member)
            end_sessions(admin)
    elif member is None:
        db.session.add(Membership(admin_id=admin.id, site_id=site.id, role=role))
    else:
        member.role = role
    return before


def end_sessions(admin: Admin) -> None:
    """End every open session of an admin (sign-out, removal): their cookies are refused."""
    admin.session_generation = (admin.session_generation or 0) + 1


def has_sites(admin: Admin) -> bool:
    """Tell whether an admin can open any site."""
    if admin.is_superuser:
        return True
    return (
        db.session.scalar(select(Membership.id).where(Membership.admin_id == admin.id)) is not None
    )
