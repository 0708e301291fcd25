"""Add from catalogue: a common service, its cookies and texts, into the draft in one click."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for

from ..domain.catalogue import add_service, catalogue
from ..errors import ApiError
from ..extensions import db
from ..models import Site
from . import bp
from .access import actor, site_view
from .drafts import draft_doc


def _page(site: Site, error: str, status: int) -> Any:
    doc = draft_doc(site)
    present = {s["slug"] for c in doc["categories"] for s in c["services"]}
    html = render_template(
        "admin/catalogue.html",
        site=site,
        services=list(catalogue().values()),
        present=present,
        error=error,
    )
    return html, status


@bp.get("/sites/<key>/catalogue")
@site_view("editor")
def catalogue_page(site: Site) -> Any:
    """List the catalogue's services, each with its one-click button."""
    return _page(site, "", 200)


@bp.post("/sites/<key>/catalogue")
@site_view("editor")
def catalogue_add(site: Site) -> Any:
    """Add one catalogue service to the draft (audited); never published by this."""
    slug = request.form.get("service", "")[:40]
    try:
        svc = add_service(site, slug, actor())
    except ApiError as err:
        db.session.rollback()
        return _page(site, err.message, err.status)
    db.session.commit()
    flash(f"{svc.name} added to the draft ({svc.category}).", "ok")
    return redirect(url_for("admin.catalogue_page", key=site.key) + f"#svc-{svc.slug}")
