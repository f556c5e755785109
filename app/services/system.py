"""Health, version and public configuration."""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.storage.base import StorageError


def _timed(check) -> dict:
    start = time.perf_counter()
    try:
        details = check() or {}
        status = "ok"
    except (StorageError, sa.exc.SQLAlchemyError) as exc:
        details, status = {"error": type(exc).__name__}, "error"
    return {"status": status, "latency_ms": round((time.perf_counter() - start) * 1000, 1), **details}


def _database() -> dict:
    db.session.execute(sa.text("SELECT 1"))
    db.session.rollback()
    return {"backend": db.engine.dialect.name}


def health(clock_now) -> tuple[dict, bool]:
    """Check the database and the object store; return (report, healthy)."""
    config = current_app.config
    checks = {"database": _timed(_database), "object_store": _timed(current_app.extensions["object_store"].health)}
    healthy = all(c["status"] == "ok" for c in checks.values())
    report = {
        "status": "healthy" if healthy else "unhealthy",
        "service": config["SERVICE_NAME"],
        "version": config["SERVICE_VERSION"],
        "environment": config["ENV_NAME"],
        "timestamp": clock_now.isoformat(),
        "checks": checks,
    }
    return report, healthy


def version() -> dict:
    config = current_app.config
    return {"version": config["SERVICE_VERSION"], "service": config["SERVICE_NAME"], "api_version": "v1"}


def public_config() -> dict:
    """Settings clients may read; never secrets or URLs with credentials."""
    c = current_app.config
    return {
        "max_upload_size": c["MAX_UPLOAD_SIZE"],
        "allowed_mime_types": c["ALLOWED_MIME_TYPES"],
        "presign": {
            "default_expiry": c["PRESIGN_DEFAULT_EXPIRY"],
            "min_expiry": c["PRESIGN_MIN_EXPIRY"],
            "max_expiry": c["PRESIGN_MAX_EXPIRY"],
        },
        "locks": {"default_ttl": c["LOCK_DEFAULT_TTL"], "min_ttl": c["LOCK_MIN_TTL"], "max_ttl": c["LOCK_MAX_TTL"]},
        "buckets": ["users", "companies", "projects"],
        "storage_backend": c["STORAGE_BACKEND"],
        "project_delegation": bool(c["PROJECT_SERVICE_URL"]),
    }
