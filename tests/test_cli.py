"""The `temoin` command line."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from server.auth import check_password, find_token
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
    assert find_token(f"Bearer {token}", site.id).role == "recorder"
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
    from server.admin.drafts import draft_doc
    from server.default_texts import BANNER, CATEGORIES
    from server.visitor_texts import missing_texts

    result = runner.invoke(args=["create-site", "shop", "--origin", "https://shop.test"])
    assert result.exit_code == 0, result.output
    site = db.session.scalar(select(Site))
    doc = draft_doc(site)
    assert doc["languages"] == ["fr", "en"] and doc["default_language"] == "fr"
    assert missing_texts(doc) == {}
    assert doc["texts"] == BANNER
    for cat in doc["categories"]:
        assert cat["texts"] == CATEGORIES[cat["slug"]], cat["slug"]
        assert cat["texts"]["fr"]["name"] != cat["slug"]
    # The banner a visitor would read names purposes, and says consent can be withdrawn.
    assert "retirer votre consentement à tout moment" in doc["texts"]["fr"]["withdraw"]
    assert "withdraw your consent at any time" in doc["texts"]["en"]["withdraw"]
