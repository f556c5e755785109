"""Inbound bucket notifications (PostgreSQL + SeaweedFS): a MinIO webhook target posting S3 event records to
POST /internal/storage-events completes the presigned upload whose object arrived, at once, with the checks of
confirm; the endpoint is off without STORAGE_EVENTS_TOKEN and refuses a wrong token."""

from __future__ import annotations

import hashlib
import uuid
from urllib.parse import quote_plus

import pytest
import sqlalchemy as sa

from tests.support.files_api import audit_rows, error
from tests.support.presigned import presign, send_put

pytestmark = pytest.mark.integration

TOKEN = "storage-events-token-for-tests"
BEARER = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def app(make_app):
    return make_app("minio", STORAGE_EVENTS_TOKEN=TOKEN)


def notification(bucket, key, event="s3:ObjectCreated:Put", **extra):
    """An S3 event notification as MinIO's webhook target posts it (key URL-encoded)."""
    return {
        "EventName": event,
        "Key": f"{bucket}/{key}",
        "Records": [
            {
                "eventVersion": "2.0",
                "eventSource": "minio:s3",
                "eventName": event,
                "s3": {
                    "s3SchemaVersion": "1.0",
                    "bucket": {"name": bucket, "arn": f"arn:aws:s3:::{bucket}"},
                    "object": {"key": quote_plus(key), "size": 5, "sequencer": "1"},
                },
                **extra,
            }
        ],
    }


def intent_status(app, upload_id) -> str:
    from app.extensions import db
    from app.models import UploadIntent

    with app.app_context():
        status = str(db.session.get(UploadIntent, uuid.UUID(upload_id)).status)
        db.session.commit()
        return status


def uploaded(client, content=b"hello", **extra) -> dict:
    body = presign(client, "u1", "u1", **extra).get_json()
    assert send_put(client, "minio", body, content) in (200, 204)
    return body


def post(client, body, headers=BEARER):
    return client.post("/internal/storage-events", json=body, headers=headers)


def test_a_notification_completes_the_upload_at_once(app, client):
    body = uploaded(client)
    response = post(client, notification(app.config["BUCKET_USERS"], body["object_key"]))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"completed": 1, "waiting": 0, "rejected": 0}
    assert intent_status(app, body["upload_id"]) == "confirmed"  # before any read of the address
    [row] = audit_rows(app, action="upload_confirm")
    assert row["details"]["via"] == "notification" and row["user_id"] == "u1"
    again = post(client, notification(app.config["BUCKET_USERS"], body["object_key"]))  # a replay changes nothing
    assert again.get_json() == {"completed": 0, "waiting": 0, "rejected": 0}


def test_an_object_that_fails_the_checks_is_rejected(app, client):
    body = uploaded(client, b"not what was announced", checksum_sha256=hashlib.sha256(b"other").hexdigest())
    response = post(client, notification(app.config["BUCKET_USERS"], body["object_key"]))
    assert response.get_json() == {"completed": 0, "waiting": 0, "rejected": 1}
    assert intent_status(app, body["upload_id"]) == "failed"


def test_a_notification_before_the_bytes_leaves_the_upload_waiting(app, client):
    body = presign(client, "u1", "u1").get_json()
    response = post(client, notification(app.config["BUCKET_USERS"], body["object_key"]))
    assert response.get_json() == {"completed": 0, "waiting": 1, "rejected": 0}
    assert intent_status(app, body["upload_id"]) == "pending"


@pytest.mark.parametrize(
    "change",
    [
        {"event": "s3:ObjectRemoved:Delete"},  # not a creation
        {"bucket": "some-other-bucket"},  # not one of ours
        {"bucket": "BUCKET_COMPANIES"},  # ours, but the upload went to the users bucket
        {"key": "u1/not-an-upload"},
    ],
)
def test_records_that_name_no_pending_upload_are_ignored(app, client, change):
    body = uploaded(client)
    bucket = change.get("bucket", "BUCKET_USERS")
    bucket = app.config.get(bucket, bucket)
    record = notification(bucket, change.get("key", body["object_key"]), change.get("event", "s3:ObjectCreated:Put"))
    response = post(client, record)
    assert response.status_code == 200 and response.get_json() == {"completed": 0, "waiting": 0, "rejected": 0}
    assert intent_status(app, body["upload_id"]) == "pending"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}],
)
def test_a_wrong_or_missing_token_is_refused_and_changes_nothing(app, client, auth, headers):
    body = uploaded(client)
    error(post(client, notification(app.config["BUCKET_USERS"], body["object_key"]), headers), 401, "unauthorized")
    user_token = auth("u1")  # a user's JWT is not the store's token either
    error(post(client, notification(app.config["BUCKET_USERS"], body["object_key"]), user_token), 401, "unauthorized")
    assert intent_status(app, body["upload_id"]) == "pending"


def test_the_endpoint_is_off_without_a_token(make_app):
    client = make_app("minio").test_client()
    error(post(client, notification("b", "k"), BEARER), 404, "not_found")


@pytest.mark.parametrize(
    "body",
    [
        {"Records": [{"eventName": "s3:ObjectCreated:Put"}]},  # no s3 entity
        {"Records": [{"eventName": "s3:ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {}}}]},
        {"Records": "not a list"},
        {"Records": [notification("b", f"k{n}")["Records"][0] for n in range(101)]},  # over MAX_RECORDS
        {"Records": [notification("b", "k" * 3073)["Records"][0]]},
    ],
)
def test_malformed_notifications_are_400(app, client, body):
    error(post(client, body), 400, "validation_error")


def test_an_oversized_notification_is_413_before_it_is_read(app, client):
    response = client.post(
        "/internal/storage-events",
        data=b"{" + b" " * app.config["MAX_JSON_BODY"] + b"}",
        content_type="application/json",
        headers=BEARER,
    )
    error(response, 413, "payload_too_large")


def test_several_records_complete_several_uploads(app, client):
    first, second = uploaded(client, path="docs/a.txt"), uploaded(client, b"second", path="docs/b.txt")
    records = [notification(app.config["BUCKET_USERS"], b["object_key"])["Records"][0] for b in (first, second)]
    response = post(client, {"Records": records})
    assert response.get_json()["completed"] == 2
    from app.extensions import db
    from app.models import File

    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(File)) == 2
