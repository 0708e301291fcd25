"""Superusers only: creating a site, and with it perhaps its owner's account."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from server.admin import bp
from server.admin.access import actor, current_admin, login_required
from server.admin.forms import errors_of, lines
from server.admin.views_owner import members_page, set_member_role
from server.domain.accounts import find_admin, new_admin
from server.domain.audit import CREATE_ADMIN, record_event
from server.domain.schemas_admin import NewSiteIn
from server.domain.sites import create_site, get_site
from server.extensions import db
from server.vocab import OWNER

FIELDS = ("key", "name", "origins", "owner")


@bp.route("/sites/new", methods=["GET", "POST"])
@login_required
def new_site() -> Any:
    """Create a site with default texts; a new owner's one-time password is shown once."""
    if not current_admin().is_superuser:  # type: ignore[union-attr]
        abort(403, _("Only an instance superuser may create sites."))
    values = {k: request.form.get(k, "") for k in FIELDS}
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            data = _load(values)
        except ValidationError as err:
            errors = errors_of(err.messages)
        else:
            site = create_site(data["key"], data["name"], data["origins"])
            record_event(
                site.id,
                actor(),
                "create site",
                site.key,
                None,
                {"name": site.name, "origins": site.origins},
            )
            if data["owner"] is None:
                db.session.commit()
                flash(
                    _(
                        "Site %(key)s created with default texts: review them, then publish.",
                        key=site.key,
                    )
                )
                return redirect(url_for("admin.site", key=site.key))
            admin, password = find_admin(data["owner"]), None
            if admin is None:
                admin, password = new_admin(data["owner"])
                record_event(site.id, actor(), CREATE_ADMIN, admin.email)
            set_member_role(site, admin, OWNER)
            db.session.commit()
            flash(
                _(
                    "Site %(key)s created with default texts; %(email)s owns it.",
                    key=site.key,
                    email=admin.email,
                )
            )
            shown = (admin.email, password) if password else None
            return members_page(site, {}, {}, 201, new_password=shown)
    html = render_template("admin/new_site.html", values=values, errors=errors)
    return html, 422 if errors else 200


def _load(values: dict[str, str]) -> dict[str, Any]:
    data = {**values, "origins": lines(values["origins"])}
    loaded = NewSiteIn().load(data)
    if get_site(loaded["key"]) is not None:
        raise ValidationError({"key": [_("A site with this key exists.")]})
    return loaded
