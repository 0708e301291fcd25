"""Témoin: a self-hosted consent management platform."""

from __future__ import annotations

from typing import Any

from flask import Flask

from server.app import build_app
from server.cli import register_commands


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Create the application: configuration, extensions, blueprints and commands."""
    app = build_app(config)
    register_commands(app)
    return app


__all__ = ["create_app"]
