"""The local store's presigned GET, PUT and form-POST endpoints (S3's role when STORAGE_BACKEND is "local")."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Blueprint, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from app.api.limits import empty_suffix_range
from app.errors import AccessDenied, NoFile, NotFound, PayloadTooLarge, RangeNotSatisfiable
from app.storage.base import InvalidKey, InvalidSignature, ObjectNotFound, ObjectTooLarge, UploadNotFound
from app.storage.local_store import LocalStore

blp = Blueprint("local_objects", __name__)

FORM_OVERHEAD = 1024 * 1024  # room for the form fields around the file in a POST body


def _store() -> LocalStore:
    store = current_app.extensions.get("object_store")
    if not isinstance(store, LocalStore):
        raise NotFound()
    return store


@contextmanager
def _port_errors() -> Iterator[None]:
    try:
        yield
    except InvalidSignature as exc:
        raise AccessDenied(str(exc)) from exc
    except (ObjectNotFound, InvalidKey, UploadNotFound) as exc:
        raise NotFound("No such object.") from exc
    except ObjectTooLarge as exc:
        raise PayloadTooLarge() from exc


@blp.get("/local-store/<bucket>/<path:key>")
def download(bucket: str, key: str) -> Response:
    """Serve an object through a presigned GET URL, with the signed Content-Type and Content-Disposition."""
    store = _store()
    with _port_errors():
        content_type, disposition = store.verify_get(bucket, key, request.args)
        size = store.stat(bucket, key).size
    start, stop, status = 0, size, 200
    if empty_suffix_range(request.headers.get("Range")):
        raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
    if request.range is not None:
        span = request.range.range_for_length(size)
        if span is not None:
            (start, stop), status = span, 206
        elif request.range.units == "bytes" and len(request.range.ranges) == 1:
            raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
    with _port_errors():
        stream = store.open(bucket, key, offset=start, length=stop - start)
    response = Response(stream, status=status, direct_passthrough=True)
    response.headers.update(
        {
            "Content-Type": content_type,
            "Content-Disposition": disposition,
            "Content-Length": str(stop - start),
            "Accept-Ranges": "bytes",
            "Cache-Control": "private, no-store",
        }
    )
    if status == 206:
        response.headers["Content-Range"] = f"bytes {start}-{stop - 1}/{size}"
    return response


@blp.put("/local-store/<bucket>/<path:key>")
def upload(bucket: str, key: str) -> tuple[str, int]:
    """Store the request body through a presigned PUT URL."""
    store = _store()
    if "uploadId" in request.args:
        return _upload_part(store, bucket, key)
    max_size = current_app.config["MAX_UPLOAD_SIZE"]
    with _port_errors():
        content_type = store.verify_put(bucket, key, request.args, content_type=request.headers.get("Content-Type"))
        if request.content_length is not None and request.content_length > max_size:
            raise ObjectTooLarge()
        content_type = content_type or request.headers.get("Content-Type")
        store.put_stream(bucket, key, request.stream, max_size=max_size, content_type=content_type)
    return "", 204


def _upload_part(store: LocalStore, bucket: str, key: str) -> tuple[str, int, dict]:
    """Store one part of a multipart upload through its presigned URL (S3 UploadPart); the ETag names it."""
    with _port_errors():
        upload_id, number, max_size = store.verify_part(bucket, key, request.args)
        if request.content_length is not None and request.content_length > max_size:
            raise ObjectTooLarge()
        part = store.put_part(bucket, key, upload_id, number, request.stream, max_size=max_size)
    return "", 200, {"ETag": f'"{part.etag}"'}


@blp.post("/local-store/<bucket>")
def form_upload(bucket: str) -> tuple[str, int]:
    """Store the `file` part of a form upload whose policy fields are signed (S3 POST Object)."""
    store = _store()
    request.max_content_length = current_app.config["MAX_UPLOAD_SIZE"] + FORM_OVERHEAD
    try:
        fields, file = request.form.to_dict(), request.files.get("file")
    except RequestEntityTooLarge as exc:
        raise PayloadTooLarge() from exc
    with _port_errors():
        key, max_size, content_type = store.verify_post(bucket, fields)
        if file is None:
            raise NoFile()
        content_type = content_type or fields.get("Content-Type")
        store.put_stream(bucket, key, file.stream, max_size=max_size, content_type=content_type)
    return "", 204
