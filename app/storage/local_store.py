"""ObjectStore adapter on the local filesystem that serves its own presigned URLs (like Active Storage's Disk)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import stat as stat_module
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import quote, urlencode

from app.clock import Clock
from app.storage.base import (
    CHUNK_SIZE,
    MAX_SEGMENT_BYTES,
    HashingReader,
    IncompleteUpload,
    IntegrityMismatch,
    InvalidKey,
    InvalidSignature,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    PresignedPost,
    PresignedPut,
    PutResult,
    Readable,
    StorageUnavailable,
    StoredPart,
    UploadNotFound,
    check_key,
    content_disposition,
)

INTERNAL_PREFIX = ".~"  # temp files and sidecars; keys may not have a segment starting with it
TEMP_PREFIX = f"{INTERNAL_PREFIX}tmp-"  # a write in progress: `.~tmp-<random>-<name of the file it becomes>`
TEMP_RANDOM_CHARS = 16
MAX_PRESIGN_SECONDS = 7 * 24 * 3600
MULTIPART_PREFIX = f"{INTERNAL_PREFIX}mpu-"  # a multipart upload's parts: `<bucket>/.~mpu-<upload id>/part-00001`
UPLOAD_ID_RE = re.compile(r"[0-9a-f]{32}")
PART_RE = re.compile(r"part-([0-9]{5})")


class FileStream:
    """Chunks of a byte range of an open file; `close()` closes it."""

    def __init__(self, file: BinaryIO, length: int | None) -> None:
        self.file: BinaryIO | None = file
        self.remaining = length

    def __iter__(self) -> Iterator[bytes]:
        while self.file is not None and self.remaining != 0:
            chunk = self.file.read(CHUNK_SIZE if self.remaining is None else min(CHUNK_SIZE, self.remaining))
            if not chunk:
                break
            if self.remaining is not None:
                self.remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def _create_temp(path: Path) -> tuple[int, str]:
    """A new temp file beside path, named after it when the name fits, so a crashed write can be listed."""
    name = f"{TEMP_PREFIX}{secrets.token_hex(TEMP_RANDOM_CHARS // 2)}"
    if len(name.encode()) + 1 + len(path.name.encode()) <= MAX_SEGMENT_BYTES:
        name += f"-{path.name}"
    temp = path.with_name(name)
    return os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), str(temp)


def _temp_target(name: str) -> str | None:
    """The name of the file a temp file was to become, or None when it was too long to record."""
    rest = name[len(TEMP_PREFIX) + TEMP_RANDOM_CHARS :]
    return rest[1:] if rest.startswith("-") else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class LocalStore(ObjectStore):
    """Files under `root/<bucket>/<key>`; content types in hidden sidecars; URLs signed with HMAC-SHA256."""

    def __init__(
        self,
        root: str | Path,
        buckets: Iterable[str],
        public_url: str | Callable[[], str],
        secret: str,
        *,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(buckets)
        for bucket in self.buckets:
            if "/" in bucket or bucket.startswith(INTERNAL_PREFIX):
                raise ValueError(f"bucket {bucket!r} is not a single directory name")
            check_key(bucket)
        self.root = Path(root).resolve()
        # A fixed URL, or a callable asked at each signing (the app passes one that follows the current request).
        self._public_url = public_url if callable(public_url) else (lambda: public_url)
        # A key of its own, so these signatures can never be replayed against other uses of SECRET_KEY.
        self._key = hmac.new(secret.encode(), b"storage_service.local_store", hashlib.sha256).digest()
        self.clock = clock or Clock()

    # -- paths -------------------------------------------------------------------------------------------------

    def _path(self, bucket: str, key: str) -> Path:
        """The file of bucket/key; InvalidKey unless it lies inside the bucket directory."""
        if bucket not in self.buckets:
            raise InvalidKey(f"unknown bucket {bucket!r}")
        check_key(key)
        if any(segment.startswith(INTERNAL_PREFIX) for segment in key.split("/")):
            raise InvalidKey(f"key segments may not start with {INTERNAL_PREFIX!r}")
        base = self.root / bucket
        path = base.joinpath(*key.split("/"))
        if not path.resolve().is_relative_to(base.resolve()):  # a symlink inside the tree must not lead out
            raise InvalidKey("the key resolves outside its bucket")
        return path

    @staticmethod
    def _sidecar(path: Path) -> Path:
        return path.with_name(f"{INTERNAL_PREFIX}meta-{hashlib.sha256(path.name.encode()).hexdigest()[:40]}")

    def _content_type(self, path: Path) -> str:
        try:
            return json.loads(self._sidecar(path).read_text())["content_type"]
        except (OSError, ValueError, KeyError):
            return "application/octet-stream"  # what S3 records when no type is given

    def _write_atomic(self, path: Path, write: Callable[[BinaryIO], object], *, make_parents: bool = True) -> None:
        """Write through a temp file in the same directory, fsync, then os.replace (no reader sees a partial file)."""
        if make_parents:
            path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = _create_temp(path)
        try:
            with os.fdopen(fd, "wb") as file:
                write(file)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)

    def _link_atomic(self, source: Path, path: Path) -> bool:
        """Make path name the file source names, through a temp link and os.replace; False when links do not work.

        A hard link is a copy here: this store never writes into an existing file, it replaces names.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = _create_temp(path)  # reserves the name; the link replaces the empty file
        os.close(fd)
        try:
            os.unlink(temp)
            os.link(source, temp)
        except (FileNotFoundError, NotADirectoryError):
            raise
        except OSError:
            Path(temp).unlink(missing_ok=True)
            return False  # another filesystem, or links not allowed: copy the bytes instead
        try:
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        _fsync_dir(path.parent)
        return True

    def _store(self, path: Path, write: Callable[[BinaryIO], object], content_type: str | None) -> None:
        """Write the data, then its sidecar; when the sidecar fails the new data goes too."""
        self._write_atomic(path, write)
        self._write_sidecar(path, content_type)

    def _write_sidecar(self, path: Path, content_type: str | None) -> None:
        sidecar = self._sidecar(path)
        try:
            if content_type is None:
                sidecar.unlink(missing_ok=True)
            else:
                body = json.dumps({"content_type": content_type}).encode()
                self._write_atomic(sidecar, lambda file: file.write(body))
        except BaseException:
            path.unlink(missing_ok=True)
            raise

    def _info(self, key: str, path: Path, stat: os.stat_result | None = None) -> ObjectInfo:
        stat = stat or path.stat()
        return ObjectInfo(
            key=key,
            size=stat.st_size,
            etag=f"{stat.st_mtime_ns:x}-{stat.st_size:x}",
            content_type=self._content_type(path),
            last_modified=datetime.fromtimestamp(stat.st_mtime, UTC),
        )

    # -- the port ----------------------------------------------------------------------------------------------

    def ensure_buckets(self) -> None:
        for bucket in self.buckets:
            (self.root / bucket).mkdir(parents=True, exist_ok=True)

    def health(self) -> dict:
        unusable = [b for b in self.buckets if not os.access(self.root / b, os.W_OK | os.X_OK)]
        if unusable:
            raise StorageUnavailable(f"bucket directories missing or not writable: {', '.join(unusable)}")
        return {"status": "ok", "backend": "local"}

    def put_stream(
        self, bucket: str, key: str, stream: Readable, *, max_size: int | None = None, content_type: str | None = None
    ) -> PutResult:
        path = self._path(bucket, key)
        reader = HashingReader(stream, max_size)
        try:
            self._store(path, lambda file: shutil.copyfileobj(reader, file, CHUNK_SIZE), content_type)
        except OSError as exc:
            if exc is reader.error:
                raise  # the source failed, not the disk
            raise StorageUnavailable(f"cannot write {bucket}/{key}: {exc}") from exc
        return PutResult(key=key, size=reader.size, sha256=reader.sha256, head=reader.head)

    def open(self, bucket: str, key: str, *, offset: int = 0, length: int | None = None) -> FileStream:
        if offset < 0 or (length is not None and length < 0):
            raise ValueError("offset and length must not be negative")
        path = self._path(bucket, key)
        try:
            file = open(path, "rb")  # noqa: SIM115 - FileStream.close() closes it
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(f"{bucket}/{key}") from None
        except OSError as exc:
            raise StorageUnavailable(f"cannot read {bucket}/{key}: {exc}") from exc
        file.seek(offset)
        return FileStream(file, length)

    def stat(self, bucket: str, key: str) -> ObjectInfo:
        path = self._path(bucket, key)
        try:
            stat = path.stat()
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectNotFound(f"{bucket}/{key}") from None
        except OSError as exc:
            raise StorageUnavailable(f"cannot stat {bucket}/{key}: {exc}") from exc
        if not stat_module.S_ISREG(stat.st_mode):
            raise ObjectNotFound(f"{bucket}/{key}")
        return self._info(key, path, stat)

    def copy(self, src_bucket: str, src_key: str, dst_bucket: str, dst_key: str) -> ObjectInfo:
        source, target = self._path(src_bucket, src_key), self._path(dst_bucket, dst_key)
        try:
            if source.is_file() and self._link_atomic(source, target):
                self._write_sidecar(target, self._content_type(source))
                return self.stat(dst_bucket, dst_key)
        except (FileNotFoundError, NotADirectoryError):
            raise ObjectNotFound(f"{src_bucket}/{src_key}") from None
        except OSError as exc:
            raise StorageUnavailable(f"cannot copy to {dst_bucket}/{dst_key}: {exc}") from exc
        try:
            file = open(source, "rb")  # noqa: SIM115 - closed below
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise ObjectNotFound(f"{src_bucket}/{src_key}") from None
        with file:
            try:
                self._store(target, lambda out: shutil.copyfileobj(file, out, CHUNK_SIZE), self._content_type(source))
            except OSError as exc:
                raise StorageUnavailable(f"cannot copy to {dst_bucket}/{dst_key}: {exc}") from exc
        return self.stat(dst_bucket, dst_key)

    def delete(self, bucket: str, key: str) -> None:
        path = self._path(bucket, key)
        try:
            if path.is_file():
                path.unlink(missing_ok=True)
            self._sidecar(path).unlink(missing_ok=True)
        except OSError as exc:
            raise StorageUnavailable(f"cannot delete {bucket}/{key}: {exc}") from exc

    def list(self, bucket: str, prefix: str = "") -> Iterator[ObjectInfo]:
        if bucket not in self.buckets:
            raise InvalidKey(f"unknown bucket {bucket!r}")
        # Walk only the deepest directory the prefix names; sorting directories as "name/" yields key order.
        directory = prefix.rpartition("/")[0]
        try:
            start = self._path(bucket, directory) if directory else self.root / bucket
        except InvalidKey:
            return  # no valid key lies under this prefix
        yield from self._walk(start, f"{directory}/" if directory else "", prefix)

    def _walk(self, directory: Path, base: str, prefix: str) -> Iterator[ObjectInfo]:
        try:
            entries = list(os.scandir(directory))
        except (FileNotFoundError, NotADirectoryError):
            return
        names = []
        for entry in entries:
            if entry.name.startswith(INTERNAL_PREFIX):
                continue
            is_dir = entry.is_dir(follow_symlinks=False)
            names.append((entry.name + "/" if is_dir else entry.name, entry))
        for name, entry in sorted(names, key=lambda item: item[0]):
            key = base + name
            if not (key.startswith(prefix) or prefix.startswith(key)):
                continue
            if name.endswith("/"):
                yield from self._walk(Path(entry.path), key, prefix)
            elif entry.is_file(follow_symlinks=False):
                try:
                    info = self._info(key, Path(entry.path), entry.stat())
                except FileNotFoundError:
                    continue  # deleted while listing
                yield info

    def incomplete_uploads(self, bucket: str, prefix: str = "") -> list[IncompleteUpload]:
        """Temp files of writes that never reached their rename (the process was killed), dated by their last write."""
        if bucket not in self.buckets:
            raise InvalidKey(f"unknown bucket {bucket!r}")
        base = (self.root / bucket).resolve()
        found = []
        for directory, subdirectories, names in os.walk(base):  # symlinks are not followed
            subdirectories[:] = [d for d in subdirectories if not d.startswith(INTERNAL_PREFIX)]
            relative = Path(directory).relative_to(base).as_posix()
            folder = "" if relative == "." else f"{relative}/"
            for name in names:
                if not name.startswith(TEMP_PREFIX):
                    continue
                key = folder + (_temp_target(name) or name)
                if not key.startswith(prefix):
                    continue
                try:
                    modified = os.stat(os.path.join(directory, name), follow_symlinks=False).st_mtime
                except FileNotFoundError:
                    continue  # renamed or removed meanwhile
                found.append(IncompleteUpload(key, folder + name, datetime.fromtimestamp(modified, UTC)))
        try:
            entries = list(os.scandir(base))
        except FileNotFoundError:
            entries = []
        for entry in entries:  # multipart uploads in progress
            upload_id = entry.name[len(MULTIPART_PREFIX) :]
            if not entry.name.startswith(MULTIPART_PREFIX) or not UPLOAD_ID_RE.fullmatch(upload_id):
                continue
            meta = self._upload_meta(Path(entry.path))
            key = meta.get("key") if meta is not None else None
            if isinstance(key, str) and key.startswith(prefix):
                initiated = datetime.fromtimestamp(float(meta.get("initiated", 0)), UTC)
                found.append(IncompleteUpload(key, upload_id, initiated))
        return sorted(found, key=lambda upload: (upload.key, upload.upload_id))

    # -- multipart uploads: parts in a directory of their own, joined into the key on completion ---------------

    def _upload_dir(self, bucket: str, upload_id: str) -> Path:
        if bucket not in self.buckets:
            raise InvalidKey(f"unknown bucket {bucket!r}")
        if not isinstance(upload_id, str) or not UPLOAD_ID_RE.fullmatch(upload_id):
            raise UploadNotFound("not an upload id of this store")
        return self.root / bucket / f"{MULTIPART_PREFIX}{upload_id}"

    @staticmethod
    def _upload_meta(directory: Path) -> dict | None:
        try:
            meta = json.loads((directory / "upload.json").read_text())
        except (OSError, ValueError):
            return None
        return meta if isinstance(meta, dict) else None

    def _upload(self, bucket: str, key: str, upload_id: str) -> tuple[Path, dict]:
        """The upload's directory and description; UploadNotFound unless it is in progress for key."""
        self._path(bucket, key)
        directory = self._upload_dir(bucket, upload_id)
        meta = self._upload_meta(directory)
        if meta is None or meta.get("key") != key:
            raise UploadNotFound(f"{bucket}/{key}: no upload {upload_id}")
        return directory, meta

    @staticmethod
    def _part_etag(stat: os.stat_result) -> str:
        return f"{stat.st_mtime_ns:x}-{stat.st_size:x}"

    def start_multipart(self, bucket: str, key: str, *, content_type: str | None = None) -> str:
        self._path(bucket, key)
        upload_id = secrets.token_hex(16)
        directory = self._upload_dir(bucket, upload_id)
        meta = json.dumps({"key": key, "content_type": content_type, "initiated": self.clock.now().timestamp()})
        try:
            directory.mkdir(parents=True)
            self._write_atomic(directory / "upload.json", lambda file: file.write(meta.encode()))
        except OSError as exc:
            raise StorageUnavailable(f"cannot start an upload in {bucket}: {exc}") from exc
        return upload_id

    def presign_part(
        self, bucket: str, key: str, upload_id: str, number: int, expires: int, *, max_size: int
    ) -> PresignedPut:
        self._path(bucket, key)
        expiry = self._expiry(expires)
        signature = self._sign("PART", bucket, key, upload_id, number, expiry, max_size)
        params = {
            "uploadId": upload_id,
            "partNumber": str(number),
            "expires": str(expiry),
            "max_size": str(max_size),
            "signature": signature,
        }
        return PresignedPut(url=self._object_url(bucket, key, params))

    def verify_part(self, bucket: str, key: str, args: Mapping[str, str]) -> tuple[str, int, int]:
        """Check a presigned part PUT; return (upload id, part number, its maximum size), or raise InvalidSignature."""
        expiry = self._expires_arg(args.get("expires"))
        upload_id = args.get("uploadId", "")
        try:
            number, max_size = int(args.get("partNumber", "")), int(args.get("max_size", ""))
        except ValueError:
            raise InvalidSignature("the part number or size is missing or malformed") from None
        self._check(args.get("signature"), self._sign("PART", bucket, key, upload_id, number, expiry, max_size), expiry)
        return upload_id, number, max_size

    def put_part(
        self, bucket: str, key: str, upload_id: str, number: int, stream: Readable, *, max_size: int
    ) -> StoredPart:
        """Store one part (replacing an earlier one of that number); ObjectTooLarge past max_size, UploadNotFound."""
        directory, _ = self._upload(bucket, key, upload_id)
        path = directory / f"part-{number:05d}"
        reader = HashingReader(stream, max_size)
        try:
            # never re-creates the directory of an upload aborted meanwhile
            self._write_atomic(path, lambda file: shutil.copyfileobj(reader, file, CHUNK_SIZE), make_parents=False)
            return StoredPart(number, reader.size, self._part_etag(path.stat()))
        except (FileNotFoundError, NotADirectoryError):
            raise UploadNotFound(f"{bucket}/{key}: upload {upload_id} ended") from None
        except OSError as exc:
            if exc is reader.error:
                raise
            raise StorageUnavailable(f"cannot write a part of {bucket}/{key}: {exc}") from exc

    def list_parts(self, bucket: str, key: str, upload_id: str) -> list[StoredPart]:
        directory, _ = self._upload(bucket, key, upload_id)
        parts = []
        try:
            for entry in os.scandir(directory):
                match = PART_RE.fullmatch(entry.name)
                if match and entry.is_file(follow_symlinks=False):
                    stat = entry.stat()
                    parts.append(StoredPart(int(match.group(1)), stat.st_size, self._part_etag(stat)))
        except FileNotFoundError:
            raise UploadNotFound(f"{bucket}/{key}: upload {upload_id} ended") from None
        return sorted(parts, key=lambda part: part.number)

    def complete_multipart(self, bucket: str, key: str, upload_id: str, parts: list[StoredPart]) -> None:
        directory, meta = self._upload(bucket, key, upload_id)
        stored = {part.number: part for part in self.list_parts(bucket, key, upload_id)}
        if any(stored.get(part.number) != part for part in parts):
            raise IntegrityMismatch("a part is missing or changed since it was listed")

        def join(out: BinaryIO) -> None:
            for part in parts:
                with open(directory / f"part-{part.number:05d}", "rb") as file:
                    shutil.copyfileobj(file, out, CHUNK_SIZE)

        try:
            self._store(self._path(bucket, key), join, meta.get("content_type"))
        except FileNotFoundError:
            raise IntegrityMismatch("a part disappeared while the upload was completed") from None
        except OSError as exc:
            raise StorageUnavailable(f"cannot complete {bucket}/{key}: {exc}") from exc
        shutil.rmtree(directory, ignore_errors=True)

    def abort_upload(self, bucket: str, key: str, upload_id: str) -> None:
        if UPLOAD_ID_RE.fullmatch(upload_id):  # a multipart upload: its directory of parts
            try:
                shutil.rmtree(self._upload_dir(bucket, upload_id))
            except FileNotFoundError:
                pass
            except OSError as exc:
                raise StorageUnavailable(f"cannot remove upload {upload_id}: {exc}") from exc
            return
        folder, _, name = upload_id.rpartition("/")
        if not name.startswith(TEMP_PREFIX) or "\\" in name or "\x00" in name:
            raise InvalidKey("not an upload id of this store")
        directory = self._path(bucket, folder) if folder else self.root / bucket  # refuses '..' and escapes
        try:
            (directory / name).unlink(missing_ok=True)
        except IsADirectoryError:
            raise InvalidKey("not an upload id of this store") from None
        except OSError as exc:
            raise StorageUnavailable(f"cannot remove {bucket}/{upload_id}: {exc}") from exc

    # -- presigned URLs ----------------------------------------------------------------------------------------

    def _sign(self, *parts: object) -> str:
        message = json.dumps(parts, separators=(",", ":")).encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def _expiry(self, expires: int) -> int:
        if not 1 <= expires <= MAX_PRESIGN_SECONDS:
            raise ValueError(f"expires must be 1 to {MAX_PRESIGN_SECONDS} seconds")
        return int(self.clock.now().timestamp()) + expires

    @property
    def public_url(self) -> str:
        """The base URL presigned URLs point to now (no trailing slash)."""
        return self._public_url().rstrip("/")

    def _object_url(self, bucket: str, key: str, params: dict[str, str]) -> str:
        return f"{self.public_url}/local-store/{bucket}/{quote(key, safe='/')}?{urlencode(params)}"

    def _check(self, signature: str | None, expected: str, expires: int) -> None:
        if not signature or not hmac.compare_digest(signature.encode(), expected.encode()):
            raise InvalidSignature("the signature does not match")
        if self.clock.now().timestamp() > expires:
            raise InvalidSignature("the URL has expired")

    @staticmethod
    def _expires_arg(value: object) -> int:
        try:
            return int(str(value))
        except ValueError:
            raise InvalidSignature("the expiry is missing or malformed") from None

    def presign_get(
        self, bucket: str, key: str, expires: int, *, filename: str | None = None, content_type: str | None = None
    ) -> str:
        self._path(bucket, key)
        expiry = self._expiry(expires)
        disposition, content_type = content_disposition(filename), content_type or "application/octet-stream"
        signature = self._sign("GET", bucket, key, expiry, disposition, content_type)
        params = {"expires": str(expiry), "disposition": disposition, "content_type": content_type}
        return self._object_url(bucket, key, {**params, "signature": signature})

    def verify_get(self, bucket: str, key: str, args: Mapping[str, str]) -> tuple[str, str]:
        """Check a presigned GET; return (content_type, disposition) to serve, or raise InvalidSignature."""
        expiry = self._expires_arg(args.get("expires"))
        disposition, content_type = args.get("disposition", ""), args.get("content_type", "")
        self._check(args.get("signature"), self._sign("GET", bucket, key, expiry, disposition, content_type), expiry)
        return content_type, disposition

    def presign_put(self, bucket: str, key: str, expires: int, *, content_type: str | None = None) -> PresignedPut:
        self._path(bucket, key)
        expiry = self._expiry(expires)
        signature = self._sign("PUT", bucket, key, expiry, content_type or "")
        params = {"expires": str(expiry), **({"content_type": content_type} if content_type else {})}
        url = self._object_url(bucket, key, {**params, "signature": signature})
        return PresignedPut(url=url, headers={"Content-Type": content_type} if content_type else {})

    def verify_put(
        self, bucket: str, key: str, args: Mapping[str, str], *, content_type: str | None = None
    ) -> str | None:
        """Check a presigned PUT (and the request's Content-Type when one is pinned); return the pinned type."""
        expiry = self._expires_arg(args.get("expires"))
        pinned = args.get("content_type", "")
        self._check(args.get("signature"), self._sign("PUT", bucket, key, expiry, pinned), expiry)
        if pinned and content_type != pinned:
            raise InvalidSignature(f"the Content-Type must be {pinned}")
        return pinned or None

    def presign_post(
        self, bucket: str, key: str, expires: int, *, max_size: int, content_type: str | None = None
    ) -> PresignedPost:
        self._path(bucket, key)
        document = {"expires": self._expiry(expires), "bucket": bucket, "key": key, "max_size": max_size}
        policy = base64.b64encode(json.dumps({**document, "content_type": content_type}).encode()).decode()
        fields = {"key": key, **({"Content-Type": content_type} if content_type else {})}
        fields.update(policy=policy, signature=self._sign("POST", policy))
        return PresignedPost(url=f"{self.public_url}/local-store/{bucket}", fields=fields)

    def verify_post(self, bucket: str, fields: Mapping[str, str]) -> tuple[str, int, str | None]:
        """Check a form upload's fields; return (key, max_size, content_type), or raise InvalidSignature."""
        policy = fields.get("policy", "")
        if not hmac.compare_digest(fields.get("signature", "").encode(), self._sign("POST", policy).encode()):
            raise InvalidSignature("the signature does not match")
        document = json.loads(base64.b64decode(policy))
        if self.clock.now().timestamp() > document["expires"]:
            raise InvalidSignature("the policy has expired")
        if document["bucket"] != bucket or fields.get("key") != document["key"]:
            raise InvalidSignature("the policy is for another bucket or key")
        content_type = document["content_type"]
        if content_type and fields.get("Content-Type") != content_type:
            raise InvalidSignature(f"the Content-Type must be {content_type}")
        return document["key"], int(document["max_size"]), content_type
