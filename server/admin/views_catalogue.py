"""Add from catalogue: a common service, its cookies and texts, into the draft in one click."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from server.admin import bp
from server.admin.access import actor, site_view
from server.admin.messages import say
from server.domain.catalogue import add_service, catalogue
from server.domain.drafts import draft_doc
from server.domain.errors import DomainError
from server.extensions import db
from server.http.errors import status_of
from server.models import Site
from server.vocab import EDIT


def _page(site: Site, error: str, status: int) -> Any:
    doc = draft_doc(site)
    present = {s["slug"] for c in doc["categories"] for s in c["services"]}
    html = render_template(
        "admin/catalogue.html",
        site=site,
        services=list(catalogue().values()),
        present=present,
        error=error,
        # The services' descriptions are the catalogue's data, written in French and English.
        described_in="fr" if str(get_locale() or "en") == "fr" else "en",
    )
    return html, status


@bp.get("/sites/<key>/catalogue")
@site_view(EDIT)
def catalogue_page(site: Site) -> Any:
    """List the catalogue's services, each with its one-click button."""
    return _page(site, "", 200)


@bp.post("/sites/<key>/catalogue")
@site_view(EDIT)
def catalogue_add(site: Site) -> Any:
    """Add one catalogue service to the draft (audited); never published by this."""
    slug = request.form.get("service", "")[:40]
    try:
        svc = add_service(site, slug, actor())
    except DomainError as err:
        db.session.rollback()
        return _page(site, say(err), status_of(err))
    db.session.commit()
    flash(
        _("%(name)s added to the draft (%(category)s).", name=svc.name, category=svc.category), "ok"
    )
    return redirect(url_for("admin.catalogue_page", key=site.key) + f"#svc-{svc.slug}")
