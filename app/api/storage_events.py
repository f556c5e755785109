"""POST /internal/storage-events: the object store's bucket notifications (a MinIO webhook target, or anything that
posts S3 event records) complete presigned uploads the moment their object arrives.

Off unless STORAGE_EVENTS_TOKEN is set (404 then, as for any unknown URL); the store authenticates with
`Authorization: Bearer <token>` (MinIO: `auth_token` of the webhook target). Only `s3:ObjectCreated:*` records count;
a key of no pending upload is ignored, so a replayed or forged record can at most trigger the checks of confirm on
an upload that is already waiting for them.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

from flask import abort, current_app, request
from marshmallow import EXCLUDE, Schema, fields, post_load, validate

from app.errors import Unauthorized
from app.extensions import Blueprint
from app.observability import bearer_token_matches
from app.services import intents

MAX_RECORDS = 100  # records in one notification (MinIO sends one per object)

blp = Blueprint(
    "storage_events", __name__, description="Bucket notifications from the object store (internal, token-protected)"
)


class _Lenient(Schema):
    class Meta:
        unknown = EXCLUDE  # the records carry many fields this service does not use


class _Named(_Lenient):
    name = fields.String(required=True, validate=validate.Length(min=1, max=255))


class _Object(_Lenient):
    key = fields.String(required=True, validate=validate.Length(min=1, max=3072))  # URL-encoded in the record


class _Entity(_Lenient):
    bucket = fields.Nested(_Named, required=True)
    object = fields.Nested(_Object, required=True)


class _Record(_Lenient):
    eventName = fields.String(required=True, validate=validate.Length(max=128))  # noqa: N815 (the S3 field name)
    s3 = fields.Nested(_Entity, required=True)


class StorageNotificationSchema(_Lenient):
    """An S3 event notification: `Records`, each with `eventName` and `s3.bucket.name`, `s3.object.key`."""

    Records = fields.List(fields.Nested(_Record), load_default=list, validate=validate.Length(max=MAX_RECORDS))  # noqa: N815

    @post_load
    def created(self, data, **_) -> dict[str, list[str]]:
        """The keys of created objects, per bucket."""
        keys: dict[str, list[str]] = {}
        for record in data["Records"]:
            if record["eventName"].startswith(("s3:ObjectCreated:", "ObjectCreated:")):
                keys.setdefault(record["s3"]["bucket"]["name"], []).append(unquote_plus(record["s3"]["object"]["key"]))
        return keys


class CompletedSchema(Schema):
    completed = fields.Integer(metadata={"description": "Uploads that became versions"})
    waiting = fields.Integer(metadata={"description": "Uploads whose object is not (fully) there yet"})
    rejected = fields.Integer(metadata={"description": "Uploads that failed the checks of confirm"})


@blp.route("/internal/storage-events", methods=["POST"])
@blp.doc(security=[{"storageEventsToken": []}])
@blp.arguments(StorageNotificationSchema)
@blp.response(200, CompletedSchema)
@blp.alt_response(401, description="unauthorized: no or a wrong STORAGE_EVENTS_TOKEN")
@blp.alt_response(404, description="not_found: STORAGE_EVENTS_TOKEN is not set")
def storage_events(created):
    """Complete the presigned uploads whose objects a bucket notification reports created."""
    totals = {"completed": 0, "waiting": 0, "rejected": 0}
    for bucket, keys in created.items():
        report = intents.complete_created(bucket, keys)
        for name in totals:
            totals[name] += getattr(report, name)
    return totals


def require_token() -> None:
    """before_request hook: 404 while the endpoint is off, 401 without the token."""
    token = current_app.config["STORAGE_EVENTS_TOKEN"]
    if not token:
        abort(404)
    if not bearer_token_matches(request.headers.get("Authorization", ""), token):
        raise Unauthorized("A valid storage events token is required.", headers={"WWW-Authenticate": "Bearer"})
