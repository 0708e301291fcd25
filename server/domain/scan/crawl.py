"""Which pages a scan visits, in what order, within its page and time budgets."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import Any

from server.domain.scan.browser import PASSES, Browser, Limits
from server.domain.scan.urls import normalise_origins, same_origin
from server.domain.wording import wording

TIME_LIMIT = wording("scan.time_limit", "the scan's time limit was reached during this page")

_LOC = re.compile(r"<loc>\s*([^<\s]{1,2000})\s*</loc>", re.I)
MAX_SITEMAP_URLS = 1000

Progress = Callable[[int, int, str], None]


def sitemap_urls(text: str | None, origins: list[str]) -> list[str]:
    """Return the site's own URLs listed in a sitemap (a <urlset> or a <sitemapindex>)."""
    if not text:
        return []
    locs = [m.group(1).replace("&amp;", "&") for m in _LOC.finditer(text)][:MAX_SITEMAP_URLS]
    return same_origin(origins[0] if origins else "", locs, origins)


def start_urls(given: list[str], origins: list[str]) -> list[str]:
    """The URLs given first, then each origin's home page."""
    out = list(dict.fromkeys(given))
    for origin in normalise_origins(origins):
        home = origin + "/"
        if home not in out and origin not in out:
            out.append(home)
    return out


def crawl(
    browser: Browser,
    given: list[str],
    origins: list[str],
    max_pages: int,
    limits: Limits,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Visit up to max_pages pages, three passes each; stop starting pages past the time limit."""
    deadline = time.monotonic() + limits.total_seconds
    queue = start_urls(given, origins)
    seen = set(queue)
    for origin in normalise_origins(origins):
        if time.monotonic() >= deadline:
            break
        text = browser.fetch_text(origin + "/sitemap.xml", min(limits.page_seconds, 10))
        for url in sitemap_urls(text, origins):
            if url not in seen:
                seen.add(url)
                queue.append(url)
    pages: list[dict[str, Any]] = []
    skipped: list[str] = []
    while queue and len(pages) < max_pages:
        url = queue.pop(0)
        if time.monotonic() >= deadline:
            skipped.append(url)
            continue
        if progress:
            progress(len(pages), min(max_pages, len(pages) + 1 + len(queue)), url)
        page = {"url": url, "status": "ok", "passes": {}}
        for which in PASSES:
            result = browser.run_pass(url, which, limits)
            links = result.pop("links", [])
            if which == "a":
                page["elements"] = result.pop("elements", [])
                for link in same_origin(url, links, origins):
                    if link not in seen:
                        seen.add(link)
                        queue.append(link)
            page["passes"][which] = result
            if result["status"] == "unreachable":
                page["status"] = "unreachable"
                page["error"] = result["error"]
                break
            if result["status"] != "ok" and page["status"] == "ok":
                page["status"] = result["status"]
            if time.monotonic() >= deadline and which != PASSES[-1]:
                page["status"] = "incomplete"
                page["error"] = str(TIME_LIMIT())
                break
        pages.append(page)
    if queue and len(pages) >= max_pages:
        not_visited = len(queue)
    else:
        not_visited = 0
    if progress:
        progress(len(pages), len(pages), "")
    return {
        "pages": pages,
        "skipped_for_time": skipped[:100],
        "not_visited_past_max_pages": not_visited,
    }
