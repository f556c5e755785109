"""Upload intents: a presigned upload becomes a version by `/upload/confirm`, by the next read touching its address,
or by `flask storage worker` — always through the same checks.

Confirmed bytes never change: the object is copied to a fresh server-generated key, which becomes the version's,
and the upload's key (still writable by whoever holds the presigned URL or POST policy) is deleted after the commit.
The object is `stat`ed, and refused over MAX_UPLOAD_SIZE or its declared size, before anything copies or reads it;
the checksum and the type are checked on the copy, the bytes the version will serve.

No transaction stays open while bytes move: an intent is claimed (`claimed_until`, taken with FOR UPDATE SKIP
LOCKED so that readers and several workers share the work) in one short transaction, its object is checked and
copied outside any, and one more transaction records the outcome after re-checking that the intent is still
pending (so an intent becomes a version at most once, whoever gets there first).
"""

from __future__ import annotations

import enum
import hashlib
import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from app import observability
from app.auth.tokens import Principal
from app.errors import (
    AppError,
    FileNotFound,
    InvalidState,
    PayloadTooLarge,
    ProjectServiceUnavailable,
    QuotaExceeded,
    UnsupportedMediaType,
    ValidationError,
)
from app.extensions import db
from app.models import BucketType, File, FileVersion, IntentStatus, UploadIntent
from app.schemas.address import Address, FileRef
from app.services import audit, content_types
from app.services.common import (
    address_of,
    address_target,
    drain_deletions,
    ensure_unlocked,
    find_file,
    new_object_key,
    now,
    physical_bucket,
    policy,
    queue_deletion,
    setting,
    store,
)
from app.services.context import Caller
from app.services.uploads import version_data
from app.services.versions import StoredObject, discard_object, fresh_object, record_version
from app.storage.base import ObjectNotFound, StorageError

log = logging.getLogger(__name__)
# Reads and notifications leave multipart sessions alone: one completes through its own endpoint (or the worker).
NOT_MULTIPART = UploadIntent.multipart_upload_id.is_(None)

CLAIM_SECONDS = 300  # how long others leave a claimed intent alone (a crashed claimant's intent waits this long)
READ_BATCH = 20  # pending uploads one read completes at most (the least recently checked first)
WORKER_BATCH = 100  # pending uploads one worker pass checks at most
HEAD_SIZE = 8192  # bytes kept for content-type detection


@dataclass(frozen=True)
class Pending:
    """A pending intent as plain values, usable outside any transaction."""

    id: uuid.UUID
    address: Address
    object_key: str
    user_id: str
    content_type: str | None
    declared_size: int | None
    declared_checksum: str | None

    @classmethod
    def of(cls, intent: UploadIntent) -> Pending:
        return cls(
            id=intent.id,
            address=address_of(intent),
            object_key=intent.object_key,
            user_id=intent.user_id,
            content_type=intent.content_type,
            declared_size=intent.declared_size,
            declared_checksum=intent.declared_checksum,
        )

    @property
    def bucket(self) -> str:
        return physical_bucket(self.address.bucket)


class NotUploaded(Exception):
    """Nothing is stored under the upload's key (yet)."""


class Decided(Exception):
    """Another completer recorded the intent's outcome while this one was checking it."""


class Outcome(enum.StrEnum):
    completed = "completed"  # it became a version
    rejected = "rejected"  # the object failed a check: intent failed, object queued for deletion
    waiting = "waiting"  # nothing uploaded yet
    deferred = "deferred"  # decided elsewhere, the file is locked by another user, or the store failed: later


@dataclass
class CompletionReport:
    outcomes: dict[Outcome, int] = field(default_factory=lambda: dict.fromkeys(Outcome, 0))

    def count(self, outcome: Outcome) -> None:
        self.outcomes[outcome] += 1

    def __getattr__(self, name: str) -> int:
        try:
            return self.outcomes[Outcome(name)]
        except ValueError:
            raise AttributeError(name) from None


# -------------------------------------------------------------------------------------------------- the use cases


def confirm_upload(caller: Caller, upload_id: uuid.UUID, *, via: str = "confirm") -> dict:
    """Check the uploaded object against the intent and create the version; repeated, the version it became.

    Raises FileNotFound (no such upload of this user), InvalidState (nothing uploaded yet, failed or expired),
    AccessDenied, FileLocked; for a bad object (then queued for deletion, the intent failed) PayloadTooLarge,
    ValidationError or UnsupportedMediaType.
    """
    intent = db.session.get(UploadIntent, upload_id)
    if intent is None or intent.user_id != caller.user_id:
        raise FileNotFound("No such upload.")
    if intent.status != IntentStatus.pending:
        return _decided_data(intent)
    pending = Pending.of(intent)
    db.session.commit()  # the authorization may call the project service: no transaction meanwhile
    policy().require(caller.principal, address_target(pending.address), "write")
    _claim_one(pending.id)
    try:
        return _complete(caller, pending, via=via)
    except NotUploaded:
        raise InvalidState("Nothing has been uploaded for this upload id yet.") from None
    except Decided:
        return _decided_data(db.session.get(UploadIntent, upload_id))
    finally:
        _release([pending.id])


def complete_at(caller: Caller | None, target: FileRef | Address) -> int:
    """Complete the pending uploads at the address (or the file's) whose object has arrived; how many did.

    For the read services, first thing: costs one indexed statement when nothing is pending; never raises for a
    missing or bad object, a store failure or a caller who may not read there (the read itself then refuses).
    """
    address = target if isinstance(target, Address) else target.address
    if address is None:
        address = _address_of(target.file_id)
        if address is None:
            return 0
    conditions = [
        UploadIntent.bucket_type == address.bucket,
        UploadIntent.bucket_id == address.bucket_id,
        UploadIntent.logical_path == address.path,
        NOT_MULTIPART,
    ]
    return _complete_for_reader(caller, address, _claim(conditions, READ_BATCH))


def complete_under(caller: Caller | None, folder: Address) -> int:
    """Complete the pending uploads anywhere under the folder ("" is the bucket id's root); how many did.

    For the read services, first thing: the same costs and guarantees as `complete_at`.
    """
    conditions = [UploadIntent.bucket_type == folder.bucket, UploadIntent.bucket_id == folder.bucket_id, NOT_MULTIPART]
    if folder.path:
        prefix = f"{folder.path}/"  # substr, not LIKE: `%` and `_` in a folder name are literal
        conditions.append(sa.func.substr(UploadIntent.logical_path, 1, len(prefix)) == prefix)
    return _complete_for_reader(caller, folder, _claim(conditions, READ_BATCH))


def _complete_for_reader(caller: Caller | None, address: Address, claimed: list[Pending]) -> int:
    """Complete what was claimed, if the reader may read there: nobody else's read makes the service copy bytes."""
    if not claimed:
        return 0
    if caller is not None:
        try:
            allowed = policy().decide(caller.principal, address_target(address), "read").allowed
        except ProjectServiceUnavailable:
            allowed = False
        if not allowed:
            _release([pending.id for pending in claimed])
            return 0
    return _complete_claimed(caller, claimed, via="read").completed


def complete_waiting(limit: int = WORKER_BATCH) -> CompletionReport:
    """One worker pass: claim up to `limit` pending intents, least recently checked first, and complete those whose
    object has arrived (expired ones too: their object was stored while the URL was valid)."""
    return _complete_claimed(None, _claim([], limit), via="worker")


def complete_created(bucket: str, keys: list[str]) -> CompletionReport:
    """Complete the presigned uploads whose objects the store reports created (its bucket notifications): the checks
    of confirm at once, rather than at the next read or worker pass. Keys of no pending upload are ignored."""
    types = [bucket_type for bucket_type in BucketType if physical_bucket(bucket_type) == bucket]
    if not keys or not types:
        return CompletionReport()
    conditions = [
        UploadIntent.object_key.in_(keys),
        UploadIntent.bucket_type.in_(types),
        NOT_MULTIPART,
    ]
    return _complete_claimed(None, _claim(conditions, len(keys)), via="notification")


# ---------------------------------------------------------------------------------------------------- the checks


def _complete(caller: Caller | None, pending: Pending, *, via: str) -> dict:
    """Check the object, copy it to a fresh key and record the version; raises NotUploaded, Decided, the check's
    problem (after recording the rejection), FileLocked or StorageError. No transaction is open on entry."""
    bucket = pending.bucket
    try:
        info = store().stat(bucket, pending.object_key)
    except ObjectNotFound:
        raise NotUploaded() from None
    problem = _size_problem(pending, info.size)  # before a byte is copied or read
    if problem is not None:
        _reject(caller, pending, problem, [], via=via)
        raise problem
    _ensure_writable(caller, pending)  # a file locked by someone else: FileLocked now, not after copying the bytes
    fresh = new_object_key(pending.address.bucket_id)
    try:
        copied = store().copy(bucket, pending.object_key, bucket, fresh)
    except ObjectNotFound:
        raise NotUploaded() from None  # removed since the stat
    try:
        problem = _size_problem(pending, copied.size)  # replaced since the stat
        if problem is None:
            size, checksum, head = _digest(bucket, fresh)
            mime_type = content_types.detect(head, pending.address.filename, pending.content_type)
            problem = _size_problem(pending, size) or _content_problem(pending, checksum, mime_type)
    except BaseException:
        discard_object(bucket, fresh, "upload check failed")
        raise
    if problem is not None:
        _reject(caller, pending, problem, [fresh], via=via)
        raise problem
    try:
        return _record(caller, pending, StoredObject(fresh, size, checksum, mime_type), via=via)
    except QuotaExceeded as exc:  # the upload fails like a failed check (our copy is already removed)
        _reject(caller, pending, exc, [], via=via)
        raise


def _size_problem(pending: Pending, size: int) -> AppError | None:
    limit = setting("MAX_UPLOAD_SIZE")
    if size > limit:
        return PayloadTooLarge(f"The file exceeds the limit of {limit} bytes.")
    if pending.declared_size is not None and size != pending.declared_size:
        return ValidationError(
            "The uploaded size differs from the declared size.",
            errors={"size": [f"Declared {pending.declared_size}, uploaded {size}."]},
        )
    return None


def _content_problem(pending: Pending, checksum: str, mime_type: str) -> AppError | None:
    if pending.declared_checksum and pending.declared_checksum != checksum:
        return ValidationError(
            "The checksum does not match the uploaded bytes.",
            errors={"checksum_sha256": ["Does not match the uploaded bytes."]},
        )
    if not content_types.allowed(mime_type, setting("ALLOWED_MIME_TYPES")):
        return UnsupportedMediaType(f"Files of type {mime_type} are not allowed.")
    return None


def _digest(bucket: str, key: str) -> tuple[int, str, bytes]:
    """(size, hex SHA-256, first HEAD_SIZE bytes) of an object, read once."""
    digest, size, head = hashlib.sha256(), 0, b""
    stream = store().open(bucket, key)
    try:
        for chunk in stream:
            size += len(chunk)
            digest.update(chunk)
            if len(head) < HEAD_SIZE:
                head += chunk[: HEAD_SIZE - len(head)]
    finally:
        stream.close()
    return size, digest.hexdigest(), head


# ------------------------------------------------------------------------------------------- recording outcomes


def _uploader(caller: Caller | None, pending: Pending) -> Caller:
    """Who the version and the audit are attributed to: the user who asked for the upload."""
    if caller is not None and caller.user_id == pending.user_id:
        return caller
    return Caller(Principal(pending.user_id), caller.request_id if caller else None)


def _ensure_writable(caller: Caller | None, pending: Pending) -> None:
    """FileLocked when another user holds the file's lock (checked again when the version is recorded)."""
    try:
        file = find_file(FileRef(address=pending.address))
        if file is not None:
            ensure_unlocked(file, _uploader(caller, pending))
    finally:
        db.session.rollback()


def _locked_intent(intent_id: uuid.UUID) -> UploadIntent:
    return db.session.scalars(sa.select(UploadIntent).where(UploadIntent.id == intent_id).with_for_update()).one()


def _record(caller: Caller | None, pending: Pending, stored: StoredObject, *, via: str) -> dict:
    """The version, in one transaction that re-checks the intent; the upload's key is deleted after it commits."""
    uploader, bucket = _uploader(caller, pending), pending.bucket
    with fresh_object(bucket, stored.key):
        intent = _locked_intent(pending.id)
        if intent.status != IntentStatus.pending:
            raise Decided()
        file, version = record_version(uploader, pending.address, stored, expires_at=intent.file_expires_at)
        intent.status, intent.file_id, intent.version_id = IntentStatus.confirmed, file.id, version.id
        queue_deletion(bucket, pending.object_key, "upload completed: the version has its own copy")
        audit.record(
            uploader,
            "upload_confirm",
            file=file,
            version=version,
            size=stored.size,
            upload_id=str(pending.id),
            via=via,
            reader=caller.user_id if caller is not None and caller is not uploader else None,
        )
    data = version_data(file, version)
    db.session.commit()
    drain_deletions([(bucket, pending.object_key)])
    observability.bytes_uploaded(stored.size)
    return data


def _reject(caller: Caller | None, pending: Pending, problem: AppError, copies: list[str], *, via: str) -> None:
    """Fail the intent and queue its object (and our copies of it) for deletion, audited; Decided if too late."""
    uploader, bucket = _uploader(caller, pending), pending.bucket
    intent = _locked_intent(pending.id)
    if intent.status != IntentStatus.pending:
        db.session.rollback()
        for key in copies:
            discard_object(bucket, key, "upload check superseded")
        raise Decided()
    intent.status = IntentStatus.failed
    keys = [pending.object_key, *copies]
    for key in keys:
        queue_deletion(bucket, key, "upload rejected")
    audit.record(
        uploader,
        "upload_confirm",
        bucket=pending.address.bucket,
        bucket_id=pending.address.bucket_id,
        path=pending.address.path,
        outcome="rejected",
        reason=problem.code,
        detail=problem.detail,
        upload_id=str(pending.id),
        via=via,
        reader=caller.user_id if caller is not None and caller is not uploader else None,
    )
    db.session.commit()
    drain_deletions([(bucket, key) for key in keys])


def _decided_data(intent: UploadIntent) -> dict:
    """What confirm answers for an intent already decided: its version again, or InvalidState."""
    status = intent.status
    if status == IntentStatus.confirmed and intent.version_id is not None:
        version = db.session.get(FileVersion, intent.version_id)
        if version is not None:
            data = version_data(version.file, version)
            db.session.commit()
            return data
    db.session.commit()
    raise InvalidState(f"The upload is already {status}.")


# ------------------------------------------------------------------------------------------------------ claiming


def _claim(conditions: list, limit: int) -> list[Pending]:
    """Claim up to `limit` unclaimed pending intents matching the conditions, least recently checked first."""
    moment = now()
    candidates = (
        sa.select(UploadIntent.id)
        .where(
            UploadIntent.status == IntentStatus.pending,
            sa.or_(UploadIntent.claimed_until.is_(None), UploadIntent.claimed_until <= moment),
            *conditions,
        )
        .order_by(UploadIntent.claimed_until.asc().nulls_first(), UploadIntent.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)  # rows another claimant is taking right now are left to it
    )
    claimed = db.session.scalars(
        sa.update(UploadIntent)
        .where(UploadIntent.id.in_(candidates.scalar_subquery()))
        .values(claimed_until=moment + timedelta(seconds=CLAIM_SECONDS))
        .returning(UploadIntent)
        .execution_options(synchronize_session=False)
    ).all()
    pending = [Pending.of(intent) for intent in claimed]
    db.session.commit()
    return pending


def _claim_one(intent_id: uuid.UUID) -> None:
    """Claim an intent for an explicit confirm (whoever holds it: its client is waiting for the answer)."""
    db.session.execute(
        sa.update(UploadIntent)
        .where(UploadIntent.id == intent_id, UploadIntent.status == IntentStatus.pending)
        .values(claimed_until=now() + timedelta(seconds=CLAIM_SECONDS))
    )
    db.session.commit()


def _release(intent_ids: list[uuid.UUID]) -> None:
    """End the claims; `claimed_until` then says when the intent was last checked."""
    db.session.rollback()
    db.session.execute(
        sa.update(UploadIntent)
        .where(UploadIntent.id.in_(intent_ids), UploadIntent.status == IntentStatus.pending)
        .values(claimed_until=now())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def _complete_claimed(caller: Caller | None, claimed: list[Pending], *, via: str) -> CompletionReport:
    report = CompletionReport()
    try:
        for pending in claimed:
            try:
                _complete(caller, pending, via=via)
                report.count(Outcome.completed)
            except NotUploaded:
                report.count(Outcome.waiting)
            except (ValidationError, PayloadTooLarge, UnsupportedMediaType, QuotaExceeded):
                report.count(Outcome.rejected)  # recorded and audited by _reject
            except (Decided, AppError, StorageError) as exc:  # e.g. FileLocked, the store unavailable: later
                log.info("upload %s not completed now (%s: %s)", pending.id, type(exc).__name__, exc)
                report.count(Outcome.deferred)
    finally:
        if claimed:
            _release([pending.id for pending in claimed])
    return report


def _address_of(file_id: uuid.UUID | None) -> Address | None:
    row = db.session.execute(
        sa.select(File.bucket_type, File.bucket_id, File.logical_path).where(File.id == file_id)
    ).first()
    db.session.commit()
    return address_of(row) if row is not None else None
