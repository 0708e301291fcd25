"""Liveness and readiness probes."""

from flask import Blueprint, Response, jsonify
from sqlalchemy import text

from .errors import ApiError
from .extensions import db

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    """Answer while the process is alive."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz() -> Response:
    """Answer ok only while the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any failure to reach the database means not ready
        db.session.rollback()
        raise ApiError(503, "The database is unavailable.") from exc
    return jsonify(status="ok")
