"""Two scans of a site side by side: what appeared, what went away."""

from __future__ import annotations

from typing import Any


def _items(result: dict[str, Any]) -> dict[tuple[str, str, str], dict[str, Any]]:
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for page in result.get("pages", []):
        for which, found in page.get("passes", {}).items():
            for ck in found.get("cookies", []):
                key = ("cookie", ck["name"], ck["domain"].lstrip("."))
                out.setdefault(
                    key,
                    {"kind": "cookie", "name": ck["name"], "domain": ck["domain"], "passes": set()},
                )
                out[key]["passes"].add(which)
            for item in found.get("storage", []):
                key = (item["kind"], item["name"], item.get("origin", ""))
                out.setdefault(
                    key,
                    {
                        "kind": item["kind"],
                        "name": item["name"],
                        "domain": item.get("origin", ""),
                        "passes": set(),
                    },
                )
                out[key]["passes"].add(which)
            for req in found.get("requests", []):
                key = ("request", req["host"], req["host"])
                out.setdefault(
                    key,
                    {
                        "kind": "request",
                        "name": req["host"],
                        "domain": req["host"],
                        "passes": set(),
                    },
                )
                out[key]["passes"].add(which)
    return out


def _plain(item: dict[str, Any]) -> dict[str, Any]:
    return {**item, "passes": sorted(item["passes"])}


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """List the findings only the newer scan has, only the older one has, and verdicts."""
    a, b = _items(old), _items(new)
    return {
        "old": {
            "scan": old.get("scan"),
            "verdict": old.get("verdict"),
            "finished_at": old.get("finished_at"),
        },
        "new": {
            "scan": new.get("scan"),
            "verdict": new.get("verdict"),
            "finished_at": new.get("finished_at"),
        },
        "appeared": [_plain(b[k]) for k in sorted(set(b) - set(a))],
        "went_away": [_plain(a[k]) for k in sorted(set(a) - set(b))],
        "offences_before": len(old.get("offences", [])),
        "offences_after": len(new.get("offences", [])),
    }
