"""The object-store port: what the services need from any S3-like store, and the errors adapters raise."""

from __future__ import annotations

import hashlib
import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO, Protocol

CHUNK_SIZE = 1024 * 1024


class StorageError(Exception):
    """Base of every error an adapter raises; vendor errors never leave `storage/`."""


class ObjectNotFound(StorageError):
    """The key does not exist in the bucket."""


class StorageUnavailable(StorageError):
    """The store cannot be reached or answered with an unexpected error."""


class IntegrityMismatch(StorageError):
    """The stored bytes do not match what was expected (size or checksum)."""


class ObjectTooLarge(StorageError):
    """The stream exceeded the size cap; nothing was stored."""


class InvalidSignature(StorageError):
    """A presigned request of the local store is tampered with or expired."""


class InvalidKey(StorageError):
    """The key (or bucket) is not a safe relative path; nothing was read or written."""


class UploadNotFound(StorageError):
    """No multipart upload with that id is in progress for the key (never started, completed or aborted)."""


MAX_KEY_BYTES = 1024
MAX_SEGMENT_BYTES = 255


def check_key(key: str) -> str:
    """Return key when it is a '/'-separated relative path of safe segments, else raise InvalidKey."""
    try:
        size = len(key.encode("utf-8"))
    except (AttributeError, UnicodeEncodeError):
        raise InvalidKey("the key is not valid UTF-8 text") from None
    if not key or size > MAX_KEY_BYTES:
        raise InvalidKey(f"the key must be 1 to {MAX_KEY_BYTES} UTF-8 bytes")
    if "\\" in key or any(ord(c) < 0x20 or ord(c) == 0x7F for c in key):
        raise InvalidKey("the key contains a backslash or a control character")
    for segment in key.split("/"):
        if segment in ("", ".", "..") or len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise InvalidKey("the key has an empty, '.', '..' or over-long segment (or is absolute)")
    return key


class Readable(Protocol):
    def read(self, size: int = -1) -> bytes: ...


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    etag: str | None = None
    content_type: str | None = None
    last_modified: datetime | None = None


@dataclass(frozen=True)
class PutResult:
    key: str
    size: int
    sha256: str
    head: bytes = b""  # the first bytes of the object, for content sniffing


@dataclass(frozen=True)
class IncompleteUpload:
    """A write the store started and never finished (an S3 multipart upload, a local temp file)."""

    key: str  # the key being written
    upload_id: str  # what `abort_upload` needs, with the key, to remove it
    initiated: datetime | None  # S3: when the upload started; local store: its last write


@dataclass(frozen=True)
class StoredPart:
    """A part a multipart upload holds: its number (1-based), size and the tag its completion names it by."""

    number: int
    size: int
    etag: str
    modified: datetime | None = None


@dataclass(frozen=True)
class PresignedPut:
    url: str
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PresignedPost:
    url: str
    fields: dict[str, str] = field(default_factory=dict)


class ObjectStream(Protocol):
    """Iterable of byte chunks; `close()` releases the connection (also when the client goes away)."""

    def __iter__(self) -> Iterator[bytes]: ...

    def close(self) -> None: ...


class Prefetch:
    """Reads an ObjectStream ahead in a background thread, into a bounded buffer of chunks, while the caller
    writes the previous ones: reading from the store and writing to the client overlap instead of alternating.

    At most `depth` chunks wait in memory. The thread starts on the first iteration and is the only one that
    touches the wrapped stream from then on; it closes that stream (releasing the store's connection) when the
    stream ends, fails, or `close()` is called. `close()` wakes it even when it is blocked on a full buffer
    because the client went away, and waits up to `close_timeout` seconds for it (it can only be slower when it
    is inside a read from the store, which the store's read timeout bounds). Errors of the store's stream are
    raised by the iteration, after the chunks read before them.
    """

    def __init__(self, stream: ObjectStream, depth: int = 8, *, close_timeout: float = 10.0) -> None:
        if depth < 1:
            raise ValueError("depth must be at least 1")
        self._stream = stream
        self._depth = depth
        self._close_timeout = close_timeout
        self._chunks: deque[bytes] = deque()
        self._lock = threading.Condition()
        self._thread: threading.Thread | None = None
        self._finished = False  # the reader thread has closed the stream and ended
        self._closed = False  # close() was called
        self._error: BaseException | None = None

    def __iter__(self) -> Iterator[bytes]:
        with self._lock:
            if self._thread is not None:
                raise RuntimeError("a Prefetch stream can be iterated only once")
            if self._closed:
                return
            self._thread = threading.Thread(target=self._fill, name="object-prefetch", daemon=True)
            self._thread.start()
        while True:
            with self._lock:
                while not self._chunks and not self._finished and not self._closed:
                    self._lock.wait()
                if self._chunks:
                    chunk = self._chunks.popleft()
                    self._lock.notify_all()
                elif self._error is not None and not self._closed:
                    raise self._error
                else:
                    return
            yield chunk

    def _fill(self) -> None:
        try:
            for chunk in self._stream:
                with self._lock:
                    while len(self._chunks) >= self._depth and not self._closed:
                        self._lock.wait()
                    if self._closed:
                        break
                    self._chunks.append(chunk)
                    self._lock.notify_all()
        except BaseException as exc:  # handed to the consumer, which raises it
            self._error = exc
        finally:
            try:
                self._stream.close()
            finally:
                with self._lock:
                    self._finished = True
                    self._lock.notify_all()

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._chunks.clear()
            self._lock.notify_all()
            thread = self._thread
        if thread is None:
            self._stream.close()  # never iterated: no thread owns the stream
        elif thread is not threading.current_thread():
            thread.join(self._close_timeout)

    @property
    def reader_alive(self) -> bool:
        """Whether the read-ahead thread is still running (for tests and diagnostics)."""
        return self._thread is not None and self._thread.is_alive()


class HashingReader:
    """Wraps a readable: counts and hashes what passes, raises ObjectTooLarge past `max_size` bytes."""

    HEAD_SIZE = 8192

    def __init__(self, source: Readable | BinaryIO, max_size: int | None) -> None:
        self.source = source
        self.max_size = max_size
        self.size = 0
        self.head = b""
        self.error: BaseException | None = None  # raised by the source or the size cap, not by the store
        self._hash = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        try:
            data = self.source.read(size)
        except BaseException as exc:
            self.error = exc
            raise
        if not data:
            return b""
        self.size += len(data)
        if self.max_size is not None and self.size > self.max_size:
            self.error = ObjectTooLarge(f"object exceeds {self.max_size} bytes")
            raise self.error
        if len(self.head) < self.HEAD_SIZE:
            self.head += data[: self.HEAD_SIZE - len(self.head)]
        self._hash.update(data)
        return data

    @property
    def sha256(self) -> str:
        return self._hash.hexdigest()


class ObjectStore(ABC):
    """Port implemented by every adapter. Buckets are physical bucket names."""

    def __init__(self, buckets: Iterable[str]) -> None:
        self.buckets = list(buckets)

    @abstractmethod
    def ensure_buckets(self) -> None:
        """Create every configured bucket that does not exist yet."""

    @abstractmethod
    def health(self) -> dict:
        """Return {"status": "ok", ...}; raise StorageUnavailable when the store cannot serve."""

    @abstractmethod
    def put_stream(
        self, bucket: str, key: str, stream: Readable, *, max_size: int | None = None, content_type: str | None = None
    ) -> PutResult:
        """Store a stream of unknown length while hashing it; ObjectTooLarge past max_size leaves nothing behind."""

    @abstractmethod
    def open(self, bucket: str, key: str, *, offset: int = 0, length: int | None = None) -> ObjectStream:
        """Open the object (or a byte range of it) as a stream of chunks; ObjectNotFound when absent."""

    @abstractmethod
    def stat(self, bucket: str, key: str) -> ObjectInfo:
        """Size and metadata of an object; ObjectNotFound when absent."""

    def exists(self, bucket: str, key: str) -> bool:
        """Whether the object is there (a `stat` that found it)."""
        try:
            self.stat(bucket, key)
        except ObjectNotFound:
            return False
        return True

    @abstractmethod
    def copy(self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str) -> ObjectInfo:
        """Server-side copy; ObjectNotFound when the source is absent."""

    @abstractmethod
    def delete(self, bucket: str, key: str) -> None:
        """Remove the object; deleting an absent key succeeds."""

    @abstractmethod
    def list(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        """Every object whose key starts with prefix, in key order."""

    @abstractmethod
    def incomplete_uploads(self, bucket: str, prefix: str = "") -> list[IncompleteUpload]:
        """Unfinished writes under prefix (e.g. of a killed process), in key order; may stop after a few thousand."""

    @abstractmethod
    def abort_upload(self, bucket: str, key: str, upload_id: str) -> None:
        """Remove an unfinished write and what it stored so far; aborting one that is gone succeeds."""

    @abstractmethod
    def presign_get(
        self, bucket: str, key: str, expires: int, *, filename: str | None = None, content_type: str | None = None
    ) -> str:
        """A GET URL valid for `expires` seconds that forces `attachment; filename=...` and the content type."""

    @abstractmethod
    def presign_put(self, bucket: str, key: str, expires: int, *, content_type: str | None = None) -> PresignedPut:
        """A PUT URL valid for `expires` seconds, with the headers the client must send."""

    @abstractmethod
    def presign_post(
        self, bucket: str, key: str, expires: int, *, max_size: int, content_type: str | None = None
    ) -> PresignedPost:
        """A form-upload policy pinning key and content type and bounding size with content-length-range."""

    # -- resumable multipart uploads: the client sends the parts straight to the store through presigned URLs --

    @abstractmethod
    def start_multipart(self, bucket: str, key: str, *, content_type: str | None = None) -> str:
        """Begin a multipart upload of key; its upload id."""

    @abstractmethod
    def presign_part(
        self, bucket: str, key: str, upload_id: str, number: int, expires: int, *, max_size: int
    ) -> PresignedPut:
        """A PUT URL for one part, valid for `expires` seconds (`max_size`: enforced where the store can)."""

    @abstractmethod
    def list_parts(self, bucket: str, key: str, upload_id: str) -> list[StoredPart]:
        """The parts stored so far, by number; UploadNotFound when the upload is not in progress.

        A part sent more than once may be listed once per upload (SeaweedFS keeps them all, in no order; S3 keeps
        the last): the caller chooses, by `modified` and size, which one to complete with."""

    @abstractmethod
    def complete_multipart(self, bucket: str, key: str, upload_id: str, parts: list[StoredPart]) -> None:
        """Join the parts (as listed) into the object; UploadNotFound, or IntegrityMismatch when a part changed.

        Repeated after success, S3 may answer as the first time (a retry) where the local store raises UploadNotFound.
        """

    def sha256(self, bucket: str, key: str) -> tuple[int, str]:
        """Read the object once and return (size, hex SHA-256)."""
        digest, size = hashlib.sha256(), 0
        stream = self.open(bucket, key)
        try:
            for chunk in stream:
                size += len(chunk)
                digest.update(chunk)
        finally:
            stream.close()
        return size, digest.hexdigest()


def content_disposition(filename: str | None) -> str:
    """`attachment` with an ASCII fallback and RFC 6266 `filename*`; CR, LF, quotes and backslashes cannot escape."""
    from urllib.parse import quote

    if not filename:
        return "attachment"
    fallback = "".join(c if 0x20 <= ord(c) < 0x7F and c not in '"\\' else "_" for c in filename)
    value = f'attachment; filename="{fallback}"'
    if fallback != filename:
        value += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return value
