"""The application factory: configuration, extensions and blueprints (which hold the routes)."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from flask import Flask

from server import admin, demo, logs
from server.config import Defaults
from server.database import WATCHDOG, database_url, engine_options, setup_postgres, setup_sqlite
from server.domain import consents, policy
from server.extensions import db, migrate
from server.http import (
    admin_api,
    admin_api_scan,  # noqa: F401  (adds the scan routes to admin_api.bp)
    api,
    bundle,
    errors,
    favicon,
    health,
    jsonbody,
    limits,
    openapi,
    widget,
)

MIGRATIONS = str(Path(__file__).parent / "migrations")


def _secret_key(app: Flask) -> str:
    """Return a secret key kept in the instance folder, made on first use."""
    path = Path(app.instance_path) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def build_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions and blueprints (no commands)."""
    app = Flask("server", instance_relative_config=True)
    app.config.from_object(Defaults)
    app.config.from_prefixed_env("TEMOIN")
    app.config.update(config or {})
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key(app)
    url = database_url(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(app, url)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]

    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS)
    with app.app_context():
        if url.startswith("sqlite"):
            setup_sqlite(db.engine)
        else:
            # Past the server's own statement_timeout, a call is cut client-side.
            limit = float(app.config["DB_STATEMENT_TIMEOUT_MS"]) / 1000 + 1
            app.extensions[WATCHDOG] = setup_postgres(db.engine, limit)
    errors.register(app)
    jsonbody.init_app(app)
    consents.init_app(app)  # the chain writer
    policy.init_app(app)
    logs.init_app(app)
    limits.init_app(app)

    app.register_blueprint(health.bp)
    app.register_blueprint(favicon.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    bundle.init_app(app)  # the widget bundle and the precomputed responses
    app.register_blueprint(widget.bp)
    app.register_blueprint(demo.bp)
    admin.init_app(app)  # CSRF (admin forms only), session cookie flags
    app.register_blueprint(admin.bp)
    app.register_blueprint(admin_api.bp)  # with the scan routes of admin_api_scan

    return app
