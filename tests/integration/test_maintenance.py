"""`flask storage gc` and `flask storage reconcile [--fix]` against PostgreSQL and both storage backends."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from tests.support.files_api import object_exists, remove_object, upload

pytestmark = pytest.mark.integration


def run(app, *args):
    return app.test_cli_runner().invoke(args=["storage", *args])


def put_object(app, key, content=b"bytes", bucket_type="users"):
    from app.services.common import physical_bucket, store

    with app.app_context():
        store().put_stream(physical_bucket(bucket_type), key, io.BytesIO(content))


def queue(app, bucket, key):
    from app.extensions import db
    from app.services.common import queue_deletion

    with app.app_context():
        queue_deletion(bucket, key, "test")
        db.session.commit()


def queued(app) -> list:
    from app.extensions import db
    from app.models import ObjectDeletion

    with app.app_context():
        return [
            (r.bucket, r.object_key, r.attempts, r.last_error) for r in db.session.scalars(sa.select(ObjectDeletion))
        ]


def version_status(app, version_id) -> str:
    from app.extensions import db
    from app.models import FileVersion

    with app.app_context():
        return str(db.session.get(FileVersion, uuid.UUID(version_id)).status)


# -- gc -----------------------------------------------------------------------------------------------------------


def test_gc_drains_the_deletion_queue(make_app, backend):
    app = make_app(backend)
    bucket = app.config["BUCKET_USERS"]
    keys = [f"u1/{uuid.uuid4().hex}" for _ in range(2)]
    for key in keys:
        put_object(app, key)
        queue(app, bucket, key)
    queue(app, bucket, f"u1/{uuid.uuid4().hex}")  # already gone: deleting an absent key succeeds
    result = run(app, "gc")
    assert result.exit_code == 0, result.output
    assert "deleted objects: 3" in result.output
    assert "failed deletions (still queued): 0" in result.output
    assert not any(object_exists(app, key) for key in keys)
    assert queued(app) == []


def test_gc_keeps_failed_deletions_queued(make_app, backend):
    app = make_app(backend)
    queue(app, "no-such-bucket", "u1/whatever")
    for attempt in (1, 2):
        result = run(app, "gc")
        assert result.exit_code == 0, result.output
        assert "failed deletions (still queued): 1" in result.output
        ((bucket, key, attempts, last_error),) = queued(app)
        assert (bucket, key, attempts) == ("no-such-bucket", "u1/whatever", attempt)
        assert last_error


def test_gc_expires_stale_upload_intents_and_deletes_their_objects(make_app, backend, auth):
    from app.extensions import db
    from app.models import AuditLog, UploadIntent

    app = make_app(backend)
    client = app.test_client()
    intents = []
    for path in ("stale.txt", "fresh.txt"):
        response = client.post(
            "/upload/presign", json={"bucket": "users", "id": "u1", "path": path}, headers=auth("u1")
        )
        assert response.status_code == 200, response.get_json()
        intents.append(response.get_json())
        put_object(app, response.get_json()["object_key"])
    stale, fresh = intents
    with app.app_context():
        db.session.execute(
            sa.update(UploadIntent)
            .where(UploadIntent.id == uuid.UUID(stale["upload_id"]))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
    result = run(app, "gc")
    assert result.exit_code == 0, result.output
    assert "expired upload intents: 1" in result.output
    assert "deleted objects: 1" in result.output
    assert not object_exists(app, stale["object_key"])
    assert object_exists(app, fresh["object_key"])
    with app.app_context():
        statuses = {str(i.id): str(i.status) for i in db.session.scalars(sa.select(UploadIntent))}
        expired_audit = db.session.scalar(
            sa.select(sa.func.count()).select_from(AuditLog).where(AuditLog.action == "upload_expire")
        )
    assert statuses == {stale["upload_id"]: "expired", fresh["upload_id"]: "pending"}
    assert expired_audit == 1
    # the expired upload can no longer be confirmed
    response = client.post("/upload/confirm", json={"upload_id": stale["upload_id"]}, headers=auth("u1"))
    assert response.status_code == 409


# -- reconcile ----------------------------------------------------------------------------------------------------


def baseline(app):
    """Clear drift left in the session-wide S3 server by earlier tests (their database rows are gone)."""
    run(app, "reconcile", "--fix")
    result = run(app, "reconcile")
    assert result.exit_code == 0, result.output


def test_reconcile_finds_and_fixes_orphans_and_missing_objects(make_app, backend, auth):
    app = make_app(backend, RECONCILE_GRACE_SECONDS=0)
    baseline(app)
    client = app.test_client()
    kept = upload(client, auth("u1"), path="docs/kept.txt")
    lost = upload(client, auth("u1"), path="docs/lost.txt")
    remove_object(app, lost["object_key"])
    orphan = f"u1/{uuid.uuid4().hex}"
    put_object(app, orphan)
    project_orphan = f"p1/{uuid.uuid4().hex}"
    put_object(app, project_orphan, bucket_type="projects")

    result = run(app, "reconcile")
    assert result.exit_code == 1, result.output
    assert f"missing object: {app.config['BUCKET_USERS']}/{lost['object_key']}" in result.output
    assert f"orphan object: {app.config['BUCKET_USERS']}/{orphan}" in result.output
    assert f"orphan object: {app.config['BUCKET_PROJECTS']}/{project_orphan}" in result.output
    assert kept["object_key"] not in result.output
    assert "missing: 1, orphans: 2" in result.output
    # reporting changes nothing
    assert object_exists(app, orphan) and version_status(app, lost["version_id"]) == "draft"

    result = run(app, "reconcile", "--fix")
    assert result.exit_code == 0, result.output
    assert "[marked corrupted]" in result.output and "[deleted]" in result.output
    assert version_status(app, lost["version_id"]) == "corrupted"
    assert not object_exists(app, orphan)
    assert not object_exists(app, project_orphan, "projects")
    assert object_exists(app, kept["object_key"])
    assert version_status(app, kept["version_id"]) == "draft"
    assert queued(app) == []

    result = run(app, "reconcile")
    assert result.exit_code == 0, result.output
    assert "missing: 0, orphans: 0" in result.output


def test_reconcile_ignores_pending_uploads_queued_keys_and_young_objects(make_app, auth):
    app = make_app("local", RECONCILE_GRACE_SECONDS=0)
    client = app.test_client()
    response = client.post("/upload/presign", json={"bucket": "users", "id": "u1", "path": "p.txt"}, headers=auth("u1"))
    put_object(app, response.get_json()["object_key"])  # uploaded, not yet confirmed
    queued_key = f"u1/{uuid.uuid4().hex}"
    put_object(app, queued_key)
    queue(app, app.config["BUCKET_USERS"], queued_key)
    upload(client, auth("u1"))
    result = run(app, "reconcile")
    assert result.exit_code == 0, result.output
    assert "missing: 0, orphans: 0" in result.output

    young = make_app("local")  # same directory, default grace: a fresh object may be an upload in flight
    put_object(young, f"u1/{uuid.uuid4().hex}")
    result = run(young, "reconcile")
    assert result.exit_code == 0, result.output
    assert "orphans: 0" in result.output


def test_reconcile_does_not_report_a_version_already_marked_corrupted(make_app, auth):
    app = make_app("local")
    client = app.test_client()
    data = upload(client, auth("u1"))
    remove_object(app, data["object_key"])
    response = client.get("/download/proxy", query_string={"file_id": data["file_id"]}, headers=auth("u1"))
    assert response.status_code == 404 and response.get_json()["message"] == "object_missing"
    result = run(app, "reconcile")
    assert result.exit_code == 0, result.output
    assert "missing: 0" in result.output
