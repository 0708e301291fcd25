"""Migrate the peer's database and create the cookie group the benchmark accepts.

Run by the benchmark in the peer's environment: python -m bench.peers.djangocc.setup_db
"""

import os

import django
from django.core.management import call_command

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.peers.djangocc.settings")
django.setup()

from cookie_consent.models import Cookie, CookieGroup  # noqa: E402

call_command("migrate", verbosity=0, interactive=False)
group, _ = CookieGroup.objects.get_or_create(
    varname="analytics",
    defaults={"name": "Analytics", "description": "Audience measurement", "is_deletable": True},
)
Cookie.objects.get_or_create(cookiegroup=group, name="_ga", defaults={"domain": ""})
print(f"cookie group {group.varname!r} ready")
