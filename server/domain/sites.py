"""Creating sites and replacing their draft configuration."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from server.domain.consents import ensure_chain
from server.domain.default_texts import LANGUAGES, banner_texts, category_texts
from server.extensions import db
from server.models import Category, Cookie, Service, Site
from server.vocab import CATEGORIES

DEFAULT_CATEGORIES = CATEGORIES
SETTINGS = (
    "name",
    "languages",
    "default_language",
    "lifetime_days",
    "theme",
    "floating_button",
    "reload_on_withdraw",
    "store_user_agent",
    "texts",
    "origins",
)


def get_site(key: str) -> Site | None:
    """Return the site with this public key."""
    return db.session.scalar(select(Site).where(Site.key == key))


def create_site(key: str, name: str | None = None, origins: list[str] | None = None) -> Site:
    """Create a site with the five purposes, their default texts and an empty chain.

    The caller commits. French and English texts are complete, so the site can be published
    as it is once its owner has read them.
    """
    languages = list(LANGUAGES)
    site = Site(
        key=key,
        name=name or key,
        origins=list(origins or []),
        languages=languages,
        default_language=languages[0],
        texts=banner_texts(languages),
    )
    site.categories = [
        Category(slug=slug, position=i, texts=category_texts(slug, languages))
        for i, slug in enumerate(DEFAULT_CATEGORIES)
    ]
    db.session.add(site)
    db.session.flush()
    ensure_chain(site)
    return site


def apply_draft(site: Site, doc: dict[str, Any]) -> None:
    """Replace the site's settings, texts, categories, services and cookies (validated input)."""
    for key in SETTINGS:
        if key in doc:
            setattr(site, key, doc[key])
    if "categories" not in doc:
        return
    # Delete first: the unit of work would otherwise insert new slugs before deleting old ones.
    site.categories = []
    db.session.flush()
    for pos, cat_doc in enumerate(doc["categories"]):
        cat = Category(slug=cat_doc["slug"], position=pos, texts=cat_doc.get("texts", {}))
        cat.services = [
            Service(
                slug=s["slug"],
                name=s["name"],
                provider=s.get("provider", ""),
                privacy_url=s.get("privacy_url", ""),
                position=i,
                texts=s.get("texts", {}),
                cookies=[
                    Cookie(
                        name=c["name"],
                        domain=c.get("domain", ""),
                        lifetime_days=c.get("lifetime_days", 0),
                        texts=c.get("texts", {}),
                    )
                    for c in s.get("cookies", [])
                ],
            )
            for i, s in enumerate(cat_doc.get("services", []))
        ]
        site.categories.append(cat)
