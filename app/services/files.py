"""Files: listing a folder, reading and updating metadata, logical and physical deletion."""

from __future__ import annotations

import math
from collections.abc import Mapping

import sqlalchemy as sa

from app.errors import ValidationError
from app.extensions import db
from app.models import AuditLog, File, FileLock, FileStatus, FileVersion
from app.schemas.address import parse_address
from app.services import audit
from app.services.common import (
    address_target,
    attach_locks,
    drain_deletions,
    ensure_unlocked,
    load_authorized,
    now,
    parse_file_ref,
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


def list_files(caller: Caller, data: Mapping) -> dict:
    """A page of the files under a folder, ordered by path, with their active locks.

    `recursive=false` gives the direct children and the names of the sub-folders. One authorization decision
    (`read` on the bucket address). Raises the 400s of §1, AccessDenied, ProjectServiceUnavailable.
    """
    address = parse_address(data, folder=True)
    policy().require(caller.principal, address_target(address), "read")
    prefix = f"{address.path}/" if address.path else ""
    conditions = [File.bucket_type == address.bucket, File.bucket_id == address.bucket_id]
    if prefix:
        # substr, not LIKE: `%` and `_` in a folder name are literal and the comparison is case-sensitive everywhere
        conditions.append(sa.func.substr(File.logical_path, 1, len(prefix)) == prefix)
    if not data.get("include_deleted"):
        conditions.append(File.is_deleted.is_(False))
    if data.get("status"):
        conditions.append(File.status == data["status"])
    if data.get("category"):
        conditions.append(File.current_version.has(FileVersion.category == data["category"]))
    rest = sa.func.substr(File.logical_path, len(prefix) + 1)
    recursive = data.get("recursive", True)
    shown = conditions if recursive else [*conditions, rest.not_like("%/%")]
    page, limit = data.get("page", 1), data.get("limit", 50)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(File).where(*shown))
    files = list(
        db.session.scalars(
            sa.select(File).where(*shown).order_by(File.logical_path, File.id).offset((page - 1) * limit).limit(limit)
        )
    )
    attach_locks(files)
    result = {
        "files": files,
        "pagination": {"page": page, "limit": limit, "total_items": total, "total_pages": math.ceil(total / limit)},
    }
    if not recursive:
        result["folders"] = _folders(conditions, rest)
    return result


def _folders(conditions: list, rest) -> list[str]:
    """Distinct names of the next path segment of the deeper files matching the same filters."""
    name = sa.func.substr(rest, 1, _position_of_slash(rest) - 1)
    query = sa.select(name).where(*conditions, rest.like("%/%")).distinct()
    return sorted(db.session.scalars(query))  # code-point order whatever the database's collation


def get_metadata(caller: Caller, data: Mapping) -> dict:
    """The live file, its current version and optionally versions, lock history and audit rows.

    Raises the 400s of §1, AccessDenied, FileNotFound (also for a logically deleted file).
    """
    file = load_authorized(caller, parse_file_ref(data), "read")
    attach_locks([file])
    result = {"file": file, "current_version": file.current_version}
    if data.get("include_versions"):
        result["versions"] = list(
            db.session.scalars(
                sa.select(FileVersion).where(FileVersion.file_id == file.id).order_by(FileVersion.version_number.desc())
            )
        )
    if data.get("include_locks"):
        result["locks"] = list(
            db.session.scalars(
                sa.select(FileLock).where(FileLock.file_id == file.id).order_by(FileLock.created_at.desc())
            )
        )
    if data.get("include_audit"):
        result["audit_logs"] = list(
            db.session.scalars(
                sa.select(AuditLog)
                .where(AuditLog.file_id == file.id)
                .order_by(AuditLog.created_at.desc())
                .limit(AUDIT_ROWS_SHOWN)
            )
        )
    return result


def update_metadata(caller: Caller, ref_data: Mapping, changes: Mapping) -> dict:
    """Replace the tags and/or set the description. Raises the 400s of §1, ValidationError (nothing to update),
    AccessDenied, FileNotFound, FileLocked."""
    ref = parse_file_ref(ref_data)
    updated = {name: changes[name] for name in ("tags", "description") if name in changes}
    if not updated:
        raise ValidationError(
            "Nothing to update: give tags and/or description.", errors={"_schema": ["Give tags and/or description."]}
        )
    file = load_authorized(caller, ref, "write", for_update=True)
    ensure_unlocked(file, caller)
    for name, value in updated.items():
        setattr(file, name, value)
    file.updated_at = now()
    audit.record(caller, "metadata_update", file=file, updated_fields=sorted(updated))
    db.session.commit()
    return {"file_id": file.id, "updated_fields": updated}


def delete_file(caller: Caller, data: Mapping) -> dict:
    """Archive the file (logical), or remove its metadata and, after the commit, every version's object (physical).

    A physical delete by `file_id` also purges an already archived file. Objects that cannot be removed now stay
    queued for `flask storage gc`. Raises the 400s of §1, AccessDenied, FileNotFound, FileLocked.
    """
    ref = parse_file_ref(data)
    physical = bool(data.get("physical"))
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
