"""Request schemas. Address fields stay raw strings here: `app.schemas.address` applies the rules of §1."""

from marshmallow import EXCLUDE, Schema, fields, validate


class AddressFieldsSchema(Schema):
    """Both field-name forms of an address (contract §1); unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE

    bucket_type = fields.String(metadata={"description": "users, companies or projects (alias: bucket)"})
    bucket = fields.String(metadata={"description": "Alias of bucket_type"})
    bucket_id = fields.String(metadata={"description": "Owner id (alias: id)"})
    id = fields.String(metadata={"description": "Alias of bucket_id"})
    logical_path = fields.String(metadata={"description": "Path inside the bucket (alias: path)"})
    path = fields.String(metadata={"description": "Alias of logical_path; README form /{bucket}/{bucket_id}/..."})


class FileRefSchema(AddressFieldsSchema):
    file_id = fields.String(metadata={"description": "File UUID, instead of the address"})


class VersionArgsSchema(FileRefSchema):
    version = fields.Integer(validate=validate.Range(min=1), metadata={"description": "Version number"})


class UploadFormSchema(AddressFieldsSchema):
    """Documentation of the multipart form of `POST /upload/proxy` (the body is parsed as a stream)."""

    file = fields.Raw(metadata={"type": "string", "format": "binary"})
    description = fields.String()
    tags = fields.String(metadata={"description": "JSON object as text"})
    checksum_sha256 = fields.String()


class PresignUploadSchema(AddressFieldsSchema):
    content_type = fields.String()
    size = fields.Integer(strict=True, validate=validate.Range(min=0))
    checksum_sha256 = fields.String()
    expires_in = fields.Integer(strict=True)
    method = fields.String(validate=validate.OneOf(["PUT", "POST", "put", "post"]))


class ConfirmUploadSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    upload_id = fields.UUID(required=True)


class PresignDownloadArgsSchema(VersionArgsSchema):
    expires_in = fields.Integer()


class ListArgsSchema(AddressFieldsSchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1))
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))
    recursive = fields.Boolean(load_default=True)
    category = fields.String(validate=validate.OneOf(["image", "video", "document", "archive", "other"]))
    status = fields.String(validate=validate.OneOf(["draft", "pending_validation", "validated", "archived"]))
    include_deleted = fields.Boolean(load_default=False)


class MetadataArgsSchema(FileRefSchema):
    include_versions = fields.Boolean(load_default=False)
    include_locks = fields.Boolean(load_default=False)
    include_audit = fields.Boolean(load_default=False)


class MetadataUpdateSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    tags = fields.Dict(keys=fields.String())
    description = fields.String(allow_none=True)


class DeleteSchema(FileRefSchema):
    physical = fields.Boolean(load_default=False)


class LockRequestSchema(FileRefSchema):
    reason = fields.String(allow_none=True)
    lock_type = fields.String(validate=validate.OneOf(["edit", "review", "admin"]))
    expires_in = fields.Integer(strict=True)


class UnlockRequestSchema(FileRefSchema):
    force = fields.Boolean(load_default=False)
    reason = fields.String(allow_none=True)


class LocksArgsSchema(FileRefSchema):
    mine = fields.Boolean(load_default=False)


def _prefixed(prefix: str) -> dict:
    return {
        f"{prefix}{name}": fields.String(metadata={"description": f"{prefix}-side {name} (address alias)"})
        for name in ("bucket_type", "bucket", "bucket_id", "id", "logical_path", "path")
    }


class CopyRequestSchema(Schema.from_dict({**_prefixed("source_"), **_prefixed("target_")})):
    class Meta:
        unknown = EXCLUDE

    source_file_id = fields.String()
    lock_source = fields.Boolean(load_default=True)
    overwrite = fields.Boolean(load_default=False)


class VersionsArgsSchema(FileRefSchema):
    status = fields.String(
        validate=validate.OneOf(["draft", "pending_validation", "validated", "rejected", "corrupted"])
    )
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))


class CommitRequestSchema(Schema.from_dict({**_prefixed("source_"), **_prefixed("target_")})):
    class Meta:
        unknown = EXCLUDE

    source_file_id = fields.String()
    file_id = fields.String()
    message = fields.String()
    changelog = fields.String()
    base_version = fields.Integer(strict=True, validate=validate.Range(min=0))
    keep_lock = fields.Boolean(load_default=False)


class DecisionSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    comment = fields.String(allow_none=True)
