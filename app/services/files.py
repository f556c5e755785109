"""Files: listing a folder, reading and updating metadata, logical and physical deletion."""

from __future__ import annotations

import math

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditLog, File, FileLock, FileStatus, FileVersion
from app.schemas.address import FileRef
from app.schemas.requests import DeleteCommand, ListQuery, MetadataQuery
from app.services import audit
from app.services.common import (
    address_target,
    attach_locks,
    drain_deletions,
    ensure_unlocked,
    load_authorized,
    now,
    physical_bucket,
    policy,
    queue_deletion,
)
from app.services.context import Caller

AUDIT_ROWS_SHOWN = 100


def _position_of_slash(text):
    """1-based position of the first `/` in a SQL string expression (0 when absent), on PostgreSQL and SQLite."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.strpos(text, "/")
    return sa.func.instr(text, "/")


def list_files(caller: Caller, query: ListQuery) -> dict:
    """A page of the files under a folder, ordered by path, with their active locks.

    `recursive=false` gives the direct children and the names of the sub-folders. One authorization decision
    (`read` on the bucket address). Raises the 400s of §1, AccessDenied, ProjectServiceUnavailable.
    """
    address = query.folder
    policy().require(caller.principal, address_target(address), "read")
    prefix = f"{address.path}/" if address.path else ""
    conditions = [File.bucket_type == address.bucket, File.bucket_id == address.bucket_id]
    if prefix:
        # substr, not LIKE: `%` and `_` in a folder name are literal and the comparison is case-sensitive everywhere
        conditions.append(sa.func.substr(File.logical_path, 1, len(prefix)) == prefix)
    if not query.include_deleted:
        conditions.append(File.is_deleted.is_(False))
    if query.status:
        conditions.append(File.status == query.status)
    if query.category:
        conditions.append(File.current_version.has(FileVersion.category == query.category))
    rest = sa.func.substr(File.logical_path, len(prefix) + 1)
    shown = conditions if query.recursive else [*conditions, rest.not_like("%/%")]
    limit = query.limit
    total = db.session.scalar(sa.select(sa.func.count()).select_from(File).where(*shown))
    files = list(
        db.session.scalars(
            sa.select(File).where(*shown).order_by(File.logical_path, File.id).offset(query.offset).limit(limit)
        )
    )
    attach_locks(files)
    result = {
        "files": files,
        "pagination": {
            "page": query.page,
            "limit": limit,
            "total_items": total,
            "total_pages": math.ceil(total / limit),
        },
    }
    if not query.recursive:
        result["folders"] = _folders(conditions, rest)
    return result


def _folders(conditions: list, rest) -> list[str]:
    """Distinct names of the next path segment of the deeper files matching the same filters."""
    name = sa.func.substr(rest, 1, _position_of_slash(rest) - 1)
    query = sa.select(name).where(*conditions, rest.like("%/%")).distinct()
    return sorted(db.session.scalars(query))  # code-point order whatever the database's collation


def get_metadata(caller: Caller, query: MetadataQuery) -> dict:
    """The live file, its current version and optionally versions, lock history and audit rows.

    Raises the 400s of §1, AccessDenied, FileNotFound (also for a logically deleted file).
    """
    file = load_authorized(caller, query.ref, "read")
    attach_locks([file])
    result = {"file": file, "current_version": file.current_version}
    if query.include_versions:
        result["versions"] = list(
            db.session.scalars(
                sa.select(FileVersion).where(FileVersion.file_id == file.id).order_by(FileVersion.version_number.desc())
            )
        )
    if query.include_locks:
        result["locks"] = list(
            db.session.scalars(
                sa.select(FileLock).where(FileLock.file_id == file.id).order_by(FileLock.created_at.desc())
            )
        )
    if query.include_audit:
        result["audit_logs"] = list(
            db.session.scalars(
                sa.select(AuditLog)
                .where(AuditLog.file_id == file.id)
                .order_by(AuditLog.created_at.desc())
                .limit(AUDIT_ROWS_SHOWN)
            )
        )
    return result


def update_metadata(caller: Caller, ref: FileRef, updated: dict) -> dict:
    """Replace the tags and/or set the description. Raises AccessDenied, FileNotFound, FileLocked."""
    file = load_authorized(caller, ref, "write", for_update=True)
    ensure_unlocked(file, caller)
    for name, value in updated.items():
        setattr(file, name, value)
    file.updated_at = now()
    audit.record(caller, "metadata_update", file=file, updated_fields=sorted(updated))
    db.session.commit()
    return {"file_id": file.id, "updated_fields": updated}


def delete_file(caller: Caller, command: DeleteCommand) -> dict:
    """Archive the file (logical), or remove its metadata and, after the commit, every version's object (physical).

    A physical delete by `file_id` also purges an already archived file. Objects that cannot be removed now stay
    queued for `flask storage gc`. Raises the 400s of §1, AccessDenied, FileNotFound, FileLocked.
    """
    ref, physical = command.ref, command.physical
    file = load_authorized(caller, ref, "delete", include_deleted=physical and ref.file_id is not None, for_update=True)
    ensure_unlocked(file, caller)
    file_id = file.id
    audit.record(caller, "delete", file=file, physical=physical, was_deleted=file.is_deleted or None)
    if not physical:
        file.is_deleted, file.status = True, FileStatus.archived
        file.deleted_at, file.deleted_by, file.updated_at = now(), caller.user_id, now()
        db.session.execute(  # the caller's own lease ends with the file
            sa.update(FileLock)
            .where(FileLock.file_id == file_id, FileLock.released_at.is_(None))
            .values(released_at=now(), released_by=caller.user_id, release_reason="file deleted")
        )
        db.session.commit()
        return {"file_id": file_id, "logical_delete": True, "physical_delete": False}
    bucket = physical_bucket(file.bucket_type)
    keys = list(db.session.scalars(sa.select(FileVersion.object_key).where(FileVersion.file_id == file_id)))
    for key in keys:
        queue_deletion(bucket, key, "file deleted")
    db.session.expunge(file)
    db.session.execute(sa.delete(File).where(File.id == file_id))  # versions and locks go by ON DELETE CASCADE
    db.session.commit()
    drain_deletions((bucket, key) for key in keys)
    return {"file_id": file_id, "logical_delete": True, "physical_delete": True}
