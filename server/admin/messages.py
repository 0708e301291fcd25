"""The domain's and marshmallow's messages, said in the admin's language.

The domain speaks English (its messages are also the admin API's): the admin translates what
it shows, here. A fixed message is its own msgid; a message carrying a value (a number, a name)
is recognised by a pattern and said again with that value.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import format_decimal, gettext


def N_(message: str) -> str:  # noqa: N802  (the usual name of the gettext no-op marker)
    """Mark a message for the catalogue without translating it here."""
    return message


# Said as they are: extracted from here, translated by gettext(message) when shown.
FIXED = (
    # Marshmallow's own messages.
    N_("Missing data for required field."),
    N_("Unknown field."),
    N_("Invalid input type."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid type."),
    N_("Not a valid string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Not a valid boolean."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid UUID."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Not a valid utf-8 string."),
    N_("Number too large."),
    N_("Special numeric values (nan or infinity) are not permitted."),
    # The draft and the admin's inputs (server/domain/schemas_admin.py).
    N_("Lowercase letters, digits, - and _."),
    N_("Not a language tag (fr, en, pt-BR)."),
    N_("A colour like #1f4fd1."),
    N_("A cookie name or pattern (a*)."),
    N_("A domain like .example.org."),
    N_("An http(s) URL or a /path."),
    N_("Each cookie name appears once."),
    N_("Each language appears once."),
    N_("Must be one of the site's languages."),
    N_("The `necessary` category cannot be removed."),
    N_("Each category slug appears once."),
    N_("Each service slug appears once in the site."),
    N_("A date (YYYY-MM-DD) or an ISO 8601 date and time, years 1970 to 9998."),
    N_("Must not be before `from`."),
    N_("At least one origin."),
    N_("Does not match the new password."),
    N_("A site key: lowercase letters, digits, - and _ (at most 64), e.g. www."),
    # Publishing (server/domain/drafts.py).
    N_("Nothing to publish: the draft equals the last published version."),
    N_("Nothing was published: texts shown to visitors are empty in some of the site's languages."),
    N_("Nothing was published: a dark colour of the theme is not readable."),
    # The admin's form schemas (server/admin/schemas.py, forms.py).
    N_("Expected a single field here, not a group of fields."),
    N_("Expected a group of fields here, not a single field."),
    N_("Expected numbered rows here, not a single field."),
    N_("Rows are numbered 0 to 499 (digits, no leading zero)."),
    N_("A number."),
    N_("Not a version number."),
    N_("Not a field of this form."),
    # Why a site needs a scan (server/domain/scan/store.py).
    N_("never scanned"),
    # Werkzeug's names of the statuses the admin answers with.
    N_("Bad Request"),
    N_("Forbidden"),
    N_("Not Found"),
    N_("Method Not Allowed"),
    N_("Request Entity Too Large"),
    N_("Unprocessable Entity"),
    N_("Too Many Requests"),
    N_("Internal Server Error"),
    N_("Service Unavailable"),
    N_("Conflict"),
    # Werkzeug's descriptions of them, when a page gives none of its own.
    N_("The browser (or proxy) sent a request that this server could not understand."),
    N_(
        "You don't have the permission to access the requested resource. It is either "
        "read-protected or not readable by the server."
    ),
    N_(
        "The requested URL was not found on the server. If you entered the URL manually please "
        "check your spelling and try again."
    ),
    N_("The method is not allowed for the requested URL."),
    N_("The data value transmitted exceeds the capacity limit."),
    N_("The request was well-formed but was unable to be followed due to semantic errors."),
    N_(
        "The server encountered an internal error and was unable to complete your request. "
        "Either the server is overloaded or there is an error in the application."
    ),
    N_(
        "The server is temporarily unable to service your request due to maintenance downtime "
        "or capacity problems. Please try again later."
    ),
)

Say = Callable[[re.Match[str]], str]
PATTERNS: tuple[tuple[re.Pattern[str], Say], ...] = (
    (
        re.compile(r"Length must be between (\d+) and (\d+)\."),
        lambda m: gettext("Between %(min)s and %(max)s characters.", min=m[1], max=m[2]),
    ),
    (
        re.compile(r"Longer than maximum length (\d+)\."),
        lambda m: gettext("At most %(max)s characters.", max=m[1]),
    ),
    (
        re.compile(r"Shorter than minimum length (\d+)\."),
        lambda m: gettext("At least %(min)s characters.", min=m[1]),
    ),
    (
        re.compile(r"Contrast with the dark background: ([\d.]+):1; at least 4\.5:1 is needed\."),
        lambda m: gettext(
            "Contrast with the dark background: %(ratio)s:1; at least %(minimum)s:1 is needed.",
            ratio=format_decimal(float(m[1])),
            minimum=format_decimal(4.5),
        ),
    ),
    (
        re.compile(r"Must be one of: (.*)\."),
        lambda m: gettext("Must be one of: %(choices)s.", choices=m[1]),
    ),
    (
        re.compile(r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\."),
        lambda m: gettext("Between %(min)s and %(max)s.", min=m[1], max=m[2]),
    ),
    (
        re.compile(r"Must be greater than or equal to (\S+)\."),
        lambda m: gettext("At least %(min)s.", min=m[1]),
    ),
    (
        re.compile(r"At most (\d+) days \(13 months\)\."),
        lambda m: gettext("At most %(days)s days (13 months).", days=m[1]),
    ),
    (
        re.compile(r"Between (\d+) and (\d+) days \(13 months\)\."),
        lambda m: gettext("Between %(min)s and %(max)s days (13 months).", min=m[1], max=m[2]),
    ),
    (
        re.compile(r"(.+) is a known tracking cookie: .*"),
        lambda m: gettext(
            "%(name)s is a known tracking cookie: it cannot be strictly necessary (CNIL "
            "guidelines); put its service in a category that needs consent.",
            name=m[1],
        ),
    ),
    (
        re.compile(
            r"Empty in ([A-Za-z-]+): visitors read every text in each language of the site."
        ),
        lambda m: gettext(
            "Empty in %(language)s: visitors read every text in each language of the site.",
            language=m[1],
        ),
    ),
    (
        re.compile(r"not an origin \(scheme://host\[:port\]\): (.*)"),
        lambda m: gettext("Not an origin (scheme://host[:port]): %(origin)s", origin=m[1]),
    ),
    (
        re.compile(r"last scan: (.+)"),
        lambda m: gettext("last scan: %(verdict)s", verdict=m[1]),
    ),
    (
        re.compile(r"last scan older than (\d+) days"),
        lambda m: gettext("last scan older than %(days)s days", days=m[1]),
    ),
    (
        re.compile(r"Sent both as a single field and as a group of fields \((.*)\.…\)\."),
        lambda m: gettext(
            "Sent both as a single field and as a group of fields (%(name)s.…).", name=m[1]
        ),
    ),
)


def say(message: object) -> str:
    """Return a message in the admin's language (as it came when nothing translates it)."""
    text = str(message)
    for pattern, again in PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return again(found)
    return gettext(text) if text else text
