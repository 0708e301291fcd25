"""The draft: read it as one document, replace it (validated, audited), publish it, diff it."""

from __future__ import annotations

import json
from typing import Any

from server.domain import colours, policy
from server.domain.audit import record_event
from server.domain.default_texts import with_new_languages
from server.domain.errors import Conflict, Invalid
from server.domain.paths import flatten
from server.domain.schemas_admin import DraftSchema
from server.domain.sites import apply_draft
from server.domain.visitor_texts import missing_texts
from server.extensions import db
from server.models import PolicyVersion, Site

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
    return policy.latest_version(site.id)


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


def publish(site: Site, reconsent: bool, actor: str) -> PolicyVersion:
    """Publish the draft as the next version: the one way a version is made (the caller commits).

    Conflict when nothing changed and no reconsent; Invalid naming a dark colour that reads
    badly (server/domain/colours.py) or each text visitors would read that is empty in one of
    the site's languages. Audited; the app's cached published
    configuration of the site is dropped, so the next widget request serves the new version.
    """
    latest = latest_version(site)
    if latest is not None and not reconsent and not pending_changes(site):
        raise Conflict("Nothing to publish: the draft equals the last published version.")
    snapshot = policy.build_snapshot(site)
    # Validated when saved; checked again for a draft written another way (a site's rows).
    unreadable = colours.problems(snapshot["theme"])
    if unreadable:
        raise Invalid(
            "Nothing was published: a dark colour of the theme is not readable.",
            {"theme": {k: [v] for k, v in unreadable.items()}},
        )
    missing = missing_texts(snapshot)
    if missing:
        raise Invalid(
            "Nothing was published: texts shown to visitors are empty in some of the site's "
            "languages.",
            missing,
        )
    version = policy.next_version(site, reconsent, actor)
    db.session.add(version)
    db.session.flush()
    policy.invalidate(site.key)
    record_event(
        site.id,
        actor,
        "publish",
        f"version {version.version}",
        {"version": latest.version if latest else None},
        {"version": version.version, "sha256": version.sha256, "reconsent": reconsent},
    )
    return version


def diff(before: Any, after: Any) -> list[tuple[str, Any, Any]]:
    """List (path, old, new) for every value that differs; None stands for absent."""
    a, b = flatten(before, readable=True), flatten(after, readable=True)
    return [(p, a.get(p), b.get(p)) for p in sorted(set(a) | set(b)) if a.get(p) != b.get(p)]


def _subset(doc: dict[str, Any], paths: set[str]) -> dict[str, Any]:
    flat = flatten(doc, readable=True)
    return {p: flat[p] for p in sorted(paths) if p in flat}
