"""Production settings for gunicorn: `gunicorn wsgi:app` picks this file up from the repo root.

Every value can be changed without editing the file, through the environment:
TEMOIN_BIND (default 127.0.0.1:8000), WEB_CONCURRENCY (workers, default: the core count),
TEMOIN_THREADS (threads per worker, default 4), TEMOIN_TIMEOUT (seconds, default 30),
TEMOIN_ACCESS_LOG ("-" for stdout, a path, or "off") and TEMOIN_LOG_JSON (true: JSON lines).
"""

import os

from server.logs import GunicornJsonLogger


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


cores = os.cpu_count() or 1

bind = os.environ.get("TEMOIN_BIND", "127.0.0.1:8000")
# One process per core runs Python; threads overlap the waits on the database.
workers = int(os.environ.get("WEB_CONCURRENCY", cores))
worker_class = "gthread"
threads = int(os.environ.get("TEMOIN_THREADS", 4))
# Connections kept open by a proxy or a browser are served by the threads above.
keepalive = 5
# The database answers within its statement timeout (5 s); a worker silent for this long is
# stuck and is replaced.
timeout = int(os.environ.get("TEMOIN_TIMEOUT", 30))
graceful_timeout = 30
# Recycle workers now and then so that a slow leak can never grow without bound.
max_requests = 50_000
max_requests_jitter = 5_000
# Load the app once before forking: a broken configuration stops the master at once, and
# workers share the imported code. Each worker opens its own database connections.
preload_app = True
# The heartbeat file lives in memory, so a slow disk never makes a worker look stuck.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Limit request sizes before the app sees them (the app refuses bodies over 16 KiB).
limit_request_line = 4094
limit_request_fields = 50

accesslog = os.environ.get("TEMOIN_ACCESS_LOG", "-")
if accesslog.lower() == "off":
    accesslog = None
errorlog = "-"
loglevel = os.environ.get("TEMOIN_LOG_LEVEL", "info").lower()
access_log_format = '%(h)s - %(t)s "%(r)s" %(s)s %(b)s "%(a)s" %(M)sms rid=%({x-request-id}o)s'
if _flag("TEMOIN_LOG_JSON"):
    logger_class = GunicornJsonLogger


def post_fork(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    """Drop database connections inherited from the master: each worker opens its own."""
    from server.extensions import db

    app = getattr(server.app, "wsgi", lambda: None)()
    if app is not None and "sqlalchemy" in getattr(app, "extensions", {}):
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose(close=False)
