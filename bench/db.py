"""Database chores of the benchmarks: migrate and load the demo site, count and verify."""

from __future__ import annotations

from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select

from server import create_app
from server.domain.verify import verify_chain
from server.extensions import db
from server.models import ConsentRecord, Site

SECRET = "bench-secret"


def bench_app(url: str, **config: object) -> Flask:
    """Return the app on a database, configured like the served one."""
    return create_app({"DATABASE_URL": url, "SECRET_KEY": SECRET, **config})


def prepare_database(url: str, origin: str) -> None:
    """Migrate the database and load the demo site, allowing the bench origin."""
    from server.domain.demo_site import load_demo

    app = bench_app(url)
    with app.app_context():
        upgrade()
        if db.session.scalar(select(Site).where(Site.key == "demo")) is None:
            load_demo([origin])
            db.session.commit()
        db.session.remove()
        db.engine.dispose()


def count_and_verify(url: str) -> tuple[int, list[str]]:
    """Return the demo site's record count and the problems its chain has (none when intact)."""
    app = bench_app(url)
    with app.app_context():
        site = db.session.scalar(select(Site).where(Site.key == "demo"))
        count = db.session.scalar(
            select(func.count()).select_from(ConsentRecord).where(ConsentRecord.site_id == site.id)
        )
        result = verify_chain(site)
        db.session.remove()
        db.engine.dispose()
    return int(count or 0), [str(p) for p in result.problems or []]
