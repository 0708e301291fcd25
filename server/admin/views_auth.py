"""Signing in and out, and the list of the admin's sites."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_limiter.errors import RateLimitExceeded

from server.admin import bp
from server.admin.access import (
    authenticate,
    current_admin,
    login_required,
    my_sites,
    safe_next,
    sign_in,
)
from server.admin.ratelimit import login_limit, login_wait, remember_device
from server.domain.accounts import end_sessions
from server.domain.audit import SIGN_IN, SIGN_IN_FAILED, SIGN_OUT, record_event
from server.extensions import db


def local_path(target: str | None) -> str:
    """Return `target` when it is a path of this site to go back to after login, else ""."""
    # One leading "/" only: "//host" and "/\\host" name another host to browsers, and
    # CR, LF or any other control character has no place in a Location header.
    if not target or not target.startswith("/") or target[1:2] in ("/", "\\"):
        return ""
    return target if target.isprintable() else ""


@bp.route("/login", methods=["GET", "POST"])
@login_limit
def login() -> Any:
    """Show the login form; sign in with e-mail and password."""
    if request.method == "GET":
        if current_admin() is not None:
            return redirect(safe_next(local_path(request.args.get("next"))))
        next_ = local_path(request.args.get("next"))
        return render_template("admin/login.html", email="", next=next_)
    email = (request.form.get("email") or "")[:254]
    password = (request.form.get("password") or "")[:1024]
    # The audit names the e-mail typed (normalised), never the password.
    typed = email.strip().lower()
    wait = login_wait(typed)
    if wait:
        return _too_many_page(wait)
    admin = authenticate(email, password) if email and password else None
    if admin is None:
        record_event(None, typed, SIGN_IN_FAILED)
        db.session.commit()
        html = render_template(
            "admin/login.html",
            email=email,
            next=local_path(request.form.get("next")),
            error=_("Unknown e-mail or wrong password."),
        )
        return html, 401
    record_event(None, typed, SIGN_IN)
    db.session.commit()
    sign_in(admin)
    resp = redirect(safe_next(local_path(request.form.get("next"))))
    remember_device(resp, typed)
    return resp


def _too_many_page(wait: int) -> Any:
    html = render_template(
        "admin/login.html",
        email=request.form.get("email", ""),
        next=local_path(request.form.get("next")),
        error=_("Too many failed attempts; wait a minute before trying again."),
    )
    return html, 429, {"Retry-After": str(wait)}


@bp.errorhandler(RateLimitExceeded)
def _too_many(err: RateLimitExceeded) -> Any:
    return _too_many_page(60)


@bp.post("/logout")
def logout() -> Any:
    """End the session."""
    admin = current_admin()
    if admin is not None:
        # The signed cookie stays valid until it expires unless the server refuses it.
        end_sessions(admin)
        record_event(None, admin.email, SIGN_OUT)
        db.session.commit()
    session.clear()
    flash(_("You are signed out."))
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
