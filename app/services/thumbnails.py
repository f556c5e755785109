"""Thumbnails of images (JPEG, PNG, WebP, GIF's first frame), made with Pillow on first request and kept as objects.

A thumbnail's key is its version's object key plus `.thumb-{size}`: server-made, unique per version and size, and
found from the version's key alone, so the deletion queue removes a version's thumbnails with its object
(`drain_deletions`) and `reconcile` knows which thumbnails still belong to a version (`source_key`).

Making one is bounded: the source is read up to THUMBNAIL_MAX_SOURCE_BYTES, Pillow opens only the four formats
(never the ones that call out to Ghostscript and the like), and refuses images over THUMBNAIL_MAX_PIXELS with its
decompression-bomb guard. The work runs with no database transaction open, behind a small per-process gate.
"""

from __future__ import annotations

import io
import re
import threading
import uuid
import warnings
from collections.abc import Iterator

import sqlalchemy as sa
from flask import current_app
from PIL import Image, ImageOps, UnidentifiedImageError

from app.errors import FileNotFound, ObjectMissing, RateLimited, UnsupportedMediaType
from app.extensions import db
from app.models import FileVersion
from app.services.common import setting, store
from app.services.downloads import Download
from app.services.versions import mark_corrupted
from app.storage.base import ObjectNotFound, ObjectStream

SIZES = (64, 256, 1024)
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
CONTENT_TYPE = "image/webp"
RENDERING = "1"  # part of the ETag: bump it when the output for a given image changes
_KEY = re.compile(r"^(?P<source>.+)\.thumb-(?P<size>64|256|1024)$")
WAITERS_PER_SLOT = 4  # requests that may wait for a slot, per slot; more get 429 at once
RETRY_AFTER = 2


def thumbnail_key(object_key: str, size: int) -> str:
    return f"{object_key}.thumb-{size}"


def source_key(key: str) -> str | None:
    """The version object key a thumbnail key belongs to, or None when `key` is no thumbnail's."""
    match = _KEY.fullmatch(key)
    return match["source"] if match else None


def thumbnail_keys(object_key: str) -> list[str]:
    """Every thumbnail a version's object may have (none for a thumbnail's own key)."""
    return [] if source_key(object_key) is not None else [thumbnail_key(object_key, size) for size in SIZES]


def etag(download: Download, size: int) -> str:
    """Versions never change, so neither does their thumbnail of one size (for one rendering)."""
    return f"thumb-{download.version_id}-{size}-{RENDERING}"


class Gate:
    """At most `slots` thumbnails made at once in this process, and at most `slots * WAITERS_PER_SLOT` requests
    waiting (each at most `wait` seconds) for a slot; any other request is refused at once.

    A bulkhead written on threading primitives: the rate limiter counts requests, not CPU-bound work in progress,
    and a plain semaphore would let a page of fifty new images park fifty server threads behind it. With the gate,
    decoding can take at most `slots` cores and the waiting at most a few threads; every other request keeps going.
    """

    def __init__(self, slots: int, wait: float) -> None:
        self._wait = wait
        self._slots = threading.BoundedSemaphore(max(1, slots))
        self._waiting = threading.BoundedSemaphore(max(1, slots) * (1 + WAITERS_PER_SLOT))

    def enter(self) -> None:
        """Take a slot; RateLimited (429, Retry-After) when too many wait or none frees in time."""
        if not self._waiting.acquire(blocking=False):
            raise _busy()
        try:
            if not self._slots.acquire(timeout=self._wait):
                raise _busy()
        finally:
            self._waiting.release()

    def leave(self) -> None:
        self._slots.release()


def _busy() -> RateLimited:
    return RateLimited(
        "Thumbnails are being made for other requests; retry shortly.", headers={"Retry-After": str(RETRY_AFTER)}
    )


_pillow_lock = threading.Lock()


def _gate() -> Gate:
    """This app's gate, made on first use; Pillow's guard is set up then too (it is process-wide in Pillow)."""
    extensions = current_app.extensions
    if "thumbnail_gate" not in extensions:
        with _pillow_lock:
            if "thumbnail_gate" not in extensions:
                # Over the limit Pillow warns, over twice the limit it raises: both refuse the image here.
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                extensions["thumbnail_gate"] = Gate(setting("THUMBNAIL_CONCURRENCY"), setting("THUMBNAIL_WAIT"))
    Image.MAX_IMAGE_PIXELS = setting("THUMBNAIL_MAX_PIXELS")
    return extensions["thumbnail_gate"]


def open_thumbnail(download: Download, size: int) -> tuple[Iterator[bytes] | ObjectStream, int]:
    """The thumbnail's bytes and length: the stored one, else made now and stored. No transaction stays open.

    Raises UnsupportedMediaType (not one of the four formats, too large, too many pixels, unreadable), RateLimited
    (too many being made), ObjectMissing (the version's object is gone: marked corrupted), FileNotFound (the version
    was purged meanwhile).
    """
    db.session.rollback()  # the checks' transaction ends before any byte moves
    key = thumbnail_key(download.object_key, size)
    try:
        info = store().stat(download.bucket, key)
        return store().open(download.bucket, key), info.size
    except ObjectNotFound:
        pass
    data = _make(download, size)
    store().put_stream(download.bucket, key, io.BytesIO(data), content_type=CONTENT_TYPE)
    if not _version_exists(download.version_id):
        # Purged while this was made: its deletion may have drained before this object existed.
        store().delete(download.bucket, key)
        raise FileNotFound()
    return iter([data]), len(data)


def _version_exists(version_id: uuid.UUID) -> bool:
    found = db.session.scalar(sa.select(sa.func.count()).where(FileVersion.id == version_id))
    db.session.rollback()
    return bool(found)


def _make(download: Download, size: int) -> bytes:
    limit = setting("THUMBNAIL_MAX_SOURCE_BYTES")
    if download.size > limit:
        raise UnsupportedMediaType(f"The image is larger than {limit} bytes (THUMBNAIL_MAX_SOURCE_BYTES).")
    gate = _gate()
    gate.enter()
    try:
        return render(_read(download, limit), size)
    finally:
        gate.leave()


def _read(download: Download, limit: int) -> bytes:
    """The source's bytes, at most `limit` of them (the object is read as stored, not as recorded)."""
    try:
        stream = store().open(download.bucket, download.object_key)
    except ObjectNotFound:
        mark_corrupted(download.version_id, download.object_key)
        db.session.commit()
        raise ObjectMissing() from None
    data = bytearray()
    try:
        for chunk in stream:
            data += chunk
            if len(data) > limit:
                raise UnsupportedMediaType(f"The image is larger than {limit} bytes (THUMBNAIL_MAX_SOURCE_BYTES).")
    finally:
        stream.close()
    return bytes(data)


def render(data: bytes, size: int) -> bytes:
    """A WebP at most `size` pixels on its longest side (first frame, EXIF orientation applied); UnsupportedMediaType
    for anything Pillow may not or cannot open, or whose pixel count is over Image.MAX_IMAGE_PIXELS."""
    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:
            if image.width * image.height > Image.MAX_IMAGE_PIXELS:  # Pillow only warns below twice the limit
                raise Image.DecompressionBombError("over THUMBNAIL_MAX_PIXELS")
            image.seek(0)
            image.draft("RGB", (size, size))  # JPEG decodes at a reduced scale: less memory and time
            frame = ImageOps.exif_transpose(image)
            if frame.mode.startswith("I") or frame.mode == "F":  # 16-bit and float greyscale: scaled to 8 bits
                frame = frame.convert("I").point(lambda value: value / 256).convert("L")
            frame.thumbnail((size, size))
            has_alpha = frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info
            frame = frame.convert("RGBA" if has_alpha else "RGB")
            out = io.BytesIO()
            frame.save(out, "WEBP", quality=80)
            return out.getvalue()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise UnsupportedMediaType(
            f"The image has more than {Image.MAX_IMAGE_PIXELS} pixels (THUMBNAIL_MAX_PIXELS)."
        ) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, EOFError):
        raise UnsupportedMediaType(
            "No thumbnail: the file is not a JPEG, PNG, WebP or GIF image Pillow can read."
        ) from None
