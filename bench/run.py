"""Throughput and latency under gunicorn, as ratios to a bare Flask endpoint and to a peer.

python -m bench [--duration 10] [--connections 32] [--rounds 1] [--sizes 10000,100000,1000000]
                [--postgres URL] [--no-reads] [--no-growth] [--no-write]

From one run, on PostgreSQL, wrk -t2 -c32 on 127.0.0.1:
- side by side under the same gunicorn settings (-w 2, sync workers: bench/gunicorn_sync.py):
  Témoin recording a consent, django-cookie-consent 1.0.0's accept view (bench/peers/), and
  a bare Flask hello; with the ratios Témoin / django-cookie-consent and Témoin / hello;
- under the repo's gunicorn.conf.py (gthread): Témoin recording a consent against the
  gthread hello, the widget and configuration reads, and recording on SQLite;
- growth: insert and lookup latency as the log grows (in-process).
Each measured run sits between two hello runs of the same settings. After every POST run the
rows written are compared with the success answers and Témoin's chain is verified. Without
--postgres (or TEMOIN_BENCH_POSTGRES_URL) a PostgreSQL server of the bench's own is started
with initdb in a temporary folder.
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
from bench.peers import django_cc
from tests.support.gunicorn import ROOT, Gunicorn
from tests.support.pgserver import PgServer, find_bindir
from tests.support.records import choice_body

HERE = Path(__file__).resolve().parent
SYNC = HERE / "gunicorn_sync.py"
HELLO = "bench.hello:app"
ORIGIN = "http://bench.test"
ACCEPT = "gzip, deflate, br"
TEMOIN_SYNC = "POST consent, Témoin (-w 2 sync)"
PEER_SYNC = f"POST accept, django-cookie-consent {django_cc.VERSION} (-w 2 sync)"
TEMOIN_CONF = "POST consent, Témoin (gunicorn.conf.py)"
TARGETS = {"widget 304": 0.8, "widget 200": 0.75, TEMOIN_CONF: 0.2}
PEER_TARGET = 1.25  # Témoin / django-cookie-consent, same settings, same run
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
    requests: int = 0  # answered in the run, all statuses


def wrk(
    name: str, url: str, args: argparse.Namespace, headers: dict[str, str], body: str = "",
    content_type: str = "",
) -> Run:  # fmt: skip
    """Drive one URL with wrk and return its figures."""
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
           "-s", str(HERE / "report.lua")]  # fmt: skip
    for key, value in headers.items():
        cmd += ["-H", f"{key}: {value}"]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, check=True,
        env={**os.environ, "BENCH_BODY": body, "BENCH_CONTENT_TYPE": content_type},
        timeout=args.duration + 60,
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
        requests=data["requests"],
    )


class Hello:
    """The bare Flask endpoint, measured again around every run so noise hits both alike."""

    def __init__(self, url: str, args: argparse.Namespace, label: str) -> None:
        self.url, self.args, self.label = url, args, label
        self.runs: list[Run] = []

    def measure(self) -> Run:
        """Run wrk against hello once more."""
        run = wrk(f"hello (bare Flask, {self.label})", self.url, self.args, {})
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
            name=f"hello (bare Flask, {self.label}), median of {len(self.runs)}",
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


def acknowledged(server: Gunicorn, needle: str) -> int:
    """Count the answers matching `needle` in the server's access log, once it is quiet."""
    count = -1
    while True:
        now = server.output().count(needle)
        if now == count:
            return count
        count = now
        time.sleep(0.5)


def checked(run: Run, rows: int, acks: int, status: str, problems: list[str] | None) -> Run:
    """Note rows written against acknowledgements (and the chain); flag any mismatch."""
    run.note = f"{rows} rows for {acks} × {status}"
    if problems is not None:
        run.note += "; chain " + ("verifies" if not problems else f"BROKEN: {problems[:3]}")
    others = {s: n for s, n in run.statuses.items() if s != status}
    if others:
        run.note += f"; other answers {others}"
    if rows != acks or problems or others:
        run.note += "  <-- MISMATCH"
    return run


def post_run(name: str, server: Gunicorn, url: str, args: argparse.Namespace) -> Run:
    """POST consents to Témoin with wrk, then check rows written = 201 answers and the chain.

    The 201s are counted in the access log: when wrk stops, the requests still in flight are
    answered and committed by the server, but wrk no longer counts them.
    """
    needle = '"POST /api/v1/sites/demo/consents HTTP/1.1" 201 '
    before_rows, before_acks = count_and_verify(url)[0], acknowledged(server, needle)
    run = wrk(
        name,
        server.url + "/api/v1/sites/demo/consents",
        args,
        {"Origin": ORIGIN},
        json.dumps(choice_body(page="/bench")),
    )
    acks = acknowledged(server, needle) - before_acks
    rows, problems = count_and_verify(url)
    return checked(run, rows - before_rows, acks, "201", problems)


def peer_run(name: str, server: Gunicorn, url: str, args: argparse.Namespace) -> Run:
    """POST to django-cookie-consent's accept view, then check log items = 200 answers."""
    needle = f'"POST {django_cc.ACCEPT} HTTP/1.1" 200 '
    headers = django_cc.csrf_headers(server.url)
    before_rows, before_acks = django_cc.rows(url), acknowledged(server, needle)
    run = wrk(name, server.url + django_cc.ACCEPT, args, headers, django_cc.BODY, django_cc.FORM)
    acks = acknowledged(server, needle) - before_acks
    return checked(run, django_cc.rows(url) - before_rows, acks, "200", None)


def side_by_side(
    temoin_url: str, peer_url: str, peer_python: str, args: argparse.Namespace, tmp: Path
) -> tuple[list[Run], Hello]:
    """Témoin, django-cookie-consent and hello under the same -w 2 sync settings, in turns."""
    with (
        Gunicorn(HELLO, log=tmp / "hello-sync.log", ready_path="/", config=SYNC) as hello_srv,
        Gunicorn(log=tmp / "temoin-sync.log", config=SYNC, **server_env(temoin_url)) as temoin,
        Gunicorn(
            django_cc.TARGET, log=tmp / "peer-sync.log", ready_path=django_cc.READY,
            config=SYNC, python=peer_python, **django_cc.env(peer_url),
        ) as peer,
    ):  # fmt: skip
        hello = Hello(hello_srv.url + "/", args, "-w 2 sync")
        runs = []
        for _ in range(args.rounds):
            runs.append(hello.around(lambda: post_run(TEMOIN_SYNC, temoin, temoin_url, args)))
            runs.append(hello.around(lambda: peer_run(PEER_SYNC, peer, peer_url, args)))
    return runs, hello


def production(temoin_url: str, args: argparse.Namespace, tmp: Path) -> tuple[list[Run], Hello]:
    """Témoin under the repo's gunicorn.conf.py against the gthread hello: writes, then reads."""
    runs = []
    with Gunicorn(HELLO, log=tmp / "hello.log", ready_path="/") as hello_srv:
        hello = Hello(hello_srv.url + "/", args, "gunicorn.conf.py")
        with Gunicorn(log=tmp / "temoin-pg.log", **server_env(temoin_url)) as server:
            for _ in range(args.rounds):
                runs.append(hello.around(lambda: post_run(TEMOIN_CONF, server, temoin_url, args)))
        if not args.no_reads:
            sqlite_url = f"sqlite:///{tmp / 'bench.db'}"
            prepare_database(sqlite_url, ORIGIN)
            with Gunicorn(log=tmp / "temoin-sqlite.log", **server_env(sqlite_url)) as server:
                widget = server.url + "/w/demo.js"
                tag = etag_of(widget)
                plain = {"Accept-Encoding": ACCEPT}
                revalidate = {**plain, "If-None-Match": tag}
                config = server.url + "/api/v1/sites/demo/config"
                runs.append(hello.around(lambda: wrk("widget 200", widget, args, plain)))
                runs.append(hello.around(lambda: wrk("widget 304", widget, args, revalidate)))
                runs.append(hello.around(lambda: wrk("GET config", config, args, {})))
                name = "POST consent, Témoin on SQLite (gunicorn.conf.py)"
                runs.append(hello.around(lambda: post_run(name, server, sqlite_url, args)))
    return runs, hello


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
        f"threads (gthread); side by side: bench/gunicorn_sync.py (2 sync workers); wrk "
        f"{wrk_version} -t{args.threads} -c{args.connections} -d{args.duration}s on 127.0.0.1; "
        f"load average {os.getloadavg()[0]:.1f}"
    )


def table(runs: list[Run], hellos: list[Run]) -> str:
    """Format the runs as a Markdown table: ratios to the hello runs around each, verdicts."""
    rows = [
        "| endpoint | req/s | p50 ms | p99 ms | errors | × hello | target | notes |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in [*hellos, *runs]:
        run.ratio = run.rps / run.baseline if run.baseline else 0.0
        target = TARGETS.get(run.name)
        verdict = ""
        if target is not None:
            verdict = f"≥ {target} {'met' if run.ratio >= target else 'MISSED'}"
        if run not in hellos and run.p99_ms >= P99_MS:
            verdict += f"; p99 ≥ {P99_MS:.0f} ms"
        rows.append(
            f"| {run.name} | {run.rps:,.0f} | {run.p50_ms:.1f} | {run.p99_ms:.1f} | {run.errors} "
            f"| {run.ratio:.2f} | {verdict} | {run.note} |"
        )
    return "\n".join(rows)


def peers_table(sync: list[Run], conf: list[Run]) -> str:
    """Témoin against django-cookie-consent and hello, round by round (ratios of one run)."""
    temoin = [r for r in sync if r.name == TEMOIN_SYNC]
    peer = [r for r in sync if r.name == PEER_SYNC]
    rows = [
        "| round | Témoin req/s | django-cookie-consent req/s | Témoin / django-cc "
        f"(≥ {PEER_TARGET}) | Témoin / hello, -w 2 sync | Témoin / hello, gunicorn.conf.py "
        f"(≥ {TARGETS[TEMOIN_CONF]}) |",
        "|---:|---:|---:|---:|---:|---:|",
    ]
    for n, (t, p, c) in enumerate(zip(temoin, peer, conf, strict=False), 1):
        ratio = t.rps / p.rps
        verdict = "met" if ratio >= PEER_TARGET else "MISSED"
        gthread = c.rps / c.baseline
        rows.append(
            f"| {n} | {t.rps:,.0f} | {p.rps:,.0f} | **{ratio:.2f}** {verdict} "
            f"| {t.rps / t.baseline:.2f} | **{gthread:.2f}** "
            f"{'met' if gthread >= TARGETS[TEMOIN_CONF] else 'MISSED'} |"
        )
    return "\n".join(rows)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=1, help="write comparisons per run")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="growth sizes")
    parser.add_argument("--postgres", default=os.environ.get("TEMOIN_BENCH_POSTGRES_URL", ""),
                        help="server URL (a database is created and dropped on it)")  # fmt: skip
    parser.add_argument("--no-reads", action="store_true", help="writes only (no widget, SQLite)")
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
        peer_python = django_cc.install()
        print(machine(args), flush=True)
        with (
            growth.database(pg_base, "temoin_bench") as temoin_url,
            growth.database(pg_base, "djangocc_bench") as peer_url,
        ):
            prepare_database(temoin_url, ORIGIN)
            django_cc.prepare(peer_python, peer_url, ROOT)
            sync, sync_hello = side_by_side(temoin_url, peer_url, peer_python, args, tmp)
            conf, conf_hello = production(temoin_url, args, tmp)
        runs = sync + conf
        writes = [r for r in conf if r.name == TEMOIN_CONF]
        report = (
            "### Consent writes side by side (PostgreSQL)\n\n" + peers_table(sync, writes)
            + "\n\n### Throughput and latency\n\n"
            + table(runs, [sync_hello.summary(), conf_hello.summary()])
        )  # fmt: skip
        print("\n" + report, flush=True)
        if not args.no_growth:
            sizes = [int(x) for x in args.sizes.split(",") if x]
            try:
                with growth.database(pg_base, "temoin_growth") as pg_url:
                    grown = growth.measure(pg_url, sizes, ORIGIN)
            except Exception as exc:  # noqa: BLE001 - the figures above are still worth keeping
                grown = f"Not measured: {type(exc).__name__}: {str(exc).splitlines()[0]}"
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


BEGIN, END = "<!-- python -m bench: begin -->", "<!-- python -m bench: end -->"


def write_results(machine_line: str, report: str) -> None:
    """Replace the latest run's section of bench/RESULTS.md; what is around it stays."""
    from datetime import UTC, datetime

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = (
        f"{BEGIN}\n## Latest run: {stamp}, `python -m bench`\n\n"
        f"Machine: {machine_line}.\n\n{report}\n{END}"
    )
    path = HERE / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmark results\n\n"
    if BEGIN in text and END in text:
        text = text[: text.index(BEGIN)] + section + text[text.index(END) + len(END) :]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text)
    print(f"\nwritten to {path.relative_to(ROOT)}")
