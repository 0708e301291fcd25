"""The draft: read it as one document, replace it (validated, audited), publish it, diff it."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from .. import policy
from ..default_texts import with_new_languages
from ..errors import ApiError
from ..extensions import db
from ..models import PolicyVersion, Site
from ..schemas_admin import DraftSchema
from ..sites import apply_draft
from ..visitor_texts import missing_texts
from .audit import record_event

draft_schema = DraftSchema()


def draft_doc(site: Site) -> dict[str, Any]:
    """Return the site's editable configuration in the shape DraftSchema loads."""
    snap = policy.build_snapshot(site)
    for cat in snap["categories"]:
        cat.pop("required", None)
    return {
        "name": site.name,
        "origins": list(site.origins or []),
        "languages": snap["languages"],
        "default_language": snap["default_language"],
        "lifetime_days": snap["lifetime_days"],
        "theme": snap["theme"],
        "floating_button": snap["floating_button"],
        "reload_on_withdraw": snap["reload_on_withdraw"],
        "store_user_agent": site.store_user_agent,
        "texts": snap["texts"],
        "categories": snap["categories"],
    }


def latest_version(site: Site) -> PolicyVersion | None:
    """Return the site's newest published version."""
    return db.session.scalar(
        select(PolicyVersion)
        .where(PolicyVersion.site_id == site.id)
        .order_by(PolicyVersion.version.desc())
        .limit(1)
    )


def pending_changes(site: Site) -> list[tuple[str, Any, Any]]:
    """List what the draft changes compared with the last published version."""
    latest = latest_version(site)
    before = json.loads(latest.snapshot) if latest else {}
    return diff(before, json.loads(policy.canonical_json(policy.build_snapshot(site))))


def save_draft(site: Site, doc: dict[str, Any], actor: str, what: str = "draft") -> dict[str, Any]:
    """Validate a whole draft document and make it the site's draft (raises ValidationError)."""
    before = draft_doc(site)
    loaded = with_new_languages(draft_schema.load(doc), before["languages"])
    apply_draft(site, loaded)
    db.session.flush()
    db.session.expire(site, ["categories"])
    after = draft_doc(site)
    if before != after:
        changed = {path for path, _, _ in diff(before, after)}
        record_event(
            site.id,
            actor,
            f"edit {what}",
            f"{len(changed)} change(s)",
            _subset(before, changed),
            _subset(after, changed),
        )
    return after


def publish_draft(site: Site, reconsent: bool, actor: str) -> PolicyVersion:
    """Publish the draft as the next version.

    409 when nothing changed and no reconsent; 422 naming each text visitors would read that
    is empty in one of the site's languages.
    """
    latest = latest_version(site)
    if latest is not None and not reconsent and not pending_changes(site):
        raise ApiError(409, "Nothing to publish: the draft equals the last published version.")
    missing = missing_texts(policy.build_snapshot(site))
    if missing:
        raise ApiError(
            422,
            "Nothing was published: texts shown to visitors are empty in some of the site's "
            "languages.",
            missing,
        )
    version = policy.publish(site, reconsent=reconsent, actor=actor)
    db.session.flush()
    record_event(
        site.id,
        actor,
        "publish",
        f"version {version.version}",
        {"version": latest.version if latest else None},
        {"version": version.version, "sha256": version.sha256, "reconsent": reconsent},
    )
    return version


def flatten(obj: Any, path: str = "") -> dict[str, Any]:
    """Flatten a configuration to readable paths; list items are keyed by slug or name."""
    if not path and not obj:
        return {}  # nothing at all (no published version yet): no path either
    if isinstance(obj, dict) and obj:
        out: dict[str, Any] = {}
        for key, value in obj.items():
            out.update(flatten(value, f"{path}.{key}" if path else str(key)))
        return out
    if isinstance(obj, list) and obj and all(isinstance(i, dict) for i in obj):
        out = {}
        for i, item in enumerate(obj):
            key = "slug" if "slug" in item else "name" if "name" in item else ""
            label = str(item[key]) if key else str(i)
            rest = {k: v for k, v in item.items() if k != key}
            out.update(flatten(rest, f"{path}[{label}]") if rest else {f"{path}[{label}]": "∅"})
        return out
    return {path: obj}


def diff(before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    """List (path, old, new) for every value that differs; None stands for absent."""
    a, b = flatten(before), flatten(after)
    return [(p, a.get(p), b.get(p)) for p in sorted(set(a) | set(b)) if a.get(p) != b.get(p)]


def _subset(doc: dict[str, Any], paths: set[str]) -> dict[str, Any]:
    flat = flatten(doc)
    return {p: flat[p] for p in sorted(paths) if p in flat}
