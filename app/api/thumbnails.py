"""Thumbnail endpoint: a small WebP of an image version, made once and cached for good."""

from flask import Response, request
from werkzeug.wsgi import ClosingIterator

from app.api.security import caller
from app.extensions import Blueprint
from app.schemas.requests import VersionQuery
from app.schemas.sharing import ThumbnailArgsSchema
from app.services import downloads, thumbnails

blp = Blueprint("thumbnails", __name__, description="Thumbnails of images")

# A version never changes: its thumbnail may be kept by the browser for a year (private: it needs the caller's rights).
CACHE_CONTROL = "private, max-age=31536000, immutable"


@blp.route("/thumbnail")
@blp.arguments(ThumbnailArgsSchema, location="query")
@blp.response(200, content_type="image/webp", description="The thumbnail (WebP), at most `size` pixels a side")
@blp.alt_response(304, description="If-None-Match matched the ETag")
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, validation_error (size)")
@blp.alt_response(404, description="file_not_found, version_not_found, object_missing")
@blp.alt_response(
    415,
    description="unsupported_media_type: not a JPEG, PNG, WebP or GIF image, over THUMBNAIL_MAX_SOURCE_BYTES or "
    "THUMBNAIL_MAX_PIXELS, or unreadable",
)
@blp.alt_response(429, description="rate_limited: too many thumbnails being made at once (Retry-After)")
def thumbnail(query):
    """A thumbnail of an image version (read access as for downloads), made on first request, then stored."""
    download = downloads.prepare_download(caller(), VersionQuery(query.ref, query.version))
    tag = thumbnails.etag(download, query.size)
    headers = {"ETag": f'"{tag}"', "Cache-Control": CACHE_CONTROL, "X-File-ID": str(download.file_id)}
    if request.if_none_match.contains_weak(tag):
        return Response(status=304, headers=headers)
    body, length = thumbnails.open_thumbnail(download, query.size)
    headers.update({"Content-Type": thumbnails.CONTENT_TYPE, "Content-Length": str(length)})
    return Response(
        ClosingIterator(body, getattr(body, "close", None)), status=200, headers=headers, direct_passthrough=True
    )
