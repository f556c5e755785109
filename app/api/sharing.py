"""Share link endpoints: create, list and revoke links (signed in), and serve a link without login (`/s/{token}`)."""

from flask import Response, current_app, g, request
from marshmallow import Schema, fields
from werkzeug.wsgi import ClosingIterator

from app.api.security import caller
from app.extensions import Blueprint
from app.schemas.resources import command, command_schema
from app.schemas.sharing import ShareRequestSchema, SharesArgsSchema
from app.services import sharing
from app.services.common import now
from app.services.context import Caller
from app.services.sharing import SharedDownload
from app.storage.base import content_disposition

blp = Blueprint("sharing", __name__, description="Share links: a public URL to one file version")
public_blp = Blueprint(
    "public_shares", __name__, description="Share links served without login (rate-limited per client address)"
)


class ShareLinkSchema(Schema):
    id = fields.UUID()
    file_id = fields.UUID()
    version_id = fields.UUID()
    version_number = fields.Integer()
    bucket_type = fields.String()
    bucket_id = fields.String()
    logical_path = fields.String()
    filename = fields.String()
    created_by = fields.String()
    created_at = fields.DateTime()
    expires_at = fields.DateTime()
    max_downloads = fields.Integer(allow_none=True)
    download_count = fields.Integer()
    revoked_at = fields.DateTime(allow_none=True)
    revoked_by = fields.String(allow_none=True)
    status = fields.String(
        metadata={"description": "active, expired, revoked, used_up or file_gone (the file is in the trash or expired)"}
    )


class CreatedShareSchema(ShareLinkSchema):
    token = fields.String(metadata={"description": "Shown once: only its hash is stored"})
    url = fields.String(metadata={"description": "{PUBLIC_CDN_BASE_URL or PUBLIC_BASE_URL or this server}/s/{token}"})


class ShareListSchema(Schema):
    shares = fields.List(fields.Nested(ShareLinkSchema))
    total = fields.Integer()


def public_base_url() -> str:
    """Where visitors reach /s/: the CDN in front when configured, else the service's public or own base URL."""
    config = current_app.config
    return config["PUBLIC_CDN_BASE_URL"] or config["PUBLIC_BASE_URL"] or request.url_root


@blp.route("/share", methods=["POST"])
@blp.arguments(ShareRequestSchema)
@blp.response(201, command_schema(CreatedShareSchema, "ShareCommand"))
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, invalid_expiry, validation_error")
@blp.alt_response(404, description="file_not_found, version_not_found")
@blp.alt_response(409, description="invalid_state: the version's content is missing")
def create_share(body):
    """Create a link to one file version (needs write on the file); the token is shown only in this answer."""
    return command("Share link created", sharing.create_share(caller(), body, public_base_url())), 201


@blp.route("/share")
@blp.arguments(SharesArgsSchema, location="query")
@blp.response(200, ShareListSchema)
@blp.alt_response(404, description="file_not_found")
def list_shares(query):
    """The links of a file (address or file_id; needs write on it), else the links the caller created."""
    return sharing.list_shares(caller(), query)


@blp.route("/share/<uuid:share_id>", methods=["DELETE"])
@blp.response(200, command_schema(ShareLinkSchema, "RevokeShareCommand"))
@blp.alt_response(404, description="not_found: no such link, or the caller may not read its file")
def revoke_share(share_id):
    """Revoke a link (its creator, or anyone with write on the file): it stops serving at once."""
    return command("Share link revoked", sharing.revoke_share(caller(), share_id))


def _headers(download: SharedDownload) -> dict:
    max_age = current_app.config["SHARE_CACHE_MAX_AGE"]
    left = int((download.expires_at - now()).total_seconds())
    cacheable = max_age > 0 and not download.limited  # a counted download must reach the service every time
    return {
        "Content-Type": download.mime_type,
        "Content-Disposition": content_disposition(download.filename),
        "Content-Length": str(download.size),
        "ETag": f'"{download.checksum_sha256}"',
        "Cache-Control": f"public, max-age={max(0, min(max_age, left))}" if cacheable else "no-store",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "sandbox",
        "Referrer-Policy": "no-referrer",  # the token is in the URL
        "X-Robots-Tag": "noindex, nofollow",
    }


@public_blp.route("/s/<string:token>", methods=["GET"])
@public_blp.response(200, content_type="application/octet-stream", description="The shared version's bytes")
@public_blp.alt_response(404, description="not_found: unknown, expired, revoked or used-up link, or deleted file")
@public_blp.alt_response(429, description="rate_limited: too many requests from this client address")
@public_blp.doc(security=[])
def serve_share(token):
    """Download a shared file version without login (attachment, nosniff, sandbox CSP); HEAD spends no download."""
    if request.method == "HEAD":
        return Response(status=200, headers=_headers(sharing.peek_share(token)))
    visitor = Caller(principal=None, request_id=g.get("request_id"), client_ip=request.remote_addr)
    download, stream = sharing.open_share(visitor, token)
    return Response(ClosingIterator(stream), status=200, headers=_headers(download), direct_passthrough=True)
