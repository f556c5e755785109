"""Move / rename endpoint."""

from marshmallow import Schema, fields

from app.api.security import caller
from app.extensions import Blueprint
from app.schemas.resources import command, command_schema
from app.schemas.sharing import MoveRequestSchema
from app.services import moves

blp = Blueprint("moves", __name__, description="Move and rename files")


class PreviousAddressSchema(Schema):
    bucket_type = fields.String()
    bucket_id = fields.String()
    logical_path = fields.String()


class MoveResultSchema(PreviousAddressSchema):
    file_id = fields.UUID()
    filename = fields.String()
    previous = fields.Nested(PreviousAddressSchema)
    overwritten_file_id = fields.UUID(
        allow_none=True, metadata={"description": "The file archived at the target (overwrite)"}
    )


@blp.route("/move", methods=["POST"])
@blp.arguments(MoveRequestSchema)
@blp.response(200, command_schema(MoveResultSchema, "MoveCommand"))
@blp.alt_response(400, description="missing_fields, invalid_path, bucket_not_found, validation_error (onto itself)")
@blp.alt_response(404, description="file_not_found, object_missing")
@blp.alt_response(
    409,
    description="file_exists (target taken, unless overwrite), file_locked (by another user), invalid_state (a "
    "version pending validation), version_conflict (a new version arrived during a move to another bucket)",
)
@blp.alt_response(507, description="quota_exceeded: the bucket's quota (GET /usage) has no room for it")
def move(body):
    """Move or rename a file (same id, versions and audit trail); across bucket addresses needs delete on the source."""
    return command("File moved", moves.move_file(caller(), body))
