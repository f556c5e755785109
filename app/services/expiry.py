"""Expiring files: the moment a request asks for, the condition that hides expired files, and their deletion.

A file past its `expires_at` is gone at once for every request (lookups and listings add `unexpired()`); the worker
(and `flask storage gc`) then deletes it physically: metadata, versions and objects, with an audit row and a
`file.expired` event. A new upload to the address of an expired file that the worker has not reached yet expires
it on the spot (`expire_at`), so the address is free as soon as the file is gone.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa

from app.errors import InvalidExpiry
from app.extensions import db
from app.models import File, UTCDateTime
from app.schemas.address import Address
from app.schemas.requests import FileExpiry
from app.services import audit, quotas
from app.services.common import drain_deletions, now, purge, setting

BATCH = 200  # expired files one worker pass deletes (the rest wait for the next pass)

# The moment "now" as a bound value: statements built once (common._lookup) bind it per execution.
NOW = sa.bindparam("now", type_=UTCDateTime())


def unexpired(moment=NOW) -> sa.ColumnElement[bool]:
    """True for files without an expiry or whose expiry is still ahead."""
    return sa.or_(File.expires_at.is_(None), File.expires_at > moment)


def deadline(requested: FileExpiry) -> datetime | None:
    """The moment a requested expiry names (None: never), at most MAX_FILE_TTL seconds ahead. Raises InvalidExpiry."""
    longest = setting("MAX_FILE_TTL")
    if requested.seconds is not None:
        if not 1 <= requested.seconds <= longest:
            raise InvalidExpiry(f"expires_in must be between 1 and {longest} seconds.")
        return now() + timedelta(seconds=requested.seconds)
    if requested.at is not None and not now() < requested.at <= now() + timedelta(seconds=longest):
        raise InvalidExpiry(f"expires_at must be in the future, at most {longest} seconds ahead.")
    return requested.at


def _expire(files: list[File]) -> list[tuple[str, str]]:
    """Delete expired files physically (audited: `file.expired`); the (bucket, key) pairs queued. No commit."""
    pairs = []
    for file in quotas.in_lock_order(files):  # usage rows locked in one order (app/services/quotas.py)
        audit.record(None, "expire", file=file, expires_at=file.expires_at.isoformat())
        pairs += purge(file, "file expired")
    return pairs


def expire_at(address: Address) -> None:
    """Expire the file past its expiry that still holds the address, if any, in the caller's transaction."""
    expired = db.session.scalars(
        sa.select(File)
        .where(
            File.bucket_type == address.bucket,
            File.bucket_id == address.bucket_id,
            File.logical_path == address.path,
            File.is_deleted.is_(False),
            File.expires_at <= now(),
        )
        .with_for_update(of=File)
    ).all()
    _expire(list(expired))


def expire_due() -> int:
    """Delete up to BATCH files past their expiry (ix_files_expiry), then their objects; how many files. Several
    workers share the work: each skips the files another has locked."""
    due = db.session.scalars(
        sa.select(File)
        .where(File.expires_at <= now())
        .order_by(File.expires_at)
        .limit(BATCH)
        .with_for_update(skip_locked=True, of=File)
    ).all()
    pairs = _expire(list(due))
    db.session.commit()
    drain_deletions(pairs)
    return len(due)
