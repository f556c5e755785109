"""Trash and restore endpoints: deleted files listed and brought back, earlier versions made current again."""

from marshmallow import Schema, fields

from app.api.security import caller
from app.extensions import Blueprint
from app.schemas.requests import RestoreFileSchema, RestoreVersionCommand, RestoreVersionSchema, TrashArgsSchema
from app.schemas.resources import FileSchema, command, command_schema
from app.services import trash, versions

blp = Blueprint("trash", __name__, description="Trash, file restore and version restore")


class TrashedFileSchema(FileSchema):
    deleted_at = fields.DateTime(allow_none=True)
    deleted_by = fields.String(allow_none=True)
    purge_at = fields.DateTime(
        allow_none=True, metadata={"description": "When the worker purges it; null: TRASH_RETENTION_DAYS is 0"}
    )


class TrashPaginationSchema(Schema):
    limit = fields.Integer()
    offset = fields.Integer()
    total_items = fields.Integer()


class TrashListSchema(Schema):
    files = fields.List(fields.Nested(TrashedFileSchema), metadata={"description": "Most recently deleted first"})
    pagination = fields.Nested(TrashPaginationSchema)
    retention_days = fields.Float(metadata={"description": "TRASH_RETENTION_DAYS (0: never purged)"})


class RestoredFileSchema(Schema):
    file_id = fields.UUID()
    logical_path = fields.String()
    status = fields.String()


class RestoredVersionSchema(Schema):
    version_id = fields.UUID()
    version_number = fields.Integer()
    status = fields.String()
    file_id = fields.UUID()
    restored_from = fields.Integer(metadata={"description": "The version number whose bytes were restored"})


@blp.route("/trash")
@blp.arguments(TrashArgsSchema, location="query")
@blp.response(200, TrashListSchema)
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, validation_error")
def list_trash(query):
    """Logically deleted files under a folder, most recently deleted first (needs `delete` on the bucket)."""
    return trash.list_trash(caller(), query)


@blp.route("/restore", methods=["POST"])
@blp.arguments(RestoreFileSchema)
@blp.response(200, command_schema(RestoredFileSchema, "RestoreFileCommand"))
@blp.alt_response(404, description="file_not_found")
@blp.alt_response(409, description="file_exists (a live file holds the address), invalid_state (not deleted)")
def restore_file(file_id):
    """Bring a logically deleted file back to its address (needs `delete`, like the deletion it undoes)."""
    return command("File restored", trash.restore_file(caller(), file_id))


@blp.route("/versions/<uuid:version_id>/restore", methods=["POST"])
@blp.arguments(RestoreVersionSchema, required=False)
@blp.response(201, command_schema(RestoredVersionSchema, "RestoreVersionCommand"))
@blp.alt_response(404, description="version_not_found, file_not_found (the file expired), object_missing")
@blp.alt_response(
    409,
    description="file_locked; version_conflict (base_version is not the newest); invalid_state (the version is "
    "pending or corrupted, a version is pending validation, or the file is deleted)",
)
@blp.alt_response(507, description="quota_exceeded: the copy does not fit in the bucket's quota")
def restore_version(data, version_id):
    """Make an earlier version current again: its bytes are copied into a new draft version (needs `write`)."""
    result = versions.restore_version(caller(), version_id, data or RestoreVersionCommand())
    return command("Version restored", result), 201
