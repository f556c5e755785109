"""Helpers for integration tests of the file endpoints: project-service rules, upload / download / metadata through
the API, insert locks, read rows and objects, assert error bodies."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

MEMBER = {"read", "write", "lock"}
EVERYTHING = {"read", "write", "delete", "lock", "validate"}

# The keys of a version in GET /metadata's `current_version` and in GET /versions.
VERSION_KEYS = {
    "id",
    "file_id",
    "version_number",
    "object_key",
    "size",
    "mime_type",
    "checksum_sha256",
    "status",
    "changelog",
    "created_by",
    "created_at",
    "validated_by",
    "validated_at",
    "validation_comment",
}


def use_rules(fake, grants):
    """Let the fake project service decide per (project, user, action) from `grants`, which maps
    (project, user) to (role, allowed actions): the role travels with each allowed answer, the rest is refused."""

    def decide(project_id, user_id, action):
        role, actions = grants.get((project_id, user_id), (None, ()))
        return (True, role) if action in actions else False

    fake.mode = "rules"
    fake.rules = decide


def transfer_body(source, target):
    """The body of POST /copy or POST /versions/commit from `source` to `target`, both short-form addresses
    ({"bucket", "id", "path"}), in the source_id / target_id field form."""
    return {
        "source_bucket": source["bucket"],
        "source_id": source["id"],
        "source_path": source["path"],
        "target_bucket": target["bucket"],
        "target_id": target["id"],
        "target_path": target["path"],
    }


def proxy_upload(client, headers, address, content, filename=None, expect=201, **extra):
    """POST /upload/proxy to `address` (any accepted address form) plus `extra` fields; asserts the status and
    returns the whole JSON body."""
    form = {**address, **extra, "file": (io.BytesIO(content), filename or address["path"].rsplit("/", 1)[-1])}
    response = client.post("/upload/proxy", data=form, content_type="multipart/form-data", headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def upload(client, headers, *, bucket="users", bucket_id="u1", path="docs/a.txt", content=b"hello world", **extra):
    """POST /upload/proxy with the short field names; returns the command's `data` (asserts 201)."""
    return proxy_upload(client, headers, {"bucket": bucket, "id": bucket_id, "path": path}, content, **extra)["data"]


def download(client, headers, **address):
    """GET /download/proxy; asserts 200 and returns the bytes."""
    response = client.get("/download/proxy", query_string=address, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.data


def metadata(client, headers, expect=200, **address):
    """GET /metadata; asserts the status and returns the JSON body."""
    response = client.get("/metadata", query_string=address, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


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


def object_exists(app, key, bucket_type="users") -> bool:
    """Whether the store holds `key` in the physical bucket of `bucket_type`."""
    from app.services.common import physical_bucket, store
    from app.storage.base import ObjectNotFound

    with app.app_context():
        try:
            store().stat(physical_bucket(bucket_type), key)
        except ObjectNotFound:
            return False
        return True


def remove_object(app, key, bucket_type="users"):
    """Delete `key` from the store behind the service's back."""
    from app.services.common import physical_bucket, store

    with app.app_context():
        store().delete(physical_bucket(bucket_type), key)


def error(response, status, code):
    """Assert the contract's error body (status "error", the code as `message`, a non-empty `detail` text) and
    return it."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    body = response.get_json()
    assert body["status"] == "error" and body["message"] == code, body
    assert isinstance(body["detail"], str) and body["detail"], body
    return body
