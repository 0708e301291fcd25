"""Admin accounts and their per-site roles."""

from __future__ import annotations

from sqlalchemy import select

from .auth import hash_password
from .extensions import db
from .models import Admin, Membership
from .sites import get_site


def upsert_admin(email: str, password: str, roles: dict[str, str]) -> Admin:
    """Create an admin or reset its password, and set its role on the given sites."""
    email = email.strip().lower()
    admin = db.session.scalar(select(Admin).where(Admin.email == email))
    if admin is None:
        admin = Admin(email=email, password_hash=hash_password(password))
        db.session.add(admin)
        db.session.flush()
    else:
        admin.password_hash = hash_password(password)
    for key, role in roles.items():
        site = get_site(key)
        if site is None:
            raise ValueError(f"no site {key!r}")
        member = db.session.scalar(
            select(Membership).where(Membership.admin_id == admin.id, Membership.site_id == site.id)
        )
        if member is None:
            db.session.add(Membership(admin_id=admin.id, site_id=site.id, role=role))
        else:
            member.role = role
    return admin
