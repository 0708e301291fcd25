"""Plain factory functions for test data."""

from __future__ import annotations

from typing import Any

from server.domain import drafts
from server.domain.sites import apply_draft, create_site
from server.extensions import db
from server.models import Site

CATEGORY_TEXTS = {
    "fr": {"name": "Catégorie", "description": "Description."},
    "en": {"name": "Category", "description": "Description."},
}
SERVICE_TEXTS = {"fr": {"description": "Un service."}, "en": {"description": "A service."}}
COOKIE_TEXTS = {"fr": {"purpose": "Un cookie."}, "en": {"purpose": "A cookie."}}


def make_site(key: str = "shop", publish: bool = True, **overrides: Any) -> Site:
    """Create a site with one service per category and texts in fr and en, published by default."""
    origins = overrides.pop("origins", ["https://shop.test"])
    site = create_site(key, overrides.pop("name", key.title()), origins)
    doc: dict[str, Any] = {
        "categories": [
            {
                "slug": slug,
                "texts": CATEGORY_TEXTS,
                "services": [
                    {
                        "slug": f"{slug}-svc",
                        "name": f"{slug} service",
                        "texts": SERVICE_TEXTS,
                        "cookies": [
                            {"name": f"{slug}_ck", "lifetime_days": 30, "texts": COOKIE_TEXTS}
                        ],
                    }
                ],
            }
            for slug in ("necessary", "functional", "audience", "sharing", "advertising")
        ]
    }
    doc.update(overrides)
    apply_draft(site, doc)
    db.session.flush()
    if publish:
        drafts.publish(site, reconsent=False, actor="test")
    db.session.commit()
    return site


def choice_body(**overrides: Any) -> dict[str, Any]:
    """Return a valid consent body for version 1 of a five-category site."""
    body: dict[str, Any] = {
        "policy_version": 1,
        "choices": {"functional": True, "audience": False, "sharing": False, "advertising": False},
        "action": "custom",
        "source": "preferences",
        "language": "fr",
        "page": "/page",
        "gpc": False,
    }
    body.update(overrides)
    return body
