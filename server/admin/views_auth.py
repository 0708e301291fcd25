"""Signing in and out, and the list of the admin's sites."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask_limiter.errors import RateLimitExceeded

from ..extensions import db
from . import bp
from .access import (
    authenticate,
    config_login_limit,
    current_admin,
    login_required,
    my_sites,
    safe_next,
    sign_in,
)
from .audit import SIGN_IN, SIGN_IN_FAILED, SIGN_OUT, record_event
from .ratelimit import limiter, login_key, login_limit


def local_path(target: str | None) -> str:
    """Return `target` when it is a path of this site to go back to after login, else ""."""
    # One leading "/" only: "//host" and "/\\host" name another host to browsers, and
    # CR, LF or any other control character has no place in a Location header.
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return ""
    return target if target.isprintable() else ""


def _failed(resp: Any) -> bool:
    # Only failed attempts count against the limit.
    return resp.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@login_limit
@limiter.limit(config_login_limit, key_func=login_key, methods=["POST"], deduct_when=_failed)
def login() -> Any:
    """Show the login form; sign in with e-mail and password."""
    if request.method == "GET":
        if current_admin() is not None:
            return redirect(safe_next(local_path(request.args.get("next"))))
        next_ = local_path(request.args.get("next"))
        return render_template("admin/login.html", email="", next=next_)
    email = (request.form.get("email") or "")[:254]
    password = (request.form.get("password") or "")[:1024]
    admin = authenticate(email, password) if email and password else None
    # The audit names the e-mail typed (normalised), never the password.
    typed = email.strip().lower()
    if admin is None:
        record_event(None, typed, SIGN_IN_FAILED)
        db.session.commit()
        html = render_template(
            "admin/login.html",
            email=email,
            next=local_path(request.form.get("next")),
            error="Unknown e-mail or wrong password.",
        )
        return html, 401
    record_event(None, typed, SIGN_IN)
    db.session.commit()
    sign_in(admin)
    return redirect(safe_next(local_path(request.form.get("next"))))


@bp.errorhandler(RateLimitExceeded)
def _too_many(err: RateLimitExceeded) -> Any:
    html = render_template(
        "admin/login.html",
        email=request.form.get("email", ""),
        next=local_path(request.form.get("next")),
        error="Too many failed attempts; wait a minute before trying again.",
    )
    return html, 429, {"Retry-After": "60"}


@bp.post("/logout")
def logout() -> Any:
    """End the session."""
    admin = current_admin()
    if admin is not None:
        record_event(None, admin.email, SIGN_OUT)
        db.session.commit()
    session.clear()
    flash("You are signed out.")
    return redirect(url_for("admin.login"))


@bp.get("/")
@login_required
def index() -> Any:
    """List the sites the admin may open."""
    admin = current_admin()
    sites = my_sites(admin)  # type: ignore[arg-type]
    # A superuser lands on the list, where sites are created.
    if len(sites) == 1 and not admin.is_superuser:  # type: ignore[union-attr]
        return redirect(url_for("admin.site", key=sites[0][0].key))
    return render_template("admin/sites.html", sites=sites)
