"""The site overview, publishing, version history with diffs, and the draft preview."""

from __future__ import annotations

import json
import secrets
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from server.admin import bp
from server.admin.access import actor, site_view
from server.admin.forms import errors_of, query
from server.admin.messages import say
from server.admin.schemas import DiffIn
from server.domain import drafts, policy
from server.domain.drafts import diff, draft_doc, latest_version, pending_changes
from server.domain.errors import DomainError
from server.domain.origins import refused_origins
from server.domain.schemas_admin import PublishIn
from server.domain.visitor_texts import fallbacks
from server.extensions import db
from server.http import bundle
from server.http.csp import content_security_policy
from server.http.errors import status_of
from server.models import ConsentRecord, PolicyVersion, Site, utcnow
from server.vocab import EDIT, VIEW


@bp.get("/sites/<key>/")
@site_view(VIEW)
def site(site: Site) -> Any:
    """Show the site's state: published version, unpublished changes, log, refused origins."""
    return _site_page(site, {}, 200)


def _site_page(site: Site, errors: dict[str, str], status: int) -> Any:
    doc = draft_doc(site)
    records = db.session.scalar(
        select(func.count()).select_from(ConsentRecord).where(ConsentRecord.site_id == site.id)
    )
    html = render_template(
        "admin/site.html",
        site=site,
        latest=latest_version(site),
        changes=pending_changes(site),
        records=records,
        fallbacks=fallbacks(doc),
        errors=[(path, message, field_link(site, doc, path)) for path, message in errors.items()],
        link=lambda path: field_link(site, doc, path),
        refused=refused_origins(site.id),
        doc=doc,
    )
    return html, status


def field_link(site: Site, doc: dict[str, Any], path: str) -> str:
    """Return the address of the form where a draft field (`categories.0.texts.en.name`) is."""
    parts = path.split(".")
    anchor = "#f-" + "-".join(parts)
    if parts[0] != "categories" or len(parts) < 2 or not parts[1].isdigit():
        return url_for("admin.settings", key=site.key) + anchor
    cats = doc["categories"]
    cat = cats[int(parts[1])] if int(parts[1]) < len(cats) else None
    if cat is None or len(parts) < 4 or parts[2] != "services" or not parts[3].isdigit():
        return url_for("admin.categories", key=site.key) + anchor
    svcs = cat["services"]
    if int(parts[3]) >= len(svcs):
        return url_for("admin.services", key=site.key)
    svc = svcs[int(parts[3])]
    page = url_for("admin.service", key=site.key, category=cat["slug"], slug=svc["slug"])
    return page + "#f-" + "-".join(parts[4:])


@bp.post("/sites/<key>/publish")
@site_view(EDIT)
def publish(site: Site) -> Any:
    """Publish the draft as the next version, optionally asking visitors again."""
    data = PublishIn().load({"reconsent": "reconsent" in request.form})
    try:
        version = drafts.publish(site, data["reconsent"], actor())
    except DomainError as err:
        db.session.rollback()
        if err.errors:
            return _site_page(site, errors_of(err.errors), status_of(err))
        flash(say(err.message), "error")
        return redirect(url_for("admin.site", key=site.key))
    db.session.commit()
    done = _(
        "Version %(number)s published (sha256 %(hash)s…).",
        number=version.version,
        hash=version.sha256[:12],
    )
    again = " " + _("Visitors will be asked to choose again.") if version.reconsent else ""
    flash(done + again)
    return redirect(url_for("admin.site", key=site.key))


@bp.get("/sites/<key>/versions")
@site_view(VIEW)
def versions(site: Site) -> Any:
    """List the published versions: who published what, when, and with which option."""
    rows = db.session.scalars(
        select(PolicyVersion)
        .where(PolicyVersion.site_id == site.id)
        .order_by(PolicyVersion.version.desc())
    ).all()
    return render_template("admin/versions.html", site=site, versions=rows)


def _version_or_404(site: Site, number: int) -> PolicyVersion:
    row = policy.get_snapshot(site.id, number)
    if row is None:
        abort(404)
    return row


@bp.get("/sites/<key>/versions/<int:number>")
@site_view(VIEW)
def version(site: Site, number: int) -> Any:
    """Show the exact snapshot of one version and check its sha256."""
    row = _version_or_404(site, number)
    return render_template(
        "admin/version.html",
        site=site,
        version=row,
        pretty=json.dumps(json.loads(row.snapshot), indent=2, ensure_ascii=False),
        intact=policy.sha256_hex(row.snapshot) == row.sha256,
    )


@bp.get("/sites/<key>/diff")
@site_view(VIEW)
def version_diff(site: Site) -> Any:
    """Show what changed between two versions (`a`, `b`; `b` may be `draft`)."""
    latest = latest_version(site)
    if latest is None:
        abort(404)
    sides = query(DiffIn(), 404, _("No such version: "))
    a_num = sides["a"] or max(latest.version - 1, 1)
    b_num = sides["b"] or latest.version
    b_arg = str(b_num)
    a_doc = json.loads(_version_or_404(site, a_num).snapshot)
    if b_num == "draft":
        b_doc = json.loads(policy.canonical_json(policy.build_snapshot(site)))
    else:
        b_doc = json.loads(_version_or_404(site, b_num).snapshot)
    numbers = db.session.scalars(
        select(PolicyVersion.version)
        .where(PolicyVersion.site_id == site.id)
        .order_by(PolicyVersion.version)
    ).all()
    return render_template(
        "admin/diff.html",
        site=site,
        a=a_num,
        b=b_arg,
        numbers=numbers,
        changes=diff(a_doc, b_doc),
        before=a_doc,
        after=b_doc,
    )


@bp.get("/sites/<key>/preview")
@site_view(EDIT)
def preview(site: Site) -> Any:
    """Show the real widget rendering the draft, one frame per language."""
    return render_template("admin/preview.html", site=site, languages=site.languages)


@bp.get("/sites/<key>/preview/<lang>")
@site_view(EDIT)
def preview_page(site: Site, lang: str) -> Response:
    """Serve a blank page where the widget runs on the draft in one language."""
    if lang not in site.languages:
        abort(404)
    nonce = secrets.token_urlsafe(16)
    html = render_template("admin/preview_page.html", site=site, lang=lang, nonce=nonce)
    resp = Response(html, mimetype="text/html")
    resp.headers["Content-Security-Policy"] = content_security_policy(
        nonce,
        img_src="'self' data:",
        frame_src="'none'",
        frame_ancestors="'self'",
        form_action="'none'",
    )
    resp.headers["X-Frame-Options"] = "SAMEORIGIN"
    return resp


def draft_config(site: Site) -> dict[str, Any]:
    """Return the draft as the widget's configuration, numbered as the next version."""
    latest = latest_version(site)
    document = policy.build_snapshot(site)
    number = (latest.version if latest else 0) + 1
    document.update(
        version=number,
        sha256=policy.sha256_hex(policy.canonical_json(document)),
        published_at=policy.iso(utcnow()).split(".")[0] + "Z",
        reconsent_version=number,
        preview=True,
    )
    return document


@bp.get("/sites/<key>/preview/<lang>/widget.js")
@site_view(EDIT)
def preview_js(site: Site, lang: str) -> Response:
    """Serve the widget bundle booted with the draft (the same mechanism as /w/KEY.js)."""
    if lang not in site.languages:
        abort(404)
    try:
        code, _ = bundle.bundle()
    except FileNotFoundError:
        body = "console.warn('Témoin: the widget bundle is not built (widget/dist/temoin.js).');"
        return Response(body, status=503, mimetype="application/javascript")
    body = code + b"\n" + bundle.boot_for(draft_config(site)).encode("utf-8")
    return Response(body, mimetype="application/javascript; charset=utf-8")
