"""The catalogue of common services: look one up, add it to a site's draft in one step."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from server.domain.catalogue_data import SERVICES
from server.domain.drafts import draft_doc, save_draft
from server.domain.errors import Conflict, Invalid, NotFound
from server.domain.wording import wording
from server.models import Site

UNKNOWN = wording("catalogue.unknown", "No service {slug} in the catalogue.")
PRESENT = wording("catalogue.present", "The draft already has the service {slug}.")
NO_CATEGORY = wording("catalogue.no_category", "The site has no category {category} for {name}.")


@dataclass(frozen=True)
class CatalogueService:
    """One service of the catalogue."""

    slug: str
    name: str
    provider: str
    category: str
    privacy_url: str
    hosts: tuple[str, ...]
    cookies: tuple[tuple[str, int], ...]
    fr: str
    en: str
    note: str

    def texts(self, languages: list[str]) -> dict[str, dict[str, str]]:
        """The service's description in each of the site's languages (English otherwise)."""
        return {lang: {"description": self.fr if lang == "fr" else self.en} for lang in languages}

    def entry(self, languages: list[str]) -> dict[str, Any]:
        """The service as a draft entry, with its cookies."""
        return {
            "slug": self.slug,
            "name": self.name,
            "provider": self.provider,
            "privacy_url": self.privacy_url,
            "texts": self.texts(languages),
            "cookies": [
                {
                    "name": name,
                    "domain": "",
                    "lifetime_days": days,
                    "texts": {
                        lang: {
                            "purpose": f"Cookie de {self.name}."
                            if lang == "fr"
                            else f"{self.name} cookie."
                        }
                        for lang in languages
                    },
                }
                for name, days in self.cookies
            ],
        }


@cache
def catalogue() -> dict[str, CatalogueService]:
    """Every service of the catalogue by slug, in catalogue order."""
    return {
        row[0]: CatalogueService(
            row[0],
            row[1],
            row[2],
            row[3],
            row[4],
            tuple(row[5]),
            tuple(tuple(c) for c in row[6]),
            row[7],
            row[8],
            row[9],
        )
        for row in SERVICES
    }


def match_host(host: str) -> CatalogueService | None:
    """Return the catalogue service one of whose hosts the host is or ends with."""
    clean = host.lower().rstrip(".")
    best: tuple[int, CatalogueService] | None = None
    for svc in catalogue().values():
        for suffix in svc.hosts:
            if clean == suffix or clean.endswith("." + suffix):
                if best is None or len(suffix) > best[0]:
                    best = (len(suffix), svc)
    return best[1] if best else None


def add_service(site: Site, slug: str, actor: str) -> CatalogueService:
    """Add a catalogue service (and its cookies) to the site's draft, audited.

    NotFound for a slug the catalogue lacks, Conflict when the draft has the service
    already, Invalid when the site has no category for it.
    """
    svc = catalogue().get(slug)
    if svc is None:
        raise NotFound(UNKNOWN(slug=repr(slug)))
    doc = draft_doc(site)
    if any(s["slug"] == slug for c in doc["categories"] for s in c["services"]):
        raise Conflict(PRESENT(slug=repr(slug)))
    target = next((c for c in doc["categories"] if c["slug"] == svc.category), None)
    if target is None:
        raise Invalid(NO_CATEGORY(category=repr(svc.category), name=svc.name))
    target["services"].append(svc.entry(list(site.languages or ["fr", "en"])))
    save_draft(site, doc, actor, what=f"catalogue {slug}")
    return svc
