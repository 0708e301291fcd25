"""The consent log: pages, one record with its evidence, chain verification, export, charts."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import Response, abort, render_template, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from server.admin import bp
from server.admin.access import site_view
from server.admin.charts import rate_bars, stacked_bars
from server.admin.forms import errors_of, query
from server.admin.messages import problem
from server.domain.log import get_record, log_page
from server.domain.policy import get_snapshot, sha256_hex
from server.domain.schemas_admin import ExportIn, LogFilterIn, RangeIn
from server.domain.stats import compute
from server.domain.verify import verify_chain
from server.http.exports import export_response
from server.models import Site, utcnow
from server.vocab import ACTIONS, VIEW


def _load(schema: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """Load query filters; on errors, report them and use no filter at all."""
    try:
        return schema.load(request.args.to_dict()), {}
    except ValidationError as err:
        return {}, errors_of(err.messages)


@bp.get("/sites/<key>/consents")
@site_view(VIEW)
def consents(site: Site) -> Any:
    """List the consent log, newest first, filtered and paginated."""
    f, errors = _load(LogFilterIn())
    rows, more = log_page(site.id, f) if not errors else ([], None)
    args = {k: v for k, v in request.args.items() if k != "before"}
    return (
        render_template(
            "admin/consents.html",
            site=site,
            rows=rows,
            more=more,
            args=args,
            errors=errors,
            actions=ACTIONS,
        ),
        422 if errors else 200,
    )


@bp.get("/sites/<key>/consents/<int:seq>")
@site_view(VIEW)
def record(site: Site, seq: int) -> Any:
    """Show one record: its fields, its place in the chain and the exact snapshot shown."""
    rec = get_record(site.id, seq)
    if rec is None:
        abort(404)
    version = get_snapshot(site.id, rec.policy_version)
    pretty = (
        json.dumps(json.loads(version.snapshot), indent=2, ensure_ascii=False) if version else ""
    )
    return render_template(
        "admin/record.html",
        site=site,
        rec=rec,
        version=version,
        pretty=pretty,
        snapshot_ok=bool(version) and sha256_hex(version.snapshot) == rec.policy_sha256,
    )


@bp.post("/sites/<key>/verify")
@site_view(VIEW)
def verify(site: Site) -> Any:
    """Re-check the whole hash chain of the site and show each break."""
    return render_template(
        "admin/verify.html", site=site, result=verify_chain(site), problem=problem
    )


@bp.get("/sites/<key>/export")
@site_view(VIEW)
def export(site: Site) -> Response:
    """Download the log for a date range as CSV or JSON Lines, streamed."""
    return export_response(site, query(ExportIn()))


@bp.get("/sites/<key>/stats")
@site_view(VIEW)
def stats(site: Site) -> Any:
    """Chart the actions and the opt-in rates per day and per version."""
    args = request.args.to_dict()
    if not args.get("from") and not args.get("to"):
        today = utcnow().date()
        args = {"from": str(today - timedelta(days=29)), "to": str(today)}
    try:
        f, errors = RangeIn().load(args), {}
    except ValidationError as err:
        f, errors = {}, errors_of(err.messages)
    data = compute(site.id, f) if not errors else None
    charts = {}
    if data:
        charts = {
            "days": stacked_bars(
                _("Decisions per day"), [(d["date"][5:], d) for d in data["days"]]
            ),
            "versions": stacked_bars(
                _("Decisions per policy version"),
                [(f"v{v['version']}", v) for v in data["versions"]],
            ),
            "rates": rate_bars(_("Opt-in rate per category"), data["totals"]["opt_in"]),
        }
    return (
        render_template(
            "admin/stats.html", site=site, data=data, charts=charts, args=args, errors=errors
        ),
        422 if errors else 200,
    )
