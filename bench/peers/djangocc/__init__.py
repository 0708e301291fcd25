"""A minimal Django project serving django-cookie-consent 1.0.0, the server benchmark's peer.

It runs in a virtual environment of its own (requirements.txt beside this file, exact
versions with hashes), created on demand by `bench.peers.django_cc`; Témoin never imports it.
"""
