"""Where a consent write spends its time: in-process, on PostgreSQL, sequential, under cProfile.

    python -m bench.profile_write [--writes 2000] [--top 15] [--postgres URL]

Records consents one after the other through the app (the Flask test client: the limiter,
validation, the chain writer, the commit, the answer) on a database of its own, and prints
the wall and CPU time per write (CPU of the whole process, every thread), then the same
writes under cProfile, in the request thread and in the chain writer's thread alike, as the
functions with the most time of their own and the most time below them. Without --postgres
(or TEMOIN_BENCH_POSTGRES_URL) a PostgreSQL server of its own is started with initdb.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask

from bench import growth
from bench.db import bench_app, count_and_verify, prepare_database
from server.domain.chainwriter import writer
from server.extensions import db
from tests.support.pgserver import PgServer, find_bindir
from tests.support.records import choice_body

ORIGIN = "http://bench.test"
WARMUP = 100
URL = "/api/v1/sites/demo/consents"


@contextmanager
def postgres(base: str) -> Iterator[str]:
    """Yield the URL of a PostgreSQL server: the one given, or one started here."""
    if base:
        yield base
        return
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL: set --postgres or install initdb")
    own = PgServer(bindir).init()
    own.start()
    try:
        yield own.url()
    finally:
        own.destroy()


def post_many(app: Flask, writes: int) -> list[float]:
    """POST `writes` consents one after the other; return each one's wall time in ms."""
    client = app.test_client()
    body = choice_body(page="/bench")
    times = []
    for _ in range(writes):
        started = time.perf_counter()
        resp = client.post(URL, json=body, headers={"Origin": ORIGIN})
        times.append((time.perf_counter() - started) * 1000)
        if resp.status_code != 201:
            raise RuntimeError(f"{resp.status_code}: {resp.get_data(as_text=True)}")
    return times


def profiled(app: Flask, writes: int) -> pstats.Stats:
    """POST under cProfile, in the request thread and in a writer thread if there is one."""
    outer = cProfile.Profile()
    chain = writer(app)
    run: Callable[[], None] | None = getattr(chain, "_run", None)
    if run is None:  # the request threads write the batches themselves
        outer.enable()
        post_many(app, writes)
        outer.disable()
        return pstats.Stats(outer)
    chain.stop()  # the next append starts a writer thread running the profiled loop below
    inner = cProfile.Profile()

    def profiled_run() -> None:
        inner.enable()
        try:
            run()
        finally:
            inner.disable()

    chain._run = profiled_run  # type: ignore[attr-defined]
    outer.enable()
    post_many(app, writes)
    outer.disable()
    chain.stop()
    chain._run = run  # type: ignore[attr-defined]
    stats = pstats.Stats(outer)
    stats.add(inner)
    return stats


def top(stats: pstats.Stats, key: str, count: int, writes: int) -> str:
    """Format the `count` heaviest functions by `key` as a Markdown table, µs per write."""
    stats.sort_stats(key)
    rows = ["| µs/write own | µs/write cumulative | calls/write | function |",
            "|---:|---:|---:|---|"]  # fmt: skip
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for func in stats.fcn_list[:count]:  # type: ignore[attr-defined]
        _cc, calls, tottime, cumtime, _callers = raw[func]
        name = pstats.func_std_string(func)
        for prefix in (sys.prefix + "/lib/", os.getcwd() + "/"):
            name = name.replace(prefix, "")
        rows.append(
            f"| {tottime / writes * 1e6:,.0f} | {cumtime / writes * 1e6:,.0f} "
            f"| {calls / writes:.1f} | `{name}` |"
        )
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """Time the writes, profile them, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--writes", type=int, default=2000)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--postgres", default=os.environ.get("TEMOIN_BENCH_POSTGRES_URL", ""))
    args = parser.parse_args(argv)
    with postgres(args.postgres) as base, growth.database(base, "temoin_profile") as url:
        prepare_database(url, ORIGIN)
        app = bench_app(url, RATELIMIT_CONSENT_CLIENT="100000000 per minute",
                        RATELIMIT_CONSENT_SITE="100000000 per minute")  # fmt: skip
        with app.app_context():
            post_many(app, WARMUP)
            cpu0 = time.process_time()
            walls = post_many(app, args.writes)
            cpu = (time.process_time() - cpu0) / args.writes * 1000
            stats = profiled(app, args.writes)
            db.session.remove()
            db.engine.dispose()
        rows, problems = count_and_verify(url)
    expected = WARMUP + 2 * args.writes
    print(
        f"{args.writes} sequential writes on PostgreSQL, in-process: wall p50 "
        f"{statistics.median(walls):.2f} ms, mean {statistics.fmean(walls):.2f} ms; "
        f"CPU {cpu:.2f} ms per write (all threads); {rows} rows for {expected} × 201, chain "
        + ("verifies" if not problems and rows == expected else f"BROKEN {problems[:3]}")
    )
    out = io.StringIO()
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    trips = sum(v[1] for f, v in raw.items() if f[2] in ("wait", "_exec_command")
                and "psycopg" in f[0])  # fmt: skip
    print(
        f"Under cProfile: {stats.total_calls / args.writes:,.0f} function calls per write "  # type: ignore[attr-defined]
        f"(a figure the machine's load does not move); {trips / args.writes:.1f} psycopg "
        "waits per write (its wait and _exec_command calls: a pipelined statement counts "
        "though it adds no round trip).",
        file=out,
    )
    print("\nUnder cProfile (slower than above), by time of their own:\n", file=out)
    print(top(stats, "tottime", args.top, args.writes), file=out)
    print("\nBy cumulative time:\n", file=out)
    print(top(stats, "cumulative", args.top, args.writes), file=out)
    print(out.getvalue())
    return 0 if not problems and rows == expected else 1


if __name__ == "__main__":
    raise SystemExit(main())
