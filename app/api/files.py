"""File endpoints: list a folder, read and update metadata, delete."""

from marshmallow import Schema, fields

from app.api.security import caller
from app.extensions import Blueprint
from app.schemas.requests import (
    DeleteFields,
    DeleteSchema,
    ListArgsSchema,
    MetadataArgsSchema,
    MetadataPatchSchema,
    QueryFileRefSchema,
    either_ref,
)
from app.schemas.resources import AuditLogSchema, FileSchema, LockSchema, VersionSchema, command, command_schema
from app.services import files

blp = Blueprint("files", __name__, description="List, describe and delete files")


class PaginationSchema(Schema):
    page = fields.Integer()
    limit = fields.Integer()
    total_items = fields.Integer()
    total_pages = fields.Integer()


class FileListSchema(Schema):
    files = fields.List(fields.Nested(FileSchema))
    pagination = fields.Nested(
        PaginationSchema, metadata={"description": "page, limit, total_items, total_pages; only limit with a cursor"}
    )
    folders = fields.List(fields.String(), metadata={"description": "Sub-folder names (recursive=false only)"})
    next_cursor = fields.String(
        allow_none=True, metadata={"description": "With `cursor`: the cursor of the next page; null after the last one"}
    )


class LockHistorySchema(LockSchema):
    released_at = fields.DateTime(allow_none=True)
    released_by = fields.String(allow_none=True)
    release_reason = fields.String(allow_none=True)
    forced = fields.Boolean()


class MetadataSchema(Schema):
    file = fields.Nested(FileSchema)
    current_version = fields.Nested(VersionSchema, allow_none=True)
    versions = fields.List(fields.Nested(VersionSchema))
    locks = fields.List(fields.Nested(LockHistorySchema))
    audit_logs = fields.List(fields.Nested(AuditLogSchema))


class MetadataUpdatedSchema(Schema):
    file_id = fields.UUID()
    updated_fields = fields.Dict(keys=fields.String())


class DeletedSchema(Schema):
    file_id = fields.UUID()
    logical_delete = fields.Boolean()
    physical_delete = fields.Boolean()


@blp.route("/list")
@blp.arguments(ListArgsSchema, location="query")
@blp.response(200, FileListSchema)
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, validation_error")
def list_files(query):
    """List the files under a folder (recursive by default), ordered by path, paginated (page, offset or cursor)."""
    return files.list_files(caller(), query)


@blp.route("/metadata")
@blp.arguments(MetadataArgsSchema, location="query")
@blp.response(200, MetadataSchema)
@blp.alt_response(404, description="file_not_found")
def get_metadata(query):
    """A file's metadata, current version and optionally its versions, lock history and audit trail."""
    result = files.get_metadata(caller(), query)
    version = result["current_version"]
    return result, {"ETag": f'"{version.checksum_sha256 or version.id}"'} if version is not None else {}


@blp.route("/metadata", methods=["PATCH"])
@blp.arguments(QueryFileRefSchema, location="query")
@blp.arguments(MetadataPatchSchema)
@blp.response(200, command_schema(MetadataUpdatedSchema, "MetadataUpdateCommand"))
@blp.alt_response(404, description="file_not_found")
@blp.alt_response(409, description="file_locked")
def update_metadata(query, update):
    """Replace a file's tags and/or set its description (other fields are refused)."""
    return command("Metadata updated", files.update_metadata(caller(), either_ref(update.named, query), update.changes))


@blp.route("/delete", methods=["DELETE"])
@blp.arguments(DeleteSchema, location="query")
@blp.arguments(DeleteSchema, required=False)
@blp.response(200, command_schema(DeletedSchema, "DeleteCommand"))
@blp.alt_response(404, description="file_not_found")
@blp.alt_response(409, description="file_locked")
def delete_file(query, body):
    """Delete a file named in the JSON body or the query: archived (logical, default) or purged (`physical`)."""
    return command("File deleted", files.delete_file(caller(), DeleteFields.merge(query, body)))
