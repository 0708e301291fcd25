"""The audit: per page and pass what was found, classified; the verdict; the tag to mark."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from server.domain.scan.browser import PASS_NAMES, PASSES
from server.domain.scan.classify import NECESSARY, Classifier
from server.domain.scan.urls import host_of

AUDITED = ("a", "b")  # before any choice, after « Tout refuser »: nothing outside necessary
COMPLIANT, NOT_COMPLIANT, INCONCLUSIVE = "compliant", "not compliant", "inconclusive"
VERDICTS = (COMPLIANT, NOT_COMPLIANT, INCONCLUSIVE)
# What a finding is: a cookie, a storage key (of each kind the browser reads), a request.
KINDS = ("cookie", "localStorage", "sessionStorage", "indexedDB", "request")


def _temoin_hosts(passes: dict[str, Any], key: str) -> set[str]:
    """Hosts that served this site's widget: Témoin itself, never a third party."""
    out = set()
    for result in passes.values():
        for req in result.get("requests", []):
            if urlsplit(req["url"]).path == f"/w/{key}.js":
                out.add(req["host"])
    return out


def _strip_query(url: str) -> str:
    return url.split("#")[0].split("?")[0]


def find_element(elements: list[dict[str, Any]], url: str, page_url: str) -> dict[str, Any] | None:
    """Return the page's script or iframe whose address is url (or an inline one)."""
    if not url:
        return None
    for el in elements:
        if el.get("src") and el["src"] == url:
            return el
    for el in elements:
        if el.get("src") and _strip_query(el["src"]) == _strip_query(url):
            return el
    return None


def _inline_for(elements: list[dict[str, Any]], clues: list[str]) -> dict[str, Any] | None:
    for el in elements:
        if el["tag"] == "script" and not el.get("src") and el.get("type") != "text/plain":
            if any(clue and clue in el.get("text", "") for clue in clues):
                return el
    return None


_SRC = re.compile(r'\ssrc=("[^"]*"|\'[^\']*\'|[^\s>]+)', re.I)
_TYPE = re.compile(r'\stype=("[^"]*"|\'[^\']*\'|[^\s>]+)', re.I)


def marked_up(element: dict[str, Any], category: str | None, service: str | None) -> str:
    """Return the element rewritten the way Témoin gates it (README, « Gating tags »)."""
    html = element["html"]
    tag = element["tag"]
    open_end = html.find(">")
    head, rest = (html[:open_end], html[open_end:]) if open_end >= 0 else (html, "")
    head = _SRC.sub(lambda m: f" data-src={m.group(1)}", head, count=1)
    if tag == "script":
        head = _TYPE.sub("", head, count=1)
    attrs = f' data-consent="{category or "CATEGORY"}"'
    if service:
        attrs += f' data-service="{service}"'
    if tag == "script":
        attrs = ' type="text/plain"' + attrs
    return f"<{tag}{attrs}{head[len(tag) + 1 :]}{rest}"


def _cause(
    elements: list[dict[str, Any]],
    url: str,
    page_url: str,
    clues: list[str],
    info: dict[str, Any],
) -> dict[str, Any] | None:
    element = find_element(elements, url, page_url)
    if element is None and (not url or _strip_query(url) == _strip_query(page_url)):
        element = _inline_for(elements, clues)
    if element is None:
        return {"url": url} if url else None
    if element.get("type") == "text/plain" or element.get("consent"):
        return {"url": url, "element": element["html"], "already_marked": True}
    category = info.get("category") or info.get("known_category")
    service = info.get("service") or (info.get("catalogue") or {}).get("slug")
    return {
        "url": url,
        "element": element["html"],
        "markup": marked_up(element, category, service),
    }


def analyse_page(page: dict[str, Any], cls: Classifier, key: str) -> dict[str, Any]:
    """Classify one page's passes; drop requests to the site itself and to Témoin."""
    own = _temoin_hosts(page.get("passes", {}), key)
    elements = page.pop("elements", [])
    out = {k: v for k, v in page.items() if k != "passes"}
    out["passes"] = {}
    for which, result in page.get("passes", {}).items():
        cookies = []
        for ck in result.get("cookies", []):
            info = cls.classify_name(ck["name"], ck["domain"], ck.get("set_by", ""))
            party = "first" if cls.first_party(ck["domain"]) else "third"
            cookies.append({**ck, "party": party, **info})
        storage = [
            {**item, **cls.classify_name(item["name"])} for item in result.get("storage", [])
        ]
        requests: dict[str, dict[str, Any]] = {}
        for req in result.get("requests", []):
            host = req["host"]
            if not cls.third_party(host) or host in own:
                continue
            if host not in requests:
                requests[host] = {
                    "host": host,
                    "url": req["url"][:300],
                    "type": req["type"],
                    "initiator": req.get("initiator", ""),
                    "frame": req.get("frame", ""),
                    **cls.classify_host(host),
                }
        out["passes"][which] = {
            **{k: v for k, v in result.items() if k not in ("cookies", "storage", "requests")},
            "cookies": cookies,
            "storage": storage,
            "requests": list(requests.values()),
        }
    out["offences"] = _offences(out, elements)
    return out


def _offences(page: dict[str, Any], elements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    url = page["url"]
    for which in AUDITED:
        result = page["passes"].get(which)
        if not result:
            continue
        for ck in result["cookies"]:
            if ck.get("category") != NECESSARY:
                found.append(
                    {
                        "page": url,
                        "pass": which,
                        "kind": "cookie",
                        "removed": bool(ck.get("removed")),
                        "name": ck["name"],
                        "domain": ck["domain"],
                        "category": ck.get("category"),
                        "status": ck["status"],
                        "service": ck.get("service"),
                        "cause": _cause(elements, ck.get("set_by", ""), url, [ck["name"]], ck),
                    }
                )
        for item in result["storage"]:
            if item.get("category") != NECESSARY:
                found.append(
                    {
                        "page": url,
                        "pass": which,
                        "kind": item["kind"],
                        "name": item["name"],
                        "domain": item.get("origin", ""),
                        "category": item.get("category"),
                        "status": item["status"],
                        "service": item.get("service"),
                        "cause": None,
                    }
                )
        for req in result["requests"]:
            if req.get("category") != NECESSARY:
                source = req.get("initiator") or ""
                if req["type"] in ("document", "script") and not source:
                    source = req["url"]
                cause = _cause(elements, source, url, [req["host"]], req)
                if req["type"] in ("document", "script"):
                    direct = find_element(elements, req["url"], url)
                    if direct is not None:
                        cause = _cause(elements, req["url"], url, [req["host"]], req)
                found.append(
                    {
                        "page": url,
                        "pass": which,
                        "kind": "request",
                        "name": req["host"],
                        "domain": req["host"],
                        "type": req["type"],
                        "category": req.get("category"),
                        "status": req["status"],
                        "service": req.get("service"),
                        "cause": cause,
                    }
                )
    return found


def verdict(pages: list[dict[str, Any]]) -> str:
    """compliant, not compliant, or inconclusive (no page could be audited)."""
    if any(p["offences"] for p in pages):
        return NOT_COMPLIANT
    audited = [
        p for p in pages if all(w in p["passes"] for w in AUDITED) and p["status"] != "unreachable"
    ]
    return COMPLIANT if audited else INCONCLUSIVE


def matched(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Cookies seen after « Tout accepter », each with the declared service it matched."""
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for page in pages:
        result = page["passes"].get(PASSES[-1])
        for ck in (result or {}).get("cookies", []):
            key = (ck["name"], ck["domain"])
            if key not in out:
                out[key] = {
                    "name": ck["name"],
                    "domain": ck["domain"],
                    "status": ck["status"],
                    "service": ck.get("service"),
                    "category": ck.get("category"),
                    "page": page["url"],
                }
    return sorted(out.values(), key=lambda m: (m["status"], m["name"]))


__all__ = ["PASS_NAMES", "VERDICTS", "analyse_page", "host_of", "matched", "verdict"]
