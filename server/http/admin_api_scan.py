"""Admin API for scans: queue one (editor), list them, read one (viewer), with bearer tokens.

The routes sit on the admin API's blueprint; `server/app.py` imports this module to add them.
"""

from __future__ import annotations

from flask import Response, current_app, jsonify, request
from marshmallow import fields

from server.domain.scan.jobs import start_scan
from server.domain.scan.store import get_scan, list_scans, result_of, scan_dict
from server.domain.schemas_scan import ScanIn, ScanListOut, ScanOut
from server.http.admin_api import TOKEN, _actor, _json_object, authorize, bp
from server.http.declare import Body, declare, ok
from server.http.errors import ApiError
from server.vocab import EDIT, VIEW


@bp.post("/sites/<key>/scans")
@declare(
    answers={202: ok(ScanOut, "Queued")},
    errors=(400, *TOKEN, 413, 415, 422),
    body=Body(ScanIn, required=False),
    bearer=True,
)
def post_scan(key: str) -> Response:
    """Queue a scan of the site; the worker runs it. 202 with the queued scan."""
    site, token = authorize(key, EDIT)
    data = ScanIn().load(_json_object() if request.get_data() else {})
    scan = start_scan(
        current_app._get_current_object(), site, data["urls"], data["max_pages"], _actor(token)
    )
    resp = jsonify(ScanOut().dump(scan_dict(scan)))
    resp.status_code = 202
    resp.headers["Location"] = f"/api/v1/admin/sites/{site.key}/scans/{scan.id}"
    return resp


@bp.get("/sites/<key>/scans")
@declare(answers={200: ok(ScanListOut)}, errors=(400, *TOKEN), bearer=True)
def get_scans(key: str) -> Response:
    """List the site's scans, newest first (summaries)."""
    site, _ = authorize(key, VIEW)
    return jsonify(ScanListOut().dump({"scans": [scan_dict(s) for s in list_scans(site)]}))


@bp.get("/sites/<key>/scans/<int(signed=True):scan_id>")
@declare(
    answers={200: ok(ScanOut)},
    errors=(400, *TOKEN),
    path={"scan_id": fields.Integer()},
    bearer=True,
)
def get_one_scan(key: str, scan_id: int) -> Response:
    """Return one scan with its result once done."""
    site, _ = authorize(key, VIEW)
    scan = get_scan(site, scan_id)
    if scan is None:
        raise ApiError(404, f"No scan {scan_id} of site {key!r}.")
    return jsonify(ScanOut().dump({**scan_dict(scan), "result": result_of(scan)}))
