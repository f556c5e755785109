"""Response representations (contract §4): File, Version, Lock and the command envelope."""

from marshmallow import Schema, fields


class LockSchema(Schema):
    id = fields.UUID()
    file_id = fields.UUID()
    locked_by = fields.String()
    lock_type = fields.String()
    reason = fields.String(allow_none=True)
    created_at = fields.DateTime()
    expires_at = fields.DateTime()


class LockWithAddressSchema(LockSchema):
    bucket_type = fields.String()
    bucket_id = fields.String()
    logical_path = fields.String()


class VersionSchema(Schema):
    id = fields.UUID()
    file_id = fields.UUID()
    version_number = fields.Integer()
    object_key = fields.String()
    size = fields.Integer()
    mime_type = fields.String()
    checksum_sha256 = fields.String()
    status = fields.String()
    changelog = fields.String(allow_none=True)
    created_by = fields.String()
    created_at = fields.DateTime()
    validated_by = fields.String(allow_none=True)
    validated_at = fields.DateTime(allow_none=True)
    validation_comment = fields.String(allow_none=True)


class FileSchema(Schema):
    id = fields.UUID()
    bucket_type = fields.String()
    bucket_id = fields.String()
    logical_path = fields.String()
    filename = fields.String()
    owner_id = fields.String()
    status = fields.String()
    current_version_id = fields.UUID(allow_none=True)
    current_version_number = fields.Integer(allow_none=True)
    size = fields.Integer(allow_none=True)
    mime_type = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    checksum_sha256 = fields.String(allow_none=True)
    tags = fields.Dict()
    description = fields.String(allow_none=True)
    source_file_id = fields.UUID(allow_none=True)
    is_deleted = fields.Boolean()
    expires_at = fields.DateTime(allow_none=True, metadata={"description": "When the file expires (null: never)"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()
    lock = fields.Nested(LockSchema, allow_none=True)


class AuditLogSchema(Schema):
    id = fields.UUID()
    created_at = fields.DateTime()
    user_id = fields.String(allow_none=True)
    action = fields.String()
    outcome = fields.String()
    file_id = fields.UUID(allow_none=True)
    version_id = fields.UUID(allow_none=True)
    bucket_type = fields.String(allow_none=True)
    bucket_id = fields.String(allow_none=True)
    logical_path = fields.String(allow_none=True)
    request_id = fields.String(allow_none=True)
    client_ip = fields.String(allow_none=True)
    details = fields.Dict()


def command_schema(data_schema: type[Schema], name: str) -> type[Schema]:
    """The command envelope {status, success, message, data} around a data schema."""
    return Schema.from_dict(
        {
            "status": fields.String(dump_default="success"),
            "success": fields.Boolean(dump_default=True),
            "message": fields.String(),
            "data": fields.Nested(data_schema),
        },
        name=name,
    )


def command(message: str, data: dict) -> dict:
    return {"status": "success", "success": True, "message": message, "data": data}


class ErrorSchema(Schema):
    """The one error shape (contract §4)."""

    status = fields.String(dump_default="error")
    message = fields.String(metadata={"description": "Machine-readable error code"})
    detail = fields.String(metadata={"description": "Human-readable sentence"})
    # Context some codes add (contract §4); every key an error body can carry is listed, so clients can rely on it.
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={
            "description": "validation_error: field → list of messages (an object of that shape for nested data)"
        },
    )
    missing = fields.List(
        fields.String(), data_key="fields", metadata={"description": "missing_fields: the names of the missing fields"}
    )
    lock = fields.Nested(LockSchema, metadata={"description": "file_locked: the lock in the way (holder, expiry)"})
    current_version_number = fields.Integer(
        allow_none=True, metadata={"description": "version_conflict: the file's newest version"}
    )
    base_version = fields.Integer(
        allow_none=True, metadata={"description": "version_conflict: the version the commit was based on"}
    )
    size = fields.Integer(metadata={"description": "range_not_satisfiable: the object's size in bytes"})
