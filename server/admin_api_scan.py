"""Admin API for scans: queue one (editor), list them, read one (viewer)."""

from __future__ import annotations

from flask import Response, current_app, jsonify, request

from . import openapi
from .admin_api import _actor, _json_object, authorize, bp
from .domain.scan.store import get_scan, list_scans, queue_scan, result_of, scan_dict
from .domain.scan.urls import ScanInputError
from .errors import ApiError
from .extensions import db
from .models import Site
from .models_scan import Scan
from .schemas_scan import ScanIn, ScanListOut, ScanOut
from .worker import QueueUnavailable, enqueue_scan


def start_scan(site: Site, urls: list[str], max_pages: int | None, actor: str) -> Scan:
    """Queue a scan and hand it to the worker; 422 for bad input, 503 when the queue is down."""
    try:
        scan = queue_scan(site, urls, max_pages, actor)
    except ScanInputError as exc:
        db.session.rollback()
        raise ApiError(422, str(exc), {"urls": [str(exc)]}) from exc
    db.session.commit()
    try:
        enqueue_scan(current_app._get_current_object(), scan.id)
    except QueueUnavailable as exc:
        scan.state, scan.error = "failed", str(exc)
        db.session.commit()
        raise ApiError(503, f"{exc}; try again later.") from exc
    return scan


@bp.post("/sites/<key>/scans")
def post_scan(key: str) -> Response:
    """Queue a scan of the site; the worker runs it. 202 with the queued scan."""
    site, token = authorize(key, "editor")
    data = ScanIn().load(_json_object() if request.get_data() else {})
    scan = start_scan(site, data["urls"], data["max_pages"], _actor(token))
    resp = jsonify(ScanOut().dump(scan_dict(scan)))
    resp.status_code = 202
    resp.headers["Location"] = f"/api/v1/admin/sites/{site.key}/scans/{scan.id}"
    return resp


@bp.get("/sites/<key>/scans")
def get_scans(key: str) -> Response:
    """List the site's scans, newest first (summaries)."""
    site, _ = authorize(key, "viewer")
    return jsonify(ScanListOut().dump({"scans": [scan_dict(s) for s in list_scans(site)]}))


@bp.get("/sites/<key>/scans/<int(signed=True):scan_id>")
def get_one_scan(key: str, scan_id: int) -> Response:
    """Return one scan with its result once done."""
    site, _ = authorize(key, "viewer")
    scan = get_scan(site, scan_id)
    if scan is None:
        raise ApiError(404, f"No scan {scan_id} of site {key!r}.")
    return jsonify(ScanOut().dump({**scan_dict(scan), "result": result_of(scan)}))


_SEC = [{"bearer": []}]
_ID = {"name": "scan_id", "in": "path", "required": True, "schema": {"type": "integer"}}
openapi.EXTRA_SCHEMAS.update({"ScanIn": ScanIn, "ScanOut": ScanOut, "ScanListOut": ScanListOut})
openapi.EXTRA_PATHS.append(
    {
        "/api/v1/admin/sites/{key}/scans": {
            "post": {
                "summary": "Queue a cookie scan of the site (the worker runs it)",
                "security": _SEC,
                "parameters": [openapi.KEY],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": "ScanIn"}},
                },
                "responses": {
                    **openapi._ok("ScanOut", 202, "Queued"),
                    **openapi._errors(400, 401, 403, 404, 413, 415, 422, 503),
                },
            },
            "get": {
                "summary": "The site's scans, newest first",
                "security": _SEC,
                "parameters": [openapi.KEY],
                "responses": {
                    **openapi._ok("ScanListOut"),
                    **openapi._errors(400, 401, 403, 404),
                },
            },
        },
        "/api/v1/admin/sites/{key}/scans/{scan_id}": {
            "get": {
                "summary": "One scan: its state, and its result (verdict, findings) once done",
                "security": _SEC,
                "parameters": [openapi.KEY, _ID],
                "responses": {**openapi._ok("ScanOut"), **openapi._errors(400, 401, 403, 404)},
            }
        },
    }
)
