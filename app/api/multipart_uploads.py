"""Resumable multipart upload endpoints: start a session, get presigned part URLs, list stored parts, complete,
abort (docs/uploads.md)."""

from marshmallow import Schema, fields

from app.api.security import caller
from app.api.uploads import UploadCommandSchema
from app.extensions import Blueprint
from app.schemas.multipart_uploads import PartUrlsRequestSchema, StartMultipartSchema
from app.schemas.resources import command, command_schema
from app.services import multipart_uploads

blp = Blueprint(
    "multipart_uploads", __name__, description="Resumable, parallel uploads of large files in parts (S3 multipart)"
)

STATUS = "pending (taking parts), confirmed (a version), failed (refused by a check, or aborted), expired"


class MultipartSessionSchema(Schema):
    upload_id = fields.UUID()
    status = fields.String(metadata={"description": STATUS})
    bucket_type = fields.String()
    bucket_id = fields.String()
    logical_path = fields.String()
    size = fields.Integer(metadata={"description": "Declared bytes of the whole file"})
    part_size = fields.Integer(metadata={"description": "Bytes of every part but the last (at least 5 MiB)"})
    part_count = fields.Integer(metadata={"description": "Parts 1..part_count make the file"})
    content_type = fields.String(allow_none=True)
    checksum_sha256 = fields.String(allow_none=True)
    expires_at = fields.DateTime(metadata={"description": "After it, gc aborts the session and removes its parts"})
    file_id = fields.UUID(allow_none=True, metadata={"description": "Once confirmed: the file"})
    version_id = fields.UUID(allow_none=True, metadata={"description": "Once confirmed: the version it became"})


class StoredPartSchema(Schema):
    part_number = fields.Integer()
    size = fields.Integer()
    etag = fields.String()


class MultipartStatusSchema(MultipartSessionSchema):
    parts = fields.List(fields.Nested(StoredPartSchema), metadata={"description": "Parts stored so far, by number"})


class PartUrlSchema(Schema):
    part_number = fields.Integer()
    url = fields.String(metadata={"description": "PUT the part's bytes here; the answer's ETag names the part"})
    headers = fields.Dict(keys=fields.String(), values=fields.String())
    size = fields.Integer(metadata={"description": "The bytes this part must have"})


class PartUrlsSchema(Schema):
    upload_id = fields.UUID()
    expires_in = fields.Integer()
    expires_at = fields.DateTime()
    parts = fields.List(fields.Nested(PartUrlSchema))


class MultipartAbortedSchema(Schema):
    upload_id = fields.UUID()
    status = fields.String()


MultipartSessionCommandSchema = command_schema(MultipartSessionSchema, "MultipartSessionCommand")
AbortedCommandSchema = command_schema(MultipartAbortedSchema, "MultipartAbortCommand")
NOT_FOUND = "file_not_found: no such upload session of the caller"


@blp.route("/upload/multipart", methods=["POST"])
@blp.arguments(StartMultipartSchema)
@blp.response(201, MultipartSessionCommandSchema)
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, validation_error")
@blp.alt_response(409, description="file_locked")
@blp.alt_response(413, description="payload_too_large: the declared size is over MAX_UPLOAD_SIZE")
@blp.alt_response(415, description="unsupported_media_type")
@blp.alt_response(507, description="quota_exceeded: the bucket's quota (GET /usage) has no room for it")
def multipart_start(request):
    """Start a resumable upload: an upload id, the part size and the part count."""
    return command("Multipart upload started", multipart_uploads.start_upload(caller(), request)), 201


@blp.route("/upload/multipart/<uuid:upload_id>/parts", methods=["POST"])
@blp.arguments(PartUrlsRequestSchema)
@blp.response(200, PartUrlsSchema)
@blp.alt_response(400, description="validation_error (a part number beyond part_count), invalid_expiry")
@blp.alt_response(404, description=NOT_FOUND)
@blp.alt_response(409, description="invalid_state: the session is over or expired")
def multipart_part_urls(request, upload_id):
    """Presigned PUT URLs for parts (ask again for fresh ones, e.g. to resume after a crash)."""
    return multipart_uploads.part_urls(caller(), upload_id, request)


@blp.route("/upload/multipart/<uuid:upload_id>", methods=["GET"])
@blp.response(200, MultipartStatusSchema)
@blp.alt_response(404, description=NOT_FOUND)
def multipart_status(upload_id):
    """The session and the parts already stored (what a resuming client still has to send)."""
    return multipart_uploads.describe_upload(caller(), upload_id)


@blp.route("/upload/multipart/<uuid:upload_id>/complete", methods=["POST"])
@blp.response(201, UploadCommandSchema)
@blp.alt_response(400, description="validation_error: parts missing or of the wrong size, or checksum mismatch")
@blp.alt_response(404, description=NOT_FOUND)
@blp.alt_response(409, description="invalid_state (already completed, aborted or expired), file_locked")
@blp.alt_response(413, description="payload_too_large")
@blp.alt_response(415, description="unsupported_media_type")
@blp.alt_response(507, description="quota_exceeded: the bucket's quota (GET /usage) has no room for it")
def multipart_complete(upload_id):
    """Check and join the parts, then create the version as /upload/confirm does."""
    return command("Upload completed", multipart_uploads.complete_upload(caller(), upload_id)), 201


@blp.route("/upload/multipart/<uuid:upload_id>", methods=["DELETE"])
@blp.response(200, AbortedCommandSchema)
@blp.alt_response(404, description=NOT_FOUND)
@blp.alt_response(409, description="invalid_state: already completed, aborted or expired")
def multipart_abort(upload_id):
    """Abort the session; its parts are removed."""
    return command("Multipart upload aborted", multipart_uploads.abort_upload(caller(), upload_id))
