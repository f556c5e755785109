"""Quota endpoints: what a bucket address holds and its limits; administrators set a bucket's own limits."""

from marshmallow import Schema, fields

from app.api.security import caller
from app.extensions import Blueprint
from app.schemas.requests import BucketArgsSchema, QuotaLimitsSchema
from app.services import quotas

blp = Blueprint("quotas", __name__, description="Storage usage and quotas per bucket")


class UsageSchema(Schema):
    bucket_type = fields.String()
    bucket_id = fields.String()
    bytes_used = fields.Integer(metadata={"description": "Every version of every file, trash included"})
    files_used = fields.Integer(metadata={"description": "Files, trash included"})
    max_bytes = fields.Integer(allow_none=True, metadata={"description": "null: unlimited"})
    max_files = fields.Integer(allow_none=True, metadata={"description": "null: unlimited"})
    limits = fields.String(
        metadata={"description": "bucket: an administrator set this bucket's limits; default: the configured ones"}
    )


@blp.route("/usage")
@blp.arguments(BucketArgsSchema, location="query")
@blp.response(200, UsageSchema)
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, validation_error")
def usage(bucket):
    """Bytes and files a bucket address holds, and its limits (needs `read` on the bucket)."""
    return quotas.usage(caller(), bucket)


@blp.route("/usage", methods=["PUT"])
@blp.arguments(BucketArgsSchema, location="query")
@blp.arguments(QuotaLimitsSchema)
@blp.response(200, UsageSchema)
@blp.alt_response(403, description="access_denied: only a caller with the ADMIN_ROLE role may set quotas")
def set_limits(bucket, limits):
    """Set a bucket address's own limits (administrators); null returns a limit to the configured default."""
    return quotas.set_limits(caller(), bucket, limits)
