"""Uploads: proxy (streamed through the service), presigned (PUT or POST form) and their confirmation."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import observability
from app.errors import (
    FileNotFound,
    InvalidState,
    NoFile,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationError,
)
from app.extensions import db
from app.models import File, FileStatus, FileVersion, IntentStatus, UploadIntent, VersionStatus
from app.multipart import StreamingForm
from app.schemas.address import Address, parse_address
from app.services import audit, content_types
from app.services.common import (
    FileRef,
    address_target,
    ensure_unlocked,
    expiry_seconds,
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
from app.storage.base import ObjectNotFound, ObjectTooLarge

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


def record_version(
    caller: Caller,
    address: Address,
    *,
    object_key: str,
    size: int,
    checksum: str,
    mime_type: str,
    status: VersionStatus = VersionStatus.draft,
    make_current: bool = True,
    changelog: str | None = None,
    base_version_number: int | None = None,
    description: str | None = None,
    tags: dict | None = None,
) -> tuple[File, FileVersion]:
    """Add a version at the address (creating the file when it is new); raises FileLocked. Does not commit."""
    file = find_file(FileRef(address=address), for_update=True)
    if file is None:
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
        except IntegrityError:  # another request created it first: add to theirs
            file = find_file(FileRef(address=address), for_update=True)
    ensure_unlocked(file, caller)
    number = next_version_number(file)
    version = FileVersion(
        id=uuid.uuid4(),
        file_id=file.id,
        version_number=number,
        object_key=object_key,
        size=size,
        mime_type=mime_type,
        category=content_types.category(mime_type),
        checksum_sha256=checksum,
        status=status,
        changelog=changelog,
        base_version_number=base_version_number,
        created_by=caller.user_id,
        created_at=now(),
    )
    db.session.add(version)
    db.session.flush()
    if make_current:
        file.current_version = version
        file.status = FileStatus.draft
    if description is not None:
        file.description = description
    if tags is not None:
        file.tags = tags
    file.updated_at = now()
    return file, version


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


def version_data(file: File, version: FileVersion) -> dict:
    return {
        "file_id": file.id,
        "version_id": version.id,
        "version_number": version.version_number,
        "object_key": version.object_key,
        "size": version.size,
        "filename": file.filename,
        "mime_type": version.mime_type,
        "category": version.category,
        "checksum_sha256": version.checksum_sha256,
    }


def _tags(raw) -> dict | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise ValidationError("tags must be a JSON object.", errors={"tags": ["Not valid JSON."]}) from None
    if not isinstance(raw, dict):
        raise ValidationError("tags must be a JSON object.", errors={"tags": ["Must be a JSON object."]})
    return raw


def _checksum(raw) -> str | None:
    if raw in (None, ""):
        return None
    value = str(raw).lower()
    if not SHA256_RE.match(value):
        raise ValidationError("checksum_sha256 must be 64 hex digits.", errors={"checksum_sha256": ["Not a SHA-256."]})
    return value


def _check_type(mime_type: str) -> None:
    if not content_types.allowed(mime_type, setting("ALLOWED_MIME_TYPES")):
        raise UnsupportedMediaType(f"Files of type {mime_type} are not allowed.")


def _address_known(fields: Mapping) -> bool:
    """Bucket, path and bucket id (or a README-form absolute path) are all present."""
    bucket = fields.get("bucket_type") or fields.get("bucket")
    path = fields.get("logical_path") or fields.get("path")
    return bool(bucket and path and (fields.get("bucket_id") or fields.get("id") or path.startswith("/")))


def _writable(caller: Caller, address: Address) -> None:
    """Authorize `write` and refuse early when another user holds the lock (rechecked at commit)."""
    policy().require(caller.principal, address_target(address), "write")
    existing = find_file(FileRef(address=address))
    if existing is not None:
        ensure_unlocked(existing, caller)


def proxy_upload(caller: Caller, form: StreamingForm | None, query: Mapping) -> dict:
    """Stream the file part to a fresh key while hashing, then commit the version.

    Raises NoFile, MissingFields, InvalidPath, BucketNotFound (before authorization), AccessDenied, FileLocked,
    PayloadTooLarge, UnsupportedMediaType, ValidationError (checksum mismatch). Nothing is left behind on failure.
    """
    if form is None:
        raise NoFile("The body must be multipart/form-data with a `file` part.")
    fields = {**query, **form.fields}
    if form.file is not None and not _address_known(fields):
        form.spool()  # (part of) the address comes after the file: keep the bytes on disk until it is known
        fields = {**query, **form.fields}
    address = parse_address(fields)
    if form.file is None:
        raise NoFile("The form has no file part.")
    declared_checksum, tags = _checksum(fields.get("checksum_sha256")), _tags(fields.get("tags"))
    _writable(caller, address)
    bucket, key = physical_bucket(address.bucket), new_object_key(address.bucket_id)
    try:
        put = store().put_stream(bucket, key, form.file, max_size=setting("MAX_UPLOAD_SIZE"))
    except ObjectTooLarge:
        raise PayloadTooLarge(f"The file exceeds the limit of {setting('MAX_UPLOAD_SIZE')} bytes.") from None
    try:
        fields = {**query, **form.finish()}
        declared_checksum = declared_checksum or _checksum(fields.get("checksum_sha256"))
        mime_type = content_types.detect(put.head, form.file.filename or address.filename, form.file.content_type)
        _check_type(mime_type)
        if declared_checksum and declared_checksum != put.sha256:
            raise ValidationError(
                "The checksum does not match the uploaded bytes.",
                errors={"checksum_sha256": ["Does not match the uploaded bytes."]},
            )
        file, version = record_version(
            caller,
            address,
            object_key=key,
            size=put.size,
            checksum=put.sha256,
            mime_type=mime_type,
            description=fields.get("description"),
            tags=_tags(fields.get("tags")) if tags is None else tags,
        )
        audit.record(caller, "upload", file=file, version=version, size=put.size, method="proxy")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        store().delete(bucket, key)
        raise
    observability.bytes_uploaded(put.size)
    return version_data(file, version)


def presign_upload(caller: Caller, data: Mapping) -> dict:
    """Record an upload intent and return a PUT URL or a POST form policy for the object store."""
    address = parse_address(data)
    expires_in = expiry_seconds(data.get("expires_in"))
    method = str(data.get("method") or "PUT").upper()
    size, checksum = data.get("size"), _checksum(data.get("checksum_sha256"))
    content_type = data.get("content_type") or None
    if size is not None and size > setting("MAX_UPLOAD_SIZE"):
        raise PayloadTooLarge(f"The file exceeds the limit of {setting('MAX_UPLOAD_SIZE')} bytes.")
    if content_type:
        _check_type(content_type)
    _writable(caller, address)
    bucket, key = physical_bucket(address.bucket), new_object_key(address.bucket_id)
    expires_at = now() + timedelta(seconds=expires_in)
    if method == "POST":
        max_size = size if size is not None else setting("MAX_UPLOAD_SIZE")
        post = store().presign_post(bucket, key, expires_in, max_size=max_size, content_type=content_type)
        target = {"url": post.url, "fields": post.fields}
    else:
        put = store().presign_put(bucket, key, expires_in, content_type=content_type)
        target = {"url": put.url, "headers": put.headers}
    intent = UploadIntent(
        id=uuid.uuid4(),
        bucket_type=address.bucket,
        bucket_id=address.bucket_id,
        logical_path=address.path,
        object_key=key,
        user_id=caller.user_id,
        method=method,
        content_type=content_type,
        declared_size=size,
        declared_checksum=checksum,
        created_at=now(),
        expires_at=expires_at,
    )
    db.session.add(intent)
    audit.record(
        caller,
        "upload_presign",
        bucket=address.bucket,
        bucket_id=address.bucket_id,
        path=address.path,
        upload_id=str(intent.id),
        method=method,
    )
    db.session.commit()
    return {
        **target,
        "method": method,
        "object_key": key,
        "upload_id": intent.id,
        "expires_in": expires_in,
        "expires_at": expires_at,
    }


def confirm_upload(caller: Caller, upload_id: uuid.UUID) -> dict:
    """Check the uploaded object against the intent and create the version; a bad object is queued for deletion."""
    intent = db.session.scalars(sa.select(UploadIntent).where(UploadIntent.id == upload_id).with_for_update()).first()
    if intent is None or intent.user_id != caller.user_id:
        raise FileNotFound("No such upload.")
    if intent.status != IntentStatus.pending:
        raise InvalidState(f"The upload is already {intent.status}.")
    address = Address(str(intent.bucket_type), intent.bucket_id, intent.logical_path)
    policy().require(caller.principal, address_target(address), "write")
    bucket = physical_bucket(intent.bucket_type)
    try:
        size, checksum = store().sha256(bucket, intent.object_key)
    except ObjectNotFound:
        raise InvalidState("Nothing has been uploaded for this upload id yet.") from None
    stream = store().open(bucket, intent.object_key, length=8192)
    try:
        head = b"".join(stream)
    finally:
        stream.close()
    mime_type = content_types.detect(head, address.filename, intent.content_type)
    problem = _confirm_problem(intent, size, checksum, mime_type)
    if problem is not None:
        intent.status = IntentStatus.failed
        queue_deletion(bucket, intent.object_key, "upload rejected")
        audit.record(
            caller,
            "upload_confirm",
            bucket=address.bucket,
            bucket_id=address.bucket_id,
            path=address.path,
            outcome="rejected",
            reason=problem.code,
            upload_id=str(intent.id),
        )
        db.session.commit()
        raise problem
    file, version = record_version(
        caller, address, object_key=intent.object_key, size=size, checksum=checksum, mime_type=mime_type
    )
    intent.status, intent.file_id = IntentStatus.confirmed, file.id
    audit.record(caller, "upload_confirm", file=file, version=version, size=size, upload_id=str(intent.id))
    db.session.commit()
    observability.bytes_uploaded(size)
    return version_data(file, version)


def _confirm_problem(intent: UploadIntent, size: int, checksum: str, mime_type: str):
    if size > setting("MAX_UPLOAD_SIZE"):
        return PayloadTooLarge(f"The file exceeds the limit of {setting('MAX_UPLOAD_SIZE')} bytes.")
    if intent.declared_size is not None and size != intent.declared_size:
        return ValidationError(
            "The uploaded size differs from the declared size.",
            errors={"size": [f"Declared {intent.declared_size}, uploaded {size}."]},
        )
    if intent.declared_checksum and intent.declared_checksum != checksum:
        return ValidationError(
            "The checksum does not match the uploaded bytes.",
            errors={"checksum_sha256": ["Does not match the uploaded bytes."]},
        )
    if not content_types.allowed(mime_type, setting("ALLOWED_MIME_TYPES")):
        return UnsupportedMediaType(f"Files of type {mime_type} are not allowed.")
    return None
