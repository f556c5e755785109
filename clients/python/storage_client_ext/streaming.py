"""Streamed transfers with the generated client: files of any size go through in chunks, never whole in memory.

The generated `storage_client` covers every endpoint with typed models, but it reads bodies whole (`response.content`)
and sends multipart forms as built values. Transfers therefore use the generated client's own httpx session
(base URL, token, timeouts) with httpx's streaming, and the typed models for what comes back. Presigned URLs are
sent with a separate session that carries no credentials: the object store must never see the service's token.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
from storage_client import AuthenticatedClient
from storage_client.api.uploads import post_upload_confirm, post_upload_presign
from storage_client.models import ConfirmUpload, PresignUpload, UploadResult

CHUNK = 1024 * 1024  # bytes read from a file or a response at a time
PART_URLS_PER_REQUEST = 1000  # part URLs one request asks for (the service's limit)


class MultipartIncomplete(Exception):
    """Sending the parts of a resumable upload failed: resume with `upload_multipart(..., upload_id=...)`."""

    def __init__(self, upload_id: str) -> None:
        super().__init__(f"multipart upload {upload_id} is incomplete; resume it with this upload_id")
        self.upload_id = upload_id


class UploadOver(Exception):
    """The resumable upload cannot go on: `status` is `confirmed` (it became `version_id`), `failed` or `expired`."""

    def __init__(self, upload_id: str, status: str, version_id: str | None = None) -> None:
        super().__init__(f"multipart upload {upload_id} is {status}: nothing left to resume")
        self.upload_id, self.status, self.version_id = upload_id, status, version_id


class StorageServiceError(Exception):
    """An answer in the service's one error format: `status`, `code` (e.g. quota_exceeded), `detail`, the body."""

    def __init__(self, status: int, code: str, detail: str, body: dict | None = None) -> None:
        super().__init__(f"{status} {code}: {detail}")
        self.status, self.code, self.detail, self.body = status, code, detail, body or {}

    @classmethod
    def of(cls, response: httpx.Response) -> StorageServiceError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict):
            body = {}
        return cls(response.status_code, str(body.get("message", "http_error")), str(body.get("detail", "")), body)


@dataclass(frozen=True)
class Address:
    """Where a file lives: bucket (users, companies, projects), the bucket's owner id, the path inside it."""

    bucket: str
    bucket_id: str
    path: str

    def fields(self) -> dict[str, str]:
        return {"bucket": self.bucket, "id": self.bucket_id, "path": self.path}


@dataclass(frozen=True)
class Downloaded:
    """What a streamed download wrote: its size and SHA-256 (checked against the service's ETag)."""

    file_id: str
    version_id: str
    size: int
    checksum_sha256: str
    content_type: str


class StorageClient:
    """The generated client (`api`, for every endpoint) plus streamed upload, download and the presigned flow."""

    def __init__(self, base_url: str, token: str, *, timeout: float = 60.0) -> None:
        self.api = AuthenticatedClient(base_url=base_url, token=token, timeout=httpx.Timeout(timeout))
        self._timeout = timeout

    def __enter__(self) -> StorageClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self.api.get_httpx_client().close()

    # --------------------------------------------------------------------------------------------------- uploads

    def upload(
        self,
        address: Address,
        source: str | os.PathLike | IO[bytes],
        *,
        content_type: str | None = None,
        checksum_sha256: str | None = None,
        description: str | None = None,
    ) -> UploadResult:
        """POST /upload/proxy, the file streamed from a path or a binary file object (the address goes first in the
        form, so the service never spools). Raises StorageServiceError (e.g. 413, 507 quota_exceeded)."""
        fields = address.fields()
        if checksum_sha256:
            fields["checksum_sha256"] = checksum_sha256
        if description is not None:
            fields["description"] = description
        with _opened(source) as stream:
            name = Path(address.path).name
            files = {"file": (name, stream, content_type or "application/octet-stream")}
            response = self.api.get_httpx_client().post("/upload/proxy", data=fields, files=files)
        return UploadResult.from_dict(_data(response, 201))

    def upload_presigned(
        self,
        address: Address,
        source: str | os.PathLike | IO[bytes],
        *,
        content_type: str | None = None,
    ) -> UploadResult:
        """The presigned flow: hash the file (one read), POST /upload/presign with its size and checksum, PUT the
        bytes straight to the object store (streamed, without the service's credentials), POST /upload/confirm.
        The source must be a path or a seekable file object (it is read twice)."""
        with _opened(source) as stream:
            start = stream.tell()
            digest, size = hashlib.sha256(), 0
            for chunk in _chunks(stream):
                digest.update(chunk)
                size += len(chunk)
            body = PresignUpload.from_dict(
                {**address.fields(), "size": size, "checksum_sha256": digest.hexdigest(), "method": "PUT"}
            )
            if content_type:
                body.content_type = content_type
            presigned = post_upload_presign.sync_detailed(client=self.api, body=body)
            target = _parsed(presigned, 200)
            stream.seek(start)
            headers = {**target.headers.to_dict(), "Content-Length": str(size)}
            with httpx.Client(timeout=self._timeout) as plain:  # no Authorization header reaches the store
                put = plain.put(target.url, content=_chunks(stream), headers=headers)
            if put.status_code not in (200, 201, 204):
                raise StorageServiceError(put.status_code, "store_refused", put.text[:500])
        confirmed = post_upload_confirm.sync_detailed(client=self.api, body=ConfirmUpload(upload_id=target.upload_id))
        return _parsed(confirmed, 201).data

    # ------------------------------------------------------------------------------------ resumable multipart

    def upload_multipart(
        self,
        address: Address,
        source: str | os.PathLike,
        *,
        upload_id: str | None = None,
        content_type: str | None = None,
        workers: int = 4,
    ) -> UploadResult:
        """A resumable upload of a file at a path: parts go straight to the object store through presigned part
        URLs, `workers` at a time (each streamed, so memory stays at a few chunks per worker), then
        /upload/multipart/{id}/complete checks them and records the version.

        New uploads declare the file's size and SHA-256 (one read of the file first). Give the `upload_id` of an
        interrupted upload to resume it: only the parts the store does not hold yet are sent. A failure while parts
        are sent raises MultipartIncomplete, which carries the `upload_id` to resume with.
        """
        path = Path(source)
        if upload_id is None:
            session = self._start_multipart(address, path, content_type)
            stored: set[int] = set()
        else:
            session = self._json(self.api.get_httpx_client().get(f"/upload/multipart/{upload_id}"), 200)
            if session["status"] != "pending":  # completed (its answer lost), failed, aborted or expired: over
                raise UploadOver(str(upload_id), session["status"], session.get("version_id"))
            parts = session["parts"]
            stored = {p["part_number"] for p in parts if p["size"] == _part_length(session, p["part_number"])}
        upload_id = str(session["upload_id"])
        missing = [n for n in range(1, session["part_count"] + 1) if n not in stored]
        try:
            for start in range(0, len(missing), PART_URLS_PER_REQUEST):
                batch = missing[start : start + PART_URLS_PER_REQUEST]
                answer = self.api.get_httpx_client().post(
                    f"/upload/multipart/{upload_id}/parts", json={"part_numbers": batch}
                )
                urls = self._json(answer, 200)["parts"]
                with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="part") as pool:
                    for _ in pool.map(lambda part: self._put_part(path, session, part), urls):
                        pass
        except (httpx.HTTPError, StorageServiceError, OSError) as exc:
            raise MultipartIncomplete(upload_id) from exc
        completed = self.api.get_httpx_client().post(f"/upload/multipart/{upload_id}/complete")
        return UploadResult.from_dict(_data(completed, 201))

    def _start_multipart(self, address: Address, path: Path, content_type: str | None) -> dict:
        digest, size = hashlib.sha256(), 0
        with path.open("rb") as stream:
            for chunk in _chunks(stream):
                digest.update(chunk)
                size += len(chunk)
        body = {**address.fields(), "size": size, "checksum_sha256": digest.hexdigest()}
        if content_type:
            body["content_type"] = content_type
        return _data(self.api.get_httpx_client().post("/upload/multipart", json=body), 201)

    def _put_part(self, path: Path, session: dict, part: dict) -> None:
        """PUT one part's byte range, streamed, to its presigned URL (no credentials of the service)."""
        number = part["part_number"]
        length = _part_length(session, number)
        with path.open("rb") as stream, httpx.Client(timeout=self._timeout) as plain:
            stream.seek((number - 1) * session["part_size"])
            headers = {**(part.get("headers") or {}), "Content-Length": str(length)}
            answer = plain.put(part["url"], content=_chunks(stream, length), headers=headers)
        if answer.status_code not in (200, 201, 204):
            raise StorageServiceError(answer.status_code, "store_refused", answer.text[:500])

    def _json(self, response: httpx.Response, status: int) -> dict:
        if response.status_code != status:
            raise StorageServiceError.of(response)
        return response.json()

    # ------------------------------------------------------------------------------------------------- downloads

    def download(
        self,
        sink: str | os.PathLike | IO[bytes],
        *,
        address: Address | None = None,
        file_id: str | None = None,
        version: int | None = None,
    ) -> Downloaded:
        """GET /download/proxy streamed into a path or a binary file object, hashing as it goes; raises
        StorageServiceError, or ValueError when the bytes do not match the version's checksum (the ETag)."""
        params: dict[str, str | int] = address.fields() if address is not None else {"file_id": str(file_id)}
        if version is not None:
            params["version"] = version
        with self.api.get_httpx_client().stream("GET", "/download/proxy", params=params) as response:
            if response.status_code != 200:
                response.read()
                raise StorageServiceError.of(response)
            digest, size = hashlib.sha256(), 0
            with _opened(sink, "wb") as out:
                for chunk in response.iter_bytes(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    out.write(chunk)
            expected = response.headers.get("ETag", "").strip('"')
            if expected and expected != digest.hexdigest():
                raise ValueError(f"downloaded bytes hash to {digest.hexdigest()}, the service says {expected}")
            return Downloaded(
                response.headers["X-File-ID"],
                response.headers["X-Version-ID"],
                size,
                digest.hexdigest(),
                response.headers.get("Content-Type", ""),
            )


class _opened:
    """A path opened for the block (and closed after), or a caller's file object used as it is."""

    def __init__(self, target: str | os.PathLike | IO[bytes], mode: str = "rb") -> None:
        self.target, self.mode, self.file = target, mode, None

    def __enter__(self) -> IO[bytes]:
        if isinstance(self.target, str | os.PathLike):
            self.file = open(self.target, self.mode)  # noqa: SIM115 (closed in __exit__)
            return self.file
        return self.target

    def __exit__(self, *exc_info: object) -> None:
        if self.file is not None:
            self.file.close()


def _chunks(stream: IO[bytes], limit: int | None = None) -> Iterator[bytes]:
    """The stream's bytes from where it is, CHUNK at a time; at most `limit` bytes when given."""
    left = limit
    while left is None or left > 0:
        chunk = stream.read(CHUNK if left is None else min(CHUNK, left))
        if not chunk:
            return
        if left is not None:
            left -= len(chunk)
        yield chunk


def _part_length(session: dict, number: int) -> int:
    """Bytes of part `number`: part_size, except the last part, which holds the rest."""
    return min(session["part_size"], session["size"] - (number - 1) * session["part_size"])


def _data(response: httpx.Response, status: int) -> dict:
    """The command's `data` of a `status` answer; StorageServiceError otherwise."""
    if response.status_code != status:
        raise StorageServiceError.of(response)
    return response.json()["data"]


def _parsed(response, status: int):
    """The typed model of a generated call's answer; StorageServiceError for any other status."""
    if response.status_code != status:
        raise StorageServiceError.of(httpx.Response(response.status_code, content=response.content))
    return response.parsed
