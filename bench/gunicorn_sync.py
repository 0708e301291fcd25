"""gunicorn settings of the benchmark's side-by-side rows: `-w 2`, sync workers, for every server.

Témoin, django-cookie-consent and the bare Flask hello run under this same file, so that they
differ only by their code. It imports nothing of Témoin (the peer runs in its own virtual
environment); the values not about workers are those of the repo's gunicorn.conf.py.
"""

import os

bind = os.environ.get("TEMOIN_BIND", "127.0.0.1:8000")
workers = 2
worker_class = "sync"
threads = 1
timeout = 30
graceful_timeout = 30
# Each worker imports the app itself: no connection is ever shared across a fork.
preload_app = False
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
limit_request_line = 4094
limit_request_fields = 50
accesslog = "-"
errorlog = "-"
loglevel = "info"
access_log_format = '%(h)s - %(t)s "%(r)s" %(s)s %(b)s "%(a)s" %(M)sms rid=%({x-request-id}o)s'
