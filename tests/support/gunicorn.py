"""Run the app (or another WSGI app) under gunicorn with the production settings, on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO, Any

from tests.support.env import free_port

ROOT = Path(__file__).resolve().parents[2]


class Gunicorn:
    """gunicorn with the repo's gunicorn.conf.py (or another `config`) on a free port of 127.0.0.1.

    `python` is the interpreter that runs it: another virtual environment's, for a peer.
    """

    def __init__(
        self, target: str = "wsgi:app", log: Path | None = None, ready_path: str = "/healthz",
        config: Path = ROOT / "gunicorn.conf.py", python: str = sys.executable, **env: str,
    ) -> None:  # fmt: skip
        self.target = target
        self.config = config
        self.python = python
        self.ready_path = ready_path
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.env = {**os.environ, "TEMOIN_BIND": f"127.0.0.1:{self.port}", **env}
        self.proc: subprocess.Popen[bytes] | None = None
        self._out: IO[Any] | None = None

    def start(self, timeout: float = 30) -> Gunicorn:
        """Start gunicorn and wait until its ready path answers."""
        self._out = open(self.log, "wb") if self.log else subprocess.DEVNULL  # type: ignore[assignment]  # noqa: SIM115
        self.proc = subprocess.Popen(
            [self.python, "-m", "gunicorn", "-c", str(self.config), self.target],
            cwd=ROOT,
            env=self.env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url + self.ready_path, timeout=2):
                    return self
            except urllib.error.HTTPError as exc:
                raise RuntimeError(f"{self.ready_path} answered {exc.code}") from exc
            except OSError as exc:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"gunicorn did not start: {self.output()}") from exc
                time.sleep(0.2)

    def output(self) -> str:
        """Return what gunicorn wrote, when it writes to a file."""
        return self.log.read_text(errors="replace") if self.log and self.log.exists() else ""

    def stop(self) -> None:
        """Stop gunicorn gracefully (SIGTERM), then for good if it lingers."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if self._out not in (None, subprocess.DEVNULL):
            self._out.close()  # type: ignore[union-attr]

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
