"""The words every layer shares: actions, sources, roles and what they may do, formats, patterns.

Nothing here touches the database, a request or the app: the domain, the HTTP API, the admin
pages and the command line all import their vocabulary from this one place.
"""

from __future__ import annotations

import re

# --- Consent records ---------------------------------------------------------------------
ACCEPT_ALL, REJECT_ALL, CUSTOM, WITHDRAW = "accept_all", "reject_all", "custom", "withdraw"
ACTIONS = (ACCEPT_ALL, REJECT_ALL, CUSTOM, WITHDRAW)
SOURCES = ("banner", "preferences", "placeholder", "api")
# A placeholder or the page API may answer one category and leave the others unasked (null).
UNASKED_SOURCES = ("placeholder", "api")
UNASKED_ACTIONS = (CUSTOM, WITHDRAW)

# --- Categories that are special -----------------------------------------------------------
NECESSARY = "necessary"  # exempt from consent, always on, never recorded as a choice
ADVERTISING = "advertising"  # Global Privacy Control keeps it off under « accept all »
CATEGORIES = (NECESSARY, "functional", "audience", "sharing", ADVERTISING)

# --- The banner's look -----------------------------------------------------------------------
# The layouts a site chooses: a bar across the screen (the default, at the bottom or the
# top), a box in the bottom corner at the end of the line, a box in the middle over a dimmed page.
LAYOUTS = ("bar", "box", "modal")
POSITIONS = ("bottom", "top")  # of the bar
# Its dark variant: never (the default), when the visitor's system is dark, always.
DARK_MODES = ("never", "auto", "always")

# --- Roles and their capabilities ------------------------------------------------------------
VIEWER, RECORDER, EDITOR, OWNER = "viewer", "recorder", "editor", "owner"
ROLES = (VIEWER, RECORDER, EDITOR, OWNER)
MEMBER_ROLES = (VIEWER, EDITOR, OWNER)  # an admin's role on a site (recorder is for tokens)
VIEW = "view"  # read the configuration, the log, exports and statistics
RECORD = "record"  # record consents on the visitor's behalf (a server-side integration)
EDIT = "edit"  # edit the draft, publish it, erase a visitor's records
MANAGE = "manage"  # members and API tokens
CAPABILITIES: dict[str, frozenset[str]] = {
    VIEWER: frozenset({VIEW}),
    RECORDER: frozenset({RECORD}),  # write-only: a recorder token reads nothing
    EDITOR: frozenset({VIEW, RECORD, EDIT}),
    OWNER: frozenset({VIEW, RECORD, EDIT, MANAGE}),
}


def allowed(role: str | None, capability: str) -> bool:
    """Tell whether a role has a capability (an unknown or missing role has none)."""
    return capability in CAPABILITIES.get(role or "", frozenset())


# --- Export formats --------------------------------------------------------------------------
FORMATS = {"csv": "text/csv", "jsonl": "application/x-ndjson"}  # format -> media type

# --- Patterns (whole strings: use fullmatch, or `anchored` for marshmallow) ------------------
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
SITE_KEY = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
LANGUAGE = re.compile(r"[a-z]{2}(-[A-Za-z]{2})?")
ORIGIN = re.compile(r"https?://[a-z0-9.-]+(:\d{1,5})?")
API_TOKEN_PREFIX = "tmn_"


def anchored(pattern: re.Pattern[str]) -> str:
    """Return a pattern that matches whole strings only (no trailing newline either)."""
    return rf"^(?:{pattern.pattern})\Z"


# --- Limits ----------------------------------------------------------------------------------
MAX_LIFETIME_DAYS = 395  # 13 months: the CNIL's ceiling for a consent and for a cookie
PAGE_MAX = 512  # characters of a page path kept in a record
MAX_VERSION = 2**31 - 1  # policy versions are stored in a 32-bit column
BIGINT_MAX = 2**63 - 1  # ids and sequence numbers are 64-bit
