"""Throughput and latency under gunicorn, as ratios to a bare Flask endpoint; growth on PostgreSQL.

python -m bench [--duration 10] [--connections 32] [--sizes 10000,100000,1000000]
                      [--postgres URL] [--no-growth] [--no-write]

Every server runs under the repo's gunicorn.conf.py on 127.0.0.1 and is driven by wrk.
Without --postgres (or TEMOIN_BENCH_POSTGRES_URL) a PostgreSQL server of the bench's own is
started with initdb in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import growth
from bench.db import count_and_verify, prepare_database
from tests.support.gunicorn import ROOT, Gunicorn
from tests.support.pgserver import PgServer, find_bindir
from tests.support.records import choice_body

HERE = Path(__file__).resolve().parent
ORIGIN = "http://bench.test"
ACCEPT = "gzip, deflate, br"
TARGETS = {"widget 304": 0.8, "widget 200": 0.7, "POST consent (SQLite)": 0.35,
           "POST consent (PostgreSQL)": 0.35}  # fmt: skip
P99_MS = 50.0


@dataclass
class Run:
    """One wrk run."""

    name: str
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    statuses: dict[str, int] = field(default_factory=dict)
    ratio: float = 0.0
    note: str = ""
    baseline: float = 0.0  # hello's req/s measured just before and just after this run


def wrk(
    name: str, url: str, args: argparse.Namespace, headers: dict[str, str], body: str = ""
) -> Run:
    """Drive one URL with wrk and return its figures."""
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
           "-s", str(HERE / "report.lua")]  # fmt: skip
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, check=True,
        env={**os.environ, "BENCH_BODY": body}, timeout=args.duration + 60,
    ).stdout  # fmt: skip
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    data = json.loads(line[len("BENCH ") :])
    ok = sum(n for s, n in data["status"].items() if s.startswith(("2", "3")))
    return Run(
        name=name,
        rps=data["requests"] / (data["duration_us"] / 1e6),
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        errors=data["requests"] - ok + data["socket_errors"],
        statuses=data["status"],
    )


class Hello:
    """The bare Flask endpoint, measured again around every run so noise hits both alike."""

    def __init__(self, url: str, args: argparse.Namespace) -> None:
        self.url, self.args = url, args
        self.runs: list[Run] = []

    def measure(self) -> Run:
        """Run wrk against hello once more."""
        run = wrk("hello (bare Flask)", self.url, self.args, {})
        self.runs.append(run)
        return run

    def around(self, run_one: Callable[[], Run]) -> Run:
        """Run one benchmark between two hello runs; keep their mean as its baseline."""
        before = self.runs[-1] if self.runs else self.measure()
        run = run_one()
        run.baseline = (before.rps + self.measure().rps) / 2
        print(f"{run.name}: {run.rps:,.0f} req/s, hello around it {run.baseline:,.0f}", flush=True)
        return run

    def summary(self) -> Run:
        """Return hello's figures over all its runs (medians)."""
        rps = [r.rps for r in self.runs]
        return Run(
            name=f"hello (bare Flask), median of {len(self.runs)}",
            rps=statistics.median(rps),
            p50_ms=statistics.median(r.p50_ms for r in self.runs),
            p99_ms=statistics.median(r.p99_ms for r in self.runs),
            errors=sum(r.errors for r in self.runs),
            baseline=statistics.median(rps),
            note=f"range {min(rps):,.0f}..{max(rps):,.0f} req/s",
        )


def server_env(database_url: str, log_json: bool = False) -> dict[str, str]:
    """The environment of a production-like Témoin under gunicorn."""
    return {
        "TEMOIN_DATABASE_URL": database_url,
        "TEMOIN_SECRET_KEY": "bench-secret",
        # Limits stay on (their cost is part of the figures) but high enough never to refuse.
        "TEMOIN_RATELIMIT_CONSENT_CLIENT": "100000000 per minute",
        "TEMOIN_RATELIMIT_CONSENT_SITE": "100000000 per minute",
        "TEMOIN_LOG_JSON": "true" if log_json else "false",
    }


def etag_of(url: str) -> str:
    """Return the ETag the server gives a browser-like request."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": ACCEPT})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.headers["ETag"]


def acknowledged(server: Gunicorn) -> int:
    """Count the 201 answers to consent POSTs in the server's access log, once it is quiet."""
    needle = '"POST /api/v1/sites/demo/consents HTTP/1.1" 201 '
    count = -1
    while True:
        now = server.output().count(needle)
        if now == count:
            return count
        count = now
        time.sleep(0.5)


def post_run(name: str, server: Gunicorn, url: str, args: argparse.Namespace) -> Run:
    """POST consents with wrk, then check rows written = 201 answers and the chain.

    The 201s are counted in the access log: when wrk stops, the requests still in flight are
    answered and committed by the server, but wrk no longer counts them.
    """
    before_rows, before_acks = count_and_verify(url)[0], acknowledged(server)
    run = wrk(
        name,
        server.url + "/api/v1/sites/demo/consents",
        args,
        {"Origin": ORIGIN},
        json.dumps(choice_body(page="/bench")),
    )
    acks = acknowledged(server) - before_acks
    rows, problems = count_and_verify(url)
    rows -= before_rows
    run.note = f"{rows} rows for {acks} × 201; chain " + (
        "verifies" if not problems else f"BROKEN: {problems[:3]}"
    )
    if rows != acks or problems:
        run.note += "  <-- MISMATCH"
    return run


def temoin_runs(url: str, label: str, hello: Hello, tmp: Path, reads: bool) -> list[Run]:
    """Start Témoin on one database and measure it, each run between two hello runs."""
    args = hello.args
    prepare_database(url, ORIGIN)
    runs = []
    with Gunicorn(log=tmp / f"temoin-{label}.log", **server_env(url)) as server:
        if reads:
            widget = server.url + "/w/demo.js"
            tag = etag_of(widget)
            plain = {"Accept-Encoding": ACCEPT}
            revalidate = {**plain, "If-None-Match": tag}
            config = server.url + "/api/v1/sites/demo/config"
            runs.append(hello.around(lambda: wrk("widget 200", widget, args, plain)))
            runs.append(hello.around(lambda: wrk("widget 304", widget, args, revalidate)))
            runs.append(hello.around(lambda: wrk("GET config", config, args, {})))
        name = f"POST consent ({label})"
        runs.append(hello.around(lambda: post_run(name, server, url, args)))
    return runs


def machine(args: argparse.Namespace) -> str:
    """Describe the machine and the settings of this run."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{mem_kb / 1024 / 1024:.0f} GiB"
    except OSError:
        mem = "?"
    workers = os.environ.get("WEB_CONCURRENCY", str(os.cpu_count()))
    threads = os.environ.get("TEMOIN_THREADS", "4")
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split()[1]
    return (
        f"{cpu}, {os.cpu_count()} cores, {mem}; {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}; gunicorn.conf.py: {workers} workers × {threads} "
        f"threads (gthread); wrk {wrk_version} -t{args.threads} -c{args.connections} "
        f"-d{args.duration}s on 127.0.0.1; load average {os.getloadavg()[0]:.1f}"
    )


def table(runs: list[Run], hello: Run) -> str:
    """Format the runs as a Markdown table: ratios to the hello runs around each, verdicts."""
    rows = [
        "| endpoint | req/s | p50 ms | p99 ms | errors | × hello | target | notes |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in [hello, *runs]:
        run.ratio = run.rps / run.baseline if run.baseline else 0.0
        target = TARGETS.get(run.name)
        verdict = ""
        if target is not None:
            verdict = f"≥ {target} {'met' if run.ratio >= target else 'MISSED'}"
        if run is not hello and run.p99_ms >= P99_MS:
            verdict += f"; p99 ≥ {P99_MS:.0f} ms"
        rows.append(
            f"| {run.name} | {run.rps:,.0f} | {run.p50_ms:.1f} | {run.p99_ms:.1f} | {run.errors} "
            f"| {run.ratio:.2f} | {verdict} | {run.note} |"
        )
    return "\n".join(rows)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="growth sizes")
    parser.add_argument("--postgres", default=os.environ.get("TEMOIN_BENCH_POSTGRES_URL", ""),
                        help="server URL (a database is created and dropped on it)")  # fmt: skip
    parser.add_argument("--no-growth", action="store_true")
    parser.add_argument("--no-write", action="store_true", help="do not update RESULTS.md")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run every benchmark, print the tables, and write them to RESULTS.md."""
    args = parse(argv)
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="temoin-bench-"))
    own: PgServer | None = None
    try:
        pg_base = args.postgres
        if not pg_base:
            bindir = find_bindir()
            if bindir is None:
                print("no PostgreSQL: set --postgres or install initdb", file=sys.stderr)
                return 2
            own = PgServer(bindir).init()
            own.start()
            pg_base = own.url()
        print(machine(args), flush=True)
        with Gunicorn("bench.hello:app", log=tmp / "hello.log", ready_path="/") as srv:
            hello = Hello(srv.url + "/", args)
            sqlite_url = f"sqlite:///{tmp / 'bench.db'}"
            runs = temoin_runs(sqlite_url, "SQLite", hello, tmp, reads=True)
            with growth.database(pg_base, "temoin_bench") as pg_url:
                runs += temoin_runs(pg_url, "PostgreSQL", hello, tmp, reads=False)
        report = "### Throughput and latency\n\n" + table(runs, hello.summary())
        print("\n" + report, flush=True)
        if not args.no_growth:
            sizes = [int(x) for x in args.sizes.split(",") if x]
            with growth.database(pg_base, "temoin_growth") as pg_url:
                grown = growth.measure(pg_url, sizes, ORIGIN)
            report += "\n\n### Growth (PostgreSQL, in-process, sequential)\n\n" + grown
            print("\n" + grown, flush=True)
        if not args.no_write:
            write_results(machine(args), report)
        failed = [r for r in runs if "MISMATCH" in r.note]
        return 1 if failed else 0
    finally:
        if own is not None:
            own.destroy()
        shutil.rmtree(tmp, ignore_errors=True)


def write_results(machine_line: str, report: str) -> None:
    """Replace bench/RESULTS.md with this run's figures."""
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        "# Benchmark results\n\n"
        f"Latest run: {stamp}, `python -m bench`.\n\n"
        f"Machine: {machine_line}.\n\n{report}\n"
    )
    (HERE / "RESULTS.md").write_text(text)
    print(f"\nwritten to {(HERE / 'RESULTS.md').relative_to(ROOT)}")
