"""Settings of the peer: cookie_consent on PostgreSQL, persistent connections, CSRF on.

The database comes from the environment (BENCH_DJANGO_DB_NAME, _HOST, _PORT, _USER,
_PASSWORD), set by the benchmark, which creates a database of the peer's own.
"""

import os

SECRET_KEY = "bench-django-secret-not-for-production-0123456789abcdef"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "bench.peers.djangocc.urls"
WSGI_APPLICATION = "bench.peers.djangocc.wsgi.application"
USE_TZ = True
TIME_ZONE = "UTC"

INSTALLED_APPS = [
    # cookie_consent's views import django.contrib.auth, whose models need contenttypes.
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "cookie_consent",
]

# Django's own project template, less the sessions, authentication and messages that the
# accept view does not use; CsrfViewMiddleware checks every POST.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": os.environ.get("BENCH_DJANGO_DB_NAME", "djangocc_bench"),
        "HOST": os.environ.get("BENCH_DJANGO_DB_HOST", "127.0.0.1"),
        "PORT": os.environ.get("BENCH_DJANGO_DB_PORT", "5432"),
        "USER": os.environ.get("BENCH_DJANGO_DB_USER", "postgres"),
        "PASSWORD": os.environ.get("BENCH_DJANGO_DB_PASSWORD", ""),
        # Persistent connections: each worker keeps its connection between requests.
        "CONN_MAX_AGE": 600,
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The default local-memory cache holds cookie_consent's cookie groups (one per process).
COOKIE_CONSENT_LOG_ENABLED = True

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
LOGGING = {"version": 1, "disable_existing_loggers": False}
