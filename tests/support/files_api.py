"""Helpers for integration tests of the file endpoints: upload through the API, insert locks, read rows."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa


def upload(client, headers, *, bucket="users", bucket_id="u1", path="docs/a.txt", content=b"hello world", **extra):
    """POST /upload/proxy with the short field names; returns the command's `data` (asserts 201)."""
    form = {"bucket": bucket, "id": bucket_id, "path": path, **extra}
    form["file"] = (io.BytesIO(content), path.rsplit("/", 1)[-1])
    response = client.post("/upload/proxy", data=form, content_type="multipart/form-data", headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def add_lock(app, file_id, locked_by="u2", *, seconds=3600) -> uuid.UUID:
    """Insert an active lock row directly (the lock endpoints are tested elsewhere)."""
    from app.extensions import db
    from app.models import FileLock, LockType

    with app.app_context():
        lock = FileLock(
            id=uuid.uuid4(),
            file_id=uuid.UUID(str(file_id)),
            locked_by=locked_by,
            lock_type=LockType.edit,
            reason="testing",
            created_at=datetime.now(UTC),
            expires_at=datetime.now(UTC) + timedelta(seconds=seconds),
        )
        db.session.add(lock)
        db.session.commit()
        return lock.id


def audit_rows(app, action=None, file_id=None) -> list[dict]:
    """Audit rows as dicts, oldest first, optionally filtered by action and file."""
    from app.extensions import db
    from app.models import AuditLog

    with app.app_context():
        query = sa.select(AuditLog).order_by(AuditLog.created_at)
        if action is not None:
            query = query.where(AuditLog.action == action)
        if file_id is not None:
            query = query.where(AuditLog.file_id == uuid.UUID(str(file_id)))
        return [{c.name: getattr(row, c.name) for c in AuditLog.__table__.columns} for row in db.session.scalars(query)]


def error(response, status, code):
    """Assert the contract's error body and return it."""
    body = response.get_json()
    assert response.status_code == status, (response.status_code, body)
    assert body["status"] == "error" and body["message"] == code, body
    assert body["detail"]
    return body
