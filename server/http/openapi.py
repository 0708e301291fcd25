"""The OpenAPI 3 document at /api/v1/openapi.json, generated from the routes' declarations.

Every route of the app whose view carries a `server.http.declare` declaration is described:
its path (the URL rule, through apispec's Flask plugin), its path parameters (the rule's,
typed by its converter unless declared), query string, body, answers, errors and security,
with the marshmallow schemas turned into components (apispec's marshmallow plugin). The
document is built once per app, on first request, and kept in `app.extensions`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin, resolver
from apispec.ext.marshmallow.common import make_schema_key, resolve_schema_instance
from apispec_webframeworks.flask import FlaskPlugin
from flask import Blueprint, Flask, Response, current_app, jsonify
from flask_cors import CORS
from marshmallow import Schema
from werkzeug.routing import IntegerConverter, Rule

from server.domain.schemas import ErrorOut
from server.domain.schemas_admin import DayOrTime
from server.http.declare import ERRORS, Declaration, declaration, declare, ok

EXTENSION = "temoin_openapi"
IGNORED_METHODS = {"HEAD"}

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")
CORS(bp, resources={r"/api/v1/openapi.json": {"origins": "*"}}, max_age=86400)


@bp.get("/openapi.json")
@declare(answers={200: ok({"type": "object"}, "This document")})
def openapi_json() -> Response:
    """Return the OpenAPI 3 description of this API."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if EXTENSION not in app.extensions:
        app.extensions[EXTENSION] = document(app)
    return jsonify(app.extensions[EXTENSION])


def methods(rule: Rule) -> list[str]:
    """The methods a rule's view answers itself (not HEAD, nor the OPTIONS Flask adds)."""
    automatic = {"OPTIONS"} if getattr(rule, "provide_automatic_options", False) else set()
    return sorted(set(rule.methods or ()) - IGNORED_METHODS - automatic)


def declared_routes(app: Flask) -> Iterator[tuple[Rule, Declaration]]:
    """Every URL rule whose view is declared, in path order."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint)):
        found = declaration(app.view_functions.get(rule.endpoint))
        if found is not None:
            yield rule, found


def _is_partial(schema: Any) -> bool:
    return isinstance(schema, Schema) and schema.partial is True


def _component_name(schema: Any) -> str:
    """A declared schema is named after its class; a partial one (a patch) `…Patch`."""
    name = resolve_schema_instance(schema).__class__.__name__
    return name.removesuffix("Schema") + "Patch" if _is_partial(schema) else name


def _schemas(decl: Declaration) -> Iterator[Any]:
    for answer in decl.answers.values():
        yield answer.schema
    if decl.body is not None:
        yield decl.body.schema
    yield decl.query


def _naming(app: Flask) -> Any:
    """Name the declared schemas after their class; nested ones as the plugin does."""
    names = {
        make_schema_key(resolve_schema_instance(s)): _component_name(s)
        for _, decl in declared_routes(app)
        for s in [ErrorOut, *_schemas(decl)]
        if s is not None and not isinstance(s, dict)
    }

    def name(schema: Any) -> str:
        return names.get(make_schema_key(resolve_schema_instance(schema))) or resolver(schema)

    return name


def ecma_pattern(converter: Any, field: Any, ret: dict[str, Any], **kwargs: Any) -> dict:
    """Write a whole-string pattern as OpenAPI reads it (ECMA 262): Python's end of text `\\Z`
    is ECMA's `$` (without the multiline flag, it does not match before a final newline)."""
    pattern = ret.get("pattern")
    if isinstance(pattern, str) and pattern.endswith("\\Z") and not pattern.endswith("\\\\Z"):
        return {"pattern": pattern[:-2] + "$"}
    return {}


def _path_parameters(rule: Rule, decl: Declaration, plugin: MarshmallowPlugin) -> list[dict]:
    """The rule's arguments, in URL order, typed by their declared field or their converter."""
    unknown = set(decl.path) - set(rule.arguments)
    if unknown:
        raise ValueError(f"{rule.rule} has no parameter {', '.join(sorted(unknown))}.")
    params = []
    # werkzeug keeps a rule's converters by argument, in the order of the URL.
    for name, conv in rule._converters.items():
        if name in decl.path:
            schema = plugin.converter.field2property(decl.path[name])
        elif isinstance(conv, IntegerConverter):
            schema = {"type": "integer", "minimum": conv.min or 0}
            if conv.max is not None:
                schema["maximum"] = conv.max
        else:
            schema = {"type": "string"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return params


def _query_parameters(decl: Declaration, plugin: MarshmallowPlugin) -> list[dict]:
    """The query schema's fields as parameters. A query string holds no null: a field whose
    default is None is simply left out, so neither `nullable` nor that default is said."""
    params = plugin.converter.schema2parameters(decl.query, location="query")
    for param in params:
        schema = param["schema"]
        if "default" in schema and schema["default"] is None:
            del schema["default"]
            schema.pop("nullable", None)
    return params


def _responses(decl: Declaration) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status, answer in sorted(decl.answers.items()):
        out[str(status)] = {"description": answer.description}
        if answer.schema is not None:
            out[str(status)]["content"] = {m: {"schema": answer.schema} for m in answer.media}
    for status, note in sorted(decl.errors.items()):
        out[str(status)] = (
            {"description": note, "content": {"application/json": {"schema": ErrorOut}}}
            if note
            else {"$ref": f"#/components/responses/E{status}"}
        )
    return out


def operation(rule: Rule, decl: Declaration, plugin: MarshmallowPlugin) -> dict[str, Any]:
    """The OpenAPI operation of one declared view."""
    op: dict[str, Any] = {"summary": decl.summary}
    if decl.description:
        op["description"] = decl.description
    params: list[Any] = _path_parameters(rule, decl, plugin)
    if decl.query is not None:
        params += _query_parameters(decl, plugin)
    if params:
        op["parameters"] = params
    if decl.body is not None:
        op["requestBody"] = {
            "required": decl.body.required,
            "content": {m: {"schema": decl.body.schema} for m in decl.body.media},
        }
        if decl.body.description:
            op["requestBody"]["description"] = decl.body.description
    op["responses"] = _responses(decl)
    if decl.security:
        op["security"] = [{name: []} for name in decl.security]
    return op


def document(app: Flask) -> dict[str, Any]:
    """Build the OpenAPI document of every declared route of `app`."""
    marshmallow = MarshmallowPlugin(schema_name_resolver=_naming(app))
    spec = APISpec(
        title="Témoin API",
        version="1",
        openapi_version="3.0.3",
        plugins=[FlaskPlugin(), marshmallow],
        info={"description": "Consent configuration, recording and evidence."},
    )
    marshmallow.map_to_openapi_type(DayOrTime, "string", None)
    marshmallow.converter.add_attribute_function(ecma_pattern)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for status, label in ERRORS.items():
        spec.components.response(
            f"E{status}",
            {"description": label, "content": {"application/json": {"schema": ErrorOut}}},
        )
    patched = []
    for rule, decl in declared_routes(app):
        ops = {m.lower(): operation(rule, decl, marshmallow) for m in methods(rule)}
        spec.path(view=app.view_functions[rule.endpoint], operations=ops, app=app)
        if decl.body is not None and _is_partial(decl.body.schema):
            patched.append(type(decl.body.schema))
    for schema in patched:  # a patch's document also names the whole it patches
        if schema.__name__ not in spec.components.schemas:
            spec.components.schema(schema.__name__, schema=schema)
    return spec.to_dict()
