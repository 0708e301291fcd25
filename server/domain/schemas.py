"""marshmallow schemas: the only place input is validated and output is shaped."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from server import vocab
from server.domain.policy import iso
from server.vocab import anchored

SLUG = validate.Regexp(anchored(vocab.SLUG), error="Not a valid slug.")
LANG = validate.Regexp(anchored(vocab.LANGUAGE), error="Not a language tag.")


class StrictBool(fields.Boolean):
    """A boolean that accepts only JSON true and false."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class UtcDateTime(fields.DateTime):
    """A naive UTC datetime written the canonical way."""

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else iso(value)


def _choice_map(max_items: int, unasked: bool = False, **metadata: Any) -> fields.Dict:
    return fields.Dict(
        keys=fields.String(validate=SLUG),
        values=StrictBool(allow_none=unasked),
        validate=validate.Length(max=max_items),
        metadata=metadata,
    )


class ConsentIn(Schema):
    """A visitor's choice as the widget or a server sends it."""

    # One decision's id, made by the widget: sending it again records nothing twice.
    event_id = fields.UUID(load_default=None)
    consent_id = fields.UUID(load_default=None)
    policy_version = fields.Integer(required=True, strict=True, validate=validate.Range(1, 10**9))
    choices = _choice_map(
        40,
        unasked=True,
        description="Every category of the version: true (granted), false (refused), or null "
        "(not asked: only in a custom choice or withdrawal from a placeholder or the API).",
    )
    services = _choice_map(200, description="The services decided one by one.")
    action = fields.String(required=True, validate=validate.OneOf(vocab.ACTIONS))
    source = fields.String(load_default="banner", validate=validate.OneOf(vocab.SOURCES))
    language = fields.String(required=True, validate=[validate.Length(max=8), LANG])
    page = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=2048))
    gpc = StrictBool(load_default=False)

    @validates_schema
    def _needs_choices(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "choices" not in data:
            raise ValidationError("Missing data for required field.", "choices")


class ConsentOut(Schema):
    """The acknowledgement of a recorded choice."""

    consent_id = fields.String()
    event_id = fields.String(allow_none=True)
    policy_version = fields.Integer()
    policy_sha256 = fields.String()
    choices = fields.Dict(keys=fields.String(), values=fields.Boolean(allow_none=True))
    services = fields.Dict(keys=fields.String(), values=fields.Boolean(), allow_none=True)
    action = fields.String()
    source = fields.String()
    language = fields.String()
    page = fields.String(allow_none=True)
    gpc = fields.Boolean()
    recorded_at = UtcDateTime()
    expires_at = UtcDateTime()
    hash = fields.String()


class ConsentStateOut(Schema):
    """The current state of one consent id and its history."""

    consent_id = fields.String()
    current = fields.Nested(ConsentOut)
    expired = fields.Boolean()
    history = fields.List(fields.Nested(ConsentOut))


class PolicyOut(Schema):
    """A published version: its immutable snapshot and sha256."""

    site = fields.String()
    version = fields.Integer()
    sha256 = fields.String()
    reconsent = fields.Boolean()
    published_at = UtcDateTime()
    snapshot = fields.Dict()


class ThemeOut(Schema):
    """The banner's look in a published configuration (what the draft's Theme holds)."""

    layout = fields.String(
        validate=validate.OneOf(vocab.LAYOUTS), metadata={"description": "`bar` when absent"}
    )
    position = fields.String(
        validate=validate.OneOf(vocab.POSITIONS), metadata={"description": "the bar's"}
    )
    primary = fields.String(metadata={"description": "#rgb or #rrggbb"})
    background = fields.String(metadata={"description": "#rgb or #rrggbb"})
    text = fields.String(metadata={"description": "#rgb or #rrggbb"})
    dark = fields.String(
        validate=validate.OneOf(vocab.DARK_MODES),
        metadata={"description": "when the dark variant shows; `never` when absent"},
    )
    dark_primary = fields.String(metadata={"description": "given, else derived (4.5:1)"})
    dark_background = fields.String(metadata={"description": "given, else derived"})
    dark_text = fields.String(metadata={"description": "given, else derived (4.5:1)"})


class ConfigOut(Schema):
    """The published configuration the widget uses."""

    site = fields.String()
    name = fields.String()
    version = fields.Integer()
    sha256 = fields.String()
    published_at = fields.String()
    reconsent_version = fields.Integer()
    lifetime_days = fields.Integer()
    languages = fields.List(fields.String())
    default_language = fields.String()
    theme = fields.Nested(ThemeOut)
    floating_button = fields.Boolean()
    reload_on_withdraw = fields.Boolean()
    texts = fields.Dict()
    categories = fields.List(fields.Dict())


class ErrorOut(Schema):
    """The error envelope."""

    code = fields.String()
    status = fields.Integer()
    message = fields.String()
    errors = fields.Raw()


class HealthOut(Schema):
    """Liveness and readiness."""

    status = fields.String()


class CheckpointStatement(Schema):
    """What a checkpoint signs: a site's chain head, purge base and snapshots at one time."""

    site = fields.String()
    seq = fields.Integer()
    head_hash = fields.String()
    base_seq = fields.Integer()
    base_hash = fields.String()
    erasable_from_seq = fields.Integer()
    versions = fields.Integer()
    snapshots = fields.String()
    time = fields.String()


class CheckpointOut(Schema):
    """The newest signed checkpoint of a site, with the key that verifies it."""

    statement = fields.Nested(CheckpointStatement)
    signature = fields.String(metadata={"description": "Ed25519 over the canonical statement"})
    key_id = fields.String()
    public_key = fields.String(metadata={"description": "PEM (SubjectPublicKeyInfo)"})
