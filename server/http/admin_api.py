"""Admin API /api/v1/admin: the draft, publishing, export and statistics, with bearer tokens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, jsonify, request

from server.domain import drafts
from server.domain.drafts import draft_doc, latest_version, save_draft
from server.domain.policy import iso
from server.domain.schemas_admin import (
    DraftOut,
    DraftSchema,
    ExportIn,
    PublishIn,
    PublishOut,
    RangeIn,
    StatsOut,
)
from server.domain.sites import get_site
from server.domain.stats import compute
from server.extensions import db
from server.http.bearer import bearer_token
from server.http.declare import Body, declare, ok
from server.http.errors import ApiError
from server.http.exports import export_response
from server.http.jsonbody import read_object
from server.models import ApiToken, Site
from server.vocab import EDIT, VIEW, allowed

bp = Blueprint("admin_api", __name__, url_prefix="/api/v1/admin")
MAX_BODY = 1024 * 1024
# Every route reads a bearer token: 401 without a live one, 403 when its role cannot, 404 for
# another site, 503 while the database cannot be read.
TOKEN = (401, 403, 404, 503)
EXPORTED = ok(
    {"type": "string"},
    "One record per line, oldest first",
    media=("text/csv", "application/x-ndjson"),
)


@bp.before_request
def _bigger_bodies() -> None:
    # A site's whole draft may exceed the public API's small body limit.
    request.max_content_length = MAX_BODY


def authorize(key: str, needed: str) -> tuple[Site, ApiToken]:
    """Check the bearer token: 401 without a live one, 404 for another site, 403 when its role
    lacks the capability `needed` (see vocab)."""
    token = bearer_token()
    if token is None:
        raise ApiError(401, "A live API token is required (Authorization: Bearer tmn_…).")
    site = get_site(key)
    if site is None or site.id != token.site_id:
        raise ApiError(404, f"No site {key!r}.")
    if not allowed(token.role, needed):
        raise ApiError(403, f"This token's role ({token.role}) cannot do this ({needed}).")
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
@declare(answers={200: ok(DraftOut)}, errors=TOKEN, bearer=True)
def get_draft(key: str) -> Response:
    """Return the editable configuration (the draft) of a site."""
    site, _ = authorize(key, VIEW)
    return jsonify(_draft_body(site))


@bp.put("/sites/<key>/draft")
@declare(
    answers={200: ok(DraftOut)},
    errors=(400, *TOKEN, 413, 415, 422),
    body=Body(
        DraftSchema(partial=True),
        description="Any keys of a `DraftSchema`; the draft they make must be valid.",
    ),
    bearer=True,
)
def put_draft(key: str) -> Response:
    """Replace the draft; keys left out keep their value. Invalid: 422, draft unchanged."""
    site, token = authorize(key, EDIT)
    body = _json_object()
    current = draft_doc(site)
    save_draft(site, {**current, **body}, _actor(token))
    db.session.commit()
    return jsonify(_draft_body(site))


@bp.post("/sites/<key>/publish")
@declare(
    answers={201: ok(PublishOut, "Published")},
    errors=(400, *TOKEN, (409, "Nothing changed since the last version"), 415, 422),
    body=Body(PublishIn, required=False),
    bearer=True,
)
def publish(key: str) -> Response:
    """Publish the draft as the next version; 409 when nothing changed and no reconsent."""
    site, token = authorize(key, EDIT)
    data = PublishIn().load(_json_object() if request.get_data() else {})
    version = drafts.publish(site, data["reconsent"], _actor(token))
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
@declare(answers={200: EXPORTED}, errors=(400, *TOKEN, 422), query=ExportIn, bearer=True)
def consents(key: str) -> Response:
    """Stream the consent log for a date range as CSV or JSON Lines."""
    site, _ = authorize(key, VIEW)
    f = ExportIn().load(request.args.to_dict())
    return export_response(site, f)


@bp.get("/sites/<key>/stats")
@declare(answers={200: ok(StatsOut)}, errors=(400, *TOKEN, 422), query=RangeIn, bearer=True)
def stats(key: str) -> Response:
    """Return decisions and opt-in rates per day, per version and over the range."""
    site, _ = authorize(key, VIEW)
    f = RangeIn().load(request.args.to_dict())
    data = compute(site.id, f)
    data.update(
        site=site.key,
        start=iso(f["start"]) if f.get("start") else None,
        end=iso(f["end"]) if f.get("end") else None,
    )
    return jsonify(StatsOut().dump(data))
