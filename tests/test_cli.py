"""The `temoin` command line."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from server.domain.accounts import check_password
from server.domain.tokens import find_token
from server.extensions import db
from server.models import Admin, ApiToken, Membership, PolicyVersion, Site


def test_init_db_is_idempotent(runner):
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0, result.output
    assert "up to date" in result.output


def test_create_site_validates_origins(runner):
    bad = runner.invoke(args=["create-site", "shop", "--origin", "shop.test/path"])
    assert bad.exit_code != 0 and "not an origin" in bad.output
    assert db.session.scalar(select(func.count()).select_from(Site)) == 0
    ok = runner.invoke(args=["create-site", "shop", "--origin", "https://Shop.test/"])
    assert ok.exit_code == 0, ok.output
    site = db.session.scalar(select(Site))
    assert site.origins == ["https://shop.test"]
    assert [c.slug for c in site.categories] == [
        "necessary",
        "functional",
        "audience",
        "sharing",
        "advertising",
    ]
    again = runner.invoke(args=["create-site", "shop", "--origin", "https://shop.test"])
    assert again.exit_code != 0


def test_create_admin_hashes_the_password(runner):
    runner.invoke(args=["create-site", "shop", "--origin", "https://shop.test"])
    result = runner.invoke(
        args=[
            "create-admin",
            "Owner@Shop.test",
            "--password",
            "correct horse battery",
            "--site",
            "shop",
        ]
    )
    assert result.exit_code == 0, result.output
    admin = db.session.scalar(select(Admin))
    assert admin.email == "owner@shop.test"
    assert "correct horse" not in admin.password_hash
    assert admin.password_hash.startswith("$argon2id$")
    assert check_password(admin.password_hash, "correct horse battery")
    assert db.session.scalar(select(Membership.role)) == "owner"
    short = runner.invoke(args=["create-admin", "x@y.z", "--password", "short"])
    assert short.exit_code != 0


def test_create_token_prints_it_once_and_stores_its_hash(runner):
    runner.invoke(args=["create-site", "shop", "--origin", "https://shop.test"])
    result = runner.invoke(args=["create-token", "shop", "--role", "recorder"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert re.fullmatch(r"tmn_[A-Za-z0-9_-]{40,}", token)
    row = db.session.scalar(select(ApiToken))
    assert row.token_hash != token and token not in row.token_hash
    site = db.session.scalar(select(Site))
    row = find_token(token)
    assert (row.site_id, row.role) == (site.id, "recorder")
    bad = runner.invoke(args=["create-token", "shop", "--role", "god"])
    assert bad.exit_code != 0
    missing = runner.invoke(args=["create-token", "nope", "--role", "viewer"])
    assert missing.exit_code != 0


def test_demo_prepares_site_admin_and_prints_credentials(runner):
    result = runner.invoke(args=["demo", "--no-serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    match = re.search(r"admin@demo\.temoin / (\S+)", result.output)
    assert match
    admin = db.session.scalar(select(Admin))
    assert check_password(admin.password_hash, match.group(1))
    site = db.session.scalar(select(Site).where(Site.key == "demo"))
    assert "http://127.0.0.1:8123" in site.origins
    assert db.session.scalar(select(func.count()).select_from(PolicyVersion)) == 1
    db.session.rollback()  # end this read: SQLite writers queue behind open transactions
    again = runner.invoke(args=["demo", "--no-serve", "--port", "8123"])
    assert again.exit_code == 0
    assert db.session.scalar(select(func.count()).select_from(PolicyVersion)) == 1


def test_verify_log_on_an_empty_database_succeeds(runner):
    result = runner.invoke(args=["verify-log"])
    assert result.exit_code == 0


def test_verify_log_unknown_site_fails(runner):
    result = runner.invoke(args=["verify-log", "--site", "nope"])
    assert result.exit_code != 0


def test_create_site_starts_with_complete_french_and_english_texts(runner):
    from server.domain.default_texts import BANNER, CATEGORIES
    from server.domain.drafts import draft_doc
    from server.domain.visitor_texts import missing_texts

    result = runner.invoke(args=["create-site", "shop", "--origin", "https://shop.test"])
    assert result.exit_code == 0, result.output
    site = db.session.scalar(select(Site))
    doc = draft_doc(site)
    assert doc["languages"] == ["fr", "en"] and doc["default_language"] == "fr"
    assert missing_texts(doc) == {}
    assert doc["texts"] == {lang: BANNER[lang] for lang in ("fr", "en")}
    for cat in doc["categories"]:
        assert cat["texts"] == {lang: CATEGORIES[cat["slug"]][lang] for lang in ("fr", "en")}
        assert cat["texts"]["fr"]["name"] != cat["slug"]
    # The banner a visitor would read names purposes, and says consent can be withdrawn.
    assert "retirer votre consentement à tout moment" in doc["texts"]["fr"]["withdraw"]
    assert "withdraw your consent at any time" in doc["texts"]["en"]["withdraw"]


def _one_time_password(output: str) -> str:
    match = re.search(r"one-time password: (\S+)", output)
    assert match, output
    return match.group(1)


def test_create_site_with_a_new_owner_prints_a_one_time_password(runner):
    result = runner.invoke(
        args=["create-site", "shop", "--origin", "https://shop.test", "--owner", "DPO@Shop.test"]
    )
    assert result.exit_code == 0, result.output
    password = _one_time_password(result.output)
    admin = db.session.scalar(select(Admin))
    assert admin.email == "dpo@shop.test" and admin.must_change_password is True
    assert check_password(admin.password_hash, password) and password not in admin.password_hash
    assert not admin.is_superuser
    member = db.session.scalar(select(Membership))
    assert member.role == "owner" and member.site.key == "shop"
    db.session.rollback()
    # The same owner for a second site: an existing admin, whose password does not change.
    again = runner.invoke(
        args=["create-site", "blog", "--origin", "https://blog.test", "--owner", "dpo@shop.test"]
    )
    assert again.exit_code == 0, again.output
    assert "one-time password" not in again.output and "existing admin" in again.output
    db.session.expire_all()
    assert check_password(db.session.scalar(select(Admin)).password_hash, password)
    roles = db.session.execute(select(Site.key, Membership.role).join(Membership.site)).all()
    assert sorted(roles) == [("blog", "owner"), ("shop", "owner")]


def test_create_site_without_owner_says_how_to_add_one(runner):
    result = runner.invoke(args=["create-site", "shop", "--origin", "https://shop.test"])
    assert result.exit_code == 0, result.output
    assert "no owner yet" in result.output and "--owner" in result.output


@pytest.mark.parametrize(
    "args,message",
    [
        (["create-site", "Bad Key", "--origin", "https://a.test"], "not a site key"),
        (["create-site", "a/b", "--origin", "https://a.test"], "not a site key"),
        (["create-site", "ok", "--origin", "https://a.test", "--owner", "nope"], "e-mail"),
        (["create-site", "ok", "--origin", "a.test", "--owner", "x@y.test"], "not an origin"),
    ],
)
def test_create_site_bad_input_writes_nothing(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0 and message in result.output
    assert db.session.scalar(select(func.count()).select_from(Site)) == 0
    assert db.session.scalar(select(func.count()).select_from(Admin)) == 0


def test_create_admin_without_a_site_says_it_sees_none(runner):
    result = runner.invoke(args=["create-admin", "new@x.test", "--password", "long enough pw"])
    assert result.exit_code == 0, result.output
    assert "sees no site yet" in result.output and "--site" in result.output


def test_create_admin_superuser_grant_keep_revoke(runner):
    args = ["create-admin", "root@x.test", "--password", "long enough pw"]
    result = runner.invoke(args=[*args, "--superuser"])
    assert result.exit_code == 0, result.output
    assert "superuser" in result.output and "sees no site" not in result.output
    assert db.session.scalar(select(Admin.is_superuser)) is True
    db.session.rollback()
    assert runner.invoke(args=args).exit_code == 0  # a password reset keeps the powers
    assert db.session.scalar(select(Admin.is_superuser)) is True
    db.session.rollback()
    result = runner.invoke(args=[*args, "--no-superuser"])
    assert "sees no site yet" in result.output
    assert db.session.scalar(select(Admin.is_superuser)) is False


def test_create_admin_unknown_site_is_an_error(runner):
    result = runner.invoke(
        args=["create-admin", "a@x.test", "--password", "long enough pw", "--site", "nope"]
    )
    assert result.exit_code != 0 and "no site" in result.output
    assert db.session.scalar(select(func.count()).select_from(Admin)) == 0
