"""Widget benchmark: bytes of the bundle and of /w/demo.js, and load figures in Chromium.

Run: python tests/bench/bench_widget.py [--runs 10]
Prints figures only; budgets (ISSUE 3, BENCHMARKS.md) are shown beside them, never asserted.
"""

from __future__ import annotations

import argparse
import gzip
import statistics
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

import brotli

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402

from server import create_app  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.browser.temoin_page import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.conftest import free_port  # noqa: E402

BUNDLE = ROOT / "widget" / "dist" / "temoin.js"
KIB = 1024

# Collects, from the very start of the page: the first frame showing the banner,
# long tasks and layout shifts.
PROBE = """
(() => {
  const m = (window.__bench = { banner: null, longTasks: 0, longTaskMs: 0, cls: 0 })
  try {
    const watch = (type, fn) =>
      new PerformanceObserver(l => l.getEntries().forEach(fn)).observe({ type, buffered: true })
    watch('longtask', e => {
      m.longTasks++
      m.longTaskMs += e.duration
      ;(m.tasks = m.tasks || []).push([e.startTime, e.duration])
    })
    watch('paint', e => { if (e.name === 'first-contentful-paint') m.fcp = e.startTime })
    watch('layout-shift', e => { if (!e.hadRecentInput) m.cls += e.value })
  } catch (e) {}
  const tick = () => {
    const b = document.querySelector('#temoin .tm-banner')
    if (b && b.getBoundingClientRect().height > 0) {
      m.banner = performance.now()
      const [nav] = performance.getEntriesByType('navigation')
      const [js] = performance.getEntriesByType('resource').filter(r => r.name.includes('/w/'))
      m.html = nav.responseEnd
      m.script = js ? js.responseEnd : null
    } else requestAnimationFrame(tick)
  }
  requestAnimationFrame(tick)
})()
"""


def sizes(data: bytes) -> tuple[int, int, int]:
    """Return raw, gzip -9 and brotli (q11) sizes."""
    return len(data), len(gzip.compress(data, 9)), len(brotli.compress(data, quality=11))


def serve() -> tuple[str, object]:
    """Start the demo on a free port with a temporary SQLite database."""
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
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return url, server


def fetch(url: str, coding: str) -> bytes:
    """GET a URL with one Accept-Encoding; return the body as sent."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": coding})
    with urllib.request.urlopen(req) as resp:
        return resp.read()


def load_figures(base: str, runs: int, cpu_slowdown: int, widget: bool) -> dict[str, float]:
    """Load /demo/ `runs` times in fresh profiles (without the widget: a baseline); medians."""
    from playwright.sync_api import sync_playwright

    banner, after_script, long_tasks, long_ms, cls = [], [], [], [], []
    requests, widget_requests, fcp, own_tasks = [], [], [], []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for _ in range(runs):
            context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
            context.add_init_script(PROBE)
            page = context.new_page()
            if cpu_slowdown > 1:
                cdp = context.new_cdp_session(page)
                cdp.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
            if not widget:
                page.route(
                    "**/w/*.js", lambda r: r.fulfill(body="", content_type="text/javascript")
                )
            urls: list[str] = []
            page.on("request", lambda r, urls=urls: urls.append(r.url))
            page.goto(base + "/demo/", wait_until="load")
            if widget:
                page.wait_for_function("window.__bench.banner !== null")
            page.wait_for_timeout(400)
            m = page.evaluate("window.__bench")
            fcp.append(m.get("fcp") or 0)
            if widget:
                # Visible = the first paint that includes it (it is in the DOM before that paint).
                banner.append(max(m["banner"], m.get("fcp") or 0))
                after_script.append(m["banner"] - m["script"])
                # Long tasks that overlap the widget's run: from its arrival to the banner.
                own = [
                    t
                    for t in m.get("tasks", [])
                    if t[0] < m["banner"] and t[0] + t[1] > m["script"]
                ]
                own_tasks.append(len(own))
            long_tasks.append(m["longTasks"])
            long_ms.append(m["longTaskMs"])
            cls.append(m["cls"])
            requests.append(len(urls))
            widget_requests.append(sum("/w/" in u or "/api/" in u for u in urls))
            context.close()
        browser.close()
    med = lambda xs: statistics.median(xs) if xs else float("nan")  # noqa: E731
    return {
        "fcp_ms": med(fcp),
        "own_long_tasks": med(own_tasks),
        "banner_ms": med(banner),
        "after_script_ms": med(after_script),
        "long_tasks": statistics.median(long_tasks),
        "long_task_ms": statistics.median(long_ms),
        "cls": statistics.median(cls),
        "requests": statistics.median(requests),
        "widget_requests": statistics.median(widget_requests),
    }


def main() -> None:
    """Print the widget's figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()

    raw, gz, br = sizes(BUNDLE.read_bytes())
    print("widget/dist/temoin.js")
    print(f"  raw {raw:,} B   gzip -9 {gz:,} B   brotli {br:,} B   (budget: gzip <= {7 * KIB:,} B)")

    base, server = serve()
    try:
        url = base + "/w/demo.js"
        plain = fetch(url, "identity")
        sent_gz, sent_br = fetch(url, "gzip"), fetch(url, "br")
        print("/w/demo.js (bundle + published config, one response)")
        print(
            f"  raw {len(plain):,} B   gzip as served {len(sent_gz):,} B   "
            f"brotli as served {len(sent_br):,} B   (budget: gzip <= {10 * KIB:,} B)"
        )
        if not Path(CHROMIUM).exists():
            print(f"no Chromium at {CHROMIUM}: load figures skipped")
            return
        for slowdown in (1, 4):
            bare = load_figures(base, args.runs, slowdown, widget=False)
            f = load_figures(base, args.runs, slowdown, widget=True)
            label = "no throttling" if slowdown == 1 else f"{slowdown}x CPU slowdown"
            print(f"Chromium, /demo/, median of {args.runs} fresh loads, {label}")
            print(f"  navigation -> banner visible   {f['banner_ms']:.0f} ms")
            print(
                f"  first contentful paint         {f['fcp_ms']:.0f} ms "
                f"(same page without the widget: {bare['fcp_ms']:.0f} ms)"
            )
            print(f"  widget received -> its paint   {f['after_script_ms']:.0f} ms")
            tasks = f"{f['long_tasks']:.0f} ({f['long_task_ms']:.0f} ms)"
            print(
                f"  long tasks                     {tasks} in the page, "
                f"{f['own_long_tasks']:.0f} during the widget's run; "
                f"without the widget {bare['long_tasks']:.0f} ({bare['long_task_ms']:.0f} ms)"
            )
            print(f"  cumulative layout shift        {f['cls']:.4f}")
            print(
                f"  requests                       {f['requests']:.0f} in the page, "
                f"{f['widget_requests']:.0f} by the widget"
            )
    finally:
        server.shutdown()  # type: ignore[attr-defined]


if __name__ == "__main__":
    main()
