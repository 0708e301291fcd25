"""Widget benchmark: Témoin's widget and orestbida/cookieconsent 3.1.0 on the same page, same run.

Run: python bench/bench_widget.py [--runs 10] [--no-peer]
Prints figures only; budgets (ISSUE 3, BENCHMARKS.md) are shown beside them, never asserted.

One server on 127.0.0.1 serves three variants of the demo article page (/demo/): as is (Témoin,
one script first in <head>), without any banner (the page's own first paint), and with
cookieconsent's CSS and scripts where its documentation puts them, configured from the same
published document (bench/peers/). Each load is a fresh browser profile; the variants take
turns, so noise on this shared machine hits them alike. Figures are medians.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import statistics
import sys
import tempfile
import threading
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import brotli

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402
from werkzeug.wrappers import Request, Response  # noqa: E402

from bench.peers import cookieconsent  # noqa: E402
from server import create_app  # noqa: E402
from server.domain import policy  # noqa: E402
from server.domain.demo_site import load_demo  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.browser.temoin_page import BANNER, CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.support.env import free_port  # noqa: E402

BUNDLE = ROOT / "widget" / "dist" / "temoin.js"
KIB = 1024
WIDGET_TAG = '<script src="/w/demo.js"></script>'
BARE = "/bench/pages/bare/"
PEER_PAGE = "/bench/pages/orestbida/"
PEER = cookieconsent.PREFIX  # its files
JS = "application/javascript; charset=utf-8"
SETTLE_MS = 300  # after the banner (or the load, without one): late long tasks and shifts

# Runs first in the top document: long tasks (with the scripts that ran in long frames), layout
# shifts, the first contentful paint, and when frames start (requestAnimationFrame): the first
# with content in <body>, and the first in which the banner is laid out in view and visible.
# Every variant is timed alike: at the start of the frame that shows its banner or, without one,
# the page's content. (A paint is presented later, by as much for every variant.)
PROBE = """
(sel => {
  if (window !== top) return
  const m = (window.__bench = { page: null, banner: null, tasks: [], scripts: [], cls: 0 })
  try {
    const watch = (type, fn) =>
      new PerformanceObserver(l => l.getEntries().forEach(fn)).observe({ type, buffered: true })
    watch('longtask', e => m.tasks.push([e.startTime, e.duration]))
    watch('long-animation-frame', f =>
      f.scripts.forEach(s => m.scripts.push([s.startTime, s.duration, s.sourceURL])))
    watch('paint', e => { if (e.name === 'first-contentful-paint') m.fcp = e.startTime })
    watch('layout-shift', e => { if (!e.hadRecentInput) m.cls += e.value })
  } catch (e) {}
  const tick = () => {
    const now = performance.now()
    if (m.page === null && document.body && document.body.childElementCount) m.page = now
    const b = sel && m.banner === null && document.querySelector(sel)
    const r = b && b.getBoundingClientRect()
    const s = b && getComputedStyle(b)
    if (r && r.height > 0 && r.top < innerHeight && r.bottom > 0 &&
        s.visibility !== 'hidden' && +s.opacity > 0) m.banner = now
    if (m.page === null || (sel && m.banner === null)) requestAnimationFrame(tick)
  }
  requestAnimationFrame(tick)
})(SELECTOR)
"""


@dataclass(frozen=True)
class Variant:
    """One variant of the demo page and how to recognise its widget."""

    name: str
    path: str
    banner: str | None  # CSS selector of the banner; None: no banner at all
    mine: Callable[[str], bool]  # is this URL the widget's (its files and its requests)?


VARIANTS = {
    "bare": Variant("page without banner", BARE, None, lambda u: False),
    "temoin": Variant("Témoin", "/demo/", BANNER, lambda u: "/w/" in u or "/api/" in u),
    "peer": Variant("orestbida/cookieconsent 3.1.0", PEER_PAGE, cookieconsent.BANNER,
                    lambda u: PEER in u),
}  # fmt: skip


def sizes(data: bytes) -> tuple[int, int, int]:
    """Return raw, gzip -9 and brotli (q11) sizes."""
    return len(data), len(gzip.compress(data, 9)), len(brotli.compress(data, quality=11))


class Encoded:
    """A static file precomputed in every encoding, served like /w/<key>.js is."""

    def __init__(self, data: bytes, content_type: str) -> None:
        self.type = content_type
        self.bodies = {"br": brotli.compress(data, quality=11), "gzip": gzip.compress(data, 9)}
        self.bodies[""] = data

    def response(self, accept: str) -> Response:
        """Answer with brotli or gzip when the client takes them."""
        coding = next((c for c in ("br", "gzip") if c in accept), "")
        resp = Response(self.bodies[coding], content_type=self.type)
        if coding:
            resp.headers["Content-Encoding"] = coding
        return resp


class Variants:
    """WSGI wrapper: the demo page without a banner and with the peer, and the peer's files."""

    def __init__(self, app: Any, peer_files: dict[str, Encoded]) -> None:
        self.app, self.files = app, peer_files

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path in (BARE, PEER_PAGE):
            demo = Response.from_app(self.app, {**environ, "PATH_INFO": "/demo/"})
            html = demo.get_data(as_text=True)
            if path == BARE:
                html = html.replace(WIDGET_TAG, "")
            else:
                html = cookieconsent.page(html, WIDGET_TAG)
            demo.set_data(html)
            return demo(environ, start_response)
        if path.startswith(PEER) and path[len(PEER) :] in self.files:
            accept = Request(environ).headers.get("Accept-Encoding", "")
            return self.files[path[len(PEER) :]].response(accept)(environ, start_response)
        return self.app(environ, start_response)


def peer_files(doc: dict[str, Any]) -> dict[str, Encoded]:
    """The peer's library, stylesheet and configuration (made from the published document)."""
    files = {
        name: Encoded(path.read_bytes(), "text/css" if name.endswith(".css") else JS)
        for name, path in cookieconsent.FILES.items()
    }
    files["config.js"] = Encoded(cookieconsent.config_js(doc).encode(), JS)
    return files


def serve(peer: bool = False) -> tuple[str, object]:
    """Start the demo on a free port with a temporary SQLite database (and the page variants)."""
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    tmp = Path(tempfile.mkdtemp(prefix="temoin-bench-"))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
        }
    )
    app.instance_path = str(tmp / "instance")
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        load_demo([url])
        db.session.commit()
        pub = policy.get_published("demo")
        files = peer_files(pub.document) if peer and pub else {}
    server = make_server("127.0.0.1", port, Variants(app, files), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return url, server


def fetch(url: str, coding: str) -> bytes:
    """GET a URL with one Accept-Encoding; return the body as sent."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": coding})
    with urllib.request.urlopen(req) as resp:
        return resp.read()


def load_once(browser: Any, base: str, variant: Variant, slowdown: int) -> dict[str, float]:
    """Load one variant in a fresh profile; return its figures for that load."""
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    try:
        context.add_init_script(PROBE.replace("SELECTOR", repr(variant.banner or "")))
        page = context.new_page()
        if slowdown > 1:
            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
        urls: list[str] = []
        page.on("request", lambda r: urls.append(r.url))
        page.goto(base + variant.path, wait_until="load")
        wait = "banner" if variant.banner else "page"
        page.wait_for_function(f"window.__bench.{wait} !== null", timeout=20_000)
        page.wait_for_timeout(SETTLE_MS)
        m = page.evaluate("window.__bench")
    finally:
        context.close()
    # The widget's code in each long task: long frames list the scripts that ran 5 ms or more.
    mine = [s for s in m["scripts"] if variant.mine(s[2])]

    def widget_ms(t: list[float]) -> float:
        return sum(max(0.0, min(t[0] + t[1], s[0] + s[1]) - max(t[0], s[0])) for s in mine)

    with_code = [(t[1], widget_ms(t)) for t in m["tasks"] if widget_ms(t) > 0]
    return {
        "fcp": m.get("fcp") or float("nan"),
        "frame": m["page"],
        "banner": m["banner"] if variant.banner else float("nan"),
        "long_tasks": len(m["tasks"]),
        "long_ms": sum(t[1] for t in m["tasks"]),
        "with_code": len(with_code),
        # Long only because of the widget: under 50 ms without its code.
        "made_long": sum(duration - ms < 50 for duration, ms in with_code),
        "cls": m["cls"],
        "requests": len(urls),
        "widget_requests": sum(map(variant.mine, urls)),
    }


def measure(base: str, keys: list[str], runs: int, slowdown: int) -> dict[str, dict[str, float]]:
    """Load every variant `runs` times, taking turns; return the medians per variant."""
    from playwright.sync_api import sync_playwright

    loads: dict[str, list[dict[str, float]]] = {k: [] for k in keys}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                for key in keys:
                    loads[key].append(load_once(browser, base, VARIANTS[key], slowdown))
        finally:
            browser.close()
    return {
        key: {f: statistics.median(x[f] for x in xs) for f in xs[0]} for key, xs in loads.items()
    }


def peer_bytes(base: str, names: list[str]) -> tuple[int, int]:
    """gzip -9 and brotli bytes of some of the peer's files, added up."""
    total = [0, 0]
    for name in names:
        _, gz, br = sizes(fetch(base + PEER + name, "identity"))
        total[0] += gz
        total[1] += br
    return total[0], total[1]


def table(rows: dict[str, dict[str, Any]], keys: list[str]) -> str:
    """One Markdown table: bytes, requests, time to banner at 1× and 4×, long tasks, shift."""
    bare = rows["bare"]
    out = [
        "| | JS+CSS gzip -9 | brotli | requests (widget's) | banner 1× | after the page's frame 1× "
        "| banner 4× | after the page's frame 4× | long tasks 1× / 4× | with widget code "
        "| made long by it | CLS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---:|",
    ]

    def pair(f: str) -> str:
        return f"{r[f + '1']:.0f} / {r[f + '4']:.0f}"

    for key in keys:
        r = rows[key]
        if key == "bare":
            out.append(
                f"| {VARIANTS[key].name} (its first frame) | – | – | {r['requests1']:.0f} "
                f"| {r['frame1']:.0f} ms | – | {r['frame4']:.0f} ms | – "
                f"| {pair('long')} | – | – | {max(r['cls1'], r['cls4']):.3f} |"
            )
            continue
        out.append(
            f"| {VARIANTS[key].name} | {r['gz']:,} B | {r['br']:,} B "
            f"| {r['requests1']:.0f} ({r['widget_requests1']:.0f}) "
            f"| {r['banner1']:.0f} ms | {r['banner1'] - bare['frame1']:+.0f} ms "
            f"| {r['banner4']:.0f} ms | {r['banner4'] - bare['frame4']:+.0f} ms "
            f"| {pair('long')} | {pair('code')} | {pair('own')} "
            f"| {max(r['cls1'], r['cls4']):.3f} |"
        )
    if "peer" in keys:
        t, p = rows["temoin"], rows["peer"]

        def ratio(f: str) -> str:
            return f"{t[f] / p[f]:.2f}" if p[f] else "–"

        def after(n: str) -> str:
            mine, theirs = t[f"banner{n}"] - bare[f"frame{n}"], p[f"banner{n}"] - bare[f"frame{n}"]
            return f"{mine / theirs:.2f}" if theirs > 0 else "–"

        out.append(
            f"| Témoin ÷ orestbida | {ratio('gz')} | {ratio('br')} | – "
            f"| **{ratio('banner1')}** | {after('1')} | **{ratio('banner4')}** | {after('4')} "
            "| – | – | – | – |"
        )
    return "\n".join(out)


def collect(base: str, keys: list[str], runs: int) -> dict[str, dict[str, Any]]:
    """Measure every variant at 1× and 4× CPU slowdown; flatten the medians per variant."""
    rows: dict[str, dict[str, Any]] = {k: {} for k in keys}
    for slowdown in (1, 4):
        print(f"loading {len(keys)} variants × {runs} at {slowdown}× CPU slowdown…", flush=True)
        for key, med in measure(base, keys, runs, slowdown).items():
            n = str(slowdown)
            rows[key].update({f"fcp{n}": med["fcp"], f"frame{n}": med["frame"],
                              f"banner{n}": med["banner"],
                              f"long{n}": med["long_tasks"], f"code{n}": med["with_code"],
                              f"own{n}": med["made_long"],
                              f"cls{n}": med["cls"], f"requests{n}": med["requests"],
                              f"widget_requests{n}": med["widget_requests"]})  # fmt: skip
    return rows


def main() -> None:
    """Print the widget's bytes, then the comparison table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-peer", action="store_true", help="only Témoin and the bare page")
    args = parser.parse_args()
    if not args.no_peer:
        cookieconsent.install()

    raw, gz, br = sizes(BUNDLE.read_bytes())
    print("widget/dist/temoin.js")
    print(f"  raw {raw:,} B   gzip -9 {gz:,} B   brotli {br:,} B   (budget: gzip <= {7 * KIB:,} B)")

    base, server = serve(peer=not args.no_peer)
    try:
        plain = fetch(base + "/w/demo.js", "identity")
        _, demo_gz, demo_br = sizes(plain)
        print("/w/demo.js (bundle + published config, one response)")
        print(
            f"  raw {len(plain):,} B   gzip -9 {demo_gz:,} B   brotli {demo_br:,} B   "
            f"(budget: gzip <= {10 * KIB:,} B)"
        )
        if not Path(CHROMIUM).exists():
            print(f"no Chromium at {CHROMIUM}: load figures skipped")
            return
        keys = ["bare", "temoin"] + ([] if args.no_peer else ["peer"])
        rows = collect(base, keys, args.runs)
        rows["temoin"].update(gz=demo_gz, br=demo_br)
        files = list(cookieconsent.FILES)
        if not args.no_peer:
            rows["peer"]["gz"], rows["peer"]["br"] = peer_bytes(base, [*files, "config.js"])
            lib_gz, lib_br = peer_bytes(base, files)
            print(
                f"library alone: Témoin {gz:,} B gzip -9, {br:,} B brotli; orestbida/cookieconsent "
                f"(JS+CSS) {lib_gz:,} B gzip -9, {lib_br:,} B brotli (each row below adds the "
                "site's configuration: inlined in /w/demo.js, a config.js for the peer)"
            )
        print(f"\nChromium, demo article page, median of {args.runs} fresh loads per variant")
        print(table(rows, keys))
        paints = "; ".join(
            f"{VARIANTS[k].name} {rows[k]['fcp1']:.0f} / {rows[k]['fcp4']:.0f} ms" for k in keys
        )
        print(
            "\nbanner: ms from navigation start to the start of the first frame showing it; after "
            "the page's frame: minus the first frame with content of the page without banner."
            f"\nfirst contentful paint, 1× / 4×: {paints}."
            "\nlong tasks: in the page until the banner shows + "
            f"{SETTLE_MS} ms; with widget code: those in which the widget's code ran 5 ms or more "
            "(long frames list such scripts); made long by it: those under 50 ms without it."
            "\norestbida/cookieconsent gates the same scripts (data-category) but has no iframe "
            "placeholders; its bar slides in (counted visible from its first frame in view)."
        )
    finally:
        server.shutdown()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
