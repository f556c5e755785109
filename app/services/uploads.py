"""Uploads: proxy (streamed through the service), presigned (PUT or POST form) and their confirmation."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta

from app import observability
from app.errors import (
    NoFile,
    PayloadTooLarge,
    UnsupportedMediaType,
    ValidationError,
)
from app.extensions import db
from app.models import File, FileVersion, UploadIntent
from app.multipart import StreamingForm
from app.schemas.address import Address, FileRef, parse_address
from app.schemas.requests import FileExpiry, PresignUpload, upload_fields
from app.services import audit, content_types, expiry, quotas
from app.services.common import (
    address_target,
    ensure_unlocked,
    expiry_seconds,
    find_file,
    new_object_key,
    now,
    physical_bucket,
    policy,
    setting,
    store,
)
from app.services.context import Caller
from app.services.versions import StoredObject, fresh_object, record_version
from app.storage.base import ObjectTooLarge


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


def check_type(mime_type: str) -> None:
    if not content_types.allowed(mime_type, setting("ALLOWED_MIME_TYPES")):
        raise UnsupportedMediaType(f"Files of type {mime_type} are not allowed.")


def _address_known(fields: Mapping) -> bool:
    """Bucket, path and bucket id (or a README-form absolute path) are all present."""
    bucket = fields.get("bucket_type") or fields.get("bucket")
    path = fields.get("logical_path") or fields.get("path")
    return bool(bucket and path and (fields.get("bucket_id") or fields.get("id") or path.startswith("/")))


def check_writable(caller: Caller, address: Address, size: int = 0, *, expiring: bool = False) -> None:
    """Authorize `write` (and `delete` when the upload gives an existing file an expiry: expiring deletes it), refuse
    early when another user holds the lock or the bucket's quota has no room for `size` more bytes (and a new file):
    all are checked again when the version is recorded."""
    policy().require(caller.principal, address_target(address), "write")
    existing = find_file(FileRef(address=address))
    if existing is not None:
        if expiring:
            policy().require(caller.principal, address_target(address), "delete")
        ensure_unlocked(existing, caller)
    quotas.ensure_room(address, size, new_file=existing is None)


def _expires_at(requested: FileExpiry | None) -> datetime | None:
    """The file's expiry an upload asks for (None: none asked); InvalidExpiry beyond MAX_FILE_TTL."""
    return expiry.deadline(requested) if requested is not None else None


def proxy_upload(caller: Caller, form: StreamingForm | None, query: Mapping[str, str]) -> dict:
    """Stream the file part to a fresh key while hashing, then commit the version.

    Raises NoFile, MissingFields, InvalidPath, BucketNotFound, ValidationError (before authorization), AccessDenied,
    FileLocked, PayloadTooLarge, UnsupportedMediaType, ValidationError (checksum mismatch). Nothing is left behind on
    failure, and no database transaction is open while the bytes stream.
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
    expiring = _expires_at(upload_fields(fields).expiry) is not None  # a bad field fails before any byte is stored
    check_writable(caller, address, expiring=expiring)
    db.session.rollback()  # end the checks' transaction: the lock is checked again when the version is recorded
    bucket, key = physical_bucket(address.bucket), new_object_key(address.bucket_id)
    try:
        put = store().put_stream(bucket, key, form.file, max_size=setting("MAX_UPLOAD_SIZE"))
    except ObjectTooLarge:
        raise PayloadTooLarge(f"The file exceeds the limit of {setting('MAX_UPLOAD_SIZE')} bytes.") from None
    with fresh_object(bucket, key):
        extras = upload_fields({**query, **form.finish()})  # fields may also follow the file part
        mime_type = content_types.detect(put.head, form.file.filename or address.filename, form.file.content_type)
        check_type(mime_type)
        if extras.checksum_sha256 and extras.checksum_sha256 != put.sha256:
            raise ValidationError(
                "The checksum does not match the uploaded bytes.",
                errors={"checksum_sha256": ["Does not match the uploaded bytes."]},
            )
        stored = StoredObject(key, put.size, put.sha256, mime_type)
        file, version = record_version(
            caller,
            address,
            stored,
            description=extras.description,
            tags=extras.tags,
            expires_at=_expires_at(extras.expiry),
        )
        audit.record(caller, "upload", file=file, version=version, size=put.size, method="proxy")
    observability.bytes_uploaded(put.size)
    return version_data(file, version)


def presign_upload(caller: Caller, request: PresignUpload) -> dict:
    """Record an upload intent and return a PUT URL or a POST form policy for the object store.

    Raises PayloadTooLarge (declared size), UnsupportedMediaType, InvalidExpiry, AccessDenied, FileLocked.
    """
    address, method, size = request.address, request.method, request.size
    checksum, content_type = request.checksum_sha256, request.content_type
    expires_in = expiry_seconds(request.expires_in)
    file_expires_at = _expires_at(request.file_expiry)
    if size is not None and size > setting("MAX_UPLOAD_SIZE"):
        raise PayloadTooLarge(f"The file exceeds the limit of {setting('MAX_UPLOAD_SIZE')} bytes.")
    if content_type:
        check_type(content_type)
    check_writable(caller, address, size or 0, expiring=file_expires_at is not None)
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
        file_expires_at=file_expires_at,
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
