"""Check-out copies, versions, commit with conflict detection, approve / reject."""

from __future__ import annotations

import uuid
from collections.abc import Mapping

import sqlalchemy as sa

from app.errors import AccessDenied, FileExists, InvalidState, VersionConflict, VersionNotFound
from app.extensions import db
from app.models import File, FileStatus, FileVersion, VersionStatus
from app.schemas.address import parse_address
from app.services import audit
from app.services.common import (
    FileRef,
    active_lock,
    address_target,
    ensure_unlocked,
    find_file,
    load_authorized,
    new_object_key,
    now,
    parse_file_ref,
    physical_bucket,
    policy,
    setting,
    store,
    target_of,
)
from app.services.context import Caller
from app.services.locks import acquire, release
from app.services.uploads import next_version_number, record_version


def _current_version(file: File) -> FileVersion:
    if file.current_version is None:
        raise InvalidState("The file has no current version.")
    return file.current_version


def _copy_object(version: FileVersion, source: File, bucket_type: str, bucket_id: str) -> tuple[str, str]:
    """Server-side copy of a version's bytes to a fresh key; returns (bucket, key)."""
    bucket, key = physical_bucket(bucket_type), new_object_key(bucket_id)
    store().copy(physical_bucket(source.bucket_type), version.object_key, bucket, key)
    return bucket, key


def copy_file(caller: Caller, data: Mapping) -> dict:
    """POST /copy: copy the source's current version to the target, locking the source in the same transaction.

    Raises FileNotFound, AccessDenied, FileLocked (source held by another), FileExists (target, unless overwrite).
    """
    source_ref = parse_file_ref(data, prefix="source_", id_field="source_file_id")
    target = parse_address(data, prefix="target_")
    lock_source = data.get("lock_source", True)
    source = load_authorized(caller, source_ref, "lock" if lock_source else "read", for_update=True)
    policy().require(caller.principal, address_target(target), "write")
    version = _current_version(source)
    existing = find_file(FileRef(address=target))
    if existing is not None and not data.get("overwrite", False):
        raise FileExists(f"A file already exists at {target.path}.")
    lock = None
    if lock_source:
        lock = acquire(source, caller, ttl=setting("LOCK_DEFAULT_TTL"))
        audit.record(
            caller, "lock", file=source, lock_id=str(lock.id), expires_at=lock.expires_at.isoformat(), via="copy"
        )
    else:
        ensure_unlocked(source, caller)
    bucket, key = _copy_object(version, source, target.bucket, target.bucket_id)
    try:
        file, new_version = record_version(
            caller,
            target,
            object_key=key,
            size=version.size,
            checksum=version.checksum_sha256,
            mime_type=version.mime_type,
            base_version_number=version.version_number,
        )
        file.source_file_id, file.base_version_number = source.id, version.version_number
        file.tags = dict(source.tags or {})
        audit.record(
            caller,
            "copy",
            file=file,
            version=new_version,
            source_file_id=str(source.id),
            base_version_number=version.version_number,
            lock_id=str(lock.id) if lock else None,
        )
        db.session.commit()
    except BaseException:
        db.session.rollback()
        store().delete(bucket, key)
        raise
    return {
        "file_id": file.id,
        "source_file_id": source.id,
        "destination_path": file.logical_path,
        "lock_id": lock.id if lock else None,
        "lock_expires_at": lock.expires_at if lock else None,
        "base_version_number": version.version_number,
    }


def list_versions(caller: Caller, data: Mapping) -> dict:
    """GET /versions: newest first, filtered by status, paged by limit/offset."""
    file = load_authorized(caller, parse_file_ref(data), "read")
    query = sa.select(FileVersion).where(FileVersion.file_id == file.id)
    if data.get("status"):
        query = query.where(FileVersion.status == data["status"])
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    versions = db.session.scalars(
        query.order_by(FileVersion.version_number.desc()).limit(data["limit"]).offset(data["offset"])
    ).all()
    return {"file_id": file.id, "versions": versions, "total_count": total}


def commit_version(caller: Caller, data: Mapping) -> dict:
    """POST /versions/commit: the working copy's bytes become a pending version of the target.

    The base must still be the target's newest version, decided by one conditional UPDATE, so of concurrent
    commits on one base exactly one wins. Raises FileLocked, VersionConflict, FileNotFound, AccessDenied.
    """
    working = load_authorized(caller, parse_file_ref(data, prefix="source_", id_field="source_file_id"), "read")
    target_ref = parse_file_ref(data, prefix="target_", id_field="file_id")
    target = load_authorized(caller, target_ref, "write", for_update=True)  # serializes with lock takers
    base = data.get("base_version")
    if base is None:
        base = working.base_version_number if working.base_version_number is not None else target.latest_version_number
    ensure_unlocked(target, caller)  # a lease broken and re-taken by someone else stops this commit
    number = next_version_number(target, base=base)
    if number is None:
        db.session.rollback()
        current = db.session.get(File, target.id).latest_version_number
        raise VersionConflict(
            f"The base version {base} is not the newest; the file is at version {current}.",
            current_version_number=current,
            base_version=base,
        )
    source_version = _current_version(working)
    bucket, key = _copy_object(source_version, working, target.bucket_type, target.bucket_id)
    try:
        version = FileVersion(
            id=uuid.uuid4(),
            file_id=target.id,
            version_number=number,
            object_key=key,
            size=source_version.size,
            mime_type=source_version.mime_type,
            category=source_version.category,
            checksum_sha256=source_version.checksum_sha256,
            status=VersionStatus.pending_validation,
            changelog=data.get("message") or data.get("changelog"),
            base_version_number=base,
            created_by=caller.user_id,
            created_at=now(),
        )
        db.session.add(version)
        if target.status != FileStatus.pending_validation:
            target.status_before_pending = target.status
        target.status, target.updated_at = FileStatus.pending_validation, now()
        lock = active_lock(target.id)
        if lock is not None and lock.locked_by == caller.user_id and not data.get("keep_lock", False):
            release(lock, caller, forced=False, reason="committed")
        audit.record(caller, "commit", file=target, version=version, base_version=base, working_file_id=str(working.id))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        store().delete(bucket, key)
        raise
    return {"version_id": version.id, "version_number": number, "status": str(version.status), "file_id": target.id}


def decide_version(caller: Caller, version_id: uuid.UUID, *, approve: bool, comment: str | None) -> dict:
    """Approve or reject a pending version by one conditional UPDATE: of concurrent decisions exactly one wins.

    Raises VersionNotFound, AccessDenied (including an author validating their own version outside their own
    users bucket), InvalidState (not pending).
    """
    version = db.session.get(FileVersion, version_id)
    if version is None:
        raise VersionNotFound()
    file = version.file
    policy().require(caller.principal, target_of(file), "validate")
    own_space = str(file.bucket_type) == "users" and file.bucket_id == caller.user_id
    if version.created_by == caller.user_id and not own_space:
        raise AccessDenied("The author of a version may not validate it.")
    status = VersionStatus.validated if approve else VersionStatus.rejected
    decided = db.session.execute(
        sa.update(FileVersion)
        .where(FileVersion.id == version.id, FileVersion.status == VersionStatus.pending_validation)
        .values(status=status, validated_by=caller.user_id, validated_at=now(), validation_comment=comment)
    )
    if decided.rowcount != 1:
        db.session.rollback()
        raise InvalidState(f"Only a pending_validation version can be {'approved' if approve else 'rejected'}.")
    db.session.refresh(version)
    if approve:
        file.current_version = version
        file.status, file.status_before_pending = FileStatus.validated, None
    elif not _has_pending(file, version):
        file.status = file.status_before_pending or FileStatus.draft
        file.status_before_pending = None
    file.updated_at = now()
    audit.record(caller, "approve" if approve else "reject", file=file, version=version, comment=comment)
    db.session.commit()
    data = {"version_id": version.id, "status": str(status), "file_id": file.id}
    return {**data, "is_current": True} if approve else {**data, "rejection_reason": comment}


def _has_pending(file: File, decided: FileVersion) -> bool:
    return (
        db.session.scalar(
            sa.select(sa.func.count()).where(
                FileVersion.file_id == file.id,
                FileVersion.id != decided.id,
                FileVersion.status == VersionStatus.pending_validation,
            )
        )
        > 0
    )
