"""The OpenAPI document is generated from the routes' declarations: every route of the public
and admin API is in it with every status it declares, and it is valid OpenAPI 3."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from apispec_webframeworks.flask import FlaskPlugin
from flask import Flask, jsonify
from openapi_spec_validator import validate

from server.domain.chainwriter import writer
from server.extensions import db
from server.http import openapi
from server.http.declare import declaration, declare, ok
from tests.support.apps import make_app

API = "/api/v1/"


@pytest.fixture
def fresh(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app (SQLite: the document does not depend on the backend) no request has reached."""
    app = make_app(request, tmp_path)
    yield app
    with app.app_context():
        writer(app).stop()
        db.session.remove()
        db.engine.dispose()


def served(app: Flask) -> dict[str, Any]:
    resp = app.test_client().get("/api/v1/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    return resp.json


def missing(app: Flask, doc: dict[str, Any]) -> list[str]:
    """What the document lacks of the app's API routes: a route, a method, a status."""
    gaps = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(API):
            continue
        decl = declaration(app.view_functions[rule.endpoint])
        path = FlaskPlugin.flaskpath2openapi(rule.rule)
        for method in openapi.methods(rule):
            label = f"{method} {path}"
            if decl is None:
                gaps.append(f"{label}: no declaration")
                continue
            op = doc["paths"].get(path, {}).get(method.lower())
            if op is None:
                gaps.append(f"{label}: not in the document")
                continue
            lacking = {str(s) for s in decl.statuses()} - set(op["responses"])
            if lacking:
                gaps.append(f"{label}: no {', '.join(sorted(lacking))}")
            named = {p["name"] for p in op.get("parameters", []) if p["in"] == "path"}
            if named != set(rule.arguments):
                gaps.append(f"{label}: path parameters {sorted(named)}")
    return gaps


def test_every_api_route_is_in_the_document_with_its_statuses(fresh):
    doc = served(fresh)
    assert missing(fresh, doc) == []
    routes = {r.rule for r in fresh.url_map.iter_rules() if r.rule.startswith(API)}
    # the admin API and the public API are both there
    assert any(r.startswith("/api/v1/admin/") for r in routes)
    assert any(r.startswith("/api/v1/sites/") for r in routes)


def test_a_route_without_declaration_fails_the_check(fresh):
    @fresh.get("/api/v1/sites/<key>/undeclared")
    def undeclared(key: str) -> Any:
        """Answer something the document does not say."""
        return jsonify(key=key)

    doc = served(fresh)
    assert missing(fresh, doc) == ["GET /api/v1/sites/{key}/undeclared: no declaration"]
    assert "/api/v1/sites/{key}/undeclared" not in doc["paths"]


def test_a_status_missing_from_the_document_fails_the_check(fresh):
    doc = served(fresh)
    del doc["paths"]["/api/v1/admin/sites/{key}/publish"]["post"]["responses"]["409"]
    assert missing(fresh, doc) == ["POST /api/v1/admin/sites/{key}/publish: no 409"]


def test_the_document_is_valid_openapi_3(fresh):
    doc = served(fresh)
    assert doc["openapi"].startswith("3.")
    validate(doc)  # raises on any violation of the OpenAPI 3 schema


# What the API promises: each operation, its statuses, its path and query parameters, and the
# media types of its body (all that the hand-written document said, and more).
CONTRACT = {
    ("get", "/api/v1/sites/{key}/config"): ("200 304 404 503", "key", ""),
    ("get", "/api/v1/sites/{key}/policies/{version}"): ("200 304 404 503", "key version", ""),
    ("post", "/api/v1/sites/{key}/consents"): (
        "200 201 400 403 404 409 413 415 422 429 503",
        "key",
        "application/json text/plain",
    ),
    ("options", "/api/v1/sites/{key}/consents"): ("204 403 404 503", "key", ""),
    ("get", "/api/v1/sites/{key}/consents/{consent_id}"): ("200 404 503", "key consent_id", ""),
    ("get", "/api/v1/sites/{key}/checkpoints/latest"): ("200 404 503", "key", ""),
    ("get", "/api/v1/admin/sites/{key}/draft"): ("200 401 403 404 503", "key", ""),
    ("put", "/api/v1/admin/sites/{key}/draft"): (
        "200 400 401 403 404 413 415 422 503",
        "key",
        "application/json",
    ),
    ("post", "/api/v1/admin/sites/{key}/publish"): (
        "201 400 401 403 404 409 415 422 503",
        "key",
        "application/json",
    ),
    ("get", "/api/v1/admin/sites/{key}/consents"): (
        "200 400 401 403 404 422 503",
        "key from to format",
        "",
    ),
    ("get", "/api/v1/admin/sites/{key}/stats"): ("200 400 401 403 404 422 503", "key from to", ""),
    ("get", "/api/v1/openapi.json"): ("200", "", ""),
    ("get", "/healthz"): ("200", "", ""),
    ("get", "/readyz"): ("200 503", "", ""),
    # The scanner's routes (issue 12).
    ("get", "/api/v1/admin/sites/{key}/scans"): ("200 400 401 403 404 503", "key", ""),
    ("post", "/api/v1/admin/sites/{key}/scans"): (
        "202 400 401 403 404 413 415 422 503",
        "key",
        "application/json",
    ),
    ("get", "/api/v1/admin/sites/{key}/scans/{scan_id}"): (
        "200 400 401 403 404 503",
        "key scan_id",
        "",
    ),
}


def test_the_document_keeps_the_api_contract(fresh):
    doc = served(fresh)
    found = {}
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            found[(method, path)] = (
                " ".join(sorted(op["responses"])),
                " ".join(p["name"] for p in op.get("parameters", [])),
                " ".join(op.get("requestBody", {}).get("content", {})),
            )
    assert found == CONTRACT
    admin = [op for (_, path), op in _ops(doc) if path.startswith("/api/v1/admin/")]
    assert admin and all(op["security"] == [{"bearer": []}] for op in admin)
    export = doc["paths"]["/api/v1/admin/sites/{key}/consents"]["get"]
    fmt = next(p for p in export["parameters"] if p["name"] == "format")
    assert fmt["schema"]["enum"] == ["csv", "jsonl", ""]  # blank means the default
    version = doc["paths"]["/api/v1/sites/{key}/policies/{version}"]["get"]["parameters"][1]
    assert version["schema"] == {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}


def _ops(doc: dict[str, Any]) -> Iterator[tuple[tuple[str, str], dict[str, Any]]]:
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            yield (method, path), op


def test_errors_are_the_envelope_and_schemas_are_named_after_their_class(fresh):
    doc = served(fresh)
    schemas = doc["components"]["schemas"]
    assert {"ConsentIn", "ConsentOut", "DraftOut", "DraftSchema", "DraftPatch"} <= set(schemas)
    assert schemas["DraftPatch"].get("required") is None  # a patch requires nothing
    assert "required" in schemas["DraftSchema"]
    refused = doc["components"]["responses"]["E422"]["content"]["application/json"]
    assert refused["schema"] == {"$ref": "#/components/schemas/ErrorOut"}
    assert set(schemas["ErrorOut"]["properties"]) == {"code", "status", "message", "errors"}
    conflict = doc["paths"]["/api/v1/admin/sites/{key}/publish"]["post"]["responses"]["409"]
    assert conflict["description"] == "Nothing changed since the last version"


def test_the_banners_layout_is_one_of_three_in_the_draft_and_the_public_config(fresh):
    """The draft's Theme refuses any other layout; the public config says which it may be."""
    schemas = served(fresh)["components"]["schemas"]
    layouts = ["bar", "box", "modal"]
    assert schemas["Theme"]["properties"]["layout"]["enum"] == layouts
    assert schemas["Theme"]["additionalProperties"] is False
    config = schemas["ConfigOut"]["properties"]["theme"]
    assert config == {"$ref": "#/components/schemas/ThemeOut"}
    assert schemas["ThemeOut"]["properties"]["layout"]["enum"] == layouts
    assert set(schemas["ThemeOut"]["properties"]) == set(schemas["Theme"]["properties"])


def test_patterns_are_written_for_openapi(fresh):
    """A whole-string pattern ends with ECMA's `$`, not Python's `\\Z` (not a JSON Schema regex)."""
    doc = served(fresh)
    slug = doc["components"]["schemas"]["Category"]["properties"]["slug"]["pattern"]
    assert slug.startswith("^") and slug.endswith("$") and "\\Z" not in slug


def test_the_document_is_built_once_per_app_and_kept_by_it(fresh, request, tmp_path):
    (tmp_path / "other").mkdir()
    other = make_app(request, tmp_path / "other")

    @fresh.get("/api/v1/extra")
    @declare(answers={200: ok({"type": "object"})})
    def extra() -> Any:
        """Answer only in this app."""
        return jsonify()

    first = served(fresh)
    assert fresh.extensions[openapi.EXTENSION] == first
    kept = fresh.extensions[openapi.EXTENSION]
    served(fresh)
    assert fresh.extensions[openapi.EXTENSION] is kept
    assert first["paths"]["/api/v1/extra"]["get"]["summary"] == "Answer only in this app"
    assert "/api/v1/extra" not in served(other)["paths"]
    with other.app_context():
        writer(other).stop()
        db.engine.dispose()


def test_the_document_is_readable_from_any_origin(fresh):
    client = fresh.test_client()
    assert client.get("/api/v1/openapi.json").headers["Access-Control-Allow-Origin"] == "*"
    resp = client.get("/api/v1/openapi.json", headers={"Origin": "https://x.test"})
    assert resp.headers["Access-Control-Allow-Origin"] == "https://x.test"
    assert resp.headers["Vary"] == "Origin"


def test_a_declaration_is_stored_on_the_view_itself():
    def view() -> None:
        """Do nothing.

        At length."""

    marked = declare(answers={200: ok({"type": "object"})}, errors=(404,))(view)
    assert marked is view  # no wrapper: the view runs as it did
    decl = declaration(view)
    assert decl is not None and decl.summary == "Do nothing" and decl.description == "At length."
    assert decl.statuses() == {200, 404}


def test_a_declaration_refuses_what_the_document_could_not_say():
    def view() -> None:
        """Do nothing."""

    with pytest.raises(ValueError, match="418"):
        declare(answers={200: ok({})}, errors=(418,))
    with pytest.raises(ValueError):
        declare(answers={200: ok({})}, errors=(200,))
    with pytest.raises(ValueError, match="docstring"):
        declare(answers={200: ok({})})(lambda: None)
    assert declaration(view) is None
