"""Resumable multipart uploads: the client sends a large file's parts straight to the object store through presigned
part URLs (S3 UploadPart; the local store serves its own), in parallel and in any order, and may stop and resume.

A session is an upload intent (method `PARTS`) with the store's upload id and the part size; its key is made by the
server. Completion checks the stored parts against the declared size (every part but the last exactly `part_size`),
joins them in the store, then goes through the presigned upload's confirmation (app/services/intents.py): the same
size, checksum, type and limit checks, a copy to a fresh key that becomes the version's (so no URL handed out earlier
can alter it), the version recorded as confirm records it. Once completed, failed or aborted, a session is over.
Sessions past MULTIPART_SESSION_TTL are expired by `gc` / the worker, which abort their uploads in the store; until
then `gc` leaves their parts alone, however old.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.errors import FileNotFound, InvalidState, PayloadTooLarge, ValidationError
from app.extensions import db
from app.models import IntentStatus, UploadIntent
from app.schemas.address import Address
from app.schemas.multipart_uploads import MAX_PARTS, PartUrlsRequest, StartMultipart
from app.services import audit, intents
from app.services.common import (
    address_of,
    address_target,
    drain_deletions,
    expiry_seconds,
    new_object_key,
    now,
    physical_bucket,
    policy,
    queue_deletion,
    setting,
    store,
)
from app.services.context import Caller
from app.services.uploads import check_type, check_writable
from app.storage.base import IntegrityMismatch, StorageError, StoredPart, UploadNotFound

log = logging.getLogger(__name__)

METHOD = "PARTS"  # UploadIntent.method of a multipart session
MIB = 1024 * 1024
MIN_PART_SIZE = 5 * MIB  # S3: every part but the last
MAX_PART_SIZE = 5 * 1024 * MIB


@dataclass(frozen=True)
class Session:
    """A multipart session as plain values, usable outside any transaction."""

    id: uuid.UUID
    address: Address
    object_key: str
    store_upload_id: str
    size: int
    part_size: int
    content_type: str | None
    checksum_sha256: str | None
    status: str
    expires_at: datetime
    file_id: uuid.UUID | None
    version_id: uuid.UUID | None

    @classmethod
    def of(cls, intent: UploadIntent) -> Session:
        return cls(
            id=intent.id,
            address=address_of(intent),
            object_key=intent.object_key,
            store_upload_id=intent.multipart_upload_id,
            size=intent.declared_size,
            part_size=intent.part_size,
            content_type=intent.content_type,
            checksum_sha256=intent.declared_checksum,
            status=str(intent.status),
            expires_at=intent.expires_at,
            file_id=intent.file_id,
            version_id=intent.version_id,
        )

    @property
    def bucket(self) -> str:
        return physical_bucket(self.address.bucket)

    @property
    def part_count(self) -> int:
        return -(-self.size // self.part_size)

    def expected_size(self, number: int) -> int:
        """The size part `number` must have: `part_size`, the last one what remains."""
        return self.part_size if number < self.part_count else self.size - (self.part_count - 1) * self.part_size

    def open(self, moment: datetime) -> bool:
        return self.status == IntentStatus.pending and self.expires_at > moment

    def shown_status(self, moment: datetime) -> str:
        """`pending` until completed, `confirmed` once it became a version, `failed` (a check refused it or it was
        aborted), `expired` once past its expiry."""
        return "expired" if self.status == IntentStatus.pending and self.expires_at <= moment else self.status


def part_size_for(size: int) -> int:
    """MULTIPART_PART_SIZE within S3's bounds, raised (in whole MiB) when the file would need over 10,000 parts."""
    configured = min(max(setting("MULTIPART_PART_SIZE"), MIN_PART_SIZE), MAX_PART_SIZE)
    needed = max(configured, -(-size // MAX_PARTS))
    return min(-(-needed // MIB) * MIB, MAX_PART_SIZE)


# -------------------------------------------------------------------------------------------------- the use cases


def start_upload(caller: Caller, request: StartMultipart) -> dict:
    """Begin a session: the store's multipart upload under a fresh key, and the intent that tracks it.

    Raises PayloadTooLarge (declared size), UnsupportedMediaType (declared type), AccessDenied, FileLocked.
    """
    address, size = request.address, request.size
    limit = setting("MAX_UPLOAD_SIZE")
    if size > limit:
        raise PayloadTooLarge(f"The file exceeds the limit of {limit} bytes.")
    part_size = part_size_for(size)
    if -(-size // part_size) > MAX_PARTS:
        raise PayloadTooLarge(f"The file needs more than {MAX_PARTS} parts of at most {MAX_PART_SIZE} bytes.")
    if request.content_type:
        check_type(request.content_type)
    check_writable(caller, address, size)  # with the bucket's quota for the declared size
    db.session.commit()  # no transaction open while the store is asked
    bucket, key = physical_bucket(address.bucket), new_object_key(address.bucket_id)
    store_upload_id = store().start_multipart(bucket, key, content_type=request.content_type)
    moment = now()
    intent = UploadIntent(
        id=uuid.uuid4(),
        bucket_type=address.bucket,
        bucket_id=address.bucket_id,
        logical_path=address.path,
        object_key=key,
        user_id=caller.user_id,
        method=METHOD,
        status=IntentStatus.pending,
        content_type=request.content_type,
        declared_size=size,
        declared_checksum=request.checksum_sha256,
        created_at=moment,
        expires_at=moment + timedelta(seconds=setting("MULTIPART_SESSION_TTL")),
        multipart_upload_id=store_upload_id,
        part_size=part_size,
    )
    try:
        db.session.add(intent)
        audit.record(
            caller,
            "upload_multipart_start",
            bucket=address.bucket,
            bucket_id=address.bucket_id,
            path=address.path,
            upload_id=str(intent.id),
            size=size,
            part_size=part_size,
        )
        session = Session.of(intent)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        abort_in_store([(bucket, key, store_upload_id)])
        raise
    return _summary(session, moment)


def part_urls(caller: Caller, upload_id: uuid.UUID, request: PartUrlsRequest) -> dict:
    """Presigned PUT URLs for the parts asked for; asked again, fresh ones (a client resumes with them).

    Raises FileNotFound (no such session of this user), InvalidState (over or expired), ValidationError (a part
    number beyond the session's part count), InvalidExpiry, AccessDenied.
    """
    session = _open_session(caller, upload_id)
    beyond = [number for number in request.part_numbers if number > session.part_count]
    if beyond:
        raise ValidationError(
            f"This upload has parts 1 to {session.part_count}.",
            errors={"part_numbers": [f"Part numbers must be 1 to {session.part_count}; got {beyond[:10]}."]},
        )
    moment = now()
    remaining = int((session.expires_at - moment).total_seconds())
    expires_in = min(expiry_seconds(request.expires_in), remaining)
    if expires_in < 1:
        raise InvalidState("The upload session has expired.")
    policy().require(caller.principal, address_target(session.address), "write")
    parts = []
    for number in request.part_numbers:
        size = session.expected_size(number)
        url = store().presign_part(
            session.bucket, session.object_key, session.store_upload_id, number, expires_in, max_size=size
        )
        parts.append({"part_number": number, "url": url.url, "headers": url.headers, "size": size})
    return {
        "upload_id": session.id,
        "expires_in": expires_in,
        "expires_at": moment + timedelta(seconds=expires_in),
        "parts": parts,
    }


def describe_upload(caller: Caller, upload_id: uuid.UUID) -> dict:
    """The session and the parts the store holds (none once it is over). Raises FileNotFound."""
    session = _own_session(caller, upload_id)
    moment = now()
    stored: list[StoredPart] = []
    if session.open(moment):
        try:
            stored, _ = _latest_parts(
                session, store().list_parts(session.bucket, session.object_key, session.store_upload_id)
            )
        except UploadNotFound:
            stored = []  # joined by a completion still in progress
    return {
        **_summary(session, moment),
        "parts": [{"part_number": p.number, "size": p.size, "etag": p.etag} for p in stored],
    }


def complete_upload(caller: Caller, upload_id: uuid.UUID) -> dict:
    """Check the parts, join them, and create the version exactly as `/upload/confirm` does.

    Raises FileNotFound, InvalidState (over, expired, or a part replaced while joining: complete again),
    ValidationError (parts missing or of the wrong size: the session stays open to fix them), AccessDenied,
    FileLocked; for joined bytes a check refuses (the session then fails, nothing is recorded) ValidationError
    (checksum, size), PayloadTooLarge or UnsupportedMediaType.
    """
    session = _open_session(caller, upload_id)
    policy().require(caller.principal, address_target(session.address), "write")
    bucket, key = session.bucket, session.object_key
    try:
        parts = store().list_parts(bucket, key, session.store_upload_id)
    except UploadNotFound:
        parts = None  # joined already, by an earlier completion whose answer was lost: confirm below
    if parts is not None:
        try:
            parts = _check_parts(session, parts)
        except ValidationError:
            if not store().exists(bucket, key):
                raise
            parts = None  # a concurrent completion joined them as the store listed them: confirm below
    if parts is not None:
        try:
            store().complete_multipart(bucket, key, session.store_upload_id, parts)
        except IntegrityMismatch:
            raise InvalidState("A part was replaced while the upload was completed; complete it again.") from None
        except UploadNotFound:
            pass  # a concurrent completion joined them: the confirmation decides which one records the version
    return intents.confirm_upload(caller, upload_id, via="multipart")


def abort_upload(caller: Caller, upload_id: uuid.UUID) -> dict:
    """End an open session: its parts (and anything joined from them) are removed. Raises FileNotFound,
    InvalidState (already over)."""
    session = _own_session(caller, upload_id)
    ended = db.session.execute(
        sa.update(UploadIntent)
        .where(UploadIntent.id == session.id, UploadIntent.status == IntentStatus.pending)
        .values(status=IntentStatus.failed)
    )
    if ended.rowcount != 1:
        db.session.rollback()
        raise InvalidState(f"The upload is already {_own_session(caller, upload_id).status}.")
    queue_deletion(session.bucket, session.object_key, "multipart upload aborted")  # if it was joined already
    audit.record(
        caller,
        "upload_multipart_abort",
        bucket=session.address.bucket,
        bucket_id=session.address.bucket_id,
        path=session.address.path,
        upload_id=str(session.id),
    )
    db.session.commit()
    abort_in_store([(session.bucket, session.object_key, session.store_upload_id)])
    drain_deletions([(session.bucket, session.object_key)])
    return {"upload_id": session.id, "status": "aborted"}


# ------------------------------------------------------------------------------------------- for gc and the worker


def live_store_upload_ids() -> set[str]:
    """The store upload ids of sessions still pending: gc's sweep of incomplete uploads leaves them alone."""
    ids = db.session.scalars(
        sa.select(UploadIntent.multipart_upload_id).where(
            UploadIntent.status == IntentStatus.pending, UploadIntent.multipart_upload_id.is_not(None)
        )
    ).all()
    db.session.commit()
    return set(ids)


def abort_in_store(uploads: list[tuple[str, str, str]]) -> tuple[int, int]:
    """Best effort: abort these (bucket, key, store upload id) in the store; (aborted, failed). What fails is found
    again by gc's sweep of incomplete uploads once its session is over."""
    aborted = failed = 0
    for bucket, key, store_upload_id in uploads:
        try:
            store().abort_upload(bucket, key, store_upload_id)
            aborted += 1
        except StorageError as exc:
            log.warning("could not abort upload %s of %s/%s now (%s)", store_upload_id, bucket, key, exc)
            failed += 1
    return aborted, failed


# ---------------------------------------------------------------------------------------------------- the checks


def _own_session(caller: Caller, upload_id: uuid.UUID) -> Session:
    """The caller's session (ending the lookup's transaction); FileNotFound for anyone else's or none."""
    intent = db.session.get(UploadIntent, upload_id)
    if intent is None or intent.user_id != caller.user_id or intent.method != METHOD:
        db.session.rollback()
        raise FileNotFound("No such upload.")
    session = Session.of(intent)
    db.session.commit()
    return session


def _open_session(caller: Caller, upload_id: uuid.UUID) -> Session:
    session = _own_session(caller, upload_id)
    if not session.open(now()):
        raise InvalidState(f"The upload is {session.shown_status(now())}: it takes no more parts.")
    return session


def _latest_parts(session: Session, listed: list[StoredPart]) -> tuple[list[StoredPart], list[str]]:
    """One entry per part number, the last one sent, and the problems of numbers where that cannot be told.

    A part sent twice may be listed twice (SeaweedFS). The newest wins; of entries stored within the same second
    (the store's resolution), the one of the expected size (a retry replacing a short or broken attempt).
    """
    by_number: dict[int, list[StoredPart]] = defaultdict(list)
    for part in listed:
        by_number[part.number].append(part)
    chosen, problems = [], []
    for number, entries in sorted(by_number.items()):
        newest = max((entry.modified for entry in entries if entry.modified is not None), default=None)
        tied = [entry for entry in entries if entry.modified == newest] or entries
        if len({entry.etag for entry in tied}) > 1:
            fitting = [entry for entry in tied if entry.size == session.expected_size(number)]
            tied = fitting if len({entry.etag for entry in fitting}) == 1 else tied
        if len({entry.etag for entry in tied}) > 1:
            problems.append(f"Part {number} was stored twice at once with different bytes; send it again.")
        chosen.append(tied[-1])
    return chosen, problems


def _check_parts(session: Session, listed: list[StoredPart]) -> list[StoredPart]:
    """The parts to join; ValidationError unless the store holds exactly parts 1..part_count, each of its expected
    size."""
    parts, problems = _latest_parts(session, listed)
    numbers = {part.number for part in parts}
    missing = [number for number in range(1, session.part_count + 1) if number not in numbers]
    if missing:
        problems.append(f"Missing parts: {', '.join(map(str, missing[:20]))}{' ...' if len(missing) > 20 else ''}.")
    extra = sorted(numbers - set(range(1, session.part_count + 1)))
    if extra:
        problems.append(f"Parts beyond the last ({session.part_count}): {', '.join(map(str, extra[:20]))}.")
    for part in parts:
        if part.number <= session.part_count and part.size != session.expected_size(part.number):
            problems.append(f"Part {part.number} has {part.size} bytes, not {session.expected_size(part.number)}.")
            if len(problems) >= 20:
                break
    if problems:
        raise ValidationError(
            f"The parts do not make the declared {session.size} bytes; upload the missing or wrong parts again.",
            errors={"parts": problems},
        )
    return parts


def _summary(session: Session, moment: datetime) -> dict:
    return {
        "upload_id": session.id,
        "status": session.shown_status(moment),
        "bucket_type": session.address.bucket,
        "bucket_id": session.address.bucket_id,
        "logical_path": session.address.path,
        "size": session.size,
        "part_size": session.part_size,
        "part_count": session.part_count,
        "content_type": session.content_type,
        "checksum_sha256": session.checksum_sha256,
        "expires_at": session.expires_at,
        "file_id": session.file_id,
        "version_id": session.version_id,
    }
