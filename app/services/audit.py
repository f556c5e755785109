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
    row = AuditLog(
        id=uuid.uuid4(),
        user_id=caller.user_id if caller else None,
        action=action,
        outcome=outcome,
        file_id=file.id if file is not None else None,
        version_id=version.id if version is not None else None,
        bucket_type=str(file.bucket_type) if file is not None else bucket,
        bucket_id=file.bucket_id if file is not None else bucket_id,
        logical_path=file.logical_path if file is not None else path,
        request_id=caller.request_id if caller else None,
        client_ip=caller.client_ip if caller else None,
        details={k: v for k, v in details.items() if v is not None},
    )
    db.session.add(row)
    events.write(row)
    return row


def commit_read() -> None:
    """Commit the audit row of a read (a download, a presigned download URL) that changed nothing else."""
    _without_flush_wait()
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
