"""Trash: logically deleted files, listed (GET /trash), brought back (POST /restore) or purged by the worker.

A logical delete (DELETE /delete) archives a file: it leaves the listings and its address is free for a new file, but
its versions and bytes stay (and still count against the bucket's quota). Several deleted files may therefore share
one address; restoring one needs that address free: the unique index of live addresses decides, also between two
concurrent restores (the second gets 409 file_exists). After TRASH_RETENTION_DAYS the worker purges it through the
same path as a physical delete (audited, `file.deleted` event, objects removed after the commit).
"""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.errors import FileExists, InvalidState
from app.extensions import db
from app.models import File
from app.schemas.address import FileRef
from app.schemas.requests import TrashQuery
from app.services import audit, expiry, quotas
from app.services.common import (
    address_of,
    address_target,
    drain_deletions,
    load_authorized,
    now,
    policy,
    purge,
    setting,
)
from app.services.context import Caller
from app.services.files import _subtree, ordered_path
from app.services.versions import settle_status

PURGE_BATCH = 200  # files one worker pass purges (the rest wait for the next pass)


def _purge_at(file: File):
    """When the worker purges this deleted file (None: never, TRASH_RETENTION_DAYS is 0)."""
    days = setting("TRASH_RETENTION_DAYS")
    return file.deleted_at + timedelta(days=days) if days > 0 and file.deleted_at is not None else None


def list_trash(caller: Caller, query: TrashQuery) -> dict:
    """GET /trash: the deleted files under a folder, most recently deleted first, paged by limit/offset.

    Needs `delete` on the bucket address (who may delete may see and undo deletions). Raises AccessDenied.
    """
    folder = query.folder
    policy().require(caller.principal, address_target(folder), "delete")
    prefix = f"{folder.path}/" if folder.path else ""
    shown = [
        File.bucket_type == folder.bucket,
        File.bucket_id == folder.bucket_id,
        File.is_deleted.is_(True),
        expiry.unexpired(now()),  # an expired file is gone, from the trash too
        *_subtree(prefix),
    ]
    total = db.session.scalar(sa.select(sa.func.count()).select_from(File).where(*shown))
    files = db.session.scalars(
        sa.select(File)
        .where(*shown)
        .order_by(File.deleted_at.desc(), ordered_path, File.id)
        .limit(query.limit)
        .offset(query.offset)
    ).all()
    for file in files:
        file.purge_at = _purge_at(file)  # shown, never stored
    pagination = {"limit": query.limit, "offset": query.offset, "total_items": total}
    return {"files": files, "pagination": pagination, "retention_days": setting("TRASH_RETENTION_DAYS")}


def restore_file(caller: Caller, file_id: uuid.UUID) -> dict:
    """POST /restore: a logically deleted file is live again at its address, with its versions and status.

    Raises FileNotFound (unknown, or not readable by the caller), AccessDenied (`delete` refused), InvalidState (not
    in the trash), FileExists (a live file holds the address: decided by the unique index, so of two concurrent
    restores to one address one wins).
    """
    file = load_authorized(caller, FileRef(file_id=file_id), "delete", include_deleted=True, for_update=True)
    if not file.is_deleted:
        raise InvalidState("The file is not in the trash.")
    deleted_at = file.deleted_at
    expiry.expire_at(address_of(file))  # gone already: steps aside
    file.is_deleted, file.deleted_at, file.deleted_by = False, None, None
    try:
        db.session.flush()  # the live-address index decides here
    except IntegrityError:
        db.session.rollback()
        raise FileExists(
            "A live file already holds this address: move or delete it first.", file_id=str(file_id)
        ) from None
    settle_status(file)
    audit.record(caller, "restore", file=file, deleted_at=deleted_at.isoformat() if deleted_at else None)
    db.session.commit()
    return {"file_id": file.id, "logical_path": file.logical_path, "status": str(file.status)}


def purge_old_trash() -> int:
    """The worker's step: purge up to PURGE_BATCH files deleted more than TRASH_RETENTION_DAYS ago (ix_files_trash),
    then remove their objects; how many files. Several workers share the work (SKIP LOCKED)."""
    days = setting("TRASH_RETENTION_DAYS")
    if days <= 0:
        return 0
    due = db.session.scalars(
        sa.select(File)
        .where(File.is_deleted.is_(True), File.deleted_at < now() - timedelta(days=days))
        .order_by(File.deleted_at)
        .limit(PURGE_BATCH)
        .with_for_update(of=File, skip_locked=True)  # not the joined current version (the nullable side)
    ).all()
    pairs: list[tuple[str, str]] = []
    for file in quotas.in_lock_order(due):
        audit.record(None, "trash_purge", file=file, deleted_at=file.deleted_at.isoformat(), deleted_by=file.deleted_by)
        pairs += purge(file, "trash retention")
    db.session.commit()
    drain_deletions(pairs)
    return len(due)
