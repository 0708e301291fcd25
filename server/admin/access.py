"""Who is signed in, and what they may do on which site (another site's data answers 404)."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, redirect, request, session, url_for
from sqlalchemy import select

from server.domain.accounts import check_no_password, check_password
from server.domain.sites import get_site
from server.extensions import db
from server.models import Admin, Membership, Site
from server.vocab import OWNER, allowed

SESSION_SECONDS = 12 * 3600


def _fingerprint(admin: Admin) -> str:
    # Changing the password changes the hash, which ends every open session.
    return hashlib.sha256(admin.password_hash.encode()).hexdigest()[:16]


def authenticate(email: str, password: str) -> Admin | None:
    """Return the admin these credentials belong to."""
    admin = db.session.scalar(select(Admin).where(Admin.email == email.strip().lower()))
    if admin is None:
        check_no_password(password)  # both failures take the same time
        return None
    return admin if check_password(admin.password_hash, password) else None


def sign_in(admin: Admin) -> None:
    """Start a fresh session for an admin."""
    session.clear()
    session["admin_id"] = admin.id
    session["fp"] = _fingerprint(admin)
    session["gen"] = admin.session_generation
    session["at"] = int(time.time())


def keep_session(admin: Admin) -> None:
    """Keep the current session valid after its admin's password changed (others end)."""
    session["fp"] = _fingerprint(admin)
    g.admin = admin


def current_admin() -> Admin | None:
    """Return the signed-in admin, or None when the session is absent, stale or revoked."""
    if "admin" in g:
        return g.admin
    admin = None
    admin_id = session.get("admin_id")
    fresh = time.time() - session.get("at", 0) < SESSION_SECONDS
    if admin_id and fresh:
        admin = db.session.get(Admin, admin_id)
        if admin is not None and (
            session.get("fp") != _fingerprint(admin)
            or session.get("gen") != admin.session_generation
        ):
            admin = None
    g.admin = admin
    return admin


def role_on(admin: Admin, site: Site) -> str | None:
    """Return an admin's role on a site (a superuser owns every site)."""
    if admin.is_superuser:
        return OWNER
    return db.session.scalar(
        select(Membership.role).where(
            Membership.admin_id == admin.id, Membership.site_id == site.id
        )
    )


def my_sites(admin: Admin) -> list[tuple[Site, str]]:
    """Return the sites an admin may open, with the role on each."""
    if admin.is_superuser:
        return [(s, OWNER) for s in db.session.scalars(select(Site).order_by(Site.key))]
    rows = db.session.execute(
        select(Site, Membership.role)
        .join(Membership, Membership.site_id == Site.id)
        .where(Membership.admin_id == admin.id)
        .order_by(Site.key)
    )
    return [(site, role) for site, role in rows]


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send visitors without a session to the login page."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_admin() is None:
            return redirect(url_for("admin.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


def site_view(needed: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Resolve `key` to a site where the admin's role has capability `needed` (see vocab).

    404 when the admin has no role on the site (or there is no such site), 403 when the role
    lacks the capability.
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def wrapped(key: str, *args: Any, **kwargs: Any) -> Any:
            site = get_site(key)
            role = role_on(current_admin(), site) if site is not None else None  # type: ignore[arg-type]
            if site is None or role is None:
                abort(404)
            if not allowed(role, needed):
                abort(403)
            g.site, g.role = site, role
            return view(site, *args, **kwargs)

        return wrapped

    return decorate


def actor() -> str:
    """Name the signed-in admin in the audit log."""
    admin = current_admin()
    return admin.email if admin else "anonymous"


def can(capability: str) -> bool:
    """Tell templates whether the current role has a capability (`view`, `edit`, `manage`)."""
    return allowed(g.get("role"), capability)


def safe_next(target: str | None) -> str:
    """Return a local admin path to go back to after login, never another host."""
    if target and target.startswith("/admin") and not target.startswith("//"):
        return target
    return url_for("admin.index")
