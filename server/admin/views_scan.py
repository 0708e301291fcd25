"""The Scan pages: start a scan (queued for the worker), follow it, read and download the
report, compare two scans, and turn proposals into draft entries."""

from __future__ import annotations

from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from marshmallow import ValidationError

from server.admin import bp
from server.admin.access import actor, site_view
from server.admin.messages import say
from server.admin.scan_words import DRIFT
from server.domain.drafts import draft_doc
from server.domain.errors import DomainError
from server.domain.scan.accept import accept
from server.domain.scan.classify import Classifier
from server.domain.scan.compare import compare
from server.domain.scan.cookiedb import load as load_cookiedb
from server.domain.scan.jobs import start_scan
from server.domain.scan.store import (
    find_proposal,
    flag,
    get_scan,
    last_finished,
    list_scans,
    result_of,
)
from server.domain.scan.urls import DEFAULT_MAX_PAGES, MAX_PAGES
from server.extensions import db
from server.http.errors import status_of
from server.models import Site
from server.vocab import EDIT, VIEW


@bp.app_context_processor
def _scan_helpers() -> dict[str, Any]:
    def scan_flag(site: Site) -> str | None:
        why = flag(last_finished(site))
        return say(why) if why else None

    return {"last_scan": last_finished, "scan_flag": scan_flag}


def _scans_page(site: Site, form: dict[str, str], error: str, status: int) -> Any:
    html = render_template(
        "admin/scans.html",
        site=site,
        scans=list_scans(site),
        form=form,
        error=error,
        default_pages=DEFAULT_MAX_PAGES,
        max_pages=MAX_PAGES,
    )
    return html, status


@bp.get("/sites/<key>/scans")
@site_view(VIEW)
def scans(site: Site) -> Any:
    """List the site's scans and, for editors, the form that starts one."""
    return _scans_page(site, {}, "", 200)


@bp.post("/sites/<key>/scans")
@site_view(EDIT)
def scan_start(site: Site) -> Any:
    """Queue a scan for the worker; bad input re-renders the form with its error (422)."""
    form = {k: request.form.get(k, "") for k in ("urls", "max_pages")}
    urls = [line.strip() for line in form["urls"].splitlines() if line.strip()]
    raw = form["max_pages"].strip()
    if raw and not (raw.isdigit() and len(raw) < 6):
        message = _("Max pages: a whole number from 1 to %(max)s.", max=MAX_PAGES)
        return _scans_page(site, form, message, 422)
    try:
        scan = start_scan(
            current_app._get_current_object(), site, urls, int(raw) if raw else None, actor()
        )
    except DomainError as err:
        return _scans_page(site, form, say(err), status_of(err))
    flash(_("Scan %(id)s queued: the worker runs it; this page follows it.", id=scan.id), "ok")
    return redirect(url_for("admin.scan", key=site.key, scan_id=scan.id))


def _scan_or_404(site: Site, scan_id: int) -> Any:
    scan = get_scan(site, scan_id)
    if scan is None:
        abort(404)
    return scan


def _declared_now(site: Site) -> Classifier:
    """The draft's cookies, to tell which proposals were accepted since the scan."""
    doc = draft_doc(site)
    return Classifier(doc, list(site.origins or []), load_cookiedb(None))


def _scan_page(site: Site, scan: Any, errors: dict[str, str], status: int) -> Any:
    result = result_of(scan)
    in_draft = set()
    if result:
        draft = _declared_now(site)
        in_draft = {p["id"] for p in result["proposals"] if draft.find_declared(p["observed_name"])}
    html = render_template(
        "admin/scan.html",
        site=site,
        scan=scan,
        result=result,
        labels=DRIFT,
        in_draft=in_draft,
        errors=errors,
        categories=[c.slug for c in site.categories],
    )
    headers = {"Refresh": "3"} if scan.state in ("queued", "running") else {}
    return html, status, headers


@bp.get("/sites/<key>/scans/<int:scan_id>")
@site_view(VIEW)
def scan(site: Site, scan_id: int) -> Any:
    """Show a scan: progress while it runs, then its verdict, drift and proposals."""
    return _scan_page(site, _scan_or_404(site, scan_id), {}, 200)


@bp.get("/sites/<key>/scans/<int:scan_id>.json")
@site_view(VIEW)
def scan_json(site: Site, scan_id: int) -> Response:
    """Download a finished scan's result as stored (JSON)."""
    scan = _scan_or_404(site, scan_id)
    if not scan.result:
        abort(404)
    resp = Response(scan.result, mimetype="application/json")
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="temoin-scan-{site.key}-{scan.id}.json"'
    )
    return resp


@bp.get("/sites/<key>/scans/<int:scan_id>/report.html")
@site_view(VIEW)
def scan_report(site: Site, scan_id: int) -> Response:
    """Download a finished scan as a readable, self-contained HTML report."""
    scan = _scan_or_404(site, scan_id)
    result = result_of(scan)
    if result is None:
        abort(404)
    html = render_template(
        "admin/scan_report.html", site=site, scan=scan, result=result, labels=DRIFT
    )
    resp = Response(html, mimetype="text/html")
    resp.headers["Content-Disposition"] = (
        f'attachment; filename="temoin-scan-{site.key}-{scan.id}.html"'
    )
    return resp


@bp.get("/sites/<key>/scans/compare")
@site_view(VIEW)
def scan_compare(site: Site) -> Any:
    """Compare two finished scans of the site: what appeared, what went away."""
    ids = [request.args.get("old", ""), request.args.get("new", "")]
    if not all(i.isdigit() and len(i) < 10 for i in ids):
        abort(422, _("Choose two scans."))
    old, new = (_scan_or_404(site, int(i)) for i in ids)
    if not old.result or not new.result:
        abort(422, _("Only finished scans can be compared."))
    diff = compare(result_of(old), result_of(new))
    return render_template("admin/scan_compare.html", site=site, diff=diff)


@bp.post("/sites/<key>/scans/<int:scan_id>/accept")
@site_view(EDIT)
def scan_accept(site: Site, scan_id: int) -> Any:
    """Add one proposal, as edited in its form, to the draft (audited; never published)."""
    scan = _scan_or_404(site, scan_id)
    wanted = request.form.get("proposal", "")
    proposal = find_proposal(scan, wanted)
    if proposal is None:
        abort(404)
    lifetime = request.form.get("lifetime_days", "").strip()
    if not (lifetime.isdigit() and len(lifetime) < 6):
        return _scan_page(site, scan, {wanted: _("Lifetime: a whole number of days.")}, 422)
    edits = {
        "category": request.form.get("category", "").strip(),
        "name": request.form.get("name", "").strip(),
        "lifetime_days": int(lifetime),
        "purpose": request.form.get("purpose", "").strip()[:1000],
        "service": {
            "slug": request.form.get("service_slug", "").strip(),
            "name": request.form.get("service_name", "").strip(),
        },
    }
    try:
        accept(site, proposal, edits, actor(), _instance())
    except DomainError as err:
        db.session.rollback()
        return _scan_page(site, scan, {wanted: say(err)}, status_of(err))
    except ValidationError as err:
        db.session.rollback()
        return _scan_page(site, scan, {wanted: say(_first_message(err.messages))}, 422)
    db.session.commit()
    name = edits["name"] or proposal["name"]
    flash(_("%(name)s added to the draft: preview, then publish.", name=name), "ok")
    return redirect(url_for("admin.scan", key=site.key, scan_id=scan.id) + "#proposals")


def _instance() -> str:
    return current_app.instance_path


def _first_message(messages: Any) -> str:
    """Return the first message of marshmallow's nested error dictionary."""
    while isinstance(messages, dict) and messages:
        messages = next(iter(messages.values()))
    if isinstance(messages, list) and messages:
        return _first_message(messages[0]) if not isinstance(messages[0], str) else messages[0]
    return str(messages)
