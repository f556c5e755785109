"""Locks as leases: one active lock per file, decided by the database; expired leases count for nothing."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa

from app.auth.access import Target
from app.errors import AccessDenied, FileLocked, FileNotLocked, ValidationError
from app.extensions import db
from app.models import File, FileLock, LockType
from app.schemas.requests import LockCommand, LocksQuery, UnlockCommand
from app.schemas.resources import LockSchema
from app.services import audit
from app.services.common import (
    active_lock,
    dialect_insert,
    load_authorized,
    now,
    policy,
    setting,
    target_of,
)
from app.services.context import Caller
from app.services.expiry import unexpired


def lock_ttl(value: int | None) -> int:
    """TTL from the request within LOCK_MIN_TTL..LOCK_MAX_TTL, else LOCK_DEFAULT_TTL; ValidationError outside."""
    if value is None:
        return setting("LOCK_DEFAULT_TTL")
    low, high = setting("LOCK_MIN_TTL"), setting("LOCK_MAX_TTL")
    if not low <= value <= high:
        raise ValidationError(
            f"expires_in must be between {low} and {high} seconds.",
            errors={"expires_in": [f"Must be between {low} and {high}."]},
        )
    return value


def acquire(
    file: File, caller: Caller, *, ttl: int, lock_type: str = LockType.edit, reason: str | None = None
) -> FileLock:
    """Take or renew the lease in the current transaction; FileLocked when another user holds it. Does not commit.

    An expired lease is released and replaced by the same statements, so no background job is needed.
    """
    current = now()
    db.session.execute(
        sa.update(FileLock)
        .where(FileLock.file_id == file.id, FileLock.released_at.is_(None), FileLock.expires_at <= current)
        .values(released_at=current, release_reason="expired")
    )
    expires_at = current + timedelta(seconds=ttl)
    statement = dialect_insert(FileLock).values(
        id=uuid.uuid4(),
        file_id=file.id,
        locked_by=caller.user_id,
        lock_type=LockType(lock_type),
        reason=reason,
        created_at=current,
        expires_at=expires_at,
        forced=False,
    )
    table = FileLock.__table__
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.file_id],
        index_where=table.c.released_at.is_(None),
        set_={"expires_at": expires_at, "lock_type": statement.excluded.lock_type, "reason": statement.excluded.reason},
        where=table.c.locked_by == caller.user_id,  # only the holder renews
    ).returning(table.c.id)
    lock_id = db.session.execute(statement).scalar()
    db.session.expire_all()
    if lock_id is None:
        holder = active_lock(file.id)
        raise FileLocked(
            f"The file is locked by {holder.locked_by} until {holder.expires_at.isoformat()}.",
            lock=LockSchema().dump(holder),
        )
    return db.session.get(FileLock, lock_id)


def lock_file(caller: Caller, command: LockCommand) -> dict:
    """POST /lock: take or renew the lease. Raises FileNotFound, AccessDenied, FileLocked, ValidationError."""
    ttl = lock_ttl(command.expires_in)
    file = load_authorized(caller, command.ref, "lock", for_update=True)
    renewed = active_lock(file.id)
    lock = acquire(file, caller, ttl=ttl, lock_type=command.lock_type, reason=command.reason)
    audit.record(
        caller,
        "lock_renew" if renewed else "lock",
        file=file,
        lock_id=str(lock.id),
        expires_at=lock.expires_at.isoformat(),
    )
    db.session.commit()
    return {"lock_id": lock.id, "file_id": file.id, "locked_by": lock.locked_by, "expires_at": lock.expires_at}


def release(lock: FileLock, caller: Caller, *, forced: bool, reason: str | None) -> bool:
    """Release by one conditional UPDATE; False when someone else released it first. Does not commit."""
    result = db.session.execute(
        sa.update(FileLock)
        .where(FileLock.id == lock.id, FileLock.released_at.is_(None))
        .values(released_at=now(), released_by=caller.user_id, release_reason=reason, forced=forced)
    )
    return result.rowcount == 1


def unlock_file(caller: Caller, command: UnlockCommand) -> dict:
    """POST /unlock: release own lock, or force another's with the right (admin, users-bucket owner, project
    owner/admin). Raises FileNotLocked, AccessDenied, FileNotFound. A forced unlock touches no working copy."""
    file = load_authorized(caller, command.ref, "lock")
    lock = active_lock(file.id)
    if lock is None:
        raise FileNotLocked()
    forced = lock.locked_by != caller.user_id
    if forced and not (command.force and policy().can_force_unlock(caller.principal, target_of(file))):
        exc = AccessDenied(f"The file is locked by {lock.locked_by}; only an administrator can force the unlock.")
        exc.audit = (target_of(file), "unlock")
        raise exc
    if not release(lock, caller, forced=forced, reason=command.reason):
        raise FileNotLocked()
    audit.record(
        caller,
        "force_unlock" if forced else "unlock",
        file=file,
        lock_id=str(lock.id),
        original_holder=lock.locked_by,
        reason=command.reason,
    )
    db.session.commit()
    return {
        "file_id": file.id,
        "lock_id": lock.id,
        "released_by": caller.user_id,
        "forced": forced,
        "original_holder": lock.locked_by,
    }


def list_locks(caller: Caller, query: LocksQuery) -> dict:
    """GET /locks: active locks the caller may read, filtered; project access decided with one batch call."""
    statement = (
        sa.select(FileLock, File)
        .join(File, File.id == FileLock.file_id)
        .where(
            FileLock.released_at.is_(None), FileLock.expires_at > now(), File.is_deleted.is_(False), unexpired(now())
        )
        .order_by(File.bucket_type, File.bucket_id, File.logical_path)
    )
    if query.file_id is not None:
        statement = statement.where(File.id == query.file_id)
    elif query.folder is not None:
        folder = query.folder
        statement = statement.where(File.bucket_type == folder.bucket, File.bucket_id == folder.bucket_id)
        if folder.path:
            prefix = sa.func.substr(File.logical_path, 1, len(folder.path) + 1) == folder.path + "/"
            statement = statement.where(sa.or_(File.logical_path == folder.path, prefix))
    if query.mine:
        statement = statement.where(FileLock.locked_by == caller.user_id)
    rows = db.session.execute(statement).all()
    targets = [target_of(file) for _, file in rows]
    readable = _readable(caller, targets, filtered=query.file_id is not None or query.folder is not None)
    locks = [_with_address(lock, file) for (lock, file), ok in zip(rows, readable, strict=True) if ok]
    return {"locks": locks, "total": len(locks)}


def _with_address(lock: FileLock, file: File) -> FileLock:
    """The lock with its file's address attached, for LockWithAddressSchema."""
    lock.bucket_type, lock.bucket_id, lock.logical_path = str(file.bucket_type), file.bucket_id, file.logical_path
    return lock


def _readable(caller: Caller, targets: list[Target], *, filtered: bool = False) -> list[bool]:
    """One decision per distinct bucket address; all project ones in a single batch call.

    Unfiltered, project locks the project service cannot decide now are left out (the caller may never have been
    able to see them, so the listing must not fail on their account); a listing the caller narrowed to a bucket or
    a file raises ProjectServiceUnavailable instead.
    """
    spaces = sorted({(t.bucket, t.bucket_id) for t in targets})
    decide = policy().decide_many if filtered else policy().decide_many_or_deny
    decisions = decide(caller.principal, [Target(b, i) for b, i in spaces], "read") if spaces else []
    allowed = {space: d.allowed for space, d in zip(spaces, decisions, strict=True)}
    return [allowed[(t.bucket, t.bucket_id)] for t in targets]
