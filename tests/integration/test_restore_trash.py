"""Restore and trash: POST /versions/{id}/restore (conflict-checked like commit), GET /trash, POST /restore (the
live-address index decides), and the worker's purge after TRASH_RETENTION_DAYS."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import requests
import sqlalchemy as sa

from tests.support.files_api import (
    EVERYTHING,
    MEMBER,
    add_lock,
    audit_rows,
    download,
    error,
    metadata,
    object_exists,
    transfer_body,
    upload,
)
from tests.support.races import ENGINE_OPTIONS, ServedApp, fire_together
from tests.support.tokens import bearer

TEAM = {("p1", "owner"): ("owner", EVERYTHING), ("p1", "member"): ("member", MEMBER)}


def versions_of(client, headers, file_id):
    response = client.get("/versions", query_string={"file_id": file_id}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["versions"]


def restore_version(client, headers, version_id, body=None):
    return client.post(f"/versions/{version_id}/restore", json=body, headers=headers)


def trash(client, headers, **query):
    response = client.get("/trash", query_string={"bucket": "users", "id": "u1", **query}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def delete(client, headers, file_id, physical=False):
    response = client.delete("/delete", json={"file_id": file_id, "physical": physical}, headers=headers)
    assert response.status_code == 200, response.get_json()


# ------------------------------------------------------------------------------------------------ version restore


def test_restoring_an_old_version_makes_a_new_current_version_with_a_copy_of_its_bytes(make_app, backend):
    app = make_app(backend)
    client, me = app.test_client(), bearer("u1")
    first = upload(client, me, path="a.txt", content=b"first")
    upload(client, me, path="a.txt", content=b"second")
    response = restore_version(client, me, first["version_id"], {"message": "back to the first"})
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    assert data["version_number"] == 3 and data["restored_from"] == 1 and data["status"] == "draft"
    assert download(client, me, file_id=first["file_id"]) == b"first"
    listed = versions_of(client, me, first["file_id"])
    assert [v["version_number"] for v in listed] == [3, 2, 1]
    newest, oldest = listed[0], listed[2]
    assert newest["changelog"] == "back to the first" and newest["checksum_sha256"] == oldest["checksum_sha256"]
    assert newest["object_key"] != oldest["object_key"]  # a copy: each version owns its object
    file = metadata(client, me, file_id=first["file_id"])["file"]
    assert file["current_version_id"] == data["version_id"]
    [row] = audit_rows(app, "version_restore")
    assert row["details"]["restored_from"] == 1
    # Purging the file removes every object, the restored copy and its source alike: nothing is shared.
    delete(client, me, first["file_id"], physical=True)
    assert not any(object_exists(app, v["object_key"]) for v in listed)


def test_the_copy_survives_when_the_source_versions_object_goes(make_app):
    """Nothing shares bytes: removing the restored-from version's object leaves the new current version readable."""
    app = make_app("minio")
    client, me = app.test_client(), bearer("u1")
    first = upload(client, me, path="a.txt", content=b"first")
    upload(client, me, path="a.txt", content=b"second")
    assert restore_version(client, me, first["version_id"]).status_code == 201
    from tests.support.files_api import remove_object

    remove_object(app, first["object_key"])
    assert download(client, me, file_id=first["file_id"]) == b"first"


def test_version_restore_checks_like_a_commit(make_app):
    app = make_app("minio")
    client, me = app.test_client(), bearer("u1")
    first = upload(client, me, path="a.txt", content=b"first")
    upload(client, me, path="a.txt", content=b"second")
    # a stale expected version
    error(restore_version(client, me, first["version_id"], {"base_version": 1}), 409, "version_conflict")
    # a lock held by someone else
    lock_id = add_lock(app, first["file_id"], "u2")
    error(restore_version(client, me, first["version_id"]), 409, "file_locked")
    from app.extensions import db
    from app.models import FileLock

    with app.app_context():
        db.session.execute(sa.delete(FileLock).where(FileLock.id == lock_id))
        db.session.commit()
    # a version pending validation
    work = upload(client, me, path="work.txt", content=b"work")
    source = {"bucket": "users", "id": "u1", "path": "work.txt"}
    target = {"bucket": "users", "id": "u1", "path": "a.txt"}
    committed = client.post("/versions/commit", json={**transfer_body(source, target), "base_version": 2}, headers=me)
    assert committed.status_code == 201, committed.get_json()
    error(restore_version(client, me, first["version_id"]), 409, "invalid_state")
    error(restore_version(client, me, committed.get_json()["data"]["version_id"]), 409, "invalid_state")
    client.post(f"/versions/{committed.get_json()['data']['version_id']}/reject", json={}, headers=me)
    assert restore_version(client, me, first["version_id"], {"base_version": 3}).status_code == 201
    # an unknown version, a file in the trash
    error(restore_version(client, me, uuid.uuid4()), 404, "version_not_found")
    delete(client, me, first["file_id"])
    error(restore_version(client, me, first["version_id"]), 409, "invalid_state")
    assert work["file_id"]
    assert [v["version_number"] for v in versions_of(client, me, work["file_id"])] == [1]


def test_version_restore_needs_write(make_app, team):
    app = make_app("minio")
    client = app.test_client()
    first = upload(client, bearer("owner"), bucket="projects", bucket_id="p1", path="a.txt", content=b"1")
    error(restore_version(client, bearer("stranger"), first["version_id"]), 403, "access_denied")
    assert restore_version(client, bearer("member"), first["version_id"]).status_code == 201


def test_a_version_whose_object_is_gone_is_404_object_missing_and_marked_corrupted(make_app):
    app = make_app("minio")
    client, me = app.test_client(), bearer("u1")
    first = upload(client, me, path="a.txt", content=b"first")
    upload(client, me, path="a.txt", content=b"second")
    from tests.support.files_api import remove_object

    remove_object(app, first["object_key"])
    error(restore_version(client, me, first["version_id"]), 404, "object_missing")
    assert versions_of(client, me, first["file_id"])[-1]["status"] == "corrupted"
    assert len(versions_of(client, me, first["file_id"])) == 2


def test_concurrent_restores_on_one_base_have_one_winner(make_app):
    app = make_app("minio", SQLALCHEMY_ENGINE_OPTIONS=ENGINE_OPTIONS)
    client, me = app.test_client(), bearer("u1")
    first = upload(client, me, path="a.txt", content=b"first")
    upload(client, me, path="a.txt", content=b"second")
    with ServedApp(app) as served:
        outcomes = fire_together(
            [
                lambda: requests.post(
                    f"{served.url}/versions/{first['version_id']}/restore",
                    json={"base_version": 2},
                    headers=me,
                    timeout=60,
                )
                for _ in range(8)
            ]
        )
    statuses = sorted((o.status, o.code) for o in outcomes)
    assert statuses == [(201, None)] + [(409, "version_conflict")] * 7, statuses
    assert [v["version_number"] for v in versions_of(client, me, first["file_id"])] == [3, 2, 1]


# ---------------------------------------------------------------------------------------------------------- trash


def test_trash_lists_deleted_files_newest_first_and_restore_brings_one_back(make_app, backend):
    app = make_app(backend, TRASH_RETENTION_DAYS=7)
    client, me = app.test_client(), bearer("u1")
    a = upload(client, me, path="docs/a.txt", content=b"a")
    b = upload(client, me, path="docs/b.txt", content=b"b")
    upload(client, me, path="other/c.txt", content=b"c")
    delete(client, me, a["file_id"])
    delete(client, me, b["file_id"])
    listed = trash(client, me)
    assert [f["id"] for f in listed["files"]] == [b["file_id"], a["file_id"]]
    assert listed["pagination"]["total_items"] == 2 and listed["retention_days"] == 7
    entry = listed["files"][0]
    assert entry["is_deleted"] is True and entry["deleted_by"] == "u1" and entry["status"] == "archived"
    deleted_at = datetime.fromisoformat(entry["deleted_at"])
    assert datetime.fromisoformat(entry["purge_at"]) - deleted_at == timedelta(days=7)
    assert trash(client, me, path="other")["files"] == []
    assert [f["id"] for f in trash(client, me, path="docs", limit=1, offset=1)["files"]] == [a["file_id"]]
    response = client.post("/restore", json={"file_id": a["file_id"]}, headers=me)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"] == {"file_id": a["file_id"], "logical_path": "docs/a.txt", "status": "draft"}
    assert download(client, me, bucket="users", id="u1", path="docs/a.txt") == b"a"
    assert [f["id"] for f in trash(client, me)["files"]] == [b["file_id"]]
    [row] = audit_rows(app, "restore")
    assert row["file_id"] == uuid.UUID(a["file_id"])
    error(client.post("/restore", json={"file_id": a["file_id"]}, headers=me), 409, "invalid_state")


def test_restore_refuses_a_taken_address_and_keeps_the_file_in_the_trash(make_app):
    app = make_app("minio")
    client, me = app.test_client(), bearer("u1")
    old = upload(client, me, path="a.txt", content=b"old")
    delete(client, me, old["file_id"])
    new = upload(client, me, path="a.txt", content=b"new")
    error(client.post("/restore", json={"file_id": old["file_id"]}, headers=me), 409, "file_exists")
    assert [f["id"] for f in trash(client, me)["files"]] == [old["file_id"]]
    assert download(client, me, file_id=new["file_id"]) == b"new"


def test_two_deleted_files_at_one_address_racing_back_have_one_winner(make_app):
    app = make_app("minio", SQLALCHEMY_ENGINE_OPTIONS=ENGINE_OPTIONS)
    client, me = app.test_client(), bearer("u1")
    ids = []
    for content in (b"one", b"two", b"three", b"four"):
        ids.append(upload(client, me, path="a.txt", content=content)["file_id"])
        delete(client, me, ids[-1])
    with ServedApp(app) as served:
        outcomes = fire_together(
            [
                lambda file_id=file_id: requests.post(
                    f"{served.url}/restore", json={"file_id": file_id}, headers=me, timeout=60
                )
                for file_id in ids
            ]
        )
    statuses = sorted((o.status, o.code) for o in outcomes)
    assert statuses == [(200, None)] + [(409, "file_exists")] * 3, statuses
    live = metadata(client, me, bucket="users", id="u1", path="a.txt")["file"]["id"]
    assert live == ids[[o.status for o in outcomes].index(200)]
    assert len(trash(client, me)["files"]) == 3


def test_trash_and_restore_need_delete(make_app, team):
    app = make_app("minio")
    client = app.test_client()
    owner, member = bearer("owner"), bearer("member")
    file = upload(client, owner, bucket="projects", bucket_id="p1", path="a.txt")
    delete(client, owner, file["file_id"])
    query = {"bucket": "projects", "id": "p1"}
    error(client.get("/trash", query_string=query, headers=member), 403, "access_denied")
    error(client.post("/restore", json={"file_id": file["file_id"]}, headers=member), 403, "access_denied")
    error(client.post("/restore", json={"file_id": file["file_id"]}, headers=bearer("stranger")), 404, "file_not_found")
    error(client.post("/restore", json={"file_id": str(uuid.uuid4())}, headers=owner), 404, "file_not_found")
    error(client.post("/restore", json={}, headers=owner), 400, "validation_error")
    assert client.get("/trash", query_string=query, headers=owner).status_code == 200


@pytest.mark.parametrize("retention_days", [30, 0])
def test_the_worker_purges_trash_older_than_the_retention(make_app, retention_days):
    app = make_app("minio", TRASH_RETENTION_DAYS=retention_days)
    client, me = app.test_client(), bearer("u1")
    old = upload(client, me, path="old.txt", content=b"old")
    recent = upload(client, me, path="recent.txt", content=b"recent")
    delete(client, me, old["file_id"])
    delete(client, me, recent["file_id"])
    from app.extensions import db
    from app.models import File
    from app.services.maintenance import run_worker

    with app.app_context():
        db.session.execute(
            sa.update(File)
            .where(File.id == uuid.UUID(old["file_id"]))
            .values(deleted_at=datetime.now(UTC) - timedelta(days=31))
        )
        db.session.commit()
        run_worker(max_iterations=1)
    listed = [f["id"] for f in trash(client, me)["files"]]
    if retention_days == 0:  # kept until someone deletes it
        assert listed == [recent["file_id"], old["file_id"]]
        assert object_exists(app, old["object_key"])
        return
    assert listed == [recent["file_id"]]
    assert not object_exists(app, old["object_key"]) and object_exists(app, recent["object_key"])
    [row] = audit_rows(app, "trash_purge")
    assert row["file_id"] == uuid.UUID(old["file_id"]) and row["user_id"] is None
    usage = client.get("/usage", query_string={"bucket": "users", "id": "u1"}, headers=me).get_json()
    assert (usage["bytes_used"], usage["files_used"]) == (6, 1)
    error(client.post("/restore", json={"file_id": old["file_id"]}, headers=me), 404, "file_not_found")


def test_restores_and_the_purge_send_events(make_app):
    hook = [{"url": "http://127.0.0.1:9/hook", "secret": SECRET, "events": ["*"]}]
    app = make_app("local", WEBHOOK_URLS=hook, TRASH_RETENTION_DAYS=1)
    client, me = app.test_client(), bearer("u1")
    first = upload(client, me, path="a.txt", content=b"1")
    upload(client, me, path="a.txt", content=b"2")
    assert restore_version(client, me, first["version_id"]).status_code == 201
    delete(client, me, first["file_id"])
    assert client.post("/restore", json={"file_id": first["file_id"]}, headers=me).status_code == 200
    delete(client, me, first["file_id"])
    from app.extensions import db
    from app.models import File, OutboxEvent
    from app.services.trash import purge_old_trash

    with app.app_context():
        db.session.execute(sa.update(File).values(deleted_at=datetime.now(UTC) - timedelta(days=2)))
        db.session.commit()
        assert purge_old_trash() == 1
        events = db.session.execute(sa.select(OutboxEvent.type, OutboxEvent.payload).order_by(OutboxEvent.seq)).all()
    assert [t for t, _ in events][-5:] == [
        "version.restored",
        "file.deleted",
        "file.restored",
        "file.deleted",
        "file.deleted",
    ]
    assert events[-1][1]["data"]["action"] == "trash_purge" and events[-1][1]["data"]["actor"] is None


SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({"bucket": "users", "id": "u1", "limit": 0}, 400, "validation_error"),
        ({"bucket": "users", "id": "u1", "limit": 1001}, 400, "validation_error"),
        ({"bucket": "users", "id": "u1", "offset": -1}, 400, "validation_error"),
        ({"bucket": "users", "id": "u1", "path": "a/../b"}, 400, "invalid_path"),
        ({"bucket": "nope", "id": "u1"}, 400, "bucket_not_found"),
        ({"bucket": "users"}, 400, "missing_fields"),
        ({"bucket": "users", "id": "u 1"}, 400, "validation_error"),
    ],
)
def test_trash_refuses_bad_input_before_anything_else(make_app, query, status, code):
    app = make_app("local")
    error(app.test_client().get("/trash", query_string=query, headers=bearer("u1")), status, code)


@pytest.mark.parametrize(
    "body", [{"file_id": "not-a-uuid"}, {"file_id": 5}, [], {"file_id": None}], ids=["text", "number", "list", "null"]
)
def test_restore_refuses_a_body_without_a_file_id(make_app, body):
    app = make_app("local")
    error(app.test_client().post("/restore", json=body, headers=bearer("u1")), 400, "validation_error")


@pytest.mark.parametrize(
    "body",
    [{"base_version": -1}, {"base_version": "2"}, {"base_version": 1.0}, {"message": "x" * 4097}, {"message": 5}],
    ids=["negative", "text", "float", "long-message", "number-message"],
)
def test_version_restore_refuses_bad_fields_and_writes_nothing(make_app, body):
    app = make_app("local")
    client, me = app.test_client(), bearer("u1")
    first = upload(client, me, path="a.txt", content=b"first")
    error(restore_version(client, me, first["version_id"], body), 400, "validation_error")
    assert len(versions_of(client, me, first["file_id"])) == 1


def test_a_version_of_an_expired_file_is_not_restored(make_app):
    app = make_app("local")
    client, me = app.test_client(), bearer("u1")
    first = upload(client, me, path="a.txt", content=b"first", expires_in="60")
    upload(client, me, path="a.txt", content=b"second")
    from app.extensions import db
    from app.models import File

    with app.app_context():
        db.session.execute(sa.update(File).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
        db.session.commit()
    error(restore_version(client, me, first["version_id"]), 404, "file_not_found")


def test_a_pending_version_of_an_expired_file_is_not_decided(make_app):
    """(Found beside the restore: approving or rejecting a version of an expired file was a 500.)"""
    app = make_app("local")
    client, me = app.test_client(), bearer("u1")
    upload(client, me, path="a.txt", content=b"first", expires_in="60")
    upload(client, me, path="work.txt", content=b"work")
    source = {"bucket": "users", "id": "u1", "path": "work.txt"}
    target = {"bucket": "users", "id": "u1", "path": "a.txt"}
    committed = client.post("/versions/commit", json={**transfer_body(source, target), "base_version": 1}, headers=me)
    assert committed.status_code == 201, committed.get_json()
    from app.extensions import db
    from app.models import File

    with app.app_context():
        db.session.execute(
            sa.update(File)
            .where(File.logical_path == "a.txt")
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
    version_id = committed.get_json()["data"]["version_id"]
    for verb in ("approve", "reject"):
        error(client.post(f"/versions/{version_id}/{verb}", json={}, headers=me), 404, "file_not_found")
