"""Declared versus observed, and the draft entries proposed for what is not declared."""

from __future__ import annotations

import math
import re
from typing import Any

from server.domain.scan.classify import NECESSARY, Classifier
from server.domain.wording import wording

MAX_LIFETIME_DAYS = 395  # 13 months (COMPLIANCE 16)
TOLERANCE_DAYS = 1
# The kinds of drift, in the order a report lists them.
KINDS = ("undeclared", "never_observed", "wrong_category", "lifetime_too_short", "over_13_months")
# Where a proposal's entry comes from.
OPEN_COOKIE_DATABASE, HOST_CATALOGUE = "Open Cookie Database", "host catalogue"
TRACKER_REFUSED = wording(
    "scan.tracker_refused", "{name} is a known tracking cookie: not strictly necessary"
)


def _observations(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every cookie and storage key seen, with the page and pass."""
    out = []
    for page in pages:
        for which, result in page["passes"].items():
            for ck in result.get("cookies", []):
                out.append({**ck, "kind": "cookie", "page": page["url"], "pass": which})
            for item in result.get("storage", []):
                out.append(
                    {**item, "domain": item.get("origin", ""), "page": page["url"], "pass": which}
                )
    return out


def drift(pages: list[dict[str, Any]], cls: Classifier) -> dict[str, list[dict[str, Any]]]:
    """Undeclared, never observed, wrong category, lifetime too short, lifetime over 13 months."""
    seen = _observations(pages)
    undeclared: dict[str, dict[str, Any]] = {}
    wrong: dict[str, dict[str, Any]] = {}
    short: dict[str, dict[str, Any]] = {}
    long: dict[str, dict[str, Any]] = {}
    for obs in seen:
        if obs["status"] == "temoin":
            continue
        name = obs["name"]
        if obs["status"] != "declared":
            entry = undeclared.setdefault(
                name,
                {
                    "name": name,
                    "kind": obs["kind"],
                    "domain": obs["domain"],
                    "known_category": obs.get("known_category"),
                    "pages": [],
                },
            )
            if obs["page"] not in entry["pages"]:
                entry["pages"].append(obs["page"])
        else:
            known = obs.get("known_category")
            declared_cat = obs["category"]
            # The database files many session cookies as « Functional »: declaring them
            # strictly necessary is the site's call, not drift.
            exempt = declared_cat == NECESSARY and known == "functional"
            if known and known != declared_cat and not exempt and name not in wrong:
                wrong[name] = {
                    "name": name,
                    "declared_as": obs["declared_as"],
                    "declared_category": declared_cat,
                    "observed_category": known,
                    "page": obs["page"],
                }
        lifetime = obs.get("lifetime_days")
        if obs["kind"] != "cookie" or lifetime is None:
            continue
        if lifetime > MAX_LIFETIME_DAYS + TOLERANCE_DAYS and name not in long:
            long[name] = {
                "name": name,
                "observed_days": math.ceil(lifetime),
                "page": obs["page"],
                "domain": obs["domain"],
            }
        if obs["status"] == "declared":
            item = cls.find_declared(name, obs["domain"])
            if item is not None and lifetime > item.lifetime_days + TOLERANCE_DAYS:
                if name not in short:
                    short[name] = {
                        "name": name,
                        "declared_as": item.name,
                        "declared_days": item.lifetime_days,
                        "observed_days": math.ceil(lifetime),
                        "page": obs["page"],
                    }
    never = []
    for item in cls.declared:
        if not any(
            o["status"] == "declared"
            and o.get("declared_as") == item.name
            and o.get("service") == item.service
            for o in seen
        ):
            never.append({"name": item.name, "service": item.service, "category": item.category})
    return {
        "undeclared": sorted(undeclared.values(), key=lambda d: d["name"]),
        "never_observed": never,
        "wrong_category": list(wrong.values()),
        "lifetime_too_short": list(short.values()),
        "over_13_months": list(long.values()),
    }


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return (slug or "service")[:40]


def proposals(pages: list[dict[str, Any]], cls: Classifier) -> list[dict[str, Any]]:
    """For each undeclared cookie or key: a service and cookie entry for the draft."""
    out: dict[str, dict[str, Any]] = {}
    for obs in _observations(pages):
        if obs["status"] in ("temoin", "declared"):
            continue
        db = obs.get("database") or {}
        cat = obs.get("catalogue") or {}
        name = db.get("pattern") or obs["name"]
        if name in out:
            entry = out[name]
            if obs["page"] not in entry["pages"]:
                entry["pages"].append(obs["page"])
            days = obs.get("lifetime_days")
            if days is not None:
                entry["observed_days"] = max(entry["observed_days"] or 0, math.ceil(days))
            continue
        platform = db.get("platform") or cat.get("service") or ""
        row = cls.db.match(obs["name"])
        days = obs.get("lifetime_days")
        domain = obs["domain"] if obs["kind"] == "cookie" and obs.get("party") == "third" else ""
        category = obs.get("known_category")
        entry = {
            "id": f"{obs['kind']}:{name}",
            "kind": obs["kind"],
            "name": name,
            "observed_name": obs["name"],
            "domain": domain.lstrip("."),
            "observed_days": None if days is None else math.ceil(days),
            "category": category,
            "service": {
                "slug": cat.get("slug") or (_slug(platform) if platform else ""),
                "name": platform,
                "provider": (row.controller if row else "") or platform,
                "privacy_url": (row.privacy_url if row else "")[:500],
            },
            "purpose": db.get("description", ""),
            "source": OPEN_COOKIE_DATABASE if db else (HOST_CATALOGUE if cat else ""),
            "pages": [obs["page"]],
        }
        if category == NECESSARY and row is not None and row.is_tracker:
            entry["refused"] = str(TRACKER_REFUSED(name=obs["name"]))
        out[name] = entry
    result = []
    for entry in out.values():
        days = entry.pop("observed_days")
        entry["lifetime_days"] = 0 if days is None else min(days, MAX_LIFETIME_DAYS)
        entry["observed_days"] = days
        result.append(entry)
    return sorted(result, key=lambda e: e["name"])
