"""Download endpoints: streamed through the service (ranges, conditional GET) and presigned URLs."""

from flask import Response, request
from marshmallow import Schema, fields
from werkzeug.wsgi import ClosingIterator

from app.api.limits import empty_suffix_range
from app.api.security import caller
from app.api.transfers import limit_transfers
from app.errors import RangeNotSatisfiable
from app.extensions import Blueprint
from app.schemas.requests import PresignDownloadArgsSchema, PresignDownloadBodySchema, VersionArgsSchema
from app.services import downloads
from app.services.downloads import Download
from app.storage.base import content_disposition

blp = Blueprint("downloads", __name__, description="Download files")


class PresignedDownloadSchema(Schema):
    url = fields.String()
    object_key = fields.String()
    expires_in = fields.Integer()
    expires_at = fields.DateTime()
    version_number = fields.Integer()
    filename = fields.String()
    size = fields.Integer()
    content_type = fields.String()


def _headers(download: Download) -> dict:
    return {
        "Content-Type": download.mime_type,
        "Content-Disposition": content_disposition(download.filename),
        "ETag": f'"{download.checksum_sha256}"',
        "Accept-Ranges": "bytes",
        "Cache-Control": "private, no-cache",
        "X-Content-Type-Options": "nosniff",
        "X-File-ID": str(download.file_id),
        "X-Version-ID": str(download.version_id),
    }


def _byte_range(download: Download) -> tuple[int, int] | None:
    """The one satisfiable range asked for as (start, end exclusive); None for the whole object.

    Malformed, multi-range and stale `If-Range` requests get the whole object; RangeNotSatisfiable otherwise.
    """
    requested, size = request.range, download.size
    condition = request.if_range
    if condition.date is not None or condition.etag not in (None, download.checksum_sha256):
        return None
    if empty_suffix_range(request.headers.get("Range")):
        raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"}, size=size)
    if requested is None or requested.units != "bytes" or len(requested.ranges) != 1:
        return None
    start, end = requested.ranges[0]
    suffix = start < 0 and end is None and size > 0  # a suffix longer than the object is the whole object
    span = (max(size + start, 0), size) if suffix else requested.range_for_length(size)
    if span is None:
        raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"}, size=size)
    return span


@blp.route("/download/proxy")
@blp.arguments(VersionArgsSchema, location="query")
@blp.response(200, content_type="application/octet-stream", description="The bytes (206 with Content-Range)")
@blp.alt_response(206, description="Partial content for a single byte range")
@blp.alt_response(304, description="If-None-Match matched the ETag")
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, validation_error")
@blp.alt_response(404, description="file_not_found, version_not_found, object_missing")
@blp.alt_response(416, description="range_not_satisfiable")
@blp.alt_response(429, description="rate_limited: too many concurrent transfers of this user, or a rate limit")
@limit_transfers
def download_proxy(query):
    """Download a file through the service (streamed; Range and If-None-Match honoured)."""
    download = downloads.prepare_download(caller(), query)
    headers = _headers(download)
    if request.if_none_match.contains_weak(download.checksum_sha256):
        return Response(status=304, headers={k: headers[k] for k in ("ETag", "Cache-Control", "X-File-ID")})
    span = _byte_range(download)
    start, end = span or (0, download.size)
    headers["Content-Length"] = str(end - start)
    if span is not None:
        headers["Content-Range"] = f"bytes {start}-{end - 1}/{download.size}"
    status = 206 if span is not None else 200
    if request.method == "HEAD":
        return Response(status=status, headers=headers)
    stream = downloads.open_download(caller(), download, offset=start, length=None if span is None else end - start)
    # close() reaches the object store's connection even when the client goes away mid-stream
    return Response(ClosingIterator(stream), status=status, headers=headers, direct_passthrough=True)


@blp.route("/download/presign")
@blp.arguments(PresignDownloadArgsSchema, location="query")
@blp.response(200, PresignedDownloadSchema)
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, invalid_expiry, validation_error")
@blp.alt_response(404, description="file_not_found, version_not_found")
def download_presign(query):
    """Get a presigned GET URL of the object store (forces attachment with the stored name)."""
    return downloads.presign_download(caller(), query)


@blp.route("/download/presign", methods=["POST"])
@blp.arguments(PresignDownloadBodySchema)
@blp.response(200, PresignedDownloadSchema)
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, invalid_expiry, validation_error")
@blp.alt_response(404, description="file_not_found, version_not_found")
def download_presign_post(body):
    """Get a presigned GET URL, the address in a JSON body (the same fields and answer as the GET)."""
    return downloads.presign_download(caller(), body)
