"""ObjectStore adapter for S3-compatible servers (MinIO, SeaweedFS, AWS) through the `minio` client."""

from __future__ import annotations

import io
import mmap
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import certifi
import urllib3
from minio import Minio
from minio.commonconfig import CopySource
from minio.datatypes import Part, PostPolicy
from minio.error import MinioException, S3Error

from app.storage.base import (
    CHUNK_SIZE,
    HashingReader,
    IncompleteUpload,
    IntegrityMismatch,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    Prefetch,
    PresignedPost,
    PresignedPut,
    PutResult,
    Readable,
    StorageError,
    StorageUnavailable,
    StoredPart,
    UploadNotFound,
    check_key,
    content_disposition,
)

NOT_FOUND_CODES = {"NoSuchKey", "NoSuchObject", "NoSuchVersion", "ResourceNotFound"}
INTEGRITY_CODES = {"BadDigest", "InvalidDigest", "XAmzContentSHA256Mismatch", "IncompleteBody"}
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
MAX_LISTED_UPLOADS = 10_000  # per `incomplete_uploads` call: a sweep that aborts them shortens the next listing


def _http_client(connect: float, read: float, retries: urllib3.Retry) -> urllib3.PoolManager:
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=connect, read=read),
        retries=retries,
        maxsize=32,
        cert_reqs="CERT_REQUIRED",
        ca_certs=certifi.where(),
    )


def _port_error(exc: BaseException) -> StorageError:
    """The port error for a vendor exception."""
    if isinstance(exc, StorageError):
        return exc
    if isinstance(exc, S3Error):
        if exc.code in NOT_FOUND_CODES:
            return ObjectNotFound(f"{exc.bucket_name}/{exc.object_name}: {exc.code}")
        if exc.code in INTEGRITY_CODES:
            return IntegrityMismatch(f"{exc.code}: {exc.message}")
        return StorageUnavailable(f"S3 {exc.code}: {exc.message}")
    return StorageUnavailable(f"{type(exc).__name__}: {exc}")


VENDOR_ERRORS = (MinioException, urllib3.exceptions.HTTPError, OSError)


@contextmanager
def _translated() -> Iterator[None]:
    try:
        yield
    except VENDOR_ERRORS as exc:
        raise _port_error(exc) from exc


@contextmanager
def _multipart_errors() -> Iterator[None]:
    """Vendor errors of a multipart call: UploadNotFound for an upload gone, IntegrityMismatch for a changed part."""
    try:
        yield
    except S3Error as exc:
        if exc.code == "NoSuchUpload":
            raise UploadNotFound(f"{exc.bucket_name}/{exc.object_name}: NoSuchUpload") from exc
        if exc.code in ("InvalidPart", "InvalidPartOrder", "EntityTooSmall"):
            raise IntegrityMismatch(f"{exc.code}: {exc.message}") from exc
        raise _port_error(exc) from exc
    except VENDOR_ERRORS as exc:
        raise _port_error(exc) from exc


def _part_buffer(size: int) -> mmap.mmap:
    """A part buffer: anonymous memory mapped for it alone, so it never fragments the heap, costs only the pages
    written (a small upload touches a few), and is returned to the system when the last reference goes."""
    return mmap.mmap(-1, size)


def _fill(source: HashingReader, buffer: mmap.mmap) -> int:
    """Copy up to len(buffer) bytes of source into buffer (fewer only at its end); the number copied."""
    view, have, size = memoryview(buffer), 0, len(buffer)
    with view:
        while have < size:
            data = source.read(min(CHUNK_SIZE, size - have))
            if not data:
                break
            view[have : have + len(data)] = data
            have += len(data)
    return have


class _ResponseStream:
    """Chunks of a GET response; `close()` releases the urllib3 connection."""

    def __init__(self, response: urllib3.BaseHTTPResponse | None) -> None:
        self.response = response

    def __iter__(self) -> Iterator[bytes]:
        if self.response is None:
            return
        with _translated():
            yield from self.response.stream(CHUNK_SIZE, decode_content=False)  # the stored bytes, never gunzipped

    def close(self) -> None:
        if self.response is not None:
            self.response.close()
            self.response.release_conn()
            self.response = None


class MinioStore(ObjectStore):
    """Objects in an S3-compatible server; presigned URLs are signed for `public_endpoint`."""

    # Proxy uploads are pipelined: the request thread reads, hashes and fills one part while UPLOAD_WORKERS parts
    # travel to the store, so at most (UPLOAD_WORKERS + 1) parts are in memory per upload.
    PART_SIZE = 8 * 1024 * 1024
    UPLOAD_WORKERS = 3
    # Read-ahead of downloads in a thread (see Prefetch), in chunks of CHUNK_SIZE; 0: none. Off by default: measured
    # with scripts/bench_transfer.py it gained nothing, as the kernel's autotuned receive buffer already reads the
    # store's response ahead while a chunk is written to the client, and the thread costs CPU and memory.
    PREFETCH_CHUNKS = 0

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        *,
        buckets: Iterable[str],
        secure: bool = False,
        region: str = "us-east-1",
        public_endpoint: str | None = None,
        part_size: int = PART_SIZE,
        upload_workers: int = UPLOAD_WORKERS,
        prefetch_chunks: int = PREFETCH_CHUNKS,
        connect_timeout: float = 2.0,
        read_timeout: float = 30.0,
    ) -> None:
        super().__init__(buckets)
        self.endpoint = endpoint
        if part_size < 5 * 1024 * 1024:
            raise ValueError("part_size must be at least 5 MiB (the S3 minimum)")
        if upload_workers < 1:
            raise ValueError("upload_workers must be at least 1")
        self.part_size = part_size
        self.upload_workers = upload_workers
        self.prefetch_chunks = prefetch_chunks
        # One retry for a refused connection or a stale keep-alive socket, two for 5xx: a dead store fails in seconds.
        retries = urllib3.Retry(
            total=3, connect=1, read=1, status=2, backoff_factor=0.2, status_forcelist=(500, 502, 503, 504)
        )
        self._client = Minio(
            endpoint,
            access_key,
            secret_key,
            secure=secure,
            region=region,
            http_client=_http_client(connect_timeout, read_timeout, retries),
        )
        self._probe = Minio(
            endpoint,
            access_key,
            secret_key,
            secure=secure,
            region=region,
            http_client=_http_client(connect_timeout, 3.0, urllib3.Retry(0, raise_on_status=False)),
        )
        public = urlsplit(public_endpoint or f"{'https' if secure else 'http'}://{endpoint}")
        if public.scheme not in ("http", "https") or not public.netloc or public.path.strip("/"):
            raise ValueError(f"public endpoint must be scheme://host[:port], not {public_endpoint!r}")
        self.public_url = f"{public.scheme}://{public.netloc}"
        # Signing only: with an explicit region the client never asks the server for the bucket location.
        self._signer = Minio(public.netloc, access_key, secret_key, secure=public.scheme == "https", region=region)

    def ensure_buckets(self) -> None:
        for bucket in self.buckets:
            with _translated():
                if self._client.bucket_exists(bucket):
                    continue
                try:
                    self._client.make_bucket(bucket)
                except S3Error as exc:
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise

    def health(self) -> dict:
        with _translated():
            missing = [bucket for bucket in self.buckets if not self._probe.bucket_exists(bucket)]
        if missing:
            raise StorageUnavailable(f"missing buckets: {', '.join(missing)}")
        return {"status": "ok", "backend": "minio"}

    def put_stream(
        self, bucket: str, key: str, stream: Readable, *, max_size: int | None = None, content_type: str | None = None
    ) -> PutResult:
        check_key(key)
        hashing = HashingReader(stream, max_size)
        headers = {"Content-Type": content_type or "application/octet-stream"}
        first = _part_buffer(self.part_size)
        size = _fill(hashing, first)  # the source's error or ObjectTooLarge: nothing was sent yet
        if size < self.part_size:
            self._put_single(bucket, key, memoryview(first)[:size], headers)
        else:
            self._put_multipart(bucket, key, hashing, first, headers)
        return PutResult(key=key, size=hashing.size, sha256=hashing.sha256, head=hashing.head)

    def _put_single(self, bucket: str, key: str, data: memoryview, headers: dict[str, str]) -> None:
        try:
            # part_size above the length: one PutObject (the default would split 5 to 8 MiB in two parts)
            self._client.put_object(
                bucket, key, io.BytesIO(data), len(data), content_type=headers["Content-Type"], part_size=self.part_size
            )
        except BaseException as exc:
            self._discard(bucket, key, completed_maybe=True)  # the answer may have been lost after the write
            if isinstance(exc, VENDOR_ERRORS):
                raise _port_error(exc) from exc
            raise

    def _put_multipart(
        self, bucket: str, key: str, hashing: HashingReader, first: mmap.mmap, headers: dict[str, str]
    ) -> None:
        """Upload `first` and the rest of `hashing` as parts, `upload_workers` at a time, while reading the next.

        The parts are read into at most (upload_workers + 1) buffers, reused as their uploads finish; each byte is
        copied once, from the source's chunks into a buffer (minio and urllib3 send any bytes-like body as is).

        minio has no public call for a multipart upload fed part by part (put_object reads the stream itself, one
        part after the other, and its parallel mode leaks its threads when the stream raises), so this uses the
        private calls put_object is made of; minio is pinned in requirements.txt and the contract tests cover them.
        Any failure aborts the upload (no object, no incomplete upload), waits for the uploader threads and raises
        the source's error unchanged, ObjectTooLarge, or the port error of the store's failure.
        """
        client = self._client
        with _translated():
            upload_id = client._create_multipart_upload(bucket, key, dict(headers))
        etags: dict[int, str] = {}
        spare: list[mmap.mmap] = []
        pending: dict[Future, mmap.mmap] = {}  # uploads in flight, with the buffer each one reads

        def collect(done: Iterable[Future]) -> None:
            for future in done:
                etags.update([future.result()])  # a store failure surfaces here
                spare.append(pending.pop(future))

        completing = False
        pool = ThreadPoolExecutor(max_workers=self.upload_workers, thread_name_prefix="part-upload")
        try:
            buffer: mmap.mmap | None = first
            size, number = len(first), 1
            del first
            while size:
                # a memoryview, not the mmap: urllib3 would read() an mmap as a file, from its current position
                part = memoryview(buffer) if size == len(buffer) else memoryview(buffer)[:size]
                while len(pending) >= self.upload_workers:  # the memory bound: wait for a free uploader
                    collect(wait(pending, return_when=FIRST_COMPLETED).done)
                pending[pool.submit(self._upload_part, bucket, key, upload_id, number, part)] = buffer
                part = buffer = None  # only the uploader uses it now
                number += 1
                buffer = spare.pop() if spare else _part_buffer(self.part_size)
                size = _fill(hashing, buffer)  # the source's error or ObjectTooLarge is raised here
            collect(list(pending))
            completing = True
            with _translated():
                client._complete_multipart_upload(bucket, key, upload_id, [Part(n, etags[n]) for n in sorted(etags)])
        except BaseException as exc:
            pool.shutdown(wait=True, cancel_futures=True)  # no part is sent after the abort below
            self._abort(bucket, key, upload_id)
            if completing:
                self._discard(bucket, key, completed_maybe=True)  # the completion may have taken effect
            if exc is hashing.error:
                raise
            if hashing.error is not None:
                raise hashing.error from None
            if isinstance(exc, VENDOR_ERRORS):
                raise _port_error(exc) from exc
            raise
        finally:
            pool.shutdown(wait=True)

    def _upload_part(self, bucket: str, key: str, upload_id: str, number: int, data: memoryview) -> tuple[int, str]:
        with _translated():
            return number, self._client._upload_part(bucket, key, data, None, upload_id, number)

    def _abort(self, bucket: str, key: str, upload_id: str) -> None:
        """Best effort: abort the multipart upload (its parts are dropped by the store)."""
        # When the store is unreachable, `incomplete_uploads` lets a later sweep finish the job.
        with suppress(*VENDOR_ERRORS):
            self._client._abort_multipart_upload(bucket, key, upload_id)

    def _discard(self, bucket: str, key: str, *, completed_maybe: bool) -> None:
        """Best effort: abort incomplete uploads of key and, when the upload may have completed, remove it."""
        try:
            for upload in self._incomplete(bucket, key):
                if upload.object_name == key:
                    self._client._abort_multipart_upload(bucket, key, upload.upload_id)
            if completed_maybe:
                self._client.remove_object(bucket, key)
        except VENDOR_ERRORS:
            pass  # the store is unreachable; `incomplete_uploads` lets a later sweep finish the job

    def _incomplete(self, bucket: str, prefix: str) -> list:
        # minio has no public ListMultipartUploads; the private call is pinned by requirements.txt.
        return self._client._list_multipart_uploads(bucket, prefix=prefix, max_uploads=1000).uploads

    def incomplete_uploads(self, bucket: str, prefix: str = "") -> list[IncompleteUpload]:
        """The bucket's unfinished multipart uploads under prefix (at most MAX_LISTED_UPLOADS), in key order."""
        found: dict[tuple[str, str], IncompleteUpload] = {}
        key_marker = upload_marker = None
        while len(found) < MAX_LISTED_UPLOADS:
            with _translated():
                page = self._client._list_multipart_uploads(
                    bucket, prefix=prefix, max_uploads=1000, key_marker=key_marker, upload_id_marker=upload_marker
                )
            new = [u for u in page.uploads if (u.object_name, u.upload_id) not in found]
            for upload in new:
                found[upload.object_name, upload.upload_id] = IncompleteUpload(
                    upload.object_name, upload.upload_id, upload.initiated_time
                )
            # The markers of the last entry, not NextKeyMarker: minio 7.2 drops NextUploadIdMarker and SeaweedFS
            # sends no NextKeyMarker. A page with nothing new ends the listing (a server that ignores the markers);
            # what is missed then is found by the next sweep, once the ones listed are aborted.
            if not page.is_truncated or not new:
                break
            key_marker, upload_marker = new[-1].object_name, new[-1].upload_id
        return sorted(found.values(), key=lambda upload: (upload.key, upload.upload_id))

    def abort_upload(self, bucket: str, key: str, upload_id: str) -> None:
        check_key(key)
        try:
            self._client._abort_multipart_upload(bucket, key, upload_id)
        except S3Error as exc:
            if exc.code != "NoSuchUpload":  # already completed or aborted: nothing left to remove
                raise _port_error(exc) from exc
        except VENDOR_ERRORS as exc:
            raise _port_error(exc) from exc

    # -- resumable multipart uploads: minio exposes no public calls for them; the private ones are those put_object
    # is made of (pinned by requirements.txt, covered by the contract tests) --

    def start_multipart(self, bucket: str, key: str, *, content_type: str | None = None) -> str:
        check_key(key)
        with _translated():
            return self._client._create_multipart_upload(
                bucket, key, {"Content-Type": content_type or "application/octet-stream"}
            )

    def presign_part(
        self, bucket: str, key: str, upload_id: str, number: int, expires: int, *, max_size: int
    ) -> PresignedPut:
        # SigV4 query presigning cannot bound the body: the sizes are checked (ListParts) before completion.
        check_key(key)
        if not 1 <= expires <= MAX_PRESIGN_SECONDS:
            raise ValueError(f"expires must be 1 to {MAX_PRESIGN_SECONDS} seconds")
        params = {"uploadId": upload_id, "partNumber": str(number)}
        url = self._signer.get_presigned_url("PUT", bucket, key, timedelta(seconds=expires), extra_query_params=params)
        return PresignedPut(url=url)

    def list_parts(self, bucket: str, key: str, upload_id: str) -> list[StoredPart]:
        check_key(key)
        parts: list[StoredPart] = []
        marker = None
        while True:  # pages of 1000 parts, at most 10 for S3's 10,000
            with _multipart_errors():
                page = self._client._list_parts(bucket, key, upload_id, max_parts=1000, part_number_marker=marker)
            parts += [StoredPart(p.part_number, p.size or 0, p.etag, p.last_modified) for p in page.parts]
            if not page.is_truncated or not page.parts or page.next_part_number_marker in (None, marker):
                return sorted(parts, key=lambda part: part.number)
            marker = page.next_part_number_marker

    def complete_multipart(self, bucket: str, key: str, upload_id: str, parts: list[StoredPart]) -> None:
        check_key(key)
        with _multipart_errors():
            self._client._complete_multipart_upload(
                bucket, key, upload_id, [Part(part.number, part.etag) for part in parts]
            )

    def open(self, bucket: str, key: str, *, offset: int = 0, length: int | None = None) -> _ResponseStream | Prefetch:
        check_key(key)
        if offset < 0 or (length is not None and length < 0):
            raise ValueError("offset and length must not be negative")
        if length == 0:
            self.stat(bucket, key)
            return _ResponseStream(None)
        try:
            response = self._client.get_object(bucket, key, offset=offset, length=length or 0)
        except S3Error as exc:
            if exc.code != "InvalidRange":
                raise _port_error(exc) from exc
            self.stat(bucket, key)  # offset at or past the end: an empty stream, like a sliced file
            return _ResponseStream(None)
        except VENDOR_ERRORS as exc:
            raise _port_error(exc) from exc
        if self.prefetch_chunks < 1 or (length is not None and length <= CHUNK_SIZE):
            return _ResponseStream(response)  # no read-ahead configured, or one chunk: nothing to overlap
        # Read the next chunks from the store while the caller writes this one (see Prefetch).
        return Prefetch(_ResponseStream(response), self.prefetch_chunks)

    def stat(self, bucket: str, key: str) -> ObjectInfo:
        check_key(key)
        with _translated():
            obj = self._client.stat_object(bucket, key)
        return ObjectInfo(
            key=key,
            size=obj.size or 0,
            etag=obj.etag,
            content_type=obj.content_type,
            last_modified=obj.last_modified,
        )

    def copy(self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str) -> ObjectInfo:
        check_key(src_key)
        check_key(dst_key)
        with _translated():
            self._client.copy_object(dst_bucket, dst_key, CopySource(src_bucket, src_key))
        return self.stat(dst_bucket, dst_key)

    def delete(self, bucket: str, key: str) -> None:
        check_key(key)
        with _translated():
            self._client.remove_object(bucket, key)

    def list(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        with _translated():
            for obj in self._client.list_objects(bucket, prefix=prefix, recursive=True):
                yield ObjectInfo(
                    key=obj.object_name, size=obj.size or 0, etag=obj.etag, last_modified=obj.last_modified
                )

    def _presign(self, method: str, bucket: str, key: str, expires: int, params: dict[str, str] | None = None) -> str:
        check_key(key)
        if not 1 <= expires <= MAX_PRESIGN_SECONDS:
            raise ValueError(f"expires must be 1 to {MAX_PRESIGN_SECONDS} seconds")
        return self._signer.get_presigned_url(method, bucket, key, timedelta(seconds=expires), response_headers=params)

    def presign_get(
        self, bucket: str, key: str, expires: int, *, filename: str | None = None, content_type: str | None = None
    ) -> str:
        params = {
            "response-content-disposition": content_disposition(filename),
            "response-content-type": content_type or "application/octet-stream",
        }
        return self._presign("GET", bucket, key, expires, params)

    def presign_put(self, bucket: str, key: str, expires: int, *, content_type: str | None = None) -> PresignedPut:
        # SigV4 query presigning signs only the host header: the content type is advised here, checked on confirm.
        url = self._presign("PUT", bucket, key, expires)
        return PresignedPut(url=url, headers={"Content-Type": content_type} if content_type else {})

    def presign_post(
        self, bucket: str, key: str, expires: int, *, max_size: int, content_type: str | None = None
    ) -> PresignedPost:
        check_key(key)
        if not 1 <= expires <= MAX_PRESIGN_SECONDS:
            raise ValueError(f"expires must be 1 to {MAX_PRESIGN_SECONDS} seconds")
        policy = PostPolicy(bucket, datetime.now(UTC) + timedelta(seconds=expires))
        policy.add_equals_condition("key", key)
        if content_type:
            policy.add_equals_condition("Content-Type", content_type)
        policy.add_content_length_range_condition(0, max_size)
        fields = {"key": key, **({"Content-Type": content_type} if content_type else {})}
        fields.update(self._signer.presigned_post_policy(policy))
        return PresignedPost(url=f"{self.public_url}/{bucket}", fields=fields)
