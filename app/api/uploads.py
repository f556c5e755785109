"""Upload endpoints: proxy (streamed multipart), presign and confirm."""

from flask import current_app, request
from marshmallow import Schema, fields
from werkzeug.http import parse_options_header

from app.api.security import caller
from app.api.transfers import limit_transfers
from app.extensions import Blueprint
from app.multipart import MalformedForm, StreamingForm
from app.schemas.requests import ConfirmUploadSchema, PresignUploadSchema, UploadFormSchema
from app.schemas.resources import command, command_schema
from app.services import intents, uploads

blp = Blueprint("uploads", __name__, description="Upload files")


class UploadResultSchema(Schema):
    file_id = fields.UUID()
    version_id = fields.UUID()
    version_number = fields.Integer()
    object_key = fields.String()
    size = fields.Integer()
    filename = fields.String()
    mime_type = fields.String()
    category = fields.String()
    checksum_sha256 = fields.String()


class PresignedUploadSchema(Schema):
    url = fields.String()
    method = fields.String()
    headers = fields.Dict(keys=fields.String(), values=fields.String())
    form_fields = fields.Dict(keys=fields.String(), values=fields.String(), data_key="fields", attribute="fields")
    object_key = fields.String()
    upload_id = fields.UUID()
    expires_in = fields.Integer()
    expires_at = fields.DateTime()


UploadCommandSchema = command_schema(UploadResultSchema, "UploadCommand")


def _streaming_form() -> StreamingForm | None:
    """The multipart body as a stream, bounded by MAX_UPLOAD_SIZE; None when the body is no multipart form."""
    mimetype, options = parse_options_header(request.headers.get("Content-Type", ""))
    if mimetype != "multipart/form-data" or not options.get("boundary"):
        return None
    try:
        return StreamingForm(
            request.stream,
            options["boundary"].encode("latin-1"),
            max_file_size=current_app.config["MAX_UPLOAD_SIZE"],
            content_length=request.content_length,
        )
    except (MalformedForm, UnicodeEncodeError):  # UnicodeEncodeError: an RFC 2231 boundary*= beyond Latin-1
        return None


@blp.route("/upload/proxy", methods=["POST"])
@blp.doc(requestBody={"required": True, "content": {"multipart/form-data": {"schema": UploadFormSchema}}})
@blp.response(201, UploadCommandSchema)
@blp.alt_response(400, description="missing_fields, no_file, invalid_path, bucket_not_found, validation_error")
@blp.alt_response(409, description="file_locked")
@blp.alt_response(413, description="payload_too_large")
@blp.alt_response(415, description="unsupported_media_type")
@blp.alt_response(429, description="rate_limited: too many concurrent transfers of this user, or a rate limit")
@limit_transfers
@blp.alt_response(507, description="quota_exceeded: the bucket's quota (GET /usage) has no room for it")
def upload_proxy():
    """Upload a file through the service (multipart, streamed, hashed)."""
    form = _streaming_form()
    try:
        data = uploads.proxy_upload(caller(), form, request.args.to_dict())
    finally:
        if form is not None:
            form.close()
    return command("File uploaded", data), 201


@blp.route("/upload/presign", methods=["POST"])
@blp.arguments(PresignUploadSchema)
@blp.response(200, PresignedUploadSchema)
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, invalid_expiry")
@blp.alt_response(507, description="quota_exceeded: the bucket's quota (GET /usage) has no room for it")
def upload_presign(body):
    """Get a presigned PUT URL or POST form for a direct upload to the object store."""
    return uploads.presign_upload(caller(), body)


@blp.route("/upload/confirm", methods=["POST"])
@blp.arguments(ConfirmUploadSchema)
@blp.response(201, UploadCommandSchema)
@blp.alt_response(404, description="file_not_found: no such upload")
@blp.alt_response(409, description="invalid_state, file_locked")
@blp.alt_response(507, description="quota_exceeded: the bucket's quota (GET /usage) has no room for it")
def upload_confirm(data):
    """Confirm a presigned upload: checks the object and creates the version."""
    return command("Upload confirmed", intents.confirm_upload(caller(), data["upload_id"])), 201
