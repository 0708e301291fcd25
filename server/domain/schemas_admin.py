"""Validation of what admins edit: origins, cookies, lifetimes, the whole draft, filters."""

from __future__ import annotations

import fnmatch
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from urllib.parse import urlsplit

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from server import vocab
from server.domain import colours
from server.domain.schemas import StrictBool
from server.texts import LANGUAGES
from server.vocab import (
    ACTIONS,
    FORMATS,
    LANGUAGE,
    MAX_LIFETIME_DAYS,
    MEMBER_ROLES,
    NECESSARY,
    ORIGIN,
    ROLES,
    SITE_KEY,
    anchored,
)

# Known tracking cookies that can never be "strictly necessary" (CNIL; docs/COMPLIANCE.md, rule 9).
TRACKERS = (
    "_ga",
    "_ga_*",
    "_gid",
    "_gat*",
    "_gcl_*",
    "_fbp",
    "_fbc",
    "fr",
    "IDE",
    "test_cookie",
    "_hj*",
    "__utm*",
    "_uet*",
    "_clck",
    "_clsk",
    "MUID",
    "NID",
    "DSID",
    "_pin_unauth",
    "_tt_*",
    "_ttp",
    "li_*",
    "bcookie",
    "lidc",
    "guest_id",
    "personalization_id",
    "__sm*",
    "_pk_*",
    "_mkto_trk",
    "hubspotutk",
    "__hs*",
    "ajs_*",
    "mp_*",
    "amplitude_*",
)


SITE_KEY_MESSAGE = "A site key: lowercase letters, digits, - and _ (at most 64), e.g. www."


def validate_site_key(key: str) -> str:
    """Refuse a site key that would not fit the widget's address (/w/KEY.js)."""
    if not SITE_KEY.fullmatch(key):
        raise ValueError(f"not a site key: {key!r} ({SITE_KEY_MESSAGE})")
    return key


def validate_email(email: str) -> str:
    """Return an e-mail address in lower case, or refuse it."""
    clean = email.strip().lower()
    try:
        validate.Email()(clean)
    except ValidationError as exc:
        raise ValueError(f"not an e-mail address: {email!r}") from exc
    return clean


def validate_origins(origins: list[str]) -> list[str]:
    """Normalise origins (scheme://host[:port]) and refuse anything else."""
    clean = []
    for origin in origins:
        value = origin.strip().rstrip("/").lower()
        parts = urlsplit(value)
        if not ORIGIN.fullmatch(value) or parts.path or not parts.hostname:
            raise ValueError(f"not an origin (scheme://host[:port]): {origin!r}")
        clean.append(value)
    return clean


def is_tracker(name: str) -> bool:
    """Tell whether a cookie name (or pattern) matches a known tracking cookie."""
    probe = name.replace("*", "x")
    return any(
        fnmatch.fnmatchcase(probe, pattern) or fnmatch.fnmatchcase(pattern.replace("*", "x"), name)
        for pattern in TRACKERS
    )


# marshmallow schemas of the editable configuration (admin pages and admin API share them).

SLUG = validate.Regexp(anchored(vocab.SLUG), error="Lowercase letters, digits, - and _.")
LANG = validate.Regexp(anchored(LANGUAGE), error="Not a language tag (fr, en, pt-BR).")
# A site offers only languages the widget has labels in (server/texts/), so nothing falls back.
BUILTIN_LANGUAGE = validate.OneOf(
    LANGUAGES, error="Not a built-in language. One of: " + ", ".join(LANGUAGES) + "."
)
COLOR = validate.Regexp(r"^#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})\Z", error="A colour like #1f4fd1.")
COOKIE_NAME = validate.Regexp(r"^[^\s;,=\"]{1,120}\Z", error="A cookie name or pattern (a*).")
# The cookies.domain column holds 200 characters.
DOMAIN = validate.Regexp(r"^\.?[A-Za-z0-9.-]{0,199}\Z", error="A domain like .example.org.")
URL = validate.Regexp(r"^(https?://[^\s\"<>]+|/[^\s\"<>]*)?\Z", error="An http(s) URL or a /path.")
BANNER_KEYS = (
    "title",
    "description",
    "withdraw",
    "accept_all",
    "reject_all",
    "customize",
    "save",
    "services_link",
    "preferences_title",
    "close",
)
LIFETIME = validate.Range(
    0, MAX_LIFETIME_DAYS, error=f"At most {MAX_LIFETIME_DAYS} days (13 months)."
)


def _texts(*keys: str, size: int = 4000) -> fields.Dict:
    """Texts per language: {lang: {key: text}} limited to the given keys."""
    return fields.Dict(
        keys=fields.String(validate=LANG),
        values=fields.Dict(
            keys=fields.String(validate=validate.OneOf(keys)),
            values=fields.String(validate=validate.Length(max=size)),
        ),
        load_default=dict,
    )


class Strict(Schema):
    """A schema refusing unknown keys."""

    class Meta:
        unknown = RAISE


class CookieSchema(Strict):
    """One cookie a service sets: exact name or pattern, domain, lifetime, purpose."""

    name = fields.String(required=True, validate=COOKIE_NAME)
    domain = fields.String(
        load_default="",
        validate=validate.Regexp(
            r"^\.?[A-Za-z0-9.-]{0,199}\Z", error="A domain like .example.org."
        ),
    )
    lifetime_days = fields.Integer(required=True, validate=LIFETIME)
    texts = _texts("purpose", size=1000)


class ServiceSchema(Strict):
    """A service (a partner or a tool) and its cookies."""

    slug = fields.String(required=True, validate=SLUG)
    name = fields.String(required=True, validate=validate.Length(1, 120))
    provider = fields.String(load_default="", validate=validate.Length(max=200))
    privacy_url = fields.String(load_default="", validate=[validate.Length(max=500), URL])
    texts = _texts("description", size=2000)
    cookies = fields.List(fields.Nested(CookieSchema), load_default=list)

    @validates_schema
    def _unique_cookies(self, data: dict[str, Any], **kwargs: Any) -> None:
        names = [c["name"] for c in data.get("cookies", [])]
        if len(names) != len(set(names)):
            raise ValidationError("Each cookie name appears once.", "cookies")


class CategorySchema(Strict):
    """A purpose: its texts and services (order is the list order)."""

    slug = fields.String(required=True, validate=SLUG)
    texts = _texts("name", "description", size=2000)
    services = fields.List(fields.Nested(ServiceSchema), load_default=list)


class ThemeSchema(Strict):
    """The widget's look: its layout, the bar's position, three colours and its dark variant
    (when to show it, and the dark colours the site gives instead of the derived ones)."""

    layout = fields.String(validate=validate.OneOf(vocab.LAYOUTS))
    position = fields.String(validate=validate.OneOf(vocab.POSITIONS))
    primary = fields.String(validate=COLOR)
    background = fields.String(validate=COLOR)
    text = fields.String(validate=COLOR)
    dark = fields.String(validate=validate.OneOf(vocab.DARK_MODES))
    dark_primary = fields.String(validate=COLOR)
    dark_background = fields.String(validate=COLOR)
    dark_text = fields.String(validate=COLOR)

    @validates_schema
    def _readable_in_the_dark(self, data: dict[str, Any], **kwargs: Any) -> None:
        found = colours.problems(data)
        if found:
            raise ValidationError({k: [v] for k, v in found.items()})


class OriginList(fields.List):
    """A list of origins, normalised to scheme://host[:port]."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[str]:
        items = super()._deserialize(value, attr, data, **kwargs)
        try:
            return validate_origins(items)
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc


class DraftSchema(Strict):
    """A site's whole editable configuration (the draft)."""

    name = fields.String(required=True, validate=validate.Length(1, 200))
    origins = OriginList(fields.String(validate=validate.Length(max=300)), required=True)
    languages = fields.List(
        fields.String(validate=BUILTIN_LANGUAGE),
        required=True,
        validate=validate.Length(1, len(LANGUAGES)),
    )
    default_language = fields.String(required=True, validate=LANG)
    lifetime_days = fields.Integer(
        required=True,
        validate=validate.Range(
            1, MAX_LIFETIME_DAYS, error=f"Between 1 and {MAX_LIFETIME_DAYS} days (13 months)."
        ),
    )
    theme = fields.Nested(ThemeSchema, load_default=dict)
    floating_button = StrictBool(load_default=True)
    reload_on_withdraw = StrictBool(load_default=False)
    store_user_agent = StrictBool(load_default=True)
    texts = _texts(*BANNER_KEYS)
    categories = fields.List(fields.Nested(CategorySchema), required=True)

    @pre_load
    def _drop_read_only(self, data: Any, **kwargs: Any) -> Any:
        # GET answers these too; a document read then written back must load.
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if k not in ("site", "published_version")}
        return data

    @validates_schema
    def _whole(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, Any] = {}
        langs = data.get("languages") or []
        if len(langs) != len(set(langs)):
            errors["languages"] = ["Each language appears once."]
        if "default_language" in data and data["default_language"] not in langs:
            errors["default_language"] = ["Must be one of the site's languages."]
        errors.update(category_errors(data.get("categories") or []))
        if errors:
            raise ValidationError(errors)


def category_errors(categories: list[dict[str, Any]]) -> dict[str, Any]:
    """Check what spans categories: unique slugs, `necessary` kept, no tracker in it."""
    errors: dict[str, Any] = {}
    slugs = [c["slug"] for c in categories]
    if NECESSARY not in slugs:
        errors["categories"] = ["The `necessary` category cannot be removed."]
    elif len(slugs) != len(set(slugs)):
        errors["categories"] = ["Each category slug appears once."]
    seen: set[str] = set()
    nested: dict[int, Any] = {}
    for i, cat in enumerate(categories):
        for j, svc in enumerate(cat.get("services", [])):
            where = nested.setdefault(i, {}).setdefault("services", {}).setdefault(j, {})
            if svc["slug"] in seen:
                where["slug"] = ["Each service slug appears once in the site."]
            seen.add(svc["slug"])
            if cat["slug"] == NECESSARY:
                for k, ck in enumerate(svc.get("cookies", [])):
                    if is_tracker(ck["name"]):
                        where.setdefault("cookies", {})[k] = {"name": [tracker_message(ck["name"])]}
            if not where:
                del nested[i]["services"][j]
        if i in nested and not nested[i]["services"]:
            del nested[i]
    if nested and "categories" not in errors:
        errors["categories"] = nested
    return errors


def tracker_message(name: str) -> str:
    """Explain why a cookie cannot be declared strictly necessary."""
    return (
        f"{name} is a known tracking cookie: it cannot be strictly necessary "
        "(CNIL guidelines); put its service in a category that needs consent."
    )


class PublishIn(Strict):
    """Publishing the draft: whether visitors must choose again."""

    reconsent = StrictBool(load_default=False)


class PublishOut(Schema):
    """A newly published version."""

    version = fields.Integer()
    sha256 = fields.String()
    reconsent = fields.Boolean()
    published_at = fields.String()
    published_by = fields.String()


class DraftOut(DraftSchema):
    """The draft as GET answers it, with the last published version."""

    site = fields.String()
    published_version = fields.Integer(allow_none=True)


class DayOrTime(fields.Field):
    """A date (YYYY-MM-DD) or an ISO 8601 date and time, read as naive UTC, years 1970-9998."""

    MESSAGE = "A date (YYYY-MM-DD) or an ISO 8601 date and time, years 1970 to 9998."
    EARLIEST = datetime(1970, 1, 1)
    LATEST = datetime(9998, 12, 31, 23, 59, 59)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> datetime:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(self.MESSAGE)
        text = value.strip()
        try:
            if len(text) == 10:
                moment = datetime.combine(date.fromisoformat(text), time())
            else:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC).replace(tzinfo=None)
        except (ValueError, OverflowError) as exc:
            raise ValidationError(self.MESSAGE) from exc
        if not self.EARLIEST <= moment <= self.LATEST:
            raise ValidationError(self.MESSAGE)
        return moment


class RangeIn(Schema):
    """A time range: `from` inclusive; `to` inclusive (a bare date covers that whole day)."""

    class Meta:
        unknown = RAISE

    start = DayOrTime(
        data_key="from",
        load_default=None,
        metadata={"description": "Start: YYYY-MM-DD or ISO 8601 (UTC), inclusive"},
    )
    end = DayOrTime(
        data_key="to",
        load_default=None,
        metadata={"description": "End: YYYY-MM-DD (whole day) or ISO 8601 (UTC), inclusive"},
    )

    @pre_load
    def _blank_is_absent(self, data: Any, **kwargs: Any) -> Any:
        return {k: v for k, v in dict(data).items() if v not in ("", None)}

    @post_load(pass_original=True)
    def _end_of_day(self, data: dict[str, Any], original: Any = None, **kwargs: Any) -> Any:
        raw = (original or {}).get("to", "")
        if data.get("end") is not None and len(str(raw).strip()) == 10:
            data["end"] = data["end"] + timedelta(days=1) - timedelta(microseconds=1)
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError({"to": ["Must not be before `from`."]})
        return data


class ExportIn(RangeIn):
    """An export: a time range and a format."""

    # Blank means absent (as HTML forms send it), hence "" among the documented values.
    format = fields.String(
        load_default="csv",
        validate=validate.OneOf(tuple(FORMATS)),
        metadata={"description": "csv (default; also when blank) or jsonl", "enum": [*FORMATS, ""]},
    )


class LogFilterIn(RangeIn):
    """Filters of the consent log page."""

    action = fields.String(
        load_default=None,
        validate=validate.OneOf(ACTIONS),
    )
    version = fields.Integer(load_default=None, validate=validate.Range(1, 10**9))
    language = fields.String(load_default=None, validate=LANG)
    consent_id = fields.UUID(load_default=None)
    before = fields.Integer(load_default=None, validate=validate.Range(1, 10**18))


class MemberIn(Strict):
    """Giving an existing admin a role on a site."""

    email = fields.Email(required=True, validate=validate.Length(max=254))
    role = fields.String(required=True, validate=validate.OneOf(MEMBER_ROLES))

    @post_load
    def _lower(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        data["email"] = data["email"].strip().lower()
        return data


class NewSiteIn(Strict):
    """A site a superuser creates from the admin: key, name, origins, perhaps its owner."""

    key = fields.String(
        required=True, validate=validate.Regexp(anchored(SITE_KEY), error=SITE_KEY_MESSAGE)
    )
    name = fields.String(required=True, validate=validate.Length(1, 200))
    origins = OriginList(
        fields.String(validate=validate.Length(max=300)),
        required=True,
        validate=validate.Length(min=1, error="At least one origin."),
    )
    owner = fields.Email(load_default=None, allow_none=True, validate=validate.Length(max=254))

    @pre_load
    def _blank_owner(self, data: Any, **kwargs: Any) -> Any:
        if isinstance(data, dict) and not str(data.get("owner") or "").strip():
            data = {**data, "owner": None}
        return data

    @post_load
    def _lower(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        if data.get("owner"):
            data["owner"] = data["owner"].strip().lower()
        return data


class TokenIn(Strict):
    """A new API token: its role and a label saying what it is for."""

    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    label = fields.String(load_default="", validate=validate.Length(max=120))


class _Counts(Schema):
    accept_all = fields.Integer()
    reject_all = fields.Integer()
    custom = fields.Integer()
    withdraw = fields.Integer()
    total = fields.Integer()
    opt_in = fields.Dict(
        keys=fields.String(), values=fields.Float(allow_none=True), metadata={"description": "0..1"}
    )
    answers = fields.Dict(keys=fields.String(), values=fields.Integer())


class StatsDay(_Counts):
    """Counts and opt-in rates of one day (UTC)."""

    date = fields.String()


class StatsVersion(_Counts):
    """Counts and opt-in rates of one policy version."""

    version = fields.Integer()


class StatsOut(Schema):
    """Decisions and opt-in rates per day, per version and over the range."""

    site = fields.String()
    start = fields.String(data_key="from", allow_none=True)
    end = fields.String(data_key="to", allow_none=True)
    categories = fields.List(fields.String())
    totals = fields.Nested(_Counts)
    days = fields.List(fields.Nested(StatsDay))
    versions = fields.List(fields.Nested(StatsVersion))


class PasswordIn(Strict):
    """Changing one's own password: the current one, the new one and its confirmation."""

    current_password = fields.String(required=True, validate=validate.Length(min=1, max=1024))
    new_password = fields.String(required=True, validate=validate.Length(min=10, max=1024))
    confirm = fields.String(required=True, validate=validate.Length(max=1024))

    @validates_schema
    def _confirmed(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "new_password" in data and data.get("confirm") != data["new_password"]:
            raise ValidationError("Does not match the new password.", "confirm")
