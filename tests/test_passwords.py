"""Admin passwords: argon2id with RFC 9106's low-memory parameters unless configured."""

from __future__ import annotations

import pytest
from argon2 import extract_parameters, profiles

from server import create_app
from server.domain.accounts import check_password, hash_password


def _app(tmp_path, **config):
    return create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}", "TESTING": True, **config})


def test_passwords_are_hashed_with_the_rfc9106_low_memory_profile_by_default(tmp_path):
    with _app(tmp_path).app_context():
        stored = hash_password("correct horse battery")
        assert stored.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert extract_parameters(stored) == profiles.RFC_9106_LOW_MEMORY
        assert check_password(stored, "correct horse battery")
        assert not check_password(stored, "correct horse batterY")
        assert not check_password("not a hash", "correct horse battery")


def test_a_hash_made_under_other_parameters_still_verifies(tmp_path):
    with _app(tmp_path, PASSWORD_HASH_PROFILE="cheapest").app_context():
        cheap = hash_password("s3cret enough")
        assert extract_parameters(cheap) == profiles.CHEAPEST
    with _app(tmp_path).app_context():
        assert check_password(cheap, "s3cret enough")


def test_an_unknown_profile_is_refused_by_name(tmp_path):
    with _app(tmp_path, PASSWORD_HASH_PROFILE="md5").app_context():
        with pytest.raises(ValueError, match="rfc9106-low-memory, rfc9106-high-memory, cheapest"):
            hash_password("x")
