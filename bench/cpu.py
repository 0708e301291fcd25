"""CPU per request of the consent write, side by side: a figure the machine's load hardly moves.

    python -m bench.cpu [--duration 8] [--connections 32]

Témoin's consent write, django-cookie-consent's accept view and the bare Flask hello run in
turn under the same `-w 2` sync settings (bench/gunicorn_sync.py) on a PostgreSQL server of
their own (initdb); wrk drives each for a few seconds. Read from /proc around each run: the CPU
time of the gunicorn processes (master and workers), of PostgreSQL's processes (postmaster,
backends, WAL writer and the rest), and of wrk itself. Requests per second move with whatever
else the machine runs; CPU milliseconds per request move much less, so this tells whether a
change to the write path made it cheaper while the machine is busy. On two cores, 2000 ms
divided by the total CPU per request bounds the rate the three could reach together.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from bench import growth
from bench.db import prepare_database
from bench.peers import django_cc
from bench.run import HELLO, ORIGIN, SYNC, server_env, wrk
from tests.support.gunicorn import ROOT, Gunicorn
from tests.support.pgserver import PgServer, find_bindir
from tests.support.records import choice_body

TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: int) -> tuple[int, float, float]:
    """Return (parent pid, own CPU seconds, reaped children's CPU seconds) of a process."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ppid = int(fields[1])
    own = (int(fields[11]) + int(fields[12])) / TICK
    reaped = (int(fields[13]) + int(fields[14])) / TICK
    return ppid, own, reaped


def tree_cpu(root: int) -> float:
    """CPU seconds of a process, its live children and the children it has reaped."""
    total = 0.0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            ppid, own, reaped = _stat(int(name))
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        if int(name) == root:
            total += own + reaped
        elif ppid == root:
            total += own
    return total


def wrk_cpu() -> float:
    """CPU seconds used so far by this process's finished children (the wrk runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@contextmanager
def own_postgres() -> Iterator[PgServer]:
    """A PostgreSQL server of the benchmark's own, so its processes can be told apart."""
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("no PostgreSQL: install initdb")
    server = PgServer(bindir).init()
    server.start()
    try:
        yield server
    finally:
        server.destroy()


def measure(
    name: str, server: Gunicorn, pg: PgServer, url: str, args: argparse.Namespace, **wrk_args
) -> str:  # fmt: skip
    """One wrk run; return its line: req/s and CPU ms per request, by process."""
    assert server.proc is not None
    pg_pid = int((pg.data / "postmaster.pid").read_text().split()[0])
    before = (tree_cpu(server.proc.pid), tree_cpu(pg_pid), wrk_cpu())
    run = wrk(name, url, args, **wrk_args)
    after = (tree_cpu(server.proc.pid), tree_cpu(pg_pid), wrk_cpu())
    ms = [(b - a) / run.requests * 1000 for a, b in zip(before, after, strict=True)]
    return (
        f"| {name} | {run.rps:,.0f} | {ms[0]:.3f} | {ms[1]:.3f} | {ms[2]:.3f} | {sum(ms):.3f} "
        f"| {2000 / sum(ms):,.0f} | {run.errors} |"
    )


def main(argv: list[str] | None = None) -> int:
    """Measure the three servers in turn and print the table."""
    parser = argparse.ArgumentParser(prog="python -m bench.cpu", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=int, default=8, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--no-peer", action="store_true", help="Témoin and hello only")
    args = parser.parse_args(argv)
    if not shutil.which("wrk"):
        print("wrk is needed: apt-get install wrk", file=sys.stderr)
        return 2
    tmp = Path(tempfile.mkdtemp(prefix="temoin-cpu-"))
    rows = [
        "| server (-w 2 sync) | req/s | CPU ms/req gunicorn | PostgreSQL | wrk | total "
        "| 2 cores / total | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    peer_python = None if args.no_peer else django_cc.install()
    with ExitStack() as stack:
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        pg = stack.enter_context(own_postgres())
        temoin_url = stack.enter_context(growth.database(pg.url(), "temoin_cpu"))
        prepare_database(temoin_url, ORIGIN)
        hello = stack.enter_context(
            Gunicorn(HELLO, log=tmp / "hello.log", ready_path="/", config=SYNC)
        )
        temoin = stack.enter_context(
            Gunicorn(log=tmp / "temoin.log", config=SYNC, **server_env(temoin_url))
        )
        runs = [
            ("hello", hello, hello.url + "/", {"headers": {}}),
            (
                "Témoin POST consent", temoin, temoin.url + "/api/v1/sites/demo/consents",
                {"headers": {"Origin": ORIGIN}, "body": json.dumps(choice_body(page="/bench"))},
            ),
        ]  # fmt: skip
        if peer_python:
            peer_url = stack.enter_context(growth.database(pg.url(), "djangocc_cpu"))
            django_cc.prepare(peer_python, peer_url, ROOT)
            peer = stack.enter_context(
                Gunicorn(
                    django_cc.TARGET, log=tmp / "peer.log", ready_path=django_cc.READY,
                    config=SYNC, python=peer_python, **django_cc.env(peer_url),
                )
            )  # fmt: skip
            runs.append(
                (
                    f"django-cookie-consent {django_cc.VERSION} accept", peer,
                    peer.url + django_cc.ACCEPT,
                    {"headers": django_cc.csrf_headers(peer.url), "body": django_cc.BODY,
                     "content_type": django_cc.FORM},
                )
            )  # fmt: skip
        for _ in range(args.rounds):
            for name, server, url, wrk_args in runs:
                rows.append(measure(name, server, pg, url, args, **wrk_args))
                print(rows[-1], flush=True)
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
