"""Folder download as a streamed zip archive (docs/uploads.md)."""

from flask import Response

from app.api.security import caller
from app.api.transfers import limit_transfers
from app.extensions import Blueprint
from app.schemas.multipart_uploads import ZipArgsSchema
from app.services import zip_download
from app.storage.base import content_disposition

blp = Blueprint("zip_download", __name__, description="Download a folder as one zip archive")


@blp.route("/download/zip")
@blp.arguments(ZipArgsSchema, location="query")
@blp.response(
    200,
    content_type="application/zip",
    description="The archive, streamed with its exact Content-Length: every live file under the folder at its current "
    "version, named by its path below the folder, stored uncompressed (ZIP64 past 4 GiB)",
)
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, validation_error")
@blp.alt_response(403, description="access_denied, project_service_unavailable")
@blp.alt_response(413, description="payload_too_large: more than ZIP_MAX_FILES files or ZIP_MAX_BYTES bytes")
@blp.alt_response(429, description="rate_limited: too many concurrent transfers of this user, or a rate limit")
@limit_transfers
def download_zip(folder):
    """Download every file under a folder as one zip, streamed (the address style of GET /list)."""
    plan = zip_download.plan_zip(caller(), folder)
    body = zip_download.open_zip(plan)
    headers = {
        "Content-Length": str(body.length),
        "Content-Disposition": content_disposition(f"{plan.filename}.zip"),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
    }
    return Response(body, mimetype="application/zip", headers=headers, direct_passthrough=True)
