"""The OpenAPI 3 document, generated from the marshmallow schemas."""

from __future__ import annotations

from functools import cache
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin

from server.domain import schemas

KEY = {"name": "key", "in": "path", "required": True, "schema": {"type": "string"}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): {"$ref": f"#/components/responses/E{c}"} for c in codes}


def _ok(schema: str, status: int = 200, desc: str = "OK") -> dict[str, Any]:
    return {str(status): {"description": desc, "content": {"application/json": {"schema": schema}}}}


PUBLIC_PATHS: dict[str, dict[str, Any]] = {
    "/api/v1/sites/{key}/config": {
        "get": {
            "summary": "The published configuration the widget uses",
            "parameters": [KEY],
            "responses": {
                **_ok("ConfigOut"),
                "304": {"description": "Not modified"},
                **_errors(404, 503),
            },
        }
    },
    "/api/v1/sites/{key}/policies/{version}": {
        "get": {
            "summary": "The immutable snapshot of a published version",
            "parameters": [
                KEY,
                {
                    "name": "version",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
                },
            ],
            "responses": {
                **_ok("PolicyOut"),
                "304": {"description": "Not modified"},
                **_errors(404, 503),
            },
        }
    },
    "/api/v1/sites/{key}/consents": {
        "post": {
            "summary": "Record a choice (JSON, also as text/plain to avoid a preflight)",
            "description": (
                "`choices` names every category of the policy version: `true` (granted), "
                "`false` (refused) or `null` (not asked). Only a `custom` choice or a "
                "`withdraw` whose `source` is `placeholder` or `api` may leave a category "
                "`null` (the visitor allowed one service from its placeholder and has not "
                "answered the banner), and it must decide something. `services` holds the "
                "services decided one by one. "
                "`event_id` (a UUID the client makes for each decision) makes recording"
                " idempotent: the same site and `event_id` again writes nothing and answers"
                " 200 with the first acknowledgement (same `hash`); with other content, 409."
                " A refused origin's 403 carries Access-Control-Allow-Origin, so a page can"
                " tell it from a network failure."
            ),
            "parameters": [KEY],
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {"schema": "ConsentIn"},
                    "text/plain": {"schema": "ConsentIn"},
                },
            },
            "responses": {
                **_ok("ConsentOut", 201, "Recorded"),
                **_ok("ConsentOut", 200, "Already recorded: the first acknowledgement"),
                **_errors(400, 403, 404, 409, 413, 415, 422, 429, 503),
            },
        }
    },
    "/api/v1/sites/{key}/consents/{consent_id}": {
        "get": {
            "summary": "Current state and history of one consent id",
            "parameters": [
                KEY,
                {
                    "name": "consent_id",
                    "in": "path",
                    "required": True,
                    "schema": {"type": "string", "format": "uuid"},
                },
            ],
            "responses": {**_ok("ConsentStateOut"), **_errors(404, 503)},
        }
    },
    "/api/v1/sites/{key}/checkpoints/latest": {
        "get": {
            "summary": "The newest signed checkpoint of the site's log, with the public key",
            "parameters": [KEY],
            "responses": {**_ok("CheckpointOut"), **_errors(404, 503)},
        }
    },
    "/healthz": {"get": {"summary": "Liveness", "responses": _ok("HealthOut")}},
    "/readyz": {
        "get": {
            "summary": "Readiness (database reachable)",
            "responses": {**_ok("HealthOut"), **_errors(503)},
        }
    },
}

EXTRA_PATHS: list[dict[str, dict[str, Any]]] = []
# name -> schema class, or instance (DraftSchema(partial=True): nothing required).
EXTRA_SCHEMAS: dict[str, Any] = {}


@cache
def spec_dict() -> dict[str, Any]:
    """Build the OpenAPI document once per process."""
    spec = APISpec(
        title="Témoin API",
        version="1",
        openapi_version="3.0.3",
        plugins=[MarshmallowPlugin()],
        info={"description": "Consent configuration, recording and evidence."},
    )
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name in (
        "ConsentIn",
        "ConsentOut",
        "ConsentStateOut",
        "PolicyOut",
        "ConfigOut",
        "ErrorOut",
        "HealthOut",
        "CheckpointOut",
    ):
        spec.components.schema(name, schema=getattr(schemas, name))
    for name, schema in EXTRA_SCHEMAS.items():
        spec.components.schema(name, schema=schema)
    for code, label in schemas_error_labels().items():
        spec.components.response(
            f"E{code}",
            {"description": label, "content": {"application/json": {"schema": "ErrorOut"}}},
        )
    for paths in [PUBLIC_PATHS, *EXTRA_PATHS]:
        for path, ops in paths.items():
            spec.path(path=path, operations=ops)
    return spec.to_dict()


def schemas_error_labels() -> dict[int, str]:
    """Describe each error status the API answers."""
    return {
        400: "Malformed request",
        401: "No valid token",
        403: "Origin or token not allowed",
        404: "Unknown site, version or consent",
        409: "Conflicts with what is recorded",
        413: "Body too large",
        415: "Wrong content type",
        422: "Invalid input",
        429: "Rate limited",
        503: "Database unavailable",
    }
