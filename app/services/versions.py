"""Versions: writing a new version (the one place), copies, commits with conflict detection, approve / reject.

The state machine (docs/versions.md): a version is `draft` (upload, confirm, copy: it becomes current at once) or
`pending_validation` (commit); only a pending version of a live file can be decided, once: `validated` (it becomes
current, unless a newer version that is not rejected or corrupted exists: 409 version_conflict) or `rejected`. Any
version whose object is found missing becomes `corrupted`. A file's status is derived from its versions by
`settle_status`, never carried over from an earlier state.

No transaction stays open while bytes move: the checks run and end their transaction, the store copies the bytes to
a fresh key, then one transaction re-checks what matters and records the version (`fresh_object` removes the object
when that transaction does not commit).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.errors import (
    AccessDenied,
    FileExists,
    FileNotFound,
    InvalidState,
    ObjectMissing,
    VersionConflict,
    VersionNotFound,
)
from app.extensions import db
from app.models import File, FileStatus, FileVersion, VersionStatus
from app.schemas.address import Address, FileRef
from app.schemas.requests import CommitCommand, CopyCommand, RestoreVersionCommand, VersionsQuery
from app.services import audit, content_types, expiry, quotas
from app.services.common import (
    active_lock,
    address_target,
    ensure_unlocked,
    find_file,
    load_authorized,
    new_object_key,
    now,
    physical_bucket,
    policy,
    queue_deletion,
    setting,
    store,
    target_of,
)
from app.services.context import Caller
from app.services.locks import acquire, release
from app.storage.base import ObjectNotFound, StorageError

log = logging.getLogger(__name__)
LIVE_STATUSES = (VersionStatus.draft, VersionStatus.pending_validation, VersionStatus.validated)


# ------------------------------------------------------------------------------------------ writing a new version


@contextmanager
def fresh_object(bucket: str, key: str) -> Iterator[None]:
    """Bytes already stored under a fresh key: the block records their metadata and commits, else they are removed.

    When the object cannot be removed now it is queued for `flask storage gc` (and reconcile finds it otherwise).
    """
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        discard_object(bucket, key, "version not recorded")
        raise


def discard_object(bucket: str, key: str, reason: str) -> None:
    """Remove an object no row references; queue it when the store refuses."""
    try:
        store().delete(bucket, key)
        return
    except StorageError as exc:
        log.warning("could not delete %s/%s now (%s): queued", bucket, key, exc)
    try:
        queue_deletion(bucket, key, reason)
        db.session.commit()
    except Exception:  # the database may be the reason we are here; reconcile reports the orphan
        db.session.rollback()
        log.exception("could not queue %s/%s for deletion", bucket, key)


@dataclass(frozen=True)
class StoredObject:
    """A version's bytes as plain values: what the new version row records."""

    key: str
    size: int
    checksum: str
    mime_type: str


def record_version(
    caller: Caller,
    address: Address,
    stored: StoredObject,
    *,
    base_version_number: int | None = None,
    description: str | None = None,
    tags: dict | None = None,
    expires_at: datetime | None = None,
) -> tuple[File, FileVersion]:
    """Add a draft version at the address (creating the file when it is new), current at once; raises FileLocked,
    QuotaExceeded (the bucket's usage is charged in the same transaction). `expires_at` sets the file's expiry
    (None keeps it).

    Does not commit: run it inside `fresh_object`.
    """
    file = find_file(FileRef(address=address), for_update=True)
    created = file is None
    if file is None:
        file, created = _new_file(caller, address)
    ensure_unlocked(file, caller)
    version = _new_version(file, caller, next_version_number(file), stored, VersionStatus.draft, new_file=created)
    version.base_version_number = base_version_number
    db.session.flush()
    file.current_version = version
    if description is not None:
        file.description = description
    if tags is not None:
        file.tags = tags
    if expires_at is not None:
        if not created:  # an expiry deletes the file: on an existing one it takes the right to delete it
            policy().require(caller.principal, target_of(file), "delete")
        file.expires_at = expires_at
    settle_status(file)
    return file, version


def _new_file(caller: Caller, address: Address) -> tuple[File, bool]:
    """A new file at the address (and True), or the live one another request created first (and False). A file past
    its expiry that still holds the address (the worker has not deleted it yet) is expired now to make room."""
    made_room = False
    while True:
        file = File(
            id=uuid.uuid4(),
            bucket_type=address.bucket,
            bucket_id=address.bucket_id,
            logical_path=address.path,
            filename=address.filename,
            owner_id=caller.user_id,
            status=FileStatus.draft,
            tags={},
        )
        try:
            with db.session.begin_nested():
                db.session.add(file)
            return file, True
        except IntegrityError:  # another request created it first: add to theirs
            found = find_file(FileRef(address=address), for_update=True)
            if found is not None:
                return found, False
            if made_room:  # only when files keep appearing and expiring at the address
                raise FileExists("The address is being taken by another upload; try again.")
            expiry.expire_at(address)
            made_room = True


def _new_version(
    file: File, caller: Caller, number: int, stored: StoredObject, status: VersionStatus, *, new_file: bool = False
) -> FileVersion:
    """The version row, its bytes (and its file when new) counted against the bucket's quota (QuotaExceeded)."""
    quotas.charge(file.bucket_type, file.bucket_id, size=stored.size, new_file=new_file)
    version = FileVersion(
        id=uuid.uuid4(),
        file_id=file.id,
        version_number=number,
        object_key=stored.key,
        size=stored.size,
        mime_type=stored.mime_type,
        category=content_types.category(stored.mime_type),
        checksum_sha256=stored.checksum,
        status=status,
        created_by=caller.user_id,
        created_at=now(),
    )
    db.session.add(version)
    return version


def next_version_number(file: File, *, base: int | None = None) -> int | None:
    """Advance the file's newest version number by one statement; with `base`, only if it is still the newest."""
    statement = sa.update(File).where(File.id == file.id)
    if base is not None:
        statement = statement.where(File.latest_version_number == base)
    statement = statement.values(latest_version_number=File.latest_version_number + 1)
    number = db.session.execute(statement.returning(File.latest_version_number)).scalar()
    if number is not None:
        db.session.expire(file, ["latest_version_number"])
    return number


def settle_status(file: File) -> None:
    """Derive the file's status from its versions: archived, pending_validation, validated or draft. No commit."""
    if file.is_deleted:
        file.status = FileStatus.archived
    elif _count(file.id, FileVersion.status == VersionStatus.pending_validation):
        file.status = FileStatus.pending_validation
    elif file.current_version is not None and file.current_version.status == VersionStatus.validated:
        file.status = FileStatus.validated
    else:
        file.status = FileStatus.draft
    file.status_before_pending = None
    file.updated_at = now()


def _count(file_id: uuid.UUID, *conditions) -> int:
    db.session.flush()
    return db.session.scalar(sa.select(sa.func.count()).where(FileVersion.file_id == file_id, *conditions))


def mark_corrupted(version_id: uuid.UUID, object_key: str) -> None:
    """Flag a version whose object `object_key` is gone, unless the version points elsewhere by now (a move to
    another bucket gave it a new key: the old one going is no corruption). Does not commit."""
    db.session.execute(
        sa.update(FileVersion)
        .where(FileVersion.id == version_id, FileVersion.object_key == object_key)
        .values(status=VersionStatus.corrupted)
    )


# ------------------------------------------------------------------------------------------------ copy and commit


@dataclass(frozen=True)
class _Source:
    """The version whose bytes are copied, captured as plain values before the checks' transaction ends."""

    file_id: uuid.UUID
    version_id: uuid.UUID
    version_number: int
    bucket: str
    stored: StoredObject

    @classmethod
    def of(cls, file: File, version: FileVersion | None = None) -> _Source:
        """The file's current version, or `version` (one of the file's)."""
        version = version or file.current_version
        if version is None:
            raise InvalidState("The file has no current version.")
        stored = StoredObject(version.object_key, version.size, version.checksum_sha256, version.mime_type)
        return cls(file.id, version.id, version.version_number, physical_bucket(file.bucket_type), stored)


def _copy_bytes(source: _Source, bucket_type: str, bucket_id: str) -> tuple[str, StoredObject]:
    """Server-side copy to a fresh key, outside any transaction; ObjectMissing (version marked corrupted) if gone."""
    db.session.rollback()  # end the checks' transaction before the store moves bytes
    bucket, key = physical_bucket(bucket_type), new_object_key(bucket_id)
    try:
        store().copy(source.bucket, source.stored.key, bucket, key)
    except ObjectNotFound:
        mark_corrupted(source.version_id, source.stored.key)
        db.session.commit()
        raise ObjectMissing() from None
    stored = source.stored
    return bucket, StoredObject(key, stored.size, stored.checksum, stored.mime_type)


def _reload_for_update(file_id: uuid.UUID, *, bytes_in: str | None = None) -> File:
    """The live file row, locked for this transaction; FileNotFound when it was deleted meanwhile, VersionConflict
    when it was moved to another physical bucket than `bytes_in`, where its new version's bytes were copied."""
    file = find_file(FileRef(file_id=file_id), for_update=True)
    if file is None:
        raise FileNotFound()
    if bytes_in is not None and physical_bucket(file.bucket_type) != bytes_in:
        raise VersionConflict("The file was moved to another bucket meanwhile; try again.")
    return file


def copy_file(caller: Caller, command: CopyCommand) -> dict:
    """POST /copy: copy the source's current version to the target, locking the source (default).

    Raises FileNotFound, AccessDenied, FileLocked (source held by another), FileExists (target, unless overwrite),
    ObjectMissing, VersionConflict (the source got a new current version while its bytes were copied).
    """
    source = load_authorized(caller, command.source, "lock" if command.lock_source else "read")
    policy().require(caller.principal, address_target(command.target), "write")
    _target_free(command)
    ensure_unlocked(source, caller)
    original = _Source.of(source)
    bucket, stored = _copy_bytes(original, command.target.bucket, command.target.bucket_id)
    with fresh_object(bucket, stored.key):
        source = _reload_for_update(original.file_id)
        if source.current_version_id != original.version_id:
            raise VersionConflict("The source got a new version while it was copied; copy again.")
        _target_free(command)
        lock = None
        if command.lock_source:
            lock = acquire(source, caller, ttl=setting("LOCK_DEFAULT_TTL"))
            audit.record(
                caller, "lock", file=source, lock_id=str(lock.id), expires_at=lock.expires_at.isoformat(), via="copy"
            )
        else:
            ensure_unlocked(source, caller)
        file, version = record_version(
            caller, command.target, stored, base_version_number=original.version_number, tags=dict(source.tags or {})
        )
        file.source_file_id, file.base_version_number = source.id, original.version_number
        audit.record(
            caller,
            "copy",
            file=file,
            version=version,
            source_file_id=str(source.id),
            base_version_number=original.version_number,
            lock_id=str(lock.id) if lock else None,
        )
    return {
        "file_id": file.id,
        "source_file_id": source.id,
        "destination_path": file.logical_path,
        "lock_id": lock.id if lock else None,
        "lock_expires_at": lock.expires_at if lock else None,
        "base_version_number": original.version_number,
    }


def _target_free(command: CopyCommand) -> None:
    if not command.overwrite and find_file(FileRef(address=command.target)) is not None:
        raise FileExists(f"A file already exists at {command.target.path}.")


def commit_version(caller: Caller, command: CommitCommand) -> dict:
    """POST /versions/commit: the working copy's bytes become a pending version of the target.

    The base must still be the target's newest version, decided by one conditional UPDATE, so of concurrent commits
    on one base exactly one wins. Raises FileLocked, VersionConflict, FileNotFound, AccessDenied, ObjectMissing.
    """
    working = load_authorized(caller, command.source, "read")
    target = load_authorized(caller, command.target, "write")
    base = command.base_version
    if base is None:
        base = working.base_version_number if working.base_version_number is not None else target.latest_version_number
    ensure_unlocked(target, caller)
    _check_base(target, base)  # fail before copying bytes when the conflict is already known
    target_id, bucket_type, bucket_id = target.id, str(target.bucket_type), target.bucket_id
    source = _Source.of(working)
    bucket, stored = _copy_bytes(source, bucket_type, bucket_id)
    with fresh_object(bucket, stored.key):
        target = _reload_for_update(target_id, bytes_in=bucket)  # serializes with lock takers and deciders
        ensure_unlocked(target, caller)  # a lease broken and re-taken by someone else stops this commit
        number = next_version_number(target, base=base)
        if number is None:
            _check_base(target, base)
        version = _new_version(target, caller, number, stored, VersionStatus.pending_validation)
        version.changelog, version.base_version_number = command.message, base
        settle_status(target)
        lock = active_lock(target.id)
        if lock is not None and lock.locked_by == caller.user_id and not command.keep_lock:
            release(lock, caller, forced=False, reason="committed")
        audit.record(
            caller, "commit", file=target, version=version, base_version=base, working_file_id=str(source.file_id)
        )
    return {"version_id": version.id, "version_number": number, "status": str(version.status), "file_id": target_id}


def _check_base(target: File, base: int) -> None:
    db.session.refresh(target, ["latest_version_number"])
    current = target.latest_version_number
    if current != base:
        raise VersionConflict(
            f"The base version {base} is not the newest; the file is at version {current}.",
            current_version_number=current,
            base_version=base,
        )


def list_versions(caller: Caller, query: VersionsQuery) -> dict:
    """GET /versions: newest first, filtered by status, paged by limit/offset."""
    from app.services.intents import complete_at  # intents records versions through this module

    complete_at(caller, query.ref)  # presigned uploads nobody confirmed (contract §9)
    file = load_authorized(caller, query.ref, "read")
    statement = sa.select(FileVersion).where(FileVersion.file_id == file.id)
    if query.status:
        statement = statement.where(FileVersion.status == query.status)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(statement.subquery()))
    versions = db.session.scalars(
        statement.order_by(FileVersion.version_number.desc()).limit(query.limit).offset(query.offset)
    ).all()
    return {"file_id": file.id, "versions": versions, "total_count": total}


def restore_version(caller: Caller, version_id: uuid.UUID, command: RestoreVersionCommand) -> dict:
    """POST /versions/{id}/restore: a copy of an earlier version's bytes becomes the file's new current version.

    The new version is a `draft`, current at once (like an upload), with its own object: the bytes are copied, not
    shared. A version's object belongs to that version alone (`object_key` is unique, and every deletion path, from
    `purge` to the deletion queue, removes a version's key without asking who else uses it): sharing would need a
    reference count on every one of them, and one missed path would delete bytes a live version still points to. The
    copy costs storage (counted against the quota) and is made server-side, outside any transaction.

    Conflict-checked like a commit: the file must be live, not locked by someone else, have no version pending
    validation, and its newest version must be `base_version` (default: the newest at the first check), decided
    by one conditional UPDATE. Raises VersionNotFound, AccessDenied, InvalidState (pending or corrupted version,
    deleted file, a version pending validation), FileLocked, VersionConflict, ObjectMissing, QuotaExceeded.
    """
    version = db.session.get(FileVersion, version_id)
    if version is None:
        raise VersionNotFound()
    policy().require(caller.principal, target_of(version.file), "write")
    if version.status in (VersionStatus.pending_validation, VersionStatus.corrupted):
        raise InvalidState(f"A {version.status} version cannot be restored.")
    file = find_file(FileRef(file_id=version.file_id), include_deleted=True)
    if file is None:  # past its expiry: gone for every request
        raise FileNotFound()
    if file.is_deleted:
        raise InvalidState("The file is in the trash: restore it first (POST /restore).")
    ensure_unlocked(file, caller)
    base = command.base_version if command.base_version is not None else file.latest_version_number
    _check_restorable(file, base)
    source = _Source.of(file, version)
    bucket, stored = _copy_bytes(source, str(file.bucket_type), file.bucket_id)
    with fresh_object(bucket, stored.key):
        file = _reload_for_update(source.file_id, bytes_in=bucket)
        ensure_unlocked(file, caller)
        number = next_version_number(file, base=base)
        if number is None:
            _check_restorable(file, base)
        _check_restorable(file, base, pending_only=True)
        restored = _new_version(file, caller, number, stored, VersionStatus.draft)
        restored.changelog = command.message or f"Restored from version {source.version_number}"
        restored.base_version_number = base
        db.session.flush()
        file.current_version = restored
        settle_status(file)
        audit.record(
            caller,
            "version_restore",
            file=file,
            version=restored,
            restored_from=source.version_number,
            restored_version_id=str(source.version_id),
        )
    return {
        "version_id": restored.id,
        "version_number": number,
        "status": str(restored.status),
        "file_id": source.file_id,
        "restored_from": source.version_number,
    }


def _check_restorable(file: File, base: int, *, pending_only: bool = False) -> None:
    """InvalidState while a version waits for validation (decide it first); VersionConflict when `base` is stale."""
    if _count(file.id, FileVersion.status == VersionStatus.pending_validation):
        raise InvalidState("A version is pending validation: approve or reject it before restoring another.")
    if not pending_only:
        _check_base(file, base)


# ------------------------------------------------------------------------------------------------------ decisions


def decide_version(caller: Caller, version_id: uuid.UUID, *, approve: bool, comment: str | None) -> dict:
    """Approve or reject a pending version of a live file by one conditional UPDATE: of concurrent decisions one wins.

    Raises VersionNotFound, AccessDenied (including an author validating their own version outside their own users
    bucket), InvalidState (not pending, or the file is deleted), VersionConflict (approving a superseded version).
    """
    version = db.session.get(FileVersion, version_id)
    if version is None:
        raise VersionNotFound()
    policy().require(caller.principal, target_of(version.file), "validate")
    file = find_file(FileRef(file_id=version.file_id), include_deleted=True, for_update=True)
    if file is None:  # past its expiry: gone for every request
        raise FileNotFound()
    if file.is_deleted:
        raise InvalidState("The file is deleted: its versions cannot be decided.")
    own_space = str(file.bucket_type) == "users" and file.bucket_id == caller.user_id
    if version.created_by == caller.user_id and not own_space:
        raise AccessDenied("The author of a version may not validate it.")
    if approve and _count(
        file.id, FileVersion.version_number > version.version_number, FileVersion.status.in_(LIVE_STATUSES)
    ):
        raise VersionConflict("A newer version exists: this one can no longer become current.")
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
    settle_status(file)
    audit.record(caller, "approve" if approve else "reject", file=file, version=version, comment=comment)
    db.session.commit()
    data = {"version_id": version.id, "status": str(status), "file_id": file.id}
    return {**data, "is_current": True} if approve else {**data, "rejection_reason": comment}
