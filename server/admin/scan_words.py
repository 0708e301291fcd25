"""The scanner's words said in the admin's language: passes, drift, states, findings, notes.

A scan's stored result stays in English (it is evidence, and its JSON download is the stored
text): these name its keys and vocabulary as an admin reads them, in the templates' filters.
"""

from __future__ import annotations

import math
from typing import Any

from flask import Flask
from flask_babel import format_decimal, gettext, ngettext

from server.admin.messages import N_, say, verdict
from server.domain.scan.drift import TRACKER_REFUSED

# The three passes (server/domain/scan/browser.py PASS_NAMES).
PASSES = {
    "a": N_("before any choice"),
    "b": N_("after « Tout refuser »"),
    "c": N_("after « Tout accepter »"),
}

# The kinds of drift (server/domain/scan/drift.py KINDS), in the order the report lists them.
DRIFT = {
    "undeclared": N_("Observed but declared nowhere"),
    "never_observed": N_("Declared but never observed"),
    "wrong_category": N_("Observed in another category than declared"),
    "lifetime_too_short": N_("Declared lifetime shorter than observed"),
    "over_13_months": N_("Lifetime over 13 months (COMPLIANCE 16)"),
}

# A scan's states (server/domain/scan/store.py STATES).
STATES = {
    "queued": N_("queued"),
    "running": N_("running"),
    "done": N_("done"),
    "failed": N_("failed"),
}

# How a page or a pass ended (server/domain/scan/browser.py STATUSES).
STATUSES = {
    "ok": N_("ok"),
    "http error": N_("http error"),
    "timeout": N_("timeout"),
    "unreachable": N_("unreachable"),
    "incomplete": N_("incomplete"),
}

# What a finding is (server/domain/scan/verdict.py KINDS): the Web's own names stay as they are.
KINDS = {
    "cookie": N_("cookie"),
    "localStorage": "localStorage",
    "sessionStorage": "sessionStorage",
    "indexedDB": "IndexedDB",
    "request": N_("request to"),
}

# Who set a cookie: the site itself or another host.
PARTIES = {"first": N_("first-party"), "third": N_("third-party")}

# Where a proposal comes from (server/domain/scan/drift.py).
# The Open Cookie Database is a name, said as it is in French too (a msgid all the same).
SOURCES = {
    "Open Cookie Database": N_("Open Cookie Database"),
    "host catalogue": N_("host catalogue"),
}

# The advice some catalogue services carry (server/domain/catalogue_data.py, the `note`).
NOTES = (
    N_("gtag('config', ID, {cookie_expires: 34128000}) keeps Google's cookies within 395 days."),
    N_("The vendor's default lifetime is longer: set its cookie expiry to at most 395 days."),
    N_("Matomo's _pk_id lasts 13 months by default."),
    N_("youtube-nocookie.com sets no cookie until the video plays."),
    N_("Use ?dnt=1 to avoid vuid."),
    N_("Self-host the fonts to avoid it."),
)


def _from(table: dict[str, str]) -> Any:
    def say_word(value: Any) -> str:
        text = str(value or "")
        return gettext(table[text]) if table.get(text) else text

    return say_word


pass_name = _from(PASSES)
drift_label = _from(DRIFT)
scan_state = _from(STATES)
page_status = _from(STATUSES)
finding = _from(KINDS)
party = _from(PARTIES)
source = _from(SOURCES)


def days(value: Any) -> str:
    """Say an observed lifetime in days (`395 days`, `0.5 day`), one decimal at most."""
    shown = round(float(value), 1)
    count = int(shown) if shown.is_integer() else math.ceil(shown)
    return ngettext("%(days)s day", "%(days)s days", count, days=format_decimal(shown))


def note(text: Any) -> str:
    """Say a catalogue service's note (its English text when the catalogue has a new one)."""
    return gettext(str(text)) if text else ""


def refusal(proposal: dict[str, Any]) -> str:
    """Say why a proposal cannot go into `necessary` (stored in English in the result)."""
    name = proposal.get("observed_name") or proposal.get("name") or ""
    return say(TRACKER_REFUSED(name=name))


def init_app(app: Flask) -> None:
    """Give the templates the scanner's words as filters."""
    app.jinja_env.filters.update(
        verdict=verdict,
        pass_name=pass_name,
        drift_label=drift_label,
        scan_state=scan_state,
        page_status=page_status,
        finding=finding,
        party=party,
        source=source,
        note=note,
        days=days,
        refusal=refusal,
        say=say,
    )
