"""Accepting a proposal: the entry lands in the draft, validated and audited like any edit."""

from __future__ import annotations

from typing import Any

from server.domain.drafts import draft_doc, save_draft
from server.domain.errors import Conflict, Invalid
from server.domain.scan import cookiedb
from server.domain.scan.classify import NECESSARY
from server.domain.schemas_admin import is_tracker, tracker_message
from server.domain.wording import wording
from server.models import Site

CHOOSE_CATEGORY = wording(
    "scan.choose_category", "Choose the category: the scanner does not know this cookie."
)
NAME_SERVICE = wording("scan.name_service", "Name the service this cookie belongs to.")
NO_CATEGORY = wording("scan.no_category", "The site has no category {category}.")
ALREADY_DECLARED = wording("scan.already_declared", "{name} is already declared under {service}.")


def _texts(site: Site, text: str) -> dict[str, dict[str, str]]:
    return {lang: {"purpose": text[:1000]} for lang in site.languages or ["fr", "en"]}


def accept(
    site: Site, proposal: dict[str, Any], edits: dict[str, Any], actor: str, instance_path: str
) -> dict[str, Any]:
    """Add a proposal (with the editor's edits) to the draft; return the new draft.

    Raises Invalid for a category the site lacks or a tracker in `necessary`, and
    marshmallow's ValidationError for anything the draft's own rules refuse.
    """
    category = edits.get("category") or proposal.get("category")
    name = edits.get("name") or proposal["name"]
    service = {**proposal.get("service", {}), **(edits.get("service") or {})}
    lifetime = edits.get("lifetime_days", proposal.get("lifetime_days", 0))
    purpose = edits.get("purpose", proposal.get("purpose", "")) or ""
    if not category:
        raise Invalid(CHOOSE_CATEGORY(), {"category": ["Required."]})
    row = cookiedb.load(instance_path).match(proposal.get("observed_name", name))
    if category == NECESSARY and (is_tracker(name) or (row is not None and row.is_tracker)):
        raise Invalid(tracker_message(name), {"category": [tracker_message(name)]})
    if not service.get("slug") or not service.get("name"):
        raise Invalid(NAME_SERVICE(), {"service": ["Required."]})
    doc = draft_doc(site)
    target = next((c for c in doc["categories"] if c["slug"] == category), None)
    if target is None:
        raise Invalid(NO_CATEGORY(category=repr(category)), {"category": ["Unknown category."]})
    svc = None
    for cat in doc["categories"]:
        for item in cat["services"]:
            if item["slug"] == service["slug"]:
                svc = item
    if svc is None:
        svc = {
            "slug": service["slug"],
            "name": service["name"],
            "provider": service.get("provider", "")[:200],
            "privacy_url": service.get("privacy_url", "")[:500],
            "texts": {
                lang: {"description": (purpose or service["name"])[:2000]}
                for lang in site.languages or ["fr", "en"]
            },
            "cookies": [],
        }
        target["services"].append(svc)
    if any(ck["name"] == name for ck in svc["cookies"]):
        raise Conflict(ALREADY_DECLARED(name=name, service=svc["name"]))
    svc["cookies"].append(
        {
            "name": name,
            "domain": edits.get("domain", proposal.get("domain", "")) or "",
            "lifetime_days": lifetime,
            "texts": _texts(site, purpose or name),
        }
    )
    return save_draft(site, doc, actor, what="scan proposal")
