"""Scanner benchmark: a 20-page site scanned in Chromium (three passes per page), and the web
process's latency while the scan runs.

Run: python -m bench.bench_scan [--pages 20] [--settle-ms 1200]
Prints figures only (pages per minute, peak memory of the scanner and its Chromium, request
latency of the web process before and during the scan); nothing is asserted.

The Témoin server (the demo site, plus a `bench` site) is served by Werkzeug in this process;
the site to scan is served beside it on 127.0.0.1: N pages linking to one another, each with the
widget first in <head>, a marked Google tag and a first-party session cookie. The scan runs in a
separate process (`temoin scan`), as the worker would, on the same database.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from werkzeug.serving import make_server  # noqa: E402
from werkzeug.wrappers import Request, Response  # noqa: E402

from server import create_app  # noqa: E402
from server.domain import drafts  # noqa: E402
from server.domain.demo_site import load_demo  # noqa: E402
from server.domain.sites import create_site  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.support.env import free_port  # noqa: E402


def site_app(temoin: str, pages: int):
    """N pages, each linking to the next three, with the widget and a marked tag."""

    def app(environ, start_response):
        request = Request(environ)
        path = request.path
        if path == "/" or path.startswith("/p/"):
            n = 0 if path == "/" else int(path.rsplit("/", 1)[1] or 0)
            links = "".join(
                f'<a href="/p/{(n + k) % pages}">page {(n + k) % pages}</a> ' for k in (1, 2, 3)
            )
            html = (
                f'<!doctype html><html lang="fr"><head><meta charset="utf-8">'
                f'<script src="{temoin}/w/bench.js"></script><title>Page {n}</title></head>'
                f"<body><h1>Page {n}</h1><p>{links}</p>"
                '<script type="text/plain" data-consent="audience">'
                'document.cookie="_ga=GA1.1.1;max-age=3600;path=/"</script></body></html>'
            )
            resp = Response(html, mimetype="text/html")
            resp.set_cookie("PHPSESSID", "abc", httponly=True)
        else:
            resp = Response("no", status=404)
        return resp(environ, start_response)

    return app


def serve(app) -> tuple[object, int]:
    port = free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, port


def tree_rss(pid: int) -> int:
    """Resident memory (bytes) of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            status = (entry / "status").read_text()
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry.name))
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                rss[int(entry.name)] = int(line.split()[1]) * 1024
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total


def latencies(url: str, stop: threading.Event, out: list[float]) -> None:
    while not stop.is_set():
        start = time.perf_counter()
        with urllib.request.urlopen(url, timeout=30) as resp:
            resp.read()
        out.append((time.perf_counter() - start) * 1000)
        time.sleep(0.02)


def figures(values: list[float]) -> str:
    if not values:
        return "no request"
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{len(values)} requests, p50 {statistics.median(values):.1f} ms, "
        f"p95 {p95:.1f} ms, max {ordered[-1]:.1f} ms"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=20)
    parser.add_argument("--settle-ms", type=int, default=1200)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="temoin-bench-scan-"))
    url = f"sqlite:///{tmp / 'temoin.db'}"
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    app.instance_path = str(tmp / "instance")
    web, web_port = serve(app)
    temoin = f"http://127.0.0.1:{web_port}"
    _, site_port = serve(site_app(temoin, args.pages))
    origin = f"http://127.0.0.1:{site_port}"
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        load_demo([temoin])
        site = create_site("bench", "Bench", [origin])
        db.session.flush()
        drafts.publish(site, reconsent=False, actor="bench")
        db.session.commit()
        db.session.remove()
    probe = f"{temoin}/w/demo.js"
    base: list[float] = []
    stop = threading.Event()
    t = threading.Thread(target=latencies, args=(probe, stop, base))
    t.start()
    time.sleep(5)
    stop.set()
    t.join()
    env = {
        **os.environ,
        "TEMOIN_DATABASE_URL": url,
        "TEMOIN_SECRET_KEY": "bench",
        "TEMOIN_SCAN_SETTLE_MS": str(args.settle_ms),
        "TEMOIN_SCAN_CHROMIUM_ARGS": json.dumps(
            ["--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
        ),
    }
    result_file = tmp / "result.json"
    during: list[float] = []
    stop = threading.Event()
    t = threading.Thread(target=latencies, args=(probe, stop, during))
    started = time.monotonic()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from server.cli import cli; cli()",
            "scan",
            "bench",
            "--max-pages",
            str(args.pages),
            "--json",
            str(result_file),
        ],
        env=env,
        cwd=tmp,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    t.start()
    peak = 0
    while proc.poll() is None:
        peak = max(peak, tree_rss(proc.pid))
        time.sleep(0.25)
    seconds = time.monotonic() - started
    stop.set()
    t.join()
    web.shutdown()
    result = json.loads(result_file.read_text())
    pages = len(result["pages"])
    print(
        f"scanner: {pages} pages x 3 passes in {seconds:.1f} s "
        f"({pages / seconds * 60:.1f} pages per minute; settle {args.settle_ms} ms), "
        f"verdict {result['verdict']}, {result['browser']}"
    )
    print(f"scanner peak memory (Python + Chromium, RSS summed): {peak / 2**20:.0f} MiB")
    print(f"web process before the scan:  {figures(base)}  (GET /w/demo.js)")
    print(f"web process during the scan:  {figures(during)}  (GET /w/demo.js)")
    print(f"machine: {os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
