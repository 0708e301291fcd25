"""Finished scans stored as the worker stores them, without Chromium: a result with every part
a scan page shows (offences with their tag, each kind of drift, proposals, pages and passes)."""

from __future__ import annotations

from typing import Any

from server.domain.catalogue import catalogue
from server.domain.policy import canonical_json, sha256_hex
from server.extensions import db
from server.models import Scan, Site, utcnow

HOSTILE = '<script>alert("x")</script>'


def scan_result(site: Site, **over: Any) -> dict[str, Any]:
    """A scan result of the site, as `store.run_scan` stores it; `over` replaces its keys."""
    home = (list(site.origins or []) or ["https://shop.test"])[0].rstrip("/") + "/"
    host = home.split("/")[2].split(":")[0]
    body: dict[str, Any] = {
        "format": 1,
        "scan": None,
        "site": site.key,
        "requested_by": "editor@shop.test",
        "requested_at": "2026-12-01T10:00:00.000000Z",
        "started_at": "2026-12-01T10:00:01Z",
        "finished_at": "2026-12-01T10:01:00Z",
        "seconds": 59.0,
        "policy_version": 1,
        "policy_sha256": "ab" * 32,
        "browser": "Chromium 1",
        "cookie_database": "test",
        "options": {"urls": [], "max_pages": 20},
        "limits": {},
        "passes": {
            "a": "before any choice",
            "b": "after « Tout refuser »",
            "c": "after « Tout accepter »",
        },
        "verdict": "not compliant",
        "offences": [
            {
                "page": home,
                "pass": "a",
                "kind": "cookie",
                "name": "_ga",
                "domain": host,
                "category": "audience",
                "status": "known",
                "service": None,
                "removed": False,
                "cause": {
                    "url": "https://www.googletagmanager.com/gtag/js",
                    "element": HOSTILE,
                    "markup": HOSTILE,
                },
            },
            {
                "page": home,
                "pass": "b",
                "kind": "request",
                "name": "www.googletagmanager.com",
                "domain": "www.googletagmanager.com",
                "type": "script",
                "category": None,
                "status": "unknown",
                "service": None,
                "removed": True,
                "cause": {"url": "https://www.googletagmanager.com/gtag/js"},
            },
        ],
        "pages": [
            {"url": home + HOSTILE, "status": "ok", "passes": {}},
            {
                "url": home,
                "status": "timeout",
                "error": "the page did not finish loading in 15 s",
                "passes": {
                    "a": {
                        "cookies": [
                            {
                                "name": "_ga",
                                "domain": "." + host,
                                "party": "first",
                                "lifetime_days": 395.0,
                                "http_only": False,
                                "secure": True,
                                "same_site": "Lax",
                                "category": "audience",
                                "service": "google-analytics",
                                "service_name": "Google Analytics",
                                "set_by": "https://www.googletagmanager.com/gtag/js",
                            },
                            {
                                "name": "sid",
                                "domain": "tracker.test",
                                "party": "third",
                                "lifetime_days": None,
                                "category": None,
                            },
                        ],
                        "storage": [{"kind": "localStorage", "name": "_gcl_ls", "category": None}],
                        "requests": [
                            {
                                "host": "www.googletagmanager.com",
                                "type": "script",
                                "category": None,
                                "initiator": home,
                            }
                        ],
                    },
                    "b": {"clicked": False, "cookies": [], "storage": [], "requests": []},
                },
            },
        ],
        "matched": [],
        "drift": {
            "undeclared": [
                {"name": "_hjSessionUser_123", "kind": "cookie", "known_category": "functional"},
                {"name": "_gcl_ls", "kind": "localStorage", "known_category": None},
            ],
            "never_observed": [{"name": "_pk_id.*", "service": "matomo", "category": "audience"}],
            "wrong_category": [
                {"name": "_fbp", "declared_category": "functional", "observed_category": "ads"}
            ],
            "lifetime_too_short": [{"name": "_gid", "declared_days": 1, "observed_days": 2}],
            "over_13_months": [{"name": "_ga", "observed_days": 730}],
        },
        "proposals": [
            {
                "id": "cookie:_hjSessionUser_*",
                "kind": "cookie",
                "name": "_hjSessionUser_*",
                "observed_name": "_hjSessionUser_123",
                "domain": "",
                "observed_days": 365,
                "lifetime_days": 365,
                "category": "functional",
                "service": {
                    "slug": "hotjar",
                    "name": "Hotjar",
                    "provider": "Hotjar",
                    "privacy_url": "https://www.hotjar.com/legal/policies/privacy/",
                },
                "purpose": "Hotjar cookie " + HOSTILE,
                "source": "Open Cookie Database",
                "pages": [home],
            },
            {
                "id": "cookie:_ga",
                "kind": "cookie",
                "name": "_ga",
                "observed_name": "_ga",
                "domain": "",
                "observed_days": 730,
                "lifetime_days": 395,
                "category": "necessary",
                "service": {
                    "slug": "google-analytics",
                    "name": "Google Analytics",
                    "provider": "Google",
                    "privacy_url": "",
                },
                "purpose": "ID used to identify users",
                "source": "Open Cookie Database",
                "refused": "_ga is a known tracking cookie: not strictly necessary",
                "pages": [home],
            },
            {
                "id": "localStorage:_gcl_ls",
                "kind": "localStorage",
                "name": "_gcl_ls",
                "observed_name": "_gcl_ls",
                "domain": "",
                "observed_days": None,
                "lifetime_days": 0,
                "category": None,
                "service": {"slug": "", "name": "", "provider": "", "privacy_url": ""},
                "purpose": "",
                "source": "",
                "pages": [home],
            },
        ],
        "skipped_for_time": [home + "slow"],
        "not_visited_past_max_pages": 3,
    }
    body.update(over)
    return body


def store_scan(site: Site, state: str = "done", error: str = "", **over: Any) -> Scan:
    """Store a scan of the site: done with `scan_result(site, **over)`, or running or failed."""
    scan = Scan(
        site_id=site.id,
        state="queued",
        options={"urls": [], "max_pages": 20},
        progress={},
        error="",
        browser_version="",
        requested_by="editor@shop.test",
    )
    db.session.add(scan)
    db.session.flush()
    if state == "done":
        result = scan_result(site, scan=scan.id, **over)
        text = canonical_json(result)
        scan.result, scan.result_sha256 = text, sha256_hex(text)
        scan.verdict, scan.pages = result["verdict"], len(result["pages"])
        scan.offences = len(result["offences"])
        scan.browser_version = result["browser"]
        scan.started_at = scan.finished_at = utcnow()
    elif state == "running":
        scan.started_at = utcnow()
        scan.progress = {"done": 1, "total": 4, "url": "https://shop.test/contact"}
    elif state == "failed":
        scan.error, scan.finished_at = error, utcnow()
    scan.state = state
    db.session.commit()
    return scan


# What a scan's result says in English that the admin says in its own words.
SAID = {"verdict", "status", "kind", "party", "source", "refused", "error", "type"}


def data_strings(value: Any) -> list[str]:
    """The data of a scan result (names, hosts, URLs, purposes), its vocabulary left out."""
    if isinstance(value, dict):
        out = data_strings([v for k, v in value.items() if k not in SAID and k != "passes"])
        # A page's passes hold data; the result's own `passes` names them in English.
        passes = value.get("passes")
        if isinstance(passes, dict) and all(isinstance(v, dict) for v in passes.values()):
            out += data_strings(list(passes.values()))
        return out
    if isinstance(value, list | tuple):
        return [s for v in value for s in data_strings(v)]
    return [] if value is None or isinstance(value, bool) else [str(value)]


def catalogue_data(language: str = "en") -> list[Any]:
    """The catalogue's data as its page shows it in a language: names, providers, descriptions."""
    return [
        [s.slug, s.name, s.provider, s.fr if language == "fr" else s.en, s.cookies]
        for s in catalogue().values()
    ]
