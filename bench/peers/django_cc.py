"""django-cookie-consent 1.0.0, the server benchmark's peer: its environment, database, CSRF token.

The peer runs from its own virtual environment (bench/peers/.venv-djangocc, made on demand
from bench/peers/djangocc/requirements.txt: exact versions with hashes, from PyPI), on a
database of its own on the bench's PostgreSQL server, under the same gunicorn settings as
Témoin's side-by-side row. What is measured is its CookieGroupAcceptView: a POST of the
form it documents, with the CSRF cookie and header Django checks, answered 200 (the view's
answer to a fetch() call, told by the X-Cookie-Consent-Fetch header), one LogItem per POST.
"""

from __future__ import annotations

import hashlib
import http.cookies
import json
import subprocess
import sys
import urllib.request
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "djangocc"
REQUIREMENTS = PROJECT / "requirements.txt"
VENV = HERE / ".venv-djangocc"
PYTHON = VENV / "bin" / "python"
TARGET = "bench.peers.djangocc.wsgi:application"
READY = "/cookies/status/"
ACCEPT = "/cookies/accept/"
BODY = "cookie_groups=analytics"
FORM = "application/x-www-form-urlencoded"
VERSION = "1.0.0"


def install() -> str:
    """Create the peer's environment from its lock unless it is there already; return python."""
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    stamp = VENV / "requirements.sha256"
    if PYTHON.exists() and stamp.exists() and stamp.read_text() == digest:
        return str(PYTHON)
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "-q", "--disable-pip-version-check",
         "--require-hashes", "--no-deps", "-r", str(REQUIREMENTS)],
        check=True, timeout=600,
    )  # fmt: skip
    stamp.write_text(digest)
    return str(PYTHON)


def env(database_url: str) -> dict[str, str]:
    """The environment that points the peer's settings at one PostgreSQL database."""
    url = make_url(database_url)
    return {
        "DJANGO_SETTINGS_MODULE": "bench.peers.djangocc.settings",
        "BENCH_DJANGO_DB_NAME": url.database or "",
        "BENCH_DJANGO_DB_HOST": url.host or "127.0.0.1",
        "BENCH_DJANGO_DB_PORT": str(url.port or 5432),
        "BENCH_DJANGO_DB_USER": url.username or "postgres",
        "BENCH_DJANGO_DB_PASSWORD": url.password or "",
    }


def prepare(python: str, database_url: str, root: Path) -> None:
    """Migrate the peer's database and create the cookie group that is accepted."""
    import os

    subprocess.run(
        [python, "-m", "bench.peers.djangocc.setup_db"],
        cwd=root, check=True, timeout=300, env={**os.environ, **env(database_url)},
    )  # fmt: skip


def csrf_headers(server_url: str) -> dict[str, str]:
    """Return the headers of a fetch() POST: the CSRF cookie and token its status view hands out."""
    with urllib.request.urlopen(server_url + READY, timeout=10) as resp:
        token = json.loads(resp.read())["csrftoken"]
        jar = http.cookies.SimpleCookie()
        for header in resp.headers.get_all("Set-Cookie") or []:
            jar.load(header)
    return {
        "Cookie": f"csrftoken={jar['csrftoken'].value}",
        "X-CSRFToken": token,
        "X-Cookie-Consent-Fetch": "1",
        "Referer": server_url + "/",
    }


def rows(database_url: str) -> int:
    """Count the peer's log items (one per accepted cookie group)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM cookie_consent_logitem")).scalar())
    finally:
        engine.dispose()
