"""The signed-in admin's own account: changing the password."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from server.admin import bp
from server.admin.access import current_admin, keep_session, login_required
from server.admin.forms import errors_of
from server.admin.i18n import locales
from server.domain.accounts import check_password, hash_password
from server.domain.audit import CHANGE_PASSWORD, record_event
from server.domain.schemas_admin import PasswordIn
from server.extensions import db

FIELDS = ("current_password", "new_password", "confirm")


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> Any:
    """Change one's password; every other session of this admin ends."""
    admin = current_admin()
    assert admin is not None
    errors: dict[str, str] = {}
    if request.method == "POST":
        form = {k: (request.form.get(k) or "") for k in FIELDS}
        try:
            data = PasswordIn().load(form)
        except ValidationError as err:
            errors = errors_of(err.messages)
        if not errors.get("current_password") and not check_password(
            admin.password_hash, form["current_password"]
        ):
            errors["current_password"] = _("Wrong password.")
        if not errors:
            admin.password_hash = hash_password(data["new_password"])
            admin.must_change_password = False
            record_event(None, admin.email, CHANGE_PASSWORD, admin.email)
            db.session.commit()
            keep_session(admin)
            flash(_("Your password is changed; your other sessions are signed out."))
            return redirect(url_for("admin.password"))
    # Passwords are never sent back in the page.
    html = render_template(
        "admin/password.html", values={}, errors=errors, first=admin.must_change_password
    )
    return html, 422 if errors else 200


@bp.post("/account/locale")
@login_required
def account_locale() -> Any:
    """Choose the language of the admin pages (empty: the browser's)."""
    admin = current_admin()
    assert admin is not None
    chosen = (request.form.get("locale") or "").strip()
    if chosen and chosen not in locales():
        html = render_template(
            "admin/password.html",
            values={},
            errors={"locale": _("Not a language of the admin.")},
            first=admin.must_change_password,
        )
        return html, 422
    admin.locale = chosen or None
    db.session.commit()
    flash(_("Language of the admin saved."))
    return redirect(url_for("admin.password"))
