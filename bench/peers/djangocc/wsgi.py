"""WSGI entry point of the peer (gunicorn bench.peers.djangocc.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peers.djangocc.settings")
application = get_wsgi_application()
