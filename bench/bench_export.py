"""Export benchmark: time and peak memory of streaming 10^4, 10^5 and 10^6 consent records.

    python bench/bench_export.py [--sizes 10000,100000,1000000] [--url URL]

Rows are inserted in bulk with SQLAlchemy Core (INSERT … SELECT generate_series) into a
database of their own on the PostgreSQL server, created here and dropped at the end. Each
export goes through the admin API endpoint (bearer token, streamed response) and is read
chunk by chunk; peak memory is the growth of the process's resident set (VmHWM, reset
before each run) and the peak of Python allocations (tracemalloc, in a separate run).
"""

from __future__ import annotations

import argparse
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import (  # noqa: E402
    JSON,
    Integer,
    String,
    case,
    cast,
    create_engine,
    delete,
    func,
    insert,
    literal,
    make_url,
    select,
    text,
)

from server import create_app  # noqa: E402
from server.domain.tokens import create_token  # noqa: E402
from server.extensions import db  # noqa: E402
from server.models import ConsentRecord  # noqa: E402
from tests.support.records import make_site  # noqa: E402

SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NAME = "temoin_bench_export"
CHUNK = 200_000
CATS = ("functional", "audience", "sharing", "advertising")


def rss_kib(field: str) -> int:
    """Read a memory figure of this process (VmRSS, VmHWM) in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak() -> None:
    """Reset VmHWM to the current resident set (Linux: write 5 to clear_refs)."""
    Path("/proc/self/clear_refs").write_text("5")


def fill(site_id: int, sha: str, count: int) -> None:
    """Replace the site's records by `count` rows made by the database (no Python objects)."""
    db.session.execute(delete(ConsentRecord).where(ConsentRecord.site_id == site_id))
    table = ConsentRecord.__table__
    choices = [
        {c: True for c in CATS},
        {c: False for c in CATS},
        {"functional": True, "audience": True, "sharing": False, "advertising": False},
        {"functional": False, "audience": False, "sharing": False, "advertising": False},
    ]
    actions = ("accept_all", "reject_all", "custom", "withdraw")
    for start in range(1, count + 1, CHUNK):
        g = (
            func.generate_series(start, min(start + CHUNK - 1, count))
            .table_valued("value")
            .render_derived()
        )
        n = g.c.value
        digest = func.concat(func.md5(cast(n, String)), func.md5(cast(n + 1, String)))
        moment = func.now() - cast(func.concat(n, " seconds"), db.Interval)
        pick = n % 4
        rows = select(
            literal(site_id),
            n,
            cast(cast(func.md5(cast(n, String)), db.Uuid), String),
            literal(1, Integer),
            literal(sha),
            case(*[(pick == i, literal(c, JSON)) for i, c in enumerate(choices)]),
            case(*[(pick == i, literal(a)) for i, a in enumerate(actions)]),
            literal("banner"),
            literal("fr"),
            literal("/demo/"),
            literal(False),
            literal("Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"),
            moment,
            moment + text("interval '182 days'"),
            digest,
            digest,
            digest,
        )
        cols = [
            table.c.site_id,
            table.c.seq,
            table.c.consent_id,
            table.c.policy_version,
            table.c.policy_sha256,
            table.c.choices,
            table.c.action,
            table.c.source,
            table.c.language,
            table.c.page,
            table.c.gpc,
            table.c.user_agent,
            table.c.recorded_at,
            table.c.expires_at,
            table.c.digest,
            table.c.prev_hash,
            table.c.hash,
        ]
        db.session.execute(insert(table).from_select(cols, rows))
    db.session.commit()
    db.session.execute(text("ANALYZE consent_records"))
    db.session.commit()


def export_once(client: Any, token: str, fmt: str, trace: bool) -> tuple[float, int, int, int]:
    """Stream one export; return (seconds, bytes, lines, peak KiB)."""
    if trace:
        tracemalloc.start()
    reset_peak()
    base = rss_kib("VmRSS")
    started = time.perf_counter()
    resp = client.get(
        f"/api/v1/admin/sites/shop/consents?format={fmt}",
        headers={"Authorization": f"Bearer {token}"},
        buffered=False,
    )
    assert resp.status_code == 200, resp.status_code
    size = lines = 0
    for chunk in resp.response:
        size += len(chunk)
        lines += chunk.count(b"\n")
    resp.close()
    seconds = time.perf_counter() - started
    if trace:
        peak = tracemalloc.get_traced_memory()[1] // 1024
        tracemalloc.stop()
    else:
        peak = rss_kib("VmHWM") - base
    return seconds, size, lines, peak


def main() -> int:
    """Create the database, run the exports, print the figures, drop the database."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=SERVER, help="a PostgreSQL URL of the server to use")
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--formats", default="csv,jsonl")
    args = parser.parse_args()
    base = make_url(args.url)
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{NAME}"'))
    url = base.set(database=NAME).render_as_string(hide_password=False)
    try:
        app = create_app(
            {
                "DATABASE_URL": url,
                "SECRET_KEY": "bench",
                "DB_STATEMENT_TIMEOUT_MS": 600_000,
                "RATELIMIT_ENABLED": False,
            }
        )
        with app.app_context():
            upgrade()
            site = make_site("shop")
            _, token = create_token(site, "viewer", "bench")
            db.session.commit()
            sha = site.versions[0].sha256
            client = app.test_client()
            print(
                f"{'records':>9} {'format':>6} {'seconds':>8} {'rows/s':>9} {'MiB out':>8} "
                f"{'peak RSS +KiB':>13} {'py peak KiB':>11}"
            )
            for count in (int(s) for s in args.sizes.split(",")):
                t0 = time.perf_counter()
                fill(site.id, sha, count)
                print(f"# inserted {count} rows in {time.perf_counter() - t0:.1f} s")
                for fmt in args.formats.split(","):
                    seconds, size, lines, rss = export_once(client, token, fmt, trace=False)
                    _, _, _, py_peak = export_once(client, token, fmt, trace=True)
                    rows = lines - (1 if fmt == "csv" else 0)
                    assert rows == count, (rows, count)
                    print(
                        f"{count:>9} {fmt:>6} {seconds:>8.2f} {count / seconds:>9.0f} "
                        f"{size / 2**20:>8.1f} {rss:>13} {py_peak:>11}"
                    )
            db.session.remove()
            db.engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)'))
        admin.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
