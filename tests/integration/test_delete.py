"""DELETE /delete: logical (archive) and physical (metadata, then objects), against both storage backends."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tests.support.files_api import add_lock, audit_rows, error, object_exists, upload

pytestmark = pytest.mark.integration


def file_row(app, file_id):
    from app.extensions import db
    from app.models import File

    with app.app_context():
        file = db.session.get(File, uuid.UUID(str(file_id)))
        if file is None:
            return None
        return {
            "is_deleted": file.is_deleted,
            "status": str(file.status),
            "deleted_by": file.deleted_by,
            "deleted_at": file.deleted_at,
        }


def count(app, model, *where):
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# -- logical ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        {"bucket_type": "users", "bucket_id": "u1", "logical_path": "docs/a.txt"},
        {"bucket": "users", "id": "u1", "path": "docs/a.txt"},
        {"bucket": "users", "path": "/users/u1/docs/a.txt"},
        {"file_id": None},
    ],
    ids=["long-names", "short-names", "readme-absolute", "file-id"],
)
def test_logical_delete_archives_and_hides(app, client, auth, body):
    data = upload(client, auth("u1"))
    if "file_id" in body:
        body = {"file_id": data["file_id"]}
    response = client.delete("/delete", json=body, headers=auth("u1"))
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["status"] == "success" and result["success"] is True and result["message"]
    assert result["data"] == {"file_id": data["file_id"], "logical_delete": True, "physical_delete": False}
    row = file_row(app, data["file_id"])
    assert row["is_deleted"] is True and row["status"] == "archived" and row["deleted_by"] == "u1"
    assert row["deleted_at"] is not None
    assert object_exists(app, data["object_key"])  # restorable: the bytes stay
    error(client.get("/metadata", query_string={"file_id": data["file_id"]}, headers=auth("u1")), 404, "file_not_found")
    listed = client.get("/list", query_string={"bucket": "users", "id": "u1"}, headers=auth("u1")).get_json()
    assert listed["files"] == []
    error(
        client.get("/download/proxy", query_string={"file_id": data["file_id"]}, headers=auth("u1")),
        404,
        "file_not_found",
    )
    rows = audit_rows(app, "delete", data["file_id"])
    assert len(rows) == 1 and rows[0]["user_id"] == "u1" and rows[0]["details"]["physical"] is False
    # deleting again: there is no live file any more
    error(client.delete("/delete", json=body, headers=auth("u1")), 404, "file_not_found")


def test_logical_delete_frees_the_path(app, client, auth):
    old = upload(client, auth("u1"), content=b"old")
    assert client.delete("/delete", json={"file_id": old["file_id"]}, headers=auth("u1")).status_code == 200
    new = upload(client, auth("u1"), content=b"new")
    assert new["file_id"] != old["file_id"] and new["version_number"] == 1
    response = client.get(
        "/download/proxy", query_string={"bucket": "users", "id": "u1", "path": "docs/a.txt"}, headers=auth("u1")
    )
    assert response.data == b"new"
    listed = client.get(
        "/list", query_string={"bucket": "users", "id": "u1", "include_deleted": "true"}, headers=auth("u1")
    ).get_json()
    assert sorted((f["id"], f["is_deleted"]) for f in listed["files"]) == sorted(
        [(old["file_id"], True), (new["file_id"], False)]
    )


def test_delete_locked_by_another_is_409(app, client, auth):
    data = upload(client, auth("u1"), bucket="projects", bucket_id="p1")
    add_lock(app, data["file_id"], "u2")
    for physical in (False, True):
        body = error(
            client.delete("/delete", json={"file_id": data["file_id"], "physical": physical}, headers=auth("u1")),
            409,
            "file_locked",
        )
        assert body["lock"]["locked_by"] == "u2"
    assert file_row(app, data["file_id"])["is_deleted"] is False
    assert object_exists(app, data["object_key"], "projects")
    assert audit_rows(app, "delete") == []


def test_delete_own_lock_is_allowed_and_released(app, client, auth):
    from app.models import FileLock

    data = upload(client, auth("u1"))
    add_lock(app, data["file_id"], "u1")
    assert client.delete("/delete", json={"file_id": data["file_id"]}, headers=auth("u1")).status_code == 200
    assert count(app, FileLock, FileLock.released_at.is_(None)) == 0
    assert count(app, FileLock, FileLock.release_reason == "file deleted") == 1


def test_delete_expired_lock_of_another_does_not_block(app, client, auth):
    data = upload(client, auth("u1"))
    add_lock(app, data["file_id"], "u2", seconds=-1)
    assert client.delete("/delete", json={"file_id": data["file_id"]}, headers=auth("u1")).status_code == 200


# -- physical -----------------------------------------------------------------------------------------------------


def test_physical_delete_removes_metadata_and_every_object(make_app, backend, auth):
    from app.models import AuditLog, File, FileLock, FileVersion, ObjectDeletion

    app = make_app(backend)
    client = app.test_client()
    versions = [upload(client, auth("u1"), content=f"v{i}".encode()) for i in range(3)]
    file_id = versions[0]["file_id"]
    add_lock(app, file_id, "u1")
    response = client.delete(
        "/delete", json={"bucket": "users", "id": "u1", "path": "docs/a.txt", "physical": True}, headers=auth("u1")
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"] == {"file_id": file_id, "logical_delete": True, "physical_delete": True}
    assert file_row(app, file_id) is None
    fid = uuid.UUID(file_id)
    assert count(app, FileVersion, FileVersion.file_id == fid) == 0
    assert count(app, FileLock, FileLock.file_id == fid) == 0
    for version in versions:
        assert not object_exists(app, version["object_key"])
    assert count(app, ObjectDeletion) == 0  # drained after the commit
    # the audit trail survives: three uploads and the delete
    assert count(app, AuditLog, AuditLog.file_id == fid) == 4
    (row,) = audit_rows(app, "delete", file_id)
    assert row["details"]["physical"] is True and row["logical_path"] == "docs/a.txt"
    assert count(app, File) == 0


def test_physical_delete_of_an_archived_file_by_id(make_app, backend, auth):
    app = make_app(backend)
    client = app.test_client()
    data = upload(client, auth("u1"))
    assert client.delete("/delete", json={"file_id": data["file_id"]}, headers=auth("u1")).status_code == 200
    assert object_exists(app, data["object_key"])
    response = client.delete("/delete", json={"file_id": data["file_id"], "physical": True}, headers=auth("u1"))
    assert response.status_code == 200, response.get_json()
    assert file_row(app, data["file_id"]) is None
    assert not object_exists(app, data["object_key"])


def test_physical_delete_keeps_other_files(app, client, auth):
    keep = upload(client, auth("u1"), path="docs/keep.txt", content=b"keep")
    gone = upload(client, auth("u1"), path="docs/gone.txt", content=b"gone")
    response = client.delete("/delete", json={"file_id": gone["file_id"], "physical": True}, headers=auth("u1"))
    assert response.status_code == 200
    assert object_exists(app, keep["object_key"])
    response = client.get("/download/proxy", query_string={"file_id": keep["file_id"]}, headers=auth("u1"))
    assert response.data == b"keep"


def test_physical_delete_with_an_unreachable_store_keeps_the_key_queued(app, client, auth, fake_projects):
    """The object store refuses connections: the delete still commits, the object stays queued for gc."""
    from urllib.parse import urlsplit

    from app.extensions import db
    from app.models import ObjectDeletion
    from app.storage import build_store

    data = upload(client, auth("u1"), path="d/a.txt")
    reachable = app.extensions["object_store"]
    dead = urlsplit(fake_projects.refused_url).netloc  # a bound port that never listens
    app.extensions["object_store"] = build_store({**app.config, "MINIO_ENDPOINT": dead})
    try:
        response = client.delete("/delete", json={"file_id": data["file_id"], "physical": True}, headers=auth("u1"))
    finally:
        app.extensions["object_store"] = reachable
    assert response.status_code == 200, response.get_json()
    assert file_row(app, data["file_id"]) is None
    assert object_exists(app, data["object_key"])
    with app.app_context():
        (queued,) = db.session.scalars(sa.select(ObjectDeletion)).all()
        assert queued.object_key == data["object_key"] and queued.attempts == 1 and queued.last_error
    result = app.test_cli_runner().invoke(args=["storage", "gc"])
    assert result.exit_code == 0, result.output
    assert "deleted objects: 1" in result.output
    assert not object_exists(app, data["object_key"])
    assert count(app, ObjectDeletion) == 0


# -- errors -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "missing_fields"),
        ({"bucket": "users", "id": "u1"}, "missing_fields"),
        ({"bucket": "users", "id": "u1", "path": "docs/../a.txt"}, "invalid_path"),
        ({"bucket": "users", "path": "/companies/u1/a.txt"}, "invalid_path"),
        ({"bucket": "files", "id": "u1", "path": "a.txt"}, "bucket_not_found"),
        ({"bucket": "users", "id": "u/1", "path": "a.txt"}, "validation_error"),
        ({"file_id": "123"}, "validation_error"),
        ({"file_id": str(uuid.uuid4()), "physical": "sometimes"}, "validation_error"),
    ],
)
def test_delete_bad_requests_are_400(client, auth, fake_projects, body, code):
    error(client.delete("/delete", json=body, headers=auth("u1")), 400, code)
    assert fake_projects.calls == []


def test_delete_without_body_is_400(client, auth):
    error(client.delete("/delete", headers=auth("u1")), 400, "missing_fields")


def test_delete_missing_file_is_404(client, auth):
    error(client.delete("/delete", json={"file_id": str(uuid.uuid4())}, headers=auth("u1")), 404, "file_not_found")
    error(
        client.delete(
            "/delete", json={"bucket": "users", "id": "u1", "path": "nope", "physical": True}, headers=auth("u1")
        ),
        404,
        "file_not_found",
    )


def test_delete_auth_errors(app, client, auth, fake_projects):
    data = upload(client, auth("u1"))
    body = {"file_id": data["file_id"]}
    error(client.delete("/delete", json=body), 401, "missing_jwt_token")
    error(client.delete("/delete", json=body, headers={"Authorization": "Bearer bad"}), 401, "unauthorized")
    # by file_id a file the caller may not read is hidden like an unknown id; by address the space is refused
    error(client.delete("/delete", json=body, headers=auth("u2")), 404, "file_not_found")
    error(
        client.delete("/delete", json={"bucket": "users", "id": "u1", "path": "docs/a.txt"}, headers=auth("u2")),
        403,
        "access_denied",
    )
    assert file_row(app, data["file_id"])["is_deleted"] is False
    denied = audit_rows(app, "delete")
    assert [r["outcome"] for r in denied] == ["denied", "denied"]


def test_delete_project_bucket_asks_for_delete(app, client, auth, fake_projects):
    data = upload(client, auth("u1"), bucket="projects", bucket_id="p1")
    fake_projects.mode = "rules"
    fake_projects.rules = {("p1", "u2", "read"): True}
    error(client.delete("/delete", json={"file_id": data["file_id"]}, headers=auth("u2")), 403, "access_denied")
    assert [c.json["action"] for c in fake_projects.calls[-2:]] == ["delete", "read"]  # may read: 403, not hidden
    fake_projects.mode = "error500"
    response = client.delete("/delete", json={"file_id": data["file_id"]}, headers=auth("u2"))
    error(response, 403, "project_service_unavailable")
    assert response.headers["Retry-After"]
    fake_projects.mode = "allow"
    response = client.delete("/delete", json={"file_id": data["file_id"], "physical": True}, headers=auth("u2"))
    assert response.status_code == 200
    assert not object_exists(app, data["object_key"], "projects")
