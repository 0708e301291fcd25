"""Public API /api/v1: published configuration, policy snapshots, recording consents."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any, NoReturn

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_cors import CORS
from marshmallow import fields, validate
from sqlalchemy.exc import SQLAlchemyError

from server.domain import checkpoints, consents, origins, policy
from server.domain.schemas import (
    CheckpointOut,
    ConfigOut,
    ConsentIn,
    ConsentOut,
    ConsentStateOut,
    PolicyOut,
)
from server.domain.sites import get_site
from server.extensions import db
from server.http.bearer import bearer_token
from server.http.declare import Body, declare, empty, ok
from server.http.errors import ApiError
from server.http.jsonbody import read_object
from server.http.limits import consent_limits
from server.models import utcnow
from server.vocab import MAX_VERSION, RECORD, allowed

log = logging.getLogger("temoin")
bp = Blueprint("api", __name__, url_prefix="/api/v1")
CORS(
    bp,
    resources={
        r"/api/v1/sites/[^/]+/config": {"origins": "*"},
        r"/api/v1/sites/[^/]+/policies/.*": {"origins": "*"},
        r"/api/v1/sites/[^/]+/checkpoints/latest": {"origins": "*"},
    },
    max_age=86400,
)

consent_in = ConsentIn()
consent_out = ConsentOut()
state_out = ConsentStateOut()
policy_out = PolicyOut()
checkpoint_out = CheckpointOut()
JSON_TYPES = ("application/json", "text/plain")
VERSION = fields.Integer(validate=validate.Range(0, MAX_VERSION))
RECORDING = """`choices` names every category of the policy version: `true` (granted), \
`false` (refused) or `null` (not asked). Only a `custom` choice or a `withdraw` whose `source` \
is `placeholder` or `api` may leave a category `null` (the visitor allowed one service from its \
placeholder and has not answered the banner), and it must decide something. `services` holds \
the services decided one by one. `event_id` (a UUID the client makes for each decision) makes \
recording idempotent: the same site and `event_id` again writes nothing and answers 200 with \
the first acknowledgement (same `hash`); with other content, 409. JSON may be sent as \
`text/plain` to avoid a preflight. A refused origin's 403 carries Access-Control-Allow-Origin, \
so a page can tell it from a network failure."""


def published_or_404(key: str) -> policy.Published:
    """Return the site's published configuration or answer 404."""
    pub = policy.get_published(key)
    if pub is None:
        raise ApiError(404, f"No published site {key!r}.")
    return pub


def json_body() -> dict[str, Any]:
    """Parse a JSON object body sent as application/json or text/plain."""
    return read_object(JSON_TYPES)


def _site_origin(pub: policy.Published) -> str | None:
    """Return the request's Origin when it is one of the site's, else None."""
    origin = request.headers.get("Origin")
    return origin if origin and origin.rstrip("/").lower() in pub.origins else None


def _allowed_origin(pub: policy.Published, readable: bool = False) -> str | None:
    """Check the caller: a listed browser origin, or a server with a site token."""
    if "Origin" in request.headers:
        origin = _site_origin(pub)
        if origin is None:
            _refuse_origin(pub, request.headers["Origin"], readable)
        return origin
    token = bearer_token()
    if token is None or token.site_id != pub.site_id or not allowed(token.role, RECORD):
        raise ApiError(403, "A request without Origin is a server call and needs a site API token.")
    return None


def _refuse_origin(pub: policy.Published, sent: str, readable: bool) -> NoReturn:
    """Count a recording refused to an origin, and refuse it.

    With `readable`, the refused origin may read this 403 (and nothing else): its widget can
    then say why instead of taking it for a network failure and queueing the record.
    """
    try:
        origins.count_refusal(pub.site_id, sent)
        db.session.commit()
    except SQLAlchemyError as exc:  # the count is a diagnosis: never worth a 5xx
        db.session.rollback()
        log.warning("refused origin not counted: %s", type(exc).__name__)
    shown = origins.normalise(sent)
    if shown == origins.MALFORMED:
        raise ApiError(403, f"This Origin header is not an origin; site {pub.key!r} refuses it.")
    if readable:
        g.record_origin = sent
    raise ApiError(
        403,
        f"Origin {shown} is not allowed to record consents for site {pub.key!r}:"
        " add it to the site's allowed origins in the admin.",
    )


def _with_cors(resp: Response, origin: str | None) -> Response:
    if origin:
        resp.headers["Access-Control-Allow-Origin"] = origin
        resp.headers["Vary"] = "Origin"
    return resp


@bp.get("/sites/<key>/config")
@declare(answers={200: ok(ConfigOut), 304: empty("Not modified")}, errors=(404, 503))
def site_config(key: str) -> Response:
    """Return the published configuration the widget uses."""
    pub = published_or_404(key)
    resp = current_app.response_class(pub.json, mimetype="application/json")
    resp.set_etag(pub.etag)
    resp.cache_control.public = True
    resp.cache_control.max_age = int(current_app.config["WIDGET_MAX_AGE"])
    return resp.make_conditional(request)


@bp.get("/sites/<key>/policies/<int:version>")
@declare(
    answers={200: ok(PolicyOut), 304: empty("Not modified")},
    errors=(404, 503),
    path={"version": VERSION},
)
def site_policy(key: str, version: int) -> Response:
    """Return the immutable snapshot of a published version and its sha256."""
    pub = published_or_404(key)
    row = policy.get_snapshot(pub.site_id, version)
    if row is None:
        raise ApiError(404, f"Version {version} of {key!r} is not published.")
    body = policy_out.dump(
        {
            "site": key,
            "version": row.version,
            "sha256": row.sha256,
            "reconsent": row.reconsent,
            "published_at": row.published_at,
            "snapshot": json.loads(row.snapshot),
        }
    )
    resp = jsonify(body)
    resp.set_etag(row.sha256)
    resp.cache_control.public = True
    resp.cache_control.max_age = 31536000
    resp.cache_control.immutable = True
    return resp.make_conditional(request)


@bp.route("/sites/<key>/consents", methods=["OPTIONS"])
@declare(
    answers={204: empty("The origin may POST: the CORS headers to do so")},
    errors=(403, 404, 503),
)
def consents_preflight(key: str) -> Response:
    """Answer a CORS preflight for recording: only the site's origins may."""
    pub = published_or_404(key)
    origin = _allowed_origin(pub)
    resp = _with_cors(Response(status=204), origin)
    resp.headers["Access-Control-Allow-Methods"] = "POST"
    resp.headers["Access-Control-Allow-Headers"] = "Content-Type"
    resp.headers["Access-Control-Max-Age"] = "86400"
    return resp


@bp.post("/sites/<key>/consents")
@declare(
    answers={
        201: ok(ConsentOut, "Recorded"),
        200: ok(ConsentOut, "Already recorded: the first acknowledgement"),
    },
    errors=(400, 403, 404, 409, 413, 415, 422, 429, 503),
    body=Body(ConsentIn, media=JSON_TYPES),
    description=RECORDING,
)
@consent_limits
def record(key: str) -> Response:
    """Record one choice: 201 and its acknowledgement, or 200 and the first for a known event_id."""
    pub = published_or_404(key)
    # Every answer from here on, errors too, is readable by the site's page: the widget must
    # tell a final refusal (4xx) from a failure to retry.
    g.record_origin = _allowed_origin(pub, readable=True)
    data = consent_in.load(json_body())
    ack, created = consents.record_consent(pub, data, request.headers.get("User-Agent"))
    resp = jsonify(consent_out.dump(ack))
    resp.status_code = 201 if created else 200
    return resp


@bp.after_request
def _record_cors(resp: Response) -> Response:
    if request.endpoint == "api.record":
        _with_cors(resp, g.get("record_origin"))
    return resp


@bp.get("/sites/<key>/consents/<consent_id>")
@declare(answers={200: ok(ConsentStateOut)}, errors=(404, 503), path={"consent_id": fields.UUID()})
def consent_state(key: str, consent_id: str) -> Response:
    """Return the current state and the history of one consent id."""
    pub = published_or_404(key)
    origin = _site_origin(pub)
    try:
        cid = str(uuid.UUID(consent_id))
    except ValueError as exc:
        raise ApiError(404, "Unknown consent id.") from exc
    records = consents.history(pub.site_id, cid)
    if not records:
        raise ApiError(404, "Unknown consent id.")
    current = records[-1]
    body = state_out.dump(
        {
            "consent_id": cid,
            "current": current,
            "expired": current.expires_at <= utcnow(),
            "history": records,
        }
    )
    resp = jsonify(body)
    resp.cache_control.no_store = True
    return _with_cors(resp, origin)


@bp.get("/sites/<key>/checkpoints/latest")
@declare(answers={200: ok(CheckpointOut)}, errors=(404, 503))
def latest_checkpoint(key: str) -> Response:
    """Return the site's newest signed checkpoint and the public key that verifies it."""
    site = get_site(key)
    signed = checkpoints.latest(site) if site is not None else None
    if signed is None:
        raise ApiError(404, f"No checkpoint of {key!r} yet.")
    body = {
        "statement": signed.statement,
        "signature": signed.signature,
        "key_id": signed.key,
        "public_key": checkpoints.public_pem(checkpoints.signing_key().public_key()),
    }
    resp = jsonify(checkpoint_out.dump(body))
    resp.cache_control.no_cache = True
    return resp
