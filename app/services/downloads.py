"""Downloads: streamed through the service (with ranges) or by a presigned URL of the object store."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta

from app import observability
from app.errors import ObjectMissing
from app.extensions import db
from app.models import File, FileVersion
from app.schemas.address import FileRef
from app.schemas.requests import VersionQuery
from app.services import audit
from app.services.common import (
    expiry_seconds,
    find_version,
    load_for_read,
    now,
    open_object,
    physical_bucket,
    store,
)
from app.services.content_types import safe_media_type
from app.services.context import Caller
from app.services.versions import mark_corrupted
from app.storage.base import ObjectNotFound, ObjectStream


@dataclass(frozen=True)
class Download:
    """Plain values of the version to serve: the response is built and streamed without the database session."""

    file_id: uuid.UUID
    version_id: uuid.UUID
    version_number: int
    filename: str
    bucket_type: str
    bucket_id: str
    logical_path: str
    bucket: str
    object_key: str
    size: int
    mime_type: str
    checksum_sha256: str


def _resolve(caller: Caller, ref: FileRef, version_number: int | None) -> tuple[File, FileVersion]:
    """The file and version to serve, after completing the presigned uploads nobody confirmed at the file's address
    (contract §9): one statement when none is pending."""
    file = load_for_read(caller, ref)
    return file, find_version(file, version_number)


def prepare_download(caller: Caller, query: VersionQuery) -> Download:
    """The version to stream (current unless `version`). Raises AccessDenied, FileNotFound, VersionNotFound.
    Nothing is read from the object store yet."""
    file, version = _resolve(caller, query.ref, query.version)
    download = Download(
        file_id=file.id,
        version_id=version.id,
        version_number=version.version_number,
        filename=file.filename,
        bucket_type=str(file.bucket_type),
        bucket_id=file.bucket_id,
        logical_path=file.logical_path,
        bucket=physical_bucket(file.bucket_type),
        object_key=version.object_key,
        size=version.size,
        mime_type=safe_media_type(version.mime_type),  # a bad stored type never reaches a header
        checksum_sha256=version.checksum_sha256,
    )
    return download


def open_download(caller: Caller, download: Download, *, offset: int = 0, length: int | None = None) -> ObjectStream:
    """Open the object (or a byte range) and record the download in its own commit.

    Raises ObjectMissing when the object is gone; the version is then marked `corrupted` (committed).
    """
    try:
        stream = open_object(download.bucket, download.object_key, download.size, offset=offset, length=length)
    except ObjectNotFound:
        mark_corrupted(download.version_id, download.object_key)
        row = audit.record(
            caller,
            "download",
            bucket=download.bucket_type,
            bucket_id=download.bucket_id,
            path=download.logical_path,
            outcome="failed",
            version_number=download.version_number,
            reason="object_missing",
        )
        row.file_id, row.version_id = download.file_id, download.version_id
        db.session.commit()
        raise ObjectMissing() from None
    try:
        audit.commit_read(
            caller,
            "download",
            file_id=download.file_id,
            version_id=download.version_id,
            address=(download.bucket_type, download.bucket_id, download.logical_path),
            version_number=download.version_number,
            offset=offset,
            length=length,
            method="proxy",
        )
    except BaseException:
        db.session.rollback()
        stream.close()
        raise
    observability.bytes_downloaded(download.size - offset if length is None else length)
    return stream


def presign_download(caller: Caller, query: VersionQuery) -> dict:
    """A GET URL of the object store forcing `attachment` with the stored name and type.

    Raises InvalidExpiry, AccessDenied, FileNotFound, VersionNotFound.
    """
    expires_in = expiry_seconds(query.expires_in)
    file, version = _resolve(caller, query.ref, query.version)
    url = store().presign_get(
        physical_bucket(file.bucket_type),
        version.object_key,
        expires_in,
        filename=file.filename,
        content_type=safe_media_type(version.mime_type),
    )
    result = {
        "url": url,
        "object_key": version.object_key,
        "expires_in": expires_in,
        "expires_at": now() + timedelta(seconds=expires_in),
        "version_number": version.version_number,
        "filename": file.filename,
        "size": version.size,
        "content_type": safe_media_type(version.mime_type),
    }
    address = (str(file.bucket_type), file.bucket_id, file.logical_path)
    audit.commit_read(
        caller, "download_presign", file_id=file.id, version_id=version.id, address=address, expires_in=expires_in
    )
    return result
