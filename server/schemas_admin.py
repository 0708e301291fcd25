"""Validation of what admins edit: origins, cookies, lifetimes."""

from __future__ import annotations

import fnmatch
import re
from urllib.parse import urlsplit

ORIGIN = re.compile(r"^https?://[a-z0-9.-]+(:\d{1,5})?$")
MAX_LIFETIME_DAYS = 395
# Known tracking cookies that can never be "strictly necessary" (CNIL; COMPLIANCE.md rule 9).
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


def validate_origins(origins: list[str]) -> list[str]:
    """Normalise origins (scheme://host[:port]) and refuse anything else."""
    clean = []
    for origin in origins:
        value = origin.strip().rstrip("/").lower()
        parts = urlsplit(value)
        if not ORIGIN.match(value) or parts.path or not parts.hostname:
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
