"""What the admin pages receive: the shape of each form post, and numbers in query strings.

A form arrives as dotted field names (`cookies.0.name`) built into nested dicts; these
schemas check that each field is a text or a group where the page expects one, and turn
numbered groups into lists. The values themselves are judged by DraftSchema afterwards,
so its messages stay the ones the pages show.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, pre_load, validate

from server.http.jsonbody import BIGINT_MAX

MAX_ROWS = 500
INDEX = re.compile(r"0|[1-9][0-9]{0,2}")
ROWS_MESSAGE = f"Rows are numbered 0 to {MAX_ROWS - 1} (digits, no leading zero)."
GROUP = "Expected a group of fields here, not a single field."


class Leaf(fields.String):
    """One form field: a text, never a group of fields."""

    default_error_messages = {"invalid": "Expected a single field here, not a group of fields."}


class Group(fields.Dict):
    """A group of form fields (`theme.primary`, `theme.text`) as a dict."""

    default_error_messages = {"invalid": GROUP}


class Rows(fields.List):
    """Numbered form rows (`cookies.0`, `cookies.1`, …) as a list, in the order of their numbers."""

    default_error_messages = {"invalid": "Expected numbered rows here, not a single field."}

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[Any]:
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        bad = [k for k in value if not INDEX.fullmatch(k) or int(k) >= MAX_ROWS]
        if bad:
            raise ValidationError({bad[0]: [ROWS_MESSAGE]})
        ordered = [value[k] for k in sorted(value, key=int)]
        return super()._deserialize(ordered, attr, data, **kwargs)


class Form(Schema):
    """A form or a group of its fields; fields it does not read are left out."""

    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": GROUP}


class StrictForm(Form):
    """A form or a group whose every field is read: an unknown one is refused."""

    class Meta:
        unknown = RAISE


def _texts() -> Group:
    """Texts per language and key (`texts.fr.title`); tags and keys are judged by the draft."""
    return Group(keys=Leaf(), values=Group(keys=Leaf(), values=Leaf()), load_default=dict)


class SettingsForm(Form):
    """The settings page: texts, a theme group, checkboxes and the banner texts."""

    name = Leaf(load_default="")
    origins = Leaf(load_default="")
    languages = Leaf(load_default="")
    default_language = Leaf(load_default="")
    lifetime_days = Leaf(load_default="")
    theme = Group(keys=Leaf(), values=Leaf(), load_default=dict)
    floating_button = Leaf()
    reload_on_withdraw = Leaf()
    store_user_agent = Leaf()
    texts = _texts()


class CategoryRowForm(Form):
    """One category on the categories page: its place in the order and its texts."""

    position = fields.Float(
        required=True,
        error_messages=dict.fromkeys(("required", "invalid", "special"), "A number."),
    )
    texts = _texts()


class CategoriesForm(Form):
    """The categories page: one numbered row per category."""

    categories = Rows(fields.Nested(CategoryRowForm), load_default=list)


class CookieForm(StrictForm):
    """One cookie row of the service page."""

    name = Leaf()
    domain = Leaf()
    lifetime_days = Leaf()
    texts = _texts()


class ServiceForm(StrictForm):
    """The service page: the service's fields, its texts and its numbered cookie rows."""

    category = Leaf(load_default="")
    slug = Leaf()
    name = Leaf()
    provider = Leaf()
    privacy_url = Leaf()
    texts = _texts()
    cookies = Rows(fields.Nested(CookieForm), load_default=list)


class VersionOrDraft(fields.Integer):
    """A version number, or `draft`."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if value == "draft":
            return value
        number = super()._deserialize(value, attr, data, **kwargs)
        if not 1 <= number <= BIGINT_MAX:
            raise self.make_error("invalid")
        return number


VERSION = validate.Range(1, BIGINT_MAX, error="Not a version number.")


class DiffIn(Schema):
    """The two sides of a diff: version `a`, and version `b` or the draft."""

    class Meta:
        unknown = EXCLUDE

    a = fields.Integer(load_default=None, validate=VERSION)
    b = VersionOrDraft(load_default=None)


class AuditPageIn(Schema):
    """A page of the audit log: the events before an event id."""

    class Meta:
        unknown = EXCLUDE

    before = fields.Integer(load_default=None, validate=validate.Range(1, BIGINT_MAX))

    @pre_load
    def _blank_is_absent(self, data: Any, **kwargs: Any) -> Any:
        return {k: v for k, v in dict(data).items() if v != ""}
