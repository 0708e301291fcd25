"""What each finding is: Témoin's own, declared by the site, known to the database or the
host catalogue, or unknown (never guessed)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from server.domain.scan.cookiedb import CookieDB
from server.domain.scan.hosts import match_host
from server.domain.scan.urls import host_of, normalise_origins

NECESSARY = "necessary"
TEMOIN_COOKIE = "temoin"
TEMOIN_STORAGE = "temoin:"


@lru_cache(maxsize=2048)
def _regex(pattern: str) -> re.Pattern[str]:
    return re.compile("".join(".*" if c == "*" else re.escape(c) for c in pattern) + r"\Z")


def name_matches(pattern: str, name: str) -> bool:
    """Tell whether a cookie name matches a declared name, where `*` is any run of characters."""
    return bool(_regex(pattern).match(name))


def domain_matches(declared: str, observed: str) -> bool:
    """An empty declared domain means « the site's own »; else the domains must agree."""
    if not declared:
        return True
    want, got = declared.lstrip(".").lower(), observed.lstrip(".").lower()
    return got == want or got.endswith("." + want)


@dataclass(frozen=True)
class Declared:
    """One cookie of the published configuration."""

    category: str
    service: str
    service_name: str
    name: str
    domain: str
    lifetime_days: int


def declared_cookies(document: dict[str, Any] | None) -> list[Declared]:
    """List the cookies of a published configuration."""
    out = []
    for cat in (document or {}).get("categories", []):
        for svc in cat.get("services", []):
            for ck in svc.get("cookies", []):
                out.append(
                    Declared(
                        cat["slug"],
                        svc["slug"],
                        svc.get("name", svc["slug"]),
                        ck["name"],
                        ck.get("domain", ""),
                        int(ck.get("lifetime_days", 0)),
                    )
                )
    return out


def declared_services(document: dict[str, Any] | None) -> dict[str, str]:
    """Map each published service's slug to its category."""
    return {
        svc["slug"]: cat["slug"]
        for cat in (document or {}).get("categories", [])
        for svc in cat.get("services", [])
    }


class Classifier:
    """Classify cookies, storage keys and requests against one configuration."""

    def __init__(self, document: dict[str, Any] | None, origins: list[str], db: CookieDB) -> None:
        self.declared = declared_cookies(document)
        self.services = declared_services(document)
        self.db = db
        self.site_hosts = {host_of(o) for o in normalise_origins(origins)}

    def find_declared(self, name: str, domain: str = "") -> Declared | None:
        """Return the declared cookie an observed name (and domain) falls under."""
        exact = [d for d in self.declared if d.name == name and domain_matches(d.domain, domain)]
        if exact:
            return exact[0]
        for item in self.declared:
            if name_matches(item.name, name) and domain_matches(item.domain, domain):
                return item
        # Declared under another domain (a vendor's, set first-party here): still that entry.
        for item in self.declared:
            if name_matches(item.name, name):
                return item
        return None

    def first_party(self, domain: str) -> bool:
        """Tell whether a cookie domain is one of the site's hosts (or a parent of one)."""
        clean = domain.lstrip(".").lower()
        return any(h == clean or h.endswith("." + clean) for h in self.site_hosts)

    def classify_name(self, name: str, domain: str = "", via: str = "") -> dict[str, Any]:
        """Classify a cookie or storage key by name, domain and the URL that set it."""
        if name == TEMOIN_COOKIE or name.startswith(TEMOIN_STORAGE):
            return {
                "status": "temoin",
                "category": NECESSARY,
                "service": "temoin",
                "service_name": "Témoin (consent)",
                "source": "Témoin",
            }
        declared = self.find_declared(name, domain)
        entry = self.db.match(name)
        host = match_host(host_of(via)) if via else None
        if host is None and domain:
            host = match_host(domain.lstrip("."))
        known = entry.category if entry is not None and entry.category else None
        if known is None and host is not None:
            known = host.category
        info: dict[str, Any] = {"known_category": known}
        if entry is not None:
            info["database"] = {
                "platform": entry.platform,
                "category": entry.db_category,
                "pattern": entry.pattern,
                "retention": entry.retention,
                "description": entry.description[:1000],
            }
        if host is not None:
            info["catalogue"] = {
                "service": host.service,
                "slug": host.slug,
                "category": host.category,
            }
        if declared is not None:
            info.update(
                status="declared",
                category=declared.category,
                service=declared.service,
                service_name=declared.service_name,
                declared_as=declared.name,
            )
            if domain and not domain_matches(declared.domain, domain):
                info["declared_domain"] = declared.domain
        elif known is not None:
            info.update(
                status="known",
                category=known,
                source="Open Cookie Database" if entry is not None else "host catalogue",
            )
        else:
            info.update(status="unknown", category=None)
        return info

    def third_party(self, host: str) -> bool:
        """Tell whether a request host lies outside the site's origins."""
        return bool(host) and host not in self.site_hosts

    def classify_host(self, host: str) -> dict[str, Any]:
        """Classify a request to a third-party host by the catalogue and the declared services."""
        entry = match_host(host)
        if entry is None:
            return {"status": "unknown", "category": None}
        if entry.slug in self.services:
            return {
                "status": "declared",
                "category": self.services[entry.slug],
                "service": entry.slug,
                "service_name": entry.service,
            }
        return {
            "status": "known",
            "category": entry.category,
            "service": entry.slug,
            "service_name": entry.service,
            "source": "host catalogue",
        }
