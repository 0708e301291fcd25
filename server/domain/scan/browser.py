"""Chromium through Playwright: one pass over one page in a fresh profile, and what it left."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from server.domain.scan.urls import host_of
from server.domain.wording import wording

PASSES = ("a", "b", "c")
PASS_NAMES = {
    "a": "before any choice",
    "b": "after « Tout refuser »",
    "c": "after « Tout accepter »",
}
# How a pass, then a page, ended (a page takes the first status other than ok of its passes).
STATUSES = ("ok", "http error", "timeout", "unreachable", "incomplete")
NO_CHROMIUM = wording(
    "scan.no_chromium",
    "no Chromium at {path}: install it (apt-get install chromium) or name the browser with "
    "TEMOIN_CHROMIUM",
)
NO_PLAYWRIGHT = wording(
    "scan.no_playwright",
    'the scanner needs Playwright: pip install "temoin[scan]" '
    '(from a checkout: pip install -e ".[scan]")',
)
NOT_STARTED = wording("scan.chromium_not_started", "Chromium at {path} did not start: {error}")
PAGE_TIMEOUT = wording("scan.page_timeout", "the page did not finish loading in {seconds} s")
ACTIONS = {"b": "reject-all", "c": "accept-all"}
BASE_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
MAX_ITEMS = 500
QUIET_MAX = 5.0
# Wraps document.cookie's setter so each write names the script that made it (its stack).
COOKIE_HOOK = """
(() => {
  const desc = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie');
  if (!desc || window.__temoinScanCookies) return;
  const log = [];
  Object.defineProperty(window, '__temoinScanCookies', { value: log });
  Object.defineProperty(Document.prototype, 'cookie', {
    configurable: true,
    enumerable: true,
    get() { return desc.get.call(this); },
    set(value) {
      try {
        if (log.length < 500) {
          const text = String(value);
          const gone = /max-age=(0|-)|expires=thu, 01 jan 1970/i.test(text);
          log.push({ name: text.split('=')[0].trim(), gone, stack: String(new Error().stack) });
        }
      } catch (e) {}
      desc.set.call(this, value);
    },
  });
})();
"""
STORAGE_JS = """
async () => {
  const out = [];
  for (const kind of ['localStorage', 'sessionStorage']) {
    try {
      const s = window[kind];
      for (let i = 0; i < s.length && i < 200; i++) out.push({ kind, name: s.key(i) });
    } catch (e) {}
  }
  try {
    if (indexedDB.databases) {
      for (const d of await indexedDB.databases()) out.push({ kind: 'indexedDB', name: d.name });
    }
  } catch (e) {}
  return { origin: location.origin, items: out, cookies: window.__temoinScanCookies || [] };
}
"""
ELEMENTS_JS = """
() => Array.from(document.querySelectorAll('script, iframe')).slice(0, 300).map((e) => ({
  tag: e.tagName.toLowerCase(),
  src: e.src || '',
  type: e.getAttribute('type') || '',
  consent: e.getAttribute('data-consent') || '',
  html: e.outerHTML.slice(0, 3000),
  text: e.tagName === 'SCRIPT' && !e.src ? (e.textContent || '').slice(0, 3000) : '',
}))
"""
_STACK_URL = re.compile(r"(https?://[^\s()]+?):\d+:\d+")


class BrowserMissing(RuntimeError):
    """Chromium or Playwright is not there: the message says what to install or set."""


@dataclass(frozen=True)
class Limits:
    """Time limits: per pass (load and settle), per scan, and the wait after each step."""

    page_seconds: float
    total_seconds: float
    settle_ms: int


class Browser:
    """A headless Chromium for one scan."""

    def __init__(self, executable: str, extra_args: list[str] | tuple[str, ...] = ()) -> None:
        if not Path(executable).exists():
            raise BrowserMissing(str(NO_CHROMIUM(path=executable)))
        try:
            from playwright.sync_api import sync_playwright
        except ImportError as exc:
            raise BrowserMissing(str(NO_PLAYWRIGHT())) from exc
        self._pw = sync_playwright().start()
        try:
            self.browser = self._pw.chromium.launch(
                executable_path=executable, args=[*BASE_ARGS, *extra_args]
            )
        except Exception as exc:
            self._pw.stop()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BrowserMissing(str(NOT_STARTED(path=executable, error=first))) from exc
        self.version = self.browser.version

    def close(self) -> None:
        """Close the browser and Playwright."""
        try:
            self.browser.close()
        finally:
            self._pw.stop()

    def fetch_text(self, url: str, seconds: float, limit: int = 1024 * 1024) -> str | None:
        """GET a URL in a fresh profile (Chromium's own network stack); None unless a 200."""
        ctx = self.browser.new_context(ignore_https_errors=True, service_workers="block")
        try:
            page = ctx.new_page()
            resp = page.goto(url, timeout=seconds * 1000, wait_until="commit")
            if resp is None or resp.status != 200:
                return None
            return resp.body()[:limit].decode("utf-8", "replace")
        except Exception:
            return None
        finally:
            ctx.close()

    def run_pass(self, url: str, which: str, limits: Limits) -> dict[str, Any]:
        """Load a page in a fresh profile; for b and c click Témoin's button; collect."""
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        started = time.monotonic()
        ctx = self.browser.new_context(
            locale="fr-FR", ignore_https_errors=True, service_workers="block"
        )
        ctx.add_init_script(COOKIE_HOOK)
        requests: list[dict[str, Any]] = []
        responses: list[Any] = []
        initiators: dict[str, str] = {}
        inflight = [0]
        ctx.on("request", lambda r: _on_request(r, requests, inflight))
        ctx.on("requestfinished", lambda r: _done(inflight))
        ctx.on("requestfailed", lambda r: _done(inflight))
        ctx.on("response", lambda r: len(responses) < MAX_ITEMS and responses.append(r))
        page = ctx.new_page()
        page.set_default_timeout(limits.page_seconds * 1000)
        _watch_initiators(ctx, page, initiators)
        out: dict[str, Any] = {"pass": which, "status": "ok", "http_status": None, "error": ""}
        try:
            try:
                resp = page.goto(url, timeout=limits.page_seconds * 1000, wait_until="load")
                if resp is not None:
                    out["http_status"] = resp.status
                    if resp.status >= 400:
                        out["status"] = "http error"
            except PlaywrightTimeout:
                out["status"] = "timeout"
                out["error"] = str(PAGE_TIMEOUT(seconds=f"{limits.page_seconds:g}"))
            except PlaywrightError as exc:
                out["status"] = "unreachable"
                out["error"] = _first_line(exc)
                return out
            _settle(page, limits, started, inflight)
            if which in ACTIONS:
                out["clicked"] = _click(page, ACTIONS[which], limits, started)
                _settle(page, limits, started, inflight)
            out.update(_collect(ctx, page, responses, requests, initiators))
            if which == "a":
                out["links"] = _links(page)
                out["elements"] = _safe(lambda: page.evaluate(ELEMENTS_JS), [])
        finally:
            try:
                ctx.close()
            except Exception:  # noqa: S110 - a context that died with its page
                pass
        return out


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return (text.splitlines()[0] if text else type(exc).__name__)[:300]


def _safe(fn: Any, default: Any) -> Any:
    try:
        return fn()
    except Exception:
        return default


def _done(inflight: list[int]) -> None:
    inflight[0] = max(0, inflight[0] - 1)


def _on_request(request: Any, out: list[dict[str, Any]], inflight: list[int]) -> None:
    inflight[0] += 1
    if len(out) >= MAX_ITEMS:
        return
    frame = _safe(lambda: request.frame.url, "")
    out.append({"url": request.url[:500], "type": request.resource_type, "frame": frame[:500]})


def _watch_initiators(ctx: Any, page: Any, initiators: dict[str, str]) -> None:
    """Ask Chromium (CDP) which script or document started each request of the page."""

    def seen(event: dict[str, Any]) -> None:
        url = event.get("request", {}).get("url", "")
        init = event.get("initiator") or {}
        frames = (init.get("stack") or {}).get("callFrames") or []
        source = next((f.get("url") for f in frames if f.get("url")), "") or init.get("url", "")
        if url and source and len(initiators) < MAX_ITEMS:
            initiators.setdefault(url[:500], source[:500])

    try:
        cdp = ctx.new_cdp_session(page)
        cdp.on("Network.requestWillBeSent", seen)
        cdp.send("Network.enable")
    except Exception:  # noqa: S110 - initiators are a help, not a requirement
        pass


def _remaining(limits: Limits, started: float) -> float:
    return max(0.0, limits.page_seconds - (time.monotonic() - started))


def _settle(page: Any, limits: Limits, started: float, inflight: list[int]) -> None:
    """Scroll to the bottom, wait a little, then until the network is quiet for 300 ms
    (never past the page's limit, nor QUIET_MAX seconds)."""
    _safe(lambda: page.evaluate("window.scrollTo(0, document.body.scrollHeight)"), None)
    wait = min(limits.settle_ms / 1000, _remaining(limits, started))
    if wait > 0:
        _safe(lambda: page.wait_for_timeout(wait * 1000), None)
    until = time.monotonic() + min(QUIET_MAX, _remaining(limits, started))
    quiet = 0
    while time.monotonic() < until and quiet < 3:
        quiet = quiet + 1 if inflight[0] == 0 else 0
        if _safe(lambda: page.wait_for_timeout(100), False) is False:
            break


def _click(page: Any, action: str, limits: Limits, started: float) -> bool:
    """Click Témoin's banner button; False when the banner never showed it."""
    selector = f'#temoin [data-action="{action}"]'
    timeout = max(500.0, min(2500.0, _remaining(limits, started) * 1000))
    try:
        page.locator(selector).first.click(timeout=timeout)
        return True
    except Exception:
        return False


def _links(page: Any) -> list[str]:
    hrefs = _safe(
        lambda: page.eval_on_selector_all(
            "a[href]", "els => els.slice(0, 500).map(e => e.getAttribute('href'))"
        ),
        [],
    )
    return [h for h in hrefs if isinstance(h, str)]


def _stack_url(stack: str) -> str:
    found = _STACK_URL.search(stack or "")
    return found.group(1)[:500] if found else ""


def _collect(
    ctx: Any,
    page: Any,
    responses: list[Any],
    requests: list[dict[str, Any]],
    initiators: dict[str, str],
) -> dict[str, Any]:
    set_by: dict[str, dict[str, str]] = {}
    written: dict[str, tuple[str, str]] = {}
    storage: list[dict[str, str]] = []
    for frame in page.frames[:50]:
        found = _safe(lambda f=frame: f.evaluate(STORAGE_JS), None)
        if not found:
            continue
        for item in found["items"][:MAX_ITEMS]:
            storage.append(
                {
                    "kind": item["kind"],
                    "name": str(item["name"])[:200],
                    "origin": found["origin"][:200],
                }
            )
        for write in found["cookies"]:
            script = _stack_url(write.get("stack", ""))
            if not write.get("gone"):
                written.setdefault(str(write.get("name", ""))[:200], (script, found["origin"]))
            if script and not write.get("gone"):
                set_by.setdefault(
                    str(write.get("name", ""))[:200], {"kind": "script", "url": script}
                )
    for resp in responses:
        values = _safe(lambda r=resp: r.header_values("set-cookie"), [])
        for value in values:
            for line in value.split("\n"):
                name = line.split("=", 1)[0].strip()
                if name:
                    set_by.setdefault(name[:200], {"kind": "response", "url": resp.url[:500]})
    now = time.time()
    cookies = []
    for ck in _safe(ctx.cookies, [])[:MAX_ITEMS]:
        expires = ck.get("expires", -1)
        lifetime = None if expires is None or expires < 0 else max(0.0, (expires - now) / 86400)
        origin = set_by.get(ck["name"], {})
        cookies.append(
            {
                "name": ck["name"][:200],
                "domain": ck.get("domain", "")[:200],
                "path": ck.get("path", "/")[:200],
                "expires": None
                if lifetime is None
                else datetime.fromtimestamp(expires, UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "lifetime_days": None if lifetime is None else round(lifetime, 2),
                "http_only": bool(ck.get("httpOnly")),
                "secure": bool(ck.get("secure")),
                "same_site": ck.get("sameSite", ""),
                "set_by": origin.get("url", ""),
                "set_by_kind": origin.get("kind", ""),
            }
        )
    in_jar = {c["name"] for c in cookies}
    for name, (script, origin) in written.items():
        if name and name not in in_jar and len(cookies) < MAX_ITEMS:
            # Written by a script, then deleted (by the tag or by Témoin on refusal): it was set.
            cookies.append(
                {
                    "name": name,
                    "domain": host_of(origin),
                    "path": "/",
                    "expires": None,
                    "lifetime_days": None,
                    "http_only": False,
                    "secure": False,
                    "same_site": "",
                    "set_by": script,
                    "set_by_kind": "script",
                    "removed": True,
                }
            )
    reqs = []
    for req in requests:
        reqs.append(
            {**req, "host": host_of(req["url"]), "initiator": initiators.get(req["url"], "")}
        )
    return {"cookies": cookies, "storage": storage, "requests": reqs}
