"""What durable commits cost on SQLite: sequential consents with synchronous=NORMAL and FULL.

    python bench/bench_sqlite_sync.py [--writes 500] [--rounds 3] [--dir DIR]

Each round records `--writes` consents one after the other through the app in-process (the
Flask test client: validation, the chain writer, the commit), on a fresh SQLite file in WAL
mode, once with the app's synchronous=FULL and once with NORMAL set over it; the order of
the two alternates between rounds. FULL syncs the write-ahead log at every commit, NORMAL
only at checkpoints, so the difference is the price of a consent surviving a power loss.
The database lives in --dir (default: a temporary folder), which must be on the disk the
server would use: on a tmpfs the sync costs nothing and the figures mean nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import event  # noqa: E402

from bench.db import bench_app, count_and_verify, prepare_database  # noqa: E402
from server.domain.chainwriter import writer  # noqa: E402
from server.extensions import db  # noqa: E402
from tests.support.records import choice_body  # noqa: E402

ORIGIN = "http://bench.test"
WARMUP = 20
LEVELS = {"NORMAL": 1, "FULL": 2}


def run(folder: Path, mode: str, writes: int) -> dict[str, Any]:
    """Record `writes` consents sequentially on a new database; return the timings."""
    path = folder / f"sync-{mode.lower()}-{time.monotonic_ns()}.db"
    url = f"sqlite:///{path}"
    prepare_database(url, ORIGIN)
    app = bench_app(url, RATELIMIT_ENABLED=False)
    with app.app_context():
        if mode != "FULL":
            # Registered after the app's own listener, so it runs last on every connection.
            @event.listens_for(db.engine, "connect")
            def _level(dbapi_conn: Any, _record: Any) -> None:
                dbapi_conn.execute(f"PRAGMA synchronous={mode}")

        with db.engine.connect() as conn:
            level = conn.exec_driver_sql("PRAGMA synchronous").scalar()
        assert level == LEVELS[mode], (mode, level)
        client = app.test_client()
        latencies = []
        for i in range(WARMUP + writes):
            started = time.perf_counter()
            resp = client.post(
                "/api/v1/sites/demo/consents", json=choice_body(), headers={"Origin": ORIGIN}
            )
            elapsed = time.perf_counter() - started
            assert resp.status_code == 201, resp.get_data(as_text=True)
            if i >= WARMUP:
                latencies.append(elapsed * 1000)
        writer(app).stop()
        db.session.remove()
        db.engine.dispose()
    rows, problems = count_and_verify(url)
    assert rows == WARMUP + writes and not problems, (rows, problems)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    ordered = sorted(latencies)
    return {
        "rate": len(latencies) / (sum(latencies) / 1000),
        "p50": statistics.median(ordered),
        "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))],
        "mean": statistics.fmean(ordered),
    }


def main() -> int:
    """Run the rounds and print one table (medians over the rounds)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    results: dict[str, list[dict[str, Any]]] = {mode: [] for mode in LEVELS}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        for n in range(args.rounds):
            order = list(LEVELS) if n % 2 == 0 else list(reversed(LEVELS))
            for mode in order:
                r = run(Path(tmp), mode, args.writes)
                results[mode].append(r)
                print(f"round {n + 1} {mode:6} {r['rate']:7.0f} consents/s  "
                      f"p50 {r['p50']:.2f} ms  p99 {r['p99']:.2f} ms", flush=True)  # fmt: skip
    med = {m: {k: statistics.median(r[k] for r in rs) for k in rs[0]} for m, rs in results.items()}
    print(
        f"\nSQLite (WAL), {args.writes} sequential consents in-process, median of "
        f"{args.rounds} rounds; {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n"
    )
    print("| synchronous | consents/s | p50 ms | p99 ms | mean ms |")
    print("|---|---:|---:|---:|---:|")
    for mode, m in med.items():
        print(f"| {mode} | {m['rate']:,.0f} | {m['p50']:.2f} | {m['p99']:.2f} | {m['mean']:.2f} |")
    full, normal = med["FULL"], med["NORMAL"]
    print(
        f"\nFULL costs {full['mean'] - normal['mean']:+.2f} ms per write on average "
        f"({full['rate'] / normal['rate']:.2f} × the rate of NORMAL)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
