"""Folder download as one zip archive, streamed: the files under a folder that the caller may read, each entry read
from the object store while the archive is written, never the whole in memory.

One `read` decision for the folder's bucket address (as GET /list: access is decided per bucket space), then one
statement lists the live, unexpired files under the folder with their current versions' keys and sizes, bounded by
ZIP_MAX_FILES and ZIP_MAX_BYTES (413 before a byte is sent). The audit row is committed and the session ends before
streaming starts: no transaction stays open while bytes move. The archive stores entries uncompressed (ZIP64 where
needed) so that its exact length is known up front: the answer carries Content-Length, and a client can tell a
cut-off download (an object that vanished mid-stream ends the connection early) from a complete one.

zipstream-ng writes the archive: a well-kept library that streams from iterables, computes the sized archive's
length in advance and handles ZIP64, which hand-written zip framing would have to reproduce.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

import sqlalchemy as sa
from zipstream import ZIP_STORED, ZipStream

from app import observability
from app.errors import PayloadTooLarge
from app.extensions import db
from app.models import File, FileVersion
from app.schemas.address import Address
from app.services import audit, intents
from app.services.common import address_target, now, physical_bucket, policy, setting, store
from app.services.context import Caller
from app.services.expiry import unexpired
from app.services.files import (
    _subtree,  # the one definition of a folder's range of paths
    ordered_path,
)
from app.storage.base import IntegrityMismatch, ObjectStore, ObjectStream

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ZipEntry:
    """One file of the archive as plain values: its name inside the archive and its current version's object."""

    name: str
    bucket: str
    key: str
    size: int


@dataclass(frozen=True)
class ZipPlan:
    filename: str  # the archive's file name: the folder's name, else the bucket id
    entries: list[ZipEntry] = field(default_factory=list)

    @property
    def size(self) -> int:
        return sum(entry.size for entry in self.entries)


def plan_zip(caller: Caller, folder: Address) -> ZipPlan:
    """The files to archive; raises AccessDenied, ProjectServiceUnavailable, PayloadTooLarge (over ZIP_MAX_FILES
    or ZIP_MAX_BYTES). Nothing is read from the object store yet; the transaction is over on return."""
    policy().require(caller.principal, address_target(folder), "read")
    intents.complete_under(caller, folder)  # presigned uploads nobody confirmed (contract §9)
    prefix = f"{folder.path}/" if folder.path else ""
    max_files, max_bytes = setting("ZIP_MAX_FILES"), setting("ZIP_MAX_BYTES")
    rows = db.session.execute(
        sa.select(File.logical_path, FileVersion.object_key, FileVersion.size)
        .join(FileVersion, FileVersion.id == File.current_version_id)
        .where(
            File.bucket_type == folder.bucket,
            File.bucket_id == folder.bucket_id,
            *_subtree(prefix),
            File.is_deleted.is_(False),
            unexpired(now()),
        )
        .order_by(ordered_path, File.id)
        .limit(max_files + 1)
    ).all()
    if len(rows) > max_files:
        db.session.rollback()
        raise PayloadTooLarge(f"The folder holds more than {max_files} files (ZIP_MAX_FILES); download a sub-folder.")
    bucket = physical_bucket(folder.bucket)
    entries = [
        ZipEntry(name, bucket, row.object_key, row.size)
        for row in rows
        if (name := entry_name(row.logical_path, prefix)) is not None
    ]
    plan = ZipPlan(folder.path.rsplit("/", 1)[-1] if folder.path else folder.bucket_id, entries)
    if plan.size > max_bytes:
        db.session.rollback()
        raise PayloadTooLarge(f"The folder holds more than {max_bytes} bytes (ZIP_MAX_BYTES); download a sub-folder.")
    audit.record(
        caller,
        "download_zip",
        bucket=folder.bucket,
        bucket_id=folder.bucket_id,
        path=folder.path,
        files=len(entries),
        bytes=plan.size,
    )
    db.session.commit()
    return plan


def entry_name(path: str, prefix: str) -> str | None:
    """The file's name inside the archive: its path below the folder. None (left out) for anything that could
    land outside the extraction directory: absolute, `.`/`..` or empty segments, backslashes, drive letters.
    Stored paths already obey these rules (contract §1); this holds even for rows written by older code."""
    if not path.startswith(prefix):
        return None
    name = path[len(prefix) :]
    segments = name.split("/")
    if not name or "\\" in name or ":" in segments[0] or any(s in ("", ".", "..") for s in segments):
        log.warning("left a file with an unsafe archive name out of a zip: %r", path)
        return None
    return name


def open_zip(plan: ZipPlan) -> ZipBody:
    """The archive of a plan, ready to stream (outside the request's application context)."""
    observability.bytes_downloaded(plan.size)
    return ZipBody(plan, store())


class ZipBody:
    """The archive as a response body: iterated lazily, entry by entry, `close()` releases the object being read."""

    def __init__(self, plan: ZipPlan, objects: ObjectStore) -> None:
        self.plan, self.objects = plan, objects
        self._open: ObjectStream | None = None
        self._archive = ZipStream(compress_type=ZIP_STORED, sized=True)
        for entry in plan.entries:
            self._archive.add(self._chunks(entry), entry.name, size=entry.size)
        self._chunks_out: Iterator[bytes] | None = None

    @property
    def length(self) -> int:
        """The archive's exact length in bytes, known before a byte is written (no `__len__`: werkzeug would take a
        sized body for a buffered one)."""
        return len(self._archive)

    def __iter__(self) -> Iterator[bytes]:
        self._chunks_out = iter(self._archive)
        return self._chunks_out

    def _chunks(self, entry: ZipEntry) -> Iterator[bytes]:
        self._open = self.objects.open(entry.bucket, entry.key)
        read = 0
        try:
            for chunk in self._open:
                read += len(chunk)
                yield chunk
        finally:
            self._open.close()
            self._open = None
        if read != entry.size:  # the archive's framing promised entry.size bytes: end the stream, do not lie
            raise IntegrityMismatch(f"{entry.bucket}/{entry.key} has {read} bytes, its version says {entry.size}")

    def close(self) -> None:
        if self._chunks_out is not None and hasattr(self._chunks_out, "close"):
            self._chunks_out.close()
        if self._open is not None:
            self._open.close()
            self._open = None
