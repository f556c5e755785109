"""Collaboration endpoints: copy, locks, versions, commit, approve / reject."""

from marshmallow import Schema, fields

from app.api.security import caller
from app.extensions import Blueprint
from app.schemas.requests import (
    CommitRequestSchema,
    CopyRequestSchema,
    DecisionSchema,
    LockRequestSchema,
    LocksArgsSchema,
    UnlockRequestSchema,
    VersionsArgsSchema,
)
from app.schemas.resources import LockWithAddressSchema, VersionSchema, command, command_schema
from app.services import locks, versions

blp = Blueprint("collaboration", __name__, description="Copy, locks, versions and validation")


class CopyResultSchema(Schema):
    file_id = fields.UUID()
    source_file_id = fields.UUID()
    destination_path = fields.String()
    lock_id = fields.UUID(allow_none=True)
    lock_expires_at = fields.DateTime(allow_none=True)
    base_version_number = fields.Integer()


class LockResultSchema(Schema):
    lock_id = fields.UUID()
    file_id = fields.UUID()
    locked_by = fields.String()
    expires_at = fields.DateTime()


class UnlockResultSchema(Schema):
    lock_id = fields.UUID()
    file_id = fields.UUID()
    released_by = fields.String()
    forced = fields.Boolean()
    original_holder = fields.String()


class LockListSchema(Schema):
    locks = fields.List(fields.Nested(LockWithAddressSchema))
    total = fields.Integer()


class VersionListSchema(Schema):
    file_id = fields.UUID()
    versions = fields.List(fields.Nested(VersionSchema))
    total_count = fields.Integer()


class CommitResultSchema(Schema):
    version_id = fields.UUID()
    version_number = fields.Integer()
    status = fields.String()
    file_id = fields.UUID()


class DecisionResultSchema(Schema):
    version_id = fields.UUID()
    status = fields.String()
    file_id = fields.UUID()
    is_current = fields.Boolean()
    rejection_reason = fields.String(allow_none=True)


@blp.route("/copy", methods=["POST"])
@blp.arguments(CopyRequestSchema)
@blp.response(201, command_schema(CopyResultSchema, "CopyCommand"))
@blp.alt_response(409, description="file_locked (source), file_exists (target)")
@blp.alt_response(507, description="quota_exceeded: the bucket's quota (GET /usage) has no room for it")
def copy(body):
    """Copy a file (server-side), locking the source by default."""
    return command("File copied", versions.copy_file(caller(), body)), 201


@blp.route("/lock", methods=["POST"])
@blp.arguments(LockRequestSchema)
@blp.response(200, command_schema(LockResultSchema, "LockCommand"))
@blp.alt_response(409, description="file_locked, with `lock` naming holder and expiry")
def lock(body):
    """Take or renew a lock (a lease with a TTL)."""
    return command("File locked", locks.lock_file(caller(), body))


@blp.route("/unlock", methods=["POST"])
@blp.arguments(UnlockRequestSchema)
@blp.response(200, command_schema(UnlockResultSchema, "UnlockCommand"))
@blp.alt_response(409, description="file_not_locked")
def unlock(body):
    """Release a lock; `force` breaks another user's lock when allowed."""
    return command("File unlocked", locks.unlock_file(caller(), body))


@blp.route("/locks")
@blp.arguments(LocksArgsSchema, location="query")
@blp.response(200, LockListSchema)
def list_locks(query):
    """Active locks the caller may read."""
    return locks.list_locks(caller(), query)


@blp.route("/versions")
@blp.arguments(VersionsArgsSchema, location="query")
@blp.response(200, VersionListSchema)
def list_versions(query):
    """Versions of a file, newest first."""
    return versions.list_versions(caller(), query)


@blp.route("/versions/commit", methods=["POST"])
@blp.arguments(CommitRequestSchema)
@blp.response(201, command_schema(CommitResultSchema, "CommitCommand"))
@blp.alt_response(409, description="file_locked, version_conflict")
@blp.alt_response(507, description="quota_exceeded: the bucket's quota (GET /usage) has no room for it")
def commit(body):
    """Commit a working copy back as a new version pending validation."""
    return command("Version committed", versions.commit_version(caller(), body)), 201


@blp.route("/versions/<uuid:version_id>/approve", methods=["POST"])
@blp.arguments(DecisionSchema, required=False)
@blp.response(200, command_schema(DecisionResultSchema, "ApproveCommand"))
@blp.alt_response(404, description="version_not_found, file_not_found (the file expired)")
@blp.alt_response(409, description="invalid_state (not pending, or the file is deleted), version_conflict (superseded)")
def approve(data, version_id):
    """Approve a pending version: it becomes current."""
    result = versions.decide_version(caller(), version_id, approve=True, comment=(data or {}).get("comment"))
    return command("Version approved", result)


@blp.route("/versions/<uuid:version_id>/reject", methods=["POST"])
@blp.arguments(DecisionSchema, required=False)
@blp.response(200, command_schema(DecisionResultSchema, "RejectCommand"))
@blp.alt_response(404, description="version_not_found, file_not_found (the file expired)")
@blp.alt_response(409, description="invalid_state (not pending, or the file is deleted)")
def reject(data, version_id):
    """Reject a pending version."""
    result = versions.decide_version(caller(), version_id, approve=False, comment=(data or {}).get("comment"))
    return command("Version rejected", result)
