"""Move / rename: a file goes to another address keeping its id, versions, locks, share links and audit trail.

Within one bucket address (same bucket and bucket id) a move needs `write` there; to another one it needs `delete` on
the source and `write` on the target. One live file per address is the database's rule (uq_files_live_address): of
concurrent moves to one target the UPDATE of exactly one succeeds, the others are 409 file_exists. When the target's
physical bucket differs from the source's, the versions' objects are copied server-side to fresh keys first, with no
transaction open; the transaction that moves the file then points the versions at them and queues the old objects.
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.errors import FileExists, FileNotFound, InvalidState, ObjectMissing, ValidationError, VersionConflict
from app.extensions import db
from app.models import File, FileVersion, VersionStatus
from app.schemas.address import Address, FileRef
from app.schemas.sharing import MoveCommand
from app.services import audit, expiry, quotas
from app.services.common import (
    address_of,
    address_target,
    drain_deletions,
    ensure_unlocked,
    find_file,
    load_authorized,
    new_object_key,
    now,
    physical_bucket,
    policy,
    queue_deletion,
    store,
    target_of,
)
from app.services.context import Caller
from app.services.files import archive
from app.services.versions import discard_object, mark_corrupted
from app.storage.base import ObjectNotFound


def _source(caller: Caller, command: MoveCommand) -> File:
    """The source after the policy allowed the move: `write` within its bucket address, else `delete`."""
    where = command.source.address
    if where is None:  # by id: the file says where it is (an unknown id is 404 whatever the caller may do)
        found = find_file(command.source)
        if found is None:
            raise FileNotFound()
        where = address_of(found)
    same_space = (where.bucket, where.bucket_id) == (command.target.bucket, command.target.bucket_id)
    return load_authorized(caller, command.source, "write" if same_space else "delete")


def _check_movable(file: File, caller: Caller, target: Address) -> None:
    if address_of(file) == target:
        raise ValidationError(
            "The target is the file's own address.", errors={"target_path": ["The file is already there."]}
        )
    ensure_unlocked(file, caller)
    pending = db.session.scalar(
        sa.select(sa.func.count()).where(
            FileVersion.file_id == file.id, FileVersion.status == VersionStatus.pending_validation
        )
    )
    if pending:
        raise InvalidState("A version is pending validation: approve or reject it before moving the file.")


def _occupant(caller: Caller, command: MoveCommand, moving: uuid.UUID) -> File | None:
    """The live file at the target (None when free); FileExists unless `overwrite`, which needs `delete` on it."""
    occupant = find_file(FileRef(address=command.target))
    if occupant is None or occupant.id == moving:
        return None
    if not command.overwrite:
        raise FileExists(f"A file already exists at {command.target.path}.")
    policy().require(caller.principal, target_of(occupant), "delete")
    ensure_unlocked(occupant, caller)
    return occupant


def move_file(caller: Caller, command: MoveCommand) -> dict:
    """POST /move. Raises the 400s of §1, ValidationError (onto itself), AccessDenied, FileNotFound, FileLocked (the
    source or the file to overwrite held by another), InvalidState (a version pending validation), FileExists (the
    target is taken, unless `overwrite`; or another move won the target), ObjectMissing, VersionConflict (a new
    version arrived while objects were copied to another physical bucket)."""
    file = _source(caller, command)
    policy().require(caller.principal, address_target(command.target), "write")
    _check_movable(file, caller, command.target)
    _occupant(caller, command, file.id)
    file_id, latest = file.id, file.latest_version_number
    old_bucket, new_bucket = physical_bucket(file.bucket_type), physical_bucket(command.target.bucket)
    copies = _copy_objects(file, old_bucket, new_bucket, command.target.bucket_id) if old_bucket != new_bucket else {}
    try:
        result = _move(caller, command, file_id, latest, copies, old_bucket)
    except BaseException:
        db.session.rollback()
        for key in copies.values():
            discard_object(new_bucket, key, "move not recorded")
        raise
    drain_deletions((old_bucket, key) for key in result.pop("_old_keys"))
    return result


def _copy_objects(file: File, old_bucket: str, new_bucket: str, bucket_id: str) -> dict[uuid.UUID, str]:
    """Copy every version's object to a fresh key of the target's physical bucket, with no transaction open."""
    versions = db.session.execute(
        sa.select(FileVersion.id, FileVersion.object_key)
        .where(FileVersion.file_id == file.id, FileVersion.status != VersionStatus.corrupted)
        .order_by(FileVersion.version_number.desc())
    ).all()
    db.session.rollback()  # end the checks' transaction before the store moves bytes
    copies: dict[uuid.UUID, str] = {}
    try:
        for version_id, key in versions:
            fresh = new_object_key(bucket_id)
            store().copy(old_bucket, key, new_bucket, fresh)
            copies[version_id] = fresh
    except BaseException as exc:
        for copied in copies.values():
            discard_object(new_bucket, copied, "move not recorded")
        if isinstance(exc, ObjectNotFound):
            mark_corrupted(version_id, key)
            db.session.commit()
            raise ObjectMissing() from None
        raise
    return copies


def _move(caller: Caller, command: MoveCommand, file_id: uuid.UUID, latest: int, copies: dict, old_bucket: str) -> dict:
    """The one transaction: re-check on locked rows, step the occupant aside, re-address the file, commit."""
    target = command.target
    occupant = find_file(FileRef(address=target))
    ids = sorted({file_id, *([occupant.id] if occupant is not None else [])})
    # Both rows locked in one order: two moves swapping two files wait for each other instead of deadlocking.
    db.session.execute(sa.select(File.id).where(File.id.in_(ids)).order_by(File.id).with_for_update())
    file = find_file(FileRef(file_id=file_id), for_update=True)
    if file is None:
        raise FileNotFound()
    if copies and file.latest_version_number != latest:
        raise VersionConflict("The file got a new version while it was being moved; move it again.")
    _check_movable(file, caller, target)
    # Both buckets' usage rows before anything else takes one (an expired file's deletion releases the target's).
    quotas.lock_rows((str(file.bucket_type), file.bucket_id), (target.bucket, target.bucket_id))
    expiry.expire_at(target)  # a file past its expiry still holding the target steps aside (it is gone already)
    occupant = _occupant(caller, command, file_id)
    if occupant is not None:
        _archive(caller, occupant, file_id)
    previous = address_of(file)
    # The file's bytes now count against the target bucket's quota (app/services/quotas.py): 507 when they do not fit
    quotas.transfer((previous.bucket, previous.bucket_id), (target.bucket, target.bucket_id), file_id)
    old_keys = []
    for version_id, key in copies.items():
        version = db.session.get(FileVersion, version_id)
        old_keys.append(version.object_key)
        queue_deletion(old_bucket, version.object_key, "file moved to another bucket")
        version.object_key = key
    file.bucket_type, file.bucket_id, file.logical_path = target.bucket, target.bucket_id, target.path
    file.filename, file.updated_at = target.filename, now()
    try:
        db.session.flush()
    except IntegrityError:  # another move (or an upload) took the target first: the unique live address decides
        db.session.rollback()
        raise FileExists(f"A file already exists at {target.path}.") from None
    audit.record(
        caller,
        "move",
        file=file,
        from_bucket_type=previous.bucket,
        from_bucket_id=previous.bucket_id,
        from_path=previous.path,
        overwritten_file_id=str(occupant.id) if occupant is not None else None,
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise FileExists(f"A file already exists at {target.path}.") from None
    return {
        "file_id": file_id,
        "bucket_type": target.bucket,
        "bucket_id": target.bucket_id,
        "logical_path": target.path,
        "filename": target.filename,
        "previous": {"bucket_type": previous.bucket, "bucket_id": previous.bucket_id, "logical_path": previous.path},
        "overwritten_file_id": occupant.id if occupant is not None else None,
        "_old_keys": old_keys,
    }


def _archive(caller: Caller, occupant: File, moving: uuid.UUID) -> None:
    """The file a move overwrites goes to the trash (restorable), as DELETE /delete would put it there."""
    archive(caller, occupant)
    audit.record(caller, "delete", file=occupant, physical=False, via="move", moved_file_id=str(moving))
    db.session.flush()
