"""Owners only: visitors' rights, members, API tokens and the audit log."""

from __future__ import annotations

import json
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from marshmallow import ValidationError, fields
from sqlalchemy import select

from server.admin import bp
from server.admin.access import actor, current_admin, site_view
from server.admin.forms import errors_of, query
from server.admin.labels import word
from server.admin.schemas import AuditPageIn
from server.domain.accounts import find_admin, new_admin, set_role
from server.domain.audit import CREATE_ADMIN, list_events, record_event
from server.domain.drafts import diff
from server.domain.log import erase_consent, held_on
from server.domain.schemas_admin import MemberIn, TokenIn
from server.domain.tokens import create_token
from server.extensions import db
from server.models import Admin, ApiToken, Membership, Site, utcnow
from server.vocab import MANAGE


def _consent_id() -> str | None:
    try:
        return str(fields.UUID().deserialize((request.form.get("consent_id") or "").strip()))
    except ValidationError:
        return None


@bp.route("/sites/<key>/rights", methods=["GET", "POST"])
@site_view(MANAGE)
def rights(site: Site) -> Any:
    """Find what is held on a consent id, to export it or erase it."""
    held, error, cid = None, "", ""
    if request.method == "POST":
        cid = _consent_id() or ""
        if not cid:
            error = _("Not a consent id (a UUID such as 3f2b…-…).")
        else:
            held = held_on(site, cid)
    status = 422 if error else 200
    return render_template("admin/rights.html", site=site, held=held, cid=cid, error=error), status


@bp.post("/sites/<key>/rights/export")
@site_view(MANAGE)
def rights_export(site: Site) -> Response:
    """Download everything held on one consent id as JSON."""
    cid = _consent_id()
    if cid is None:
        abort(422, _("Not a consent id."))
    body = json.dumps(held_on(site, cid), ensure_ascii=False, indent=2)
    resp = Response(body, mimetype="application/json")
    resp.headers["Content-Disposition"] = f'attachment; filename="temoin-{site.key}-{cid}.json"'
    return resp


@bp.post("/sites/<key>/rights/erase")
@site_view(MANAGE)
def rights_erase(site: Site) -> Any:
    """Erase the contents of every record of one consent id (the chain stays verifiable)."""
    cid = _consent_id()
    if cid is None or request.form.get("confirm") != "erase":
        abort(422, _("Give a consent id and tick the confirmation."))
    count = erase_consent(site, cid, actor())
    db.session.commit()
    flash(f"{count} record(s) erased; their hashes stay in the chain, marked as erased.")
    return redirect(url_for("admin.rights", key=site.key))


@bp.route("/sites/<key>/members", methods=["GET", "POST"])
@site_view(MANAGE)
def members(site: Site) -> Any:
    """List members and tokens; add a member or change a role."""
    errors: dict[str, str] = {}
    values = request.form.to_dict()
    if request.method == "POST":
        try:
            data = MemberIn().load({k: values.get(k, "") for k in ("email", "role")})
        except ValidationError as err:
            errors = errors_of(err.messages)
        else:
            admin, password = find_admin(data["email"]), None
            if admin is None and current_admin().is_superuser:  # type: ignore[union-attr]
                admin, password = new_admin(data["email"])
                record_event(site.id, actor(), CREATE_ADMIN, admin.email)
            if admin is None:
                errors = {"email": str(NO_SUCH_ADMIN)}
            else:
                set_member_role(site, admin, data["role"])
                db.session.commit()
                flash(
                    _(
                        "%(email)s is now %(role)s of %(site)s.",
                        email=admin.email,
                        role=word(data["role"]),
                        site=site.key,
                    )
                )
                if password:
                    return members_page(site, {}, {}, 201, new_password=(admin.email, password))
                return redirect(url_for("admin.members", key=site.key))
    return members_page(site, values, errors, 422 if errors else 200)


NO_SUCH_ADMIN = lazy_gettext(
    "No admin has this e-mail: an instance superuser can add it here, which creates the "
    "account, or create it with temoin create-admin."
)


def members_page(
    site: Site,
    values: dict[str, Any],
    errors: dict[str, str],
    status: int,
    new_token: str | None = None,
    new_password: tuple[str, str] | None = None,
) -> Any:
    """Render the members and tokens page; a new token or password is shown this once."""
    rows = db.session.execute(
        select(Admin, Membership.role)
        .join(Membership, Membership.admin_id == Admin.id)
        .where(Membership.site_id == site.id)
        .order_by(Admin.email)
    ).all()
    tokens = db.session.scalars(
        select(ApiToken).where(ApiToken.site_id == site.id).order_by(ApiToken.id.desc())
    ).all()
    return (
        render_template(
            "admin/members.html",
            site=site,
            members=rows,
            tokens=tokens,
            values=values,
            errors=errors,
            new_token=new_token,
            new_password=new_password,
        ),
        status,
    )


def set_member_role(site: Site, admin: Admin, role: str | None) -> None:
    """Give an admin a role on the site (None removes it), in the audit log."""
    before = set_role(admin, site, role)
    record_event(site.id, actor(), "set role", admin.email, {"role": before}, {"role": role})


@bp.post("/sites/<key>/members/<int:admin_id>/remove")
@site_view(MANAGE)
def member_remove(site: Site, admin_id: int) -> Any:
    """Remove a member from the site (an owner cannot remove themself)."""
    admin = db.session.get(Admin, admin_id)
    # Only a member is named: anyone else's e-mail is none of this site's business.
    if admin is None or not _is_member(site, admin):
        abort(404, _("No such member of this site."))
    if admin.id == current_admin().id:  # type: ignore[union-attr]
        flash(_("You cannot remove yourself."), "error")
    else:
        set_member_role(site, admin, None)
        db.session.commit()
        flash(f"{admin.email} removed.")
    return redirect(url_for("admin.members", key=site.key))


def _is_member(site: Site, admin: Admin) -> bool:
    found = db.session.scalar(
        select(Membership.id).where(Membership.site_id == site.id, Membership.admin_id == admin.id)
    )
    return found is not None


@bp.post("/sites/<key>/tokens")
@site_view(MANAGE)
def token_create(site: Site) -> Any:
    """Create an API token; its value is shown once and only its hash is stored."""
    values = request.form.to_dict()
    try:
        data = TokenIn().load({k: values.get(k, "") for k in ("role", "label")})
    except ValidationError as err:
        return members_page(site, values, errors_of(err.messages), 422)
    row, plain = create_token(site, data["role"], data["label"])
    db.session.flush()
    record_event(
        site.id, actor(), "create token", row.prefix, None, {"role": row.role, "label": row.label}
    )
    db.session.commit()
    return members_page(site, {}, {}, 201, new_token=plain)


@bp.post("/sites/<key>/tokens/<int:token_id>/revoke")
@site_view(MANAGE)
def token_revoke(site: Site, token_id: int) -> Any:
    """Revoke an API token at once."""
    row = db.session.get(ApiToken, token_id)
    if row is None or row.site_id != site.id:
        abort(404)
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        record_event(
            site.id, actor(), "revoke token", row.prefix, {"revoked": False}, {"revoked": True}
        )
        db.session.commit()
        flash(_("Token %(prefix)s… revoked.", prefix=row.prefix))
    return redirect(url_for("admin.members", key=site.key))


@bp.get("/sites/<key>/audit")
@site_view(MANAGE)
def audit(site: Site) -> Any:
    """Show the audit log: who changed what, when, before and after."""
    page = query(AuditPageIn())
    events = list_events(site.id, page["before"])
    shown = [(e, diff(e.before or {}, e.after or {})) for e in events]
    more = events[-1].id if len(events) == 50 else None
    return render_template("admin/audit.html", site=site, events=shown, more=more)
