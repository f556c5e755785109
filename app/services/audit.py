"""Audit rows, written in the same transaction as the change they describe."""

from __future__ import annotations

import logging
import uuid

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog
from app.services import events
from app.services.context import Caller

log = logging.getLogger(__name__)


def record(
    caller: Caller | None,
    action: str,
    *,
    file=None,
    version=None,
    bucket: str | None = None,
    bucket_id: str | None = None,
    path: str | None = None,
    outcome: str = "success",
    **details,
) -> AuditLog:
    """Add an audit row, and the event the change makes (if any), to the current session (the caller's transaction
    commits both, or rolls both back)."""
    if file is not None:
        bucket, bucket_id, path = str(file.bucket_type), file.bucket_id, file.logical_path
    row = AuditLog(
        **_values(
            caller,
            action,
            outcome,
            file_id=file.id if file is not None else None,
            version_id=version.id if version is not None else None,
            address=(bucket, bucket_id, path),
            details=details,
        )
    )
    db.session.add(row)
    events.write(row)
    return row


def _values(caller: Caller | None, action: str, outcome: str, *, file_id, version_id, address, details) -> dict:
    """An audit row's columns."""
    return {
        "id": uuid.uuid4(),
        "user_id": caller.user_id if caller else None,
        "action": action,
        "outcome": outcome,
        "file_id": file_id,
        "version_id": version_id,
        "bucket_type": address[0],
        "bucket_id": address[1],
        "logical_path": address[2],
        "request_id": caller.request_id if caller else None,
        "client_ip": caller.client_ip if caller else None,
        "details": {k: v for k, v in details.items() if v is not None},
    }


def commit_read(caller: Caller, action: str, *, file_id, version_id, address: tuple, **details) -> None:
    """Record a read that changes nothing (a download, a presigned download URL: they make no event) and commit.

    One INSERT of the row's values rather than an ORM object's unit of work (about a fifth of a presigned
    download's time), committed without waiting for the WAL flush. `address`: (bucket type, bucket id, path)."""
    _without_flush_wait()
    ids = {"file_id": file_id, "version_id": version_id}
    db.session.execute(
        AuditLog.__table__.insert(), _values(caller, action, "success", **ids, address=address, details=details)
    )
    db.session.commit()


def _without_flush_wait() -> None:
    """This transaction records only that something was read or refused, never a change: its commit need not wait
    for the WAL flush (PostgreSQL). A crash may lose the last few hundred milliseconds of such rows, never a change;
    every download stops paying a disk flush."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL synchronous_commit = off"))


def record_denied(caller: Caller, action: str, target, reason: str) -> None:
    """Record a refused request in its own transaction (the request itself changes nothing)."""
    try:
        db.session.rollback()
        _without_flush_wait()  # under a flood of refusals this halves their cost
        record(
            caller,
            action,
            bucket=target.bucket,
            bucket_id=target.bucket_id,
            path=target.path,
            outcome="denied",
            reason=reason,
            target_file_id=target.file_id,
        )
        db.session.commit()
    except Exception:  # the refusal must reach the client even when the audit cannot be written
        db.session.rollback()
        log.exception("could not record denied request")
