"""The domain's and marshmallow's messages, said in the admin's language.

The domain speaks English (its messages are also the admin API's): the admin translates what
it shows, here. A sentence the domain declared as a wording (server/domain/wording.py) comes
with its key and values and is said from `KEYED`; English text stored by the domain (a failed
scan's error) is recognised as one of those wordings. Marshmallow's fixed messages are their
own msgids; one carrying a value (a number, a name) is recognised by a pattern and said again
with that value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from flask_babel import format_decimal, gettext

from server.domain.errors import DomainError
from server.domain.wording import Message, recognise


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
    N_("The database is unavailable; try again shortly."),
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
        re.compile(r"Sent both as a single field and as a group of fields \((.*)\.…\)\."),
        lambda m: gettext(
            "Sent both as a single field and as a group of fields (%(name)s.…).", name=m[1]
        ),
    ),
)


# A scan's verdict (server/domain/scan/verdict.py VERDICTS).
VERDICTS = {
    "compliant": N_("compliant"),
    "not compliant": N_("not compliant"),
    "inconclusive": N_("inconclusive"),
}

# The domain's wordings by key, each msgid its English template (`{x}` written `%(x)s`).
KEYED = {
    # What a scan may be asked to visit (server/domain/scan/urls.py, store.py).
    "scan.empty_url": N_("an empty URL"),
    "scan.url_too_long": N_("a URL over %(max)s characters"),
    "scan.not_http": N_("not an http(s) URL: %(url)s"),
    "scan.not_on_origins": N_("%(url)s is not on the site's origins (%(origins)s)"),
    "scan.no_origins": N_("none"),
    "scan.max_pages": N_("max pages is a whole number from 1 to %(max)s"),
    "scan.too_many_urls": N_("at most %(max)s URLs"),
    "scan.no_origin": N_("the site has no origin to scan"),
    # Why a site needs a scan (store.py).
    "scan.never_scanned": N_("never scanned"),
    "scan.last_verdict": N_("last scan: %(verdict)s"),
    "scan.stale": N_("last scan older than %(days)s days"),
    # Why a scan failed, or a page could not be audited (jobs.py, store.py, browser.py, crawl.py).
    "scan.queue_down": N_("the job queue is unavailable: %(error)s"),
    "scan.queue_down_retry": N_("the job queue is unavailable: %(error)s; try again later."),
    "scan.worker_stopped": N_("the worker stopped during the scan"),
    "scan.stopped": N_("the scan stopped: %(error)s"),
    "scan.no_chromium": N_(
        "no Chromium at %(path)s: install it (apt-get install chromium) or name the browser "
        "with TEMOIN_CHROMIUM"
    ),
    "scan.no_playwright": N_(
        'the scanner needs Playwright: pip install "temoin[scan]" (from a checkout: pip '
        'install -e ".[scan]")'
    ),
    "scan.chromium_not_started": N_("Chromium at %(path)s did not start: %(error)s"),
    "scan.page_timeout": N_("the page did not finish loading in %(seconds)s s"),
    "scan.time_limit": N_("the scan's time limit was reached during this page"),
    # Proposals (drift.py, accept.py).
    "scan.tracker_refused": N_("%(name)s is a known tracking cookie: not strictly necessary"),
    "scan.choose_category": N_("Choose the category: the scanner does not know this cookie."),
    "scan.name_service": N_("Name the service this cookie belongs to."),
    "scan.no_category": N_("The site has no category %(category)s."),
    "scan.already_declared": N_("%(name)s is already declared under %(service)s."),
    # The service catalogue (server/domain/catalogue.py).
    "catalogue.unknown": N_("No service %(slug)s in the catalogue."),
    "catalogue.present": N_("The draft already has the service %(slug)s."),
    "catalogue.no_category": N_("The site has no category %(category)s for %(name)s."),
    # What the chain's verification finds (server/domain/verify.py).
    "verify.head_missing": N_("chain head missing"),
    "verify.before_base": N_("inserted before the purged base"),
    "verify.removed": N_("removed: records %(first)s..%(last)s"),
    "verify.not_following": N_("does not follow the previous record"),
    "verify.hash_altered": N_("altered: hash does not match"),
    "verify.removed_at_end": N_("removed at the end (head at seq %(seq)s)"),
    "verify.after_head": N_("inserted after the head (head at seq %(seq)s)"),
    "verify.head_hash": N_("head hash does not match the last record"),
    "verify.legacy_altered": N_("altered: contents do not match digest"),
    "verify.subject_missing": N_("altered: visitor digest missing"),
    "verify.subject_altered": N_("altered: visitor fields do not match"),
    "verify.erased_altered": N_("erased record altered: contents do not match digest"),
    "verify.not_published": N_("shown policy version %(version)s, not published"),
    "verify.policy_sha": N_("policy sha256 differs from version %(version)s's"),
    "verify.version_missing": N_("policy version %(version)s missing"),
    "verify.snapshot_altered": N_("policy version %(version)s: snapshot does not match its sha256"),
    "verify.snapshots_differ": N_(
        "policy versions 1..%(count)s differ from the checkpoint signed at %(time)s"
    ),
    "verify.checkpoint_differs": N_("differs from the checkpoint signed at %(time)s"),
    "verify.dated_before": N_("after a checkpoint in the chain but dated before it"),
    "verify.dated_after": N_("covered by a checkpoint but dated after it"),
    "verify.truncated": N_("truncated: the checkpoint signed at %(time)s has seq %(seq)s"),
    "verify.base_back": N_("purge base moved back since %(time)s"),
    "verify.base_differs": N_("purge base differs from %(time)s"),
    "verify.boundary_moved": N_("erasure boundary moved since %(time)s"),
    "verify.base_after_newest": N_(
        "purge base moved after the newest checkpoint given (%(seq)s then); each purge signs "
        "one: verify with a newer copy"
    ),
}


def verdict(value: object) -> str:
    """Say a scan's verdict (`not compliant`) in the admin's language."""
    text = str(value or "")
    return gettext(VERDICTS[text]) if text in VERDICTS else text


def _value(name: str, value: Any) -> Any:
    if isinstance(value, Message):
        return said(value)
    if name == "verdict":
        return verdict(value)
    return value


def said(message: Message) -> str:
    """Say one of the domain's wordings with its values (in English when the admin lacks it)."""
    msgid = KEYED.get(message.key)
    if msgid is None:
        return str(message)
    values = {k: _value(k, v) for k, v in message.values.items()}
    return gettext(msgid, **values)


def problem(found: Any) -> str:
    """Say one problem of a chain verification: where it is, then what disagreed."""
    if found.record_id:
        where = gettext("record %(id)s (seq %(seq)s)", id=found.record_id, seq=found.seq)
    else:
        where = gettext("seq %(seq)s", seq=found.seq)
    return gettext("%(where)s: %(what)s", where=where, what=said(found.said))


def say(message: object) -> str:
    """Return a message in the admin's language (as it came when nothing translates it).

    A domain error is said from its wording when it has one, else from its English message.
    """
    if isinstance(message, DomainError):
        message = message.said or message.message
    if isinstance(message, Message):
        return said(message)
    text = str(message)
    for pattern, again in PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return again(found)
    known = recognise(text) if text else None
    if known is not None and known.key in KEYED:
        return said(known)
    return gettext(text) if text else text
