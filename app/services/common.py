"""Helpers every use case shares: dependencies, file lookup, physical buckets, active locks, object keys."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable
from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.auth.access import AccessPolicy, Target
from app.errors import AccessDenied, FileNotFound, VersionNotFound
from app.extensions import db
from app.models import File, FileLock, FileVersion
from app.schemas.address import Address, FileRef
from app.services.context import Caller
from app.storage.base import ObjectStore, ObjectStream
from app.storage.cache import BytesStream, SmallObjectCache

PHYSICAL_BUCKET_SETTINGS = {"users": "BUCKET_USERS", "companies": "BUCKET_COMPANIES", "projects": "BUCKET_PROJECTS"}


def store() -> ObjectStore:
    return current_app.extensions["object_store"]


def policy() -> AccessPolicy:
    return current_app.extensions["policy"]


def now() -> datetime:
    return current_app.extensions["clock"].now()


def setting(name: str):
    return current_app.config[name]


def physical_bucket(bucket_type: str) -> str:
    return current_app.config[PHYSICAL_BUCKET_SETTINGS[str(bucket_type)]]


def open_object(bucket: str, key: str, size: int, *, offset: int = 0, length: int | None = None) -> ObjectStream:
    """The bytes of a version's object (`size` as recorded), or a range of them: a small object from the worker's
    copy (read whole and kept the first time), any other from the object store (app/storage/cache.py). Raises
    ObjectNotFound."""
    cache: SmallObjectCache = current_app.extensions["small_objects"]
    if not cache.holds(size):
        return store().open(bucket, key, offset=offset, length=length)
    data = cache.get(bucket, key)
    if data is None:
        stream = store().open(bucket, key)
        try:
            data = b"".join(stream)
        finally:
            stream.close()
        if len(data) == size:  # a copy that does not match the version is served, never kept
            cache.put(bucket, key, data)
    return BytesStream(data[offset : None if length is None else offset + length])


def new_object_key(bucket_id: str) -> str:
    """Server-generated, unique, never derived from the client's path."""
    return f"{bucket_id}/{uuid.uuid4().hex}"


def address_of(row) -> Address:
    """The address of a file (or of an upload intent): its bucket, bucket id and path."""
    return Address(str(row.bucket_type), row.bucket_id, row.logical_path)


def target_of(file: File) -> Target:
    return Target(str(file.bucket_type), file.bucket_id, file.logical_path, str(file.id))


def address_target(address: Address) -> Target:
    return Target(address.bucket, address.bucket_id, address.path)


@functools.cache
def _lookup(by_id: bool, include_deleted: bool, for_update: bool, with_lock: bool, with_pending: bool) -> sa.Select:
    """The statement that finds a file, built once per shape: hot reads then only bind values (`file_id`, or
    `bucket_type`, `bucket_id`, `path`; `now` for the lock and the file's expiry). Columns: the File (with its
    current version, joined), then its active lock and whether uploads are pending at its address, when asked for.
    An expired file is found by no shape (app/services/expiry.py)."""
    from app.services.expiry import NOW, unexpired  # expiry builds on this module

    columns: list = [File]
    if with_lock:
        columns.append(FileLock)
    if with_pending:
        columns.append(_pending_uploads_at(File.bucket_type, File.bucket_id, File.logical_path).label("pending"))
    query = sa.select(*columns)
    if with_lock:  # at most one unreleased lock per file (uq_file_locks_active): the join adds no row
        query = query.outerjoin(
            FileLock,
            sa.and_(
                FileLock.file_id == File.id,
                FileLock.released_at.is_(None),
                FileLock.expires_at > NOW,
            ),
        )
    if by_id:
        query = query.where(File.id == sa.bindparam("file_id"))
    else:
        query = query.where(
            File.bucket_type == sa.bindparam("bucket_type"),
            File.bucket_id == sa.bindparam("bucket_id"),
            File.logical_path == sa.bindparam("path"),
        )
    query = query.where(unexpired())
    if not include_deleted:
        query = query.where(File.is_deleted.is_(False))
    query = query.order_by(File.created_at.desc())
    if for_update:  # the row as it is now, not as this session first read it
        return query.with_for_update(of=File).execution_options(populate_existing=True)
    return query.limit(1)


def _pending_uploads_at(bucket_type, bucket_id, path) -> sa.Exists:
    """Whether presigned uploads to that address wait for completion (ix_upload_intents_pending_address)."""
    from app.models import IntentStatus, UploadIntent

    return sa.exists().where(
        UploadIntent.status == IntentStatus.pending,
        UploadIntent.multipart_upload_id.is_(None),  # a multipart session completes through its own endpoint
        UploadIntent.bucket_type == bucket_type,
        UploadIntent.bucket_id == bucket_id,
        UploadIntent.logical_path == path,
    )


def _find(ref: FileRef, *, include_deleted=False, for_update=False, with_lock=False, with_pending=False):
    """The row of `_lookup` for ref (None when no file matches); `file.lock` set when `with_lock`."""
    by_id = ref.file_id is not None
    if by_id:
        values = {"file_id": ref.file_id}
    else:
        values = {"bucket_type": ref.address.bucket, "bucket_id": ref.address.bucket_id, "path": ref.address.path}
    values["now"] = now()
    statement = _lookup(by_id, include_deleted, for_update, with_lock, with_pending)
    row = db.session.execute(statement, values).first()
    if row is not None and with_lock:
        row[0].lock = row[1]
    return row


def find_file(ref: FileRef, *, include_deleted: bool = False, for_update: bool = False) -> File | None:
    row = _find(ref, include_deleted=include_deleted, for_update=for_update)
    return row[0] if row is not None else None


def load_authorized(
    caller: Caller,
    ref: FileRef,
    action: str,
    *,
    include_deleted: bool = False,
    for_update: bool = False,
    with_lock: bool = False,
) -> File:
    """The file named by ref, after the policy allowed `action`; FileNotFound when absent. `with_lock` also sets
    `file.lock`, its active lock, from the same statement.

    With an address the decision is made before the lookup, so a refused caller learns nothing about existence.
    """
    if ref.address is not None:
        policy().require(caller.principal, address_target(ref.address), action)
    row = _find(ref, include_deleted=include_deleted, for_update=for_update, with_lock=with_lock)
    if row is None:
        raise FileNotFound()
    if ref.address is None:
        _require_by_id(caller, row[0], action)
    return row[0]


def load_for_read(caller: Caller, ref: FileRef) -> File:
    """load_authorized(ref, "read", with_lock=True), after completing the presigned uploads nobody confirmed at the
    file's address (contract §9). Whether any is pending comes with the file's row, so a read where none is costs
    one statement; by address, a missing file may be one such upload's. Raises AccessDenied, FileNotFound."""
    from app.services import intents  # intents builds on this module

    if ref.address is not None:
        policy().require(caller.principal, address_target(ref.address), "read")
    row = _find(ref, with_lock=True, with_pending=True)
    if row is not None and row.pending or row is None and ref.address is not None:
        at = ref if row is None else FileRef(address=address_of(row[0]))
        intents.complete_at(caller, at)
        row = _find(ref, with_lock=True)
    if row is None:
        raise FileNotFound()
    if ref.address is None:
        _require_by_id(caller, row[0], "read")
    return row[0]


def _require_by_id(caller: Caller, file: File, action: str) -> None:
    """By `file_id`, a file the caller may not read is 404 like an unknown id (its existence is not revealed)."""
    try:
        policy().require(caller.principal, target_of(file), action)
    except AccessDenied as exc:
        if action == "read" or not policy().decide(caller.principal, target_of(file), "read").allowed:
            hidden = FileNotFound()
            hidden.audit = exc.audit
            raise hidden from None
        raise


def active_lock(file_id: uuid.UUID) -> FileLock | None:
    """The unreleased lock that has not expired (an expired lease counts for nothing)."""
    return db.session.scalars(
        sa.select(FileLock).where(
            FileLock.file_id == file_id, FileLock.released_at.is_(None), FileLock.expires_at > now()
        )
    ).first()


def attach_locks(files: Iterable[File]) -> None:
    """Set `file.lock` on each file with one query."""
    files = list(files)
    by_id = {f.id: f for f in files}
    for f in files:
        f.lock = None
    if not by_id:
        return
    rows = db.session.scalars(
        sa.select(FileLock).where(
            FileLock.file_id.in_(by_id), FileLock.released_at.is_(None), FileLock.expires_at > now()
        )
    )
    for lock in rows:
        by_id[lock.file_id].lock = lock


def find_version(file: File, number: int | None) -> FileVersion:
    """The numbered version, or the current one; VersionNotFound when absent."""
    if number is None:
        version = file.current_version
    else:
        version = db.session.scalars(
            sa.select(FileVersion).where(FileVersion.file_id == file.id, FileVersion.version_number == number)
        ).first()
    if version is None:
        raise VersionNotFound()
    return version


def dialect_insert(model):
    """INSERT with ON CONFLICT support for the bound database (PostgreSQL, or SQLite in development)."""
    if db.engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(model)


def purge(file: File, reason: str) -> list[tuple[str, str]]:
    """Delete the file's metadata (versions and locks go by ON DELETE CASCADE; audit rows stay) and queue every
    version's object for removal; the (bucket, key) pairs queued, for `drain_deletions` after the commit. The bucket's
    usage (app/services/quotas.py) no longer counts them."""
    from app.services import quotas  # quotas builds on this module

    bucket = physical_bucket(file.bucket_type)
    versions = db.session.execute(
        sa.select(FileVersion.object_key, FileVersion.size).where(FileVersion.file_id == file.id)
    ).all()
    keys = [key for key, _ in versions]
    for key in keys:
        queue_deletion(bucket, key, reason)
    quotas.release(file.bucket_type, file.bucket_id, size=sum(size for _, size in versions), files=1)
    db.session.expunge(file)
    db.session.execute(sa.delete(File).where(File.id == file.id))
    return [(bucket, key) for key in keys]


def queue_deletion(bucket: str, key: str, reason: str) -> None:
    """Queue an object for removal; the queue is drained after commit (and by `flask storage gc`)."""
    from app.models import ObjectDeletion

    statement = dialect_insert(ObjectDeletion).values(id=uuid.uuid4(), bucket=bucket, object_key=key, reason=reason)
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["bucket", "object_key"]))


def ensure_unlocked(file: File, caller: Caller) -> None:
    """FileLocked (naming holder and expiry) when another user holds an active lock."""
    from app.errors import FileLocked
    from app.schemas.resources import LockSchema

    lock = active_lock(file.id)
    if lock is not None and lock.locked_by != caller.user_id:
        raise FileLocked(
            f"The file is locked by {lock.locked_by} until {lock.expires_at.isoformat()}.",
            lock=LockSchema().dump(lock),
        )


def expiry_seconds(value: int | None, *, bounds: str = "PRESIGN") -> int:
    """An expiry from the request within the configured `<bounds>_MIN_EXPIRY`..`<bounds>_MAX_EXPIRY` (default
    `<bounds>_DEFAULT_EXPIRY`): presigned URLs, share links; InvalidExpiry otherwise."""
    from app.errors import InvalidExpiry

    if value is None:
        return setting(f"{bounds}_DEFAULT_EXPIRY")
    low, high = setting(f"{bounds}_MIN_EXPIRY"), setting(f"{bounds}_MAX_EXPIRY")
    if not low <= value <= high:
        raise InvalidExpiry(f"expires_in must be between {low} and {high} seconds.")
    return value


def drain_deletions(pairs: Iterable[tuple[str, str]] | None = None) -> tuple[int, int]:
    """Delete queued objects (all, or only the given (bucket, key) pairs), then their queue rows; one commit each.

    Best effort: a failure stays queued with `attempts` and `last_error` for `flask storage gc`. Returns
    (deleted, failed). Call it only after the commit that stopped referencing the objects.
    """
    from app.models import ObjectDeletion
    from app.services.thumbnails import thumbnail_keys  # thumbnails build on this module
    from app.storage.base import StorageError

    query = sa.select(ObjectDeletion.id, ObjectDeletion.bucket, ObjectDeletion.object_key).order_by(
        ObjectDeletion.created_at
    )
    if pairs is not None:
        pairs = list(pairs)
        if not pairs:
            return 0, 0
        query = query.where(sa.tuple_(ObjectDeletion.bucket, ObjectDeletion.object_key).in_(pairs))
    rows = db.session.execute(query).all()
    db.session.commit()
    deleted = failed = 0
    for row_id, bucket, key in rows:
        try:
            # A version's thumbnails go with its object, whichever path purged it (deleting an absent key succeeds).
            for thumbnail in thumbnail_keys(key):
                store().delete(bucket, thumbnail)
            store().delete(bucket, key)
        except StorageError as exc:
            db.session.execute(
                sa.update(ObjectDeletion)
                .where(ObjectDeletion.id == row_id)
                .values(attempts=ObjectDeletion.attempts + 1, last_error=str(exc)[:1000])
            )
            db.session.commit()
            failed += 1
            continue
        db.session.execute(sa.delete(ObjectDeletion).where(ObjectDeletion.id == row_id))
        db.session.commit()
        deleted += 1
    return deleted, failed
