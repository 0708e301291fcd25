"""Admin API /api/v1/admin: the draft, publishing, export and statistics, with bearer tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request
from sqlalchemy import select

from . import openapi
from .admin.drafts import draft_doc, latest_version, publish_draft, save_draft
from .admin.stats import compute
from .admin.views_log import export_response
from .auth import allows, find_token, token_digest
from .errors import ApiError
from .extensions import db
from .jsonbody import read_object
from .models import ApiToken, Site
from .policy import iso
from .schemas_admin import (
    DraftOut,
    DraftSchema,
    ExportIn,
    PublishIn,
    PublishOut,
    RangeIn,
    StatsOut,
)
from .sites import get_site

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin")
MAX_BODY = 1024 * 1024
FORMATS = ["csv", "jsonl"]


@bp.before_request
def _bigger_bodies() -> None:
    # A site's whole draft may exceed the public API's small body limit.
    request.max_content_length = MAX_BODY


def _token(header: str | None) -> ApiToken | None:
    raw = header[len("Bearer ") :].strip() if header and header.startswith("Bearer ") else ""
    if not raw:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_digest(raw)))
    return find_token(header, row.site_id) if row is not None else None


def authorize(key: str, needed: str) -> tuple[Site, ApiToken]:
    """Check the bearer token: 401 without a live one, 404 for another site, 403 if too low."""
    token = _token(request.headers.get("Authorization"))
    if token is None:
        raise ApiError(401, "A live API token is required (Authorization: Bearer tmn_…).")
    site = get_site(key)
    if site is None or site.id != token.site_id:
        raise ApiError(404, f"No site {key!r}.")
    if not allows(token.role, needed):
        raise ApiError(403, f"This token's role ({token.role}) cannot do this; {needed} needed.")
    return site, token


def _actor(token: ApiToken) -> str:
    return f"token {token.prefix}…" + (f" ({token.label})" if token.label else "")


def _json_object() -> dict[str, Any]:
    # A draft nests categories, services, cookies and their texts: deeper than a consent.
    return read_object(("application/json",), max_depth=16)


def _draft_body(site: Site) -> dict[str, Any]:
    latest = latest_version(site)
    doc = {"site": site.key, "published_version": latest.version if latest else None}
    return DraftOut().dump({**doc, **draft_doc(site)})


@bp.after_request
def _no_store(resp: Response) -> Response:
    resp.headers.setdefault("Cache-Control", "no-store")
    return resp


@bp.get("/sites/<key>/draft")
def get_draft(key: str) -> Response:
    """Return the editable configuration (the draft) of a site."""
    site, _ = authorize(key, "viewer")
    return jsonify(_draft_body(site))


@bp.put("/sites/<key>/draft")
def put_draft(key: str) -> Response:
    """Replace the draft; keys left out keep their value. Invalid: 422, draft unchanged."""
    site, token = authorize(key, "editor")
    body = _json_object()
    current = draft_doc(site)
    save_draft(site, {**current, **body}, _actor(token))
    db.session.commit()
    return jsonify(_draft_body(site))


@bp.post("/sites/<key>/publish")
def publish(key: str) -> Response:
    """Publish the draft as the next version; 409 when nothing changed and no reconsent."""
    site, token = authorize(key, "editor")
    data = PublishIn().load(_json_object() if request.get_data() else {})
    version = publish_draft(site, data["reconsent"], _actor(token))
    db.session.commit()
    body = PublishOut().dump(
        {
            "version": version.version,
            "sha256": version.sha256,
            "reconsent": version.reconsent,
            "published_at": iso(version.published_at),
            "published_by": version.published_by,
        }
    )
    resp = jsonify(body)
    resp.status_code = 201
    return resp


@bp.get("/sites/<key>/consents")
def consents(key: str) -> Response:
    """Stream the consent log for a date range as CSV or JSON Lines."""
    site, _ = authorize(key, "viewer")
    f = ExportIn().load(request.args.to_dict())
    return export_response(site, f)


@bp.get("/sites/<key>/stats")
def stats(key: str) -> Response:
    """Return decisions and opt-in rates per day, per version and over the range."""
    site, _ = authorize(key, "viewer")
    f = RangeIn().load(request.args.to_dict())
    data = compute(site.id, f)
    data.update(
        site=site.key,
        start=iso(f["start"]) if f.get("start") else None,
        end=iso(f["end"]) if f.get("end") else None,
    )
    return jsonify(StatsOut().dump(data))


def _param(name: str, desc: str, **schema: Any) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": desc, "schema": schema}


_KEY = openapi.KEY
_SEC = [{"bearer": []}]
_RANGE = [
    _param("from", "Start: YYYY-MM-DD or ISO 8601 (UTC), inclusive", type="string"),
    _param("to", "End: YYYY-MM-DD (whole day) or ISO 8601 (UTC), inclusive", type="string"),
]
openapi.EXTRA_SCHEMAS.update(
    {s.__name__: s for s in (DraftSchema, DraftOut, PublishIn, PublishOut, StatsOut)}
)
# PUT …/draft replaces the keys it is given: none of them is required.
openapi.EXTRA_SCHEMAS["DraftPatch"] = DraftSchema(partial=True)
openapi.EXTRA_PATHS.append(
    {
        "/api/v1/admin/sites/{key}/draft": {
            "get": {
                "summary": "The site's editable configuration (draft)",
                "security": _SEC,
                "parameters": [_KEY],
                "responses": {**openapi._ok("DraftOut"), **openapi._errors(401, 403, 404)},
            },
            "put": {
                "summary": "Replace the draft (keys left out keep their value)",
                "security": _SEC,
                "parameters": [_KEY],
                "requestBody": {
                    "required": True,
                    "content": {"application/json": {"schema": "DraftPatch"}},
                },
                "responses": {
                    **openapi._ok("DraftOut"),
                    **openapi._errors(400, 401, 403, 404, 413, 415, 422),
                },
            },
        },
        "/api/v1/admin/sites/{key}/publish": {
            "post": {
                "summary": "Publish the draft as the next policy version",
                "security": _SEC,
                "parameters": [_KEY],
                "requestBody": {
                    "required": False,
                    "content": {"application/json": {"schema": "PublishIn"}},
                },
                "responses": {
                    **openapi._ok("PublishOut", 201, "Published"),
                    "409": {
                        "description": "Nothing changed since the last version",
                        "content": {"application/json": {"schema": "ErrorOut"}},
                    },
                    **openapi._errors(400, 401, 403, 404, 415, 422),
                },
            }
        },
        "/api/v1/admin/sites/{key}/consents": {
            "get": {
                "summary": "Export the consent log (streamed CSV or JSON Lines)",
                "security": _SEC,
                "parameters": [
                    _KEY,
                    *_RANGE,
                    # Blank means absent (as HTML forms send it), hence "" in the enum.
                    _param(
                        "format",
                        "csv (default; also when blank) or jsonl",
                        type="string",
                        enum=[*FORMATS, ""],
                    ),
                ],
                "responses": {
                    "200": {
                        "description": "One record per line, oldest first",
                        "content": {
                            "text/csv": {"schema": {"type": "string"}},
                            "application/x-ndjson": {"schema": {"type": "string"}},
                        },
                    },
                    **openapi._errors(400, 401, 403, 404, 422),
                },
            }
        },
        "/api/v1/admin/sites/{key}/stats": {
            "get": {
                "summary": "Decisions and opt-in rates per day and per policy version",
                "security": _SEC,
                "parameters": [_KEY, *_RANGE],
                # 400: a query string that is not UTF-8 text (or holds NUL).
                "responses": {
                    **openapi._ok("StatsOut"),
                    **openapi._errors(400, 401, 403, 404, 422),
                },
            }
        },
    }
)

from . import admin_api_scan  # noqa: E402,F401  (scan routes on this blueprint)
