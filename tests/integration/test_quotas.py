"""Quotas per bucket address: usage kept with every version written or file purged, limits enforced in the
transaction that records the version (proxy upload, presigned confirm, commit, copy), GET/PUT /usage."""

from __future__ import annotations

import io
import uuid

import requests
import sqlalchemy as sa

from tests.support.files_api import audit_rows, error, metadata, object_exists, transfer_body, upload
from tests.support.races import ENGINE_OPTIONS, ServedApp, fire_together
from tests.support.tokens import bearer


def usage(client, headers, bucket="users", bucket_id="u1", expect=200):
    response = client.get("/usage", query_string={"bucket": bucket, "id": bucket_id}, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def objects_in(app, bucket_type="users") -> set[str]:
    from app.services.common import physical_bucket, store

    with app.app_context():
        return {info.key for info in store().list(physical_bucket(bucket_type))}


def counted(app, bucket="users", bucket_id="u1") -> tuple[int, int]:
    """(bytes, files) the database really holds for the bucket address, recounted from files and versions."""
    from app.extensions import db
    from app.models import File, FileVersion

    with app.app_context():
        files = db.session.scalar(
            sa.select(sa.func.count()).select_from(File).where(File.bucket_type == bucket, File.bucket_id == bucket_id)
        )
        size = db.session.scalar(
            sa.select(sa.func.coalesce(sa.func.sum(FileVersion.size), 0))
            .join(File, File.id == FileVersion.file_id)
            .where(File.bucket_type == bucket, File.bucket_id == bucket_id)
        )
        return int(size), files


def test_usage_counts_versions_bytes_and_files_trash_included_until_purged(make_app):
    app = make_app("minio")
    client, me = app.test_client(), bearer("u1")
    assert usage(client, me) == {
        "bucket_type": "users",
        "bucket_id": "u1",
        "bytes_used": 0,
        "files_used": 0,
        "max_bytes": None,
        "max_files": None,
        "limits": "default",
    }
    first = upload(client, me, path="a.txt", content=b"x" * 10)
    upload(client, me, path="a.txt", content=b"y" * 7)  # a new version: bytes, not a file
    upload(client, me, path="b.txt", content=b"z" * 5)
    shown = usage(client, me)
    assert (shown["bytes_used"], shown["files_used"]) == (22, 2) == counted(app)
    response = client.delete("/delete", json={"file_id": first["file_id"]}, headers=me)
    assert response.status_code == 200
    assert (usage(client, me)["bytes_used"], usage(client, me)["files_used"]) == (22, 2)  # trash still counts
    response = client.delete("/delete", json={"file_id": first["file_id"], "physical": True}, headers=me)
    assert response.status_code == 200
    shown = usage(client, me)
    assert (shown["bytes_used"], shown["files_used"]) == (5, 1) == counted(app)


def test_proxy_upload_over_the_byte_quota_is_507_and_leaves_nothing(make_app):
    app = make_app("minio", QUOTA_DEFAULT_BYTES=100)
    client, me = app.test_client(), bearer("u1")
    upload(client, me, path="a.txt", content=b"a" * 60)
    before = objects_in(app)
    response = client.post(
        "/upload/proxy",
        data={"bucket": "users", "id": "u1", "path": "b.txt", "file": (io.BytesIO(b"b" * 41), "b.txt")},
        content_type="multipart/form-data",
        headers=me,
    )
    body = error(response, 507, "quota_exceeded")
    assert body["bytes_used"] == 60 and body["max_bytes"] == 100
    metadata(client, me, expect=404, bucket="users", id="u1", path="b.txt")
    assert objects_in(app) == before  # the streamed object was removed
    assert usage(client, me)["bytes_used"] == 60
    upload(client, me, path="b.txt", content=b"b" * 40)  # exactly at the limit: inclusive
    assert usage(client, me)["bytes_used"] == 100 == counted(app)[0]


def test_file_count_quota_refuses_a_new_file_but_not_a_new_version(make_app):
    app = make_app("local", QUOTA_DEFAULT_FILES=1)
    client, me = app.test_client(), bearer("u1")
    upload(client, me, path="a.txt")
    upload(client, me, path="a.txt", content=b"second version")
    response = client.post(
        "/upload/proxy",
        data={"bucket": "users", "id": "u1", "path": "b.txt", "file": (io.BytesIO(b"b"), "b.txt")},
        content_type="multipart/form-data",
        headers=me,
    )
    body = error(response, 507, "quota_exceeded")
    assert body["files_used"] == 1 and body["max_files"] == 1
    assert usage(client, me)["files_used"] == 1


def test_quotas_are_per_bucket_address(make_app):
    app = make_app("local", QUOTA_DEFAULT_BYTES=10)
    client = app.test_client()
    upload(client, bearer("u1"), path="a.txt", content=b"1234567890")
    upload(client, bearer("u2"), bucket_id="u2", path="a.txt", content=b"1234567890")  # another bucket: its own room
    assert usage(client, bearer("u2"), bucket_id="u2")["bytes_used"] == 10


def test_presigned_upload_over_quota_fails_at_confirm_and_its_object_is_removed(make_app):
    app = make_app("minio", QUOTA_DEFAULT_BYTES=10)
    client, me = app.test_client(), bearer("u1")
    before = objects_in(app)
    presigned = client.post(
        "/upload/presign", json={"bucket": "users", "id": "u1", "path": "big.bin"}, headers=me
    ).get_json()
    put = requests.put(presigned["url"], data=b"q" * 11, headers=presigned["headers"], timeout=30)
    assert put.status_code == 200
    response = client.post("/upload/confirm", json={"upload_id": presigned["upload_id"]}, headers=me)
    error(response, 507, "quota_exceeded")
    assert not object_exists(app, presigned["object_key"])
    from app.extensions import db
    from app.models import UploadIntent

    with app.app_context():
        assert db.session.get(UploadIntent, uuid.UUID(presigned["upload_id"])).status == "failed"
    assert objects_in(app) == before  # the upload's object and the copy made for checking are both gone
    assert usage(client, me)["bytes_used"] == 0


def test_commit_and_copy_are_charged_to_the_target_bucket(make_app, fake_projects):
    app = make_app("minio", QUOTA_DEFAULT_BYTES=15)
    fake_projects.mode = "allow"
    client, me = app.test_client(), bearer("u1")
    upload(client, me, bucket="projects", bucket_id="p1", path="doc.txt", content=b"p" * 10)
    upload(client, me, path="work.txt", content=b"w" * 10)
    before = objects_in(app, "projects")
    source = {"bucket": "users", "id": "u1", "path": "work.txt"}
    target = {"bucket": "projects", "id": "p1", "path": "doc.txt"}
    response = client.post("/versions/commit", json={**transfer_body(source, target), "base_version": 1}, headers=me)
    error(response, 507, "quota_exceeded")
    copy_target = {"bucket": "projects", "id": "p1", "path": "copy.txt"}
    response = client.post("/copy", json={**transfer_body(source, copy_target), "lock_source": False}, headers=me)
    error(response, 507, "quota_exceeded")
    assert usage(client, me, bucket="projects", bucket_id="p1")["bytes_used"] == 10 == counted(app, "projects", "p1")[0]
    assert objects_in(app, "projects") == before


def test_only_an_administrator_sets_a_buckets_limits_and_null_returns_to_the_default(make_app):
    app = make_app("local", QUOTA_DEFAULT_BYTES=1000)
    client = app.test_client()
    query = {"bucket": "users", "id": "u1"}
    response = client.put("/usage", query_string=query, json={"max_bytes": 5}, headers=bearer("u1"))
    error(response, 403, "access_denied")
    admin = bearer("root", roles=["admin"])
    response = client.put("/usage", query_string=query, json={"max_bytes": 5, "max_files": 3}, headers=admin)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["max_bytes"] == 5 and response.get_json()["limits"] == "bucket"
    response = client.post(
        "/upload/proxy",
        data={**query, "path": "a.txt", "file": (io.BytesIO(b"123456"), "a.txt")},
        content_type="multipart/form-data",
        headers=bearer("u1"),
    )
    error(response, 507, "quota_exceeded")
    response = client.put("/usage", query_string=query, json={"max_bytes": None}, headers=admin)
    assert response.get_json()["max_bytes"] == 1000 and response.get_json()["max_files"] is None
    upload(client, bearer("u1"), path="a.txt", content=b"123456")
    response = client.put("/usage", query_string=query, json={"max_bytes": -1}, headers=admin)
    error(response, 400, "validation_error")
    response = client.put("/usage", query_string=query, json={"max_bytez": 1}, headers=admin)
    error(response, 400, "validation_error")


def test_usage_needs_read_access_and_a_bare_bucket_address(make_app):
    app = make_app("local")
    client = app.test_client()
    error(
        client.get("/usage", query_string={"bucket": "users", "id": "u1"}, headers=bearer("u2")), 403, "access_denied"
    )
    response = client.get("/usage", query_string={"bucket": "users", "id": "u1", "path": "docs"}, headers=bearer("u1"))
    error(response, 400, "validation_error")
    assert usage(client, bearer("u1"), bucket="users", bucket_id="u1")["bytes_used"] == 0
    response = client.get("/usage", query_string={"bucket": "users", "path": "/users/u1"}, headers=bearer("u1"))
    assert response.status_code == 200 and response.get_json()["bucket_id"] == "u1"


def test_concurrent_uploads_cannot_both_squeeze_under_the_limit(make_app):
    """12 uploads of 100 bytes released together against a 350-byte quota: exactly 3 fit, on PostgreSQL."""
    app = make_app(
        "minio", QUOTA_DEFAULT_BYTES=350, SQLALCHEMY_ENGINE_OPTIONS=ENGINE_OPTIONS, MAX_CONCURRENT_TRANSFERS_PER_USER=32
    )
    before = objects_in(app)
    with ServedApp(app) as served:

        def send(k):
            return requests.post(
                f"{served.url}/upload/proxy",
                data={"bucket": "users", "id": "u1", "path": f"race/{k}.txt"},
                files={"file": (f"{k}.txt", b"r" * 100, "text/plain")},
                headers=bearer("u1"),
                timeout=60,
            )

        for round_number in range(2):  # the second round: the bucket is full, every upload is refused
            outcomes = fire_together([lambda k=k: send(f"{round_number}-{k}") for k in range(12)])
            statuses = sorted((o.status, o.code) for o in outcomes)
            expected = 3 if round_number == 0 else 0
            assert statuses == [(201, None)] * expected + [(507, "quota_exceeded")] * (12 - expected), statuses
    assert counted(app) == (300, 3)
    shown = usage(app.test_client(), bearer("u1"))
    assert (shown["bytes_used"], shown["files_used"]) == (300, 3)
    assert len(objects_in(app) - before) == 3  # the refused uploads' objects are gone


def test_a_move_to_another_bucket_moves_its_usage_and_needs_room_there(make_app):
    app = make_app("minio")
    client, me = app.test_client(), bearer("u1", company_id="c1")
    upload(client, me, path="docs/a.txt", content=b"a" * 10)
    upload(client, me, path="docs/a.txt", content=b"b" * 5)  # two versions: 15 bytes move
    admin = bearer("root", roles=["admin"])
    company = {"bucket": "companies", "id": "c1"}
    assert client.put("/usage", query_string=company, json={"max_bytes": 14}, headers=admin).status_code == 200
    body = {
        "source_bucket": "users",
        "source_id": "u1",
        "source_path": "docs/a.txt",
        "target_bucket": "companies",
        "target_id": "c1",
        "target_path": "a.txt",
    }
    error(client.post("/move", json=body, headers=me), 507, "quota_exceeded")
    assert (usage(client, me)["bytes_used"], usage(client, me, "companies", "c1")["bytes_used"]) == (15, 0)
    assert client.put("/usage", query_string=company, json={"max_bytes": 15}, headers=admin).status_code == 200
    response = client.post("/move", json=body, headers=me)
    assert response.status_code == 200, response.get_json()
    mine, theirs = usage(client, me), usage(client, me, "companies", "c1")
    assert (mine["bytes_used"], mine["files_used"]) == (0, 0) == counted(app)
    assert (theirs["bytes_used"], theirs["files_used"]) == (15, 1) == counted(app, "companies", "c1")


def test_the_migration_counts_what_is_already_stored(tmp_path):
    """0008_quotas_trash on a database that already holds files (trash included) and versions fills bucket_usage."""
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from tests.support import postgres

    url, drop = postgres.create_database(postgres.server_url())
    try:
        app = create_app(
            "testing", SQLALCHEMY_DATABASE_URI=url, STORAGE_BACKEND="local", LOCAL_STORAGE_PATH=str(tmp_path)
        )
        with app.app_context():
            from app.extensions import db

            upgrade(revision="0005_file_expiry")
            rows = [
                ("users", "u1", "a.txt", False, [10, 5]),
                ("users", "u1", "b.txt", True, [7]),  # in the trash: still counted
                ("projects", "p1", "c.txt", False, [3]),
            ]
            for number, (bucket, bucket_id, path, deleted, sizes) in enumerate(rows):
                file_id = uuid.uuid4()
                db.session.execute(
                    sa.text(
                        "INSERT INTO files (id, bucket_type, bucket_id, logical_path, filename, owner_id, status, tags,"
                        " latest_version_number, is_deleted, created_at, updated_at) VALUES (:id, :b, :bid, :p, :p,"
                        " 'u1', 'draft', '{}', :n, :d, now(), now())"
                    ),
                    {"id": file_id, "b": bucket, "bid": bucket_id, "p": path, "n": len(sizes), "d": deleted},
                )
                for version, size in enumerate(sizes, 1):
                    db.session.execute(
                        sa.text(
                            "INSERT INTO file_versions (id, file_id, version_number, object_key, size, mime_type,"
                            " category, checksum_sha256, status, created_by, created_at) VALUES (:id, :f, :v, :k, :s,"
                            " 'text/plain', 'document', :c, 'draft', 'u1', now())"
                        ),
                        {
                            "id": uuid.uuid4(),
                            "f": file_id,
                            "v": version,
                            "k": f"k{number}-{version}",
                            "s": size,
                            "c": "0" * 64,
                        },
                    )
            db.session.commit()
            upgrade(revision="0008_quotas_trash")
            usage_rows = db.session.execute(
                sa.text("SELECT bucket_type, bucket_id, bytes_used, files_used FROM bucket_usage ORDER BY 1, 2")
            ).all()
            assert [tuple(row) for row in usage_rows] == [("projects", "p1", 3, 1), ("users", "u1", 22, 2)]
            db.session.commit()  # the read ends before the downgrade drops the table
            downgrade(revision="0005_file_expiry")  # and back
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()


def test_a_declared_size_that_cannot_fit_is_refused_before_any_byte_is_sent(make_app):
    app = make_app("minio", QUOTA_DEFAULT_BYTES=100)
    client, me = app.test_client(), bearer("u1")
    upload(client, me, path="a.txt", content=b"a" * 60)
    address = {"bucket": "users", "id": "u1", "path": "b.bin"}
    error(client.post("/upload/presign", json={**address, "size": 41}, headers=me), 507, "quota_exceeded")
    error(client.post("/upload/multipart", json={**address, "size": 41}, headers=me), 507, "quota_exceeded")
    assert client.post("/upload/presign", json={**address, "size": 40}, headers=me).status_code == 200
    from app.extensions import db
    from app.models import UploadIntent

    with app.app_context():  # only the upload that fits was started
        assert db.session.scalar(sa.select(sa.func.count()).select_from(UploadIntent)) == 1


def test_a_new_file_in_a_bucket_at_its_file_limit_is_refused_before_its_body_is_stored(make_app):
    app = make_app("minio", QUOTA_DEFAULT_FILES=1)
    client, me = app.test_client(), bearer("u1")
    upload(client, me, path="a.txt")
    from tests.support.recording_proxy import RecordingProxy

    seaweed_endpoint = app.config["MINIO_ENDPOINT"]
    proxy = RecordingProxy(seaweed_endpoint).start()
    try:
        watched = make_app("minio", QUOTA_DEFAULT_FILES=1, MINIO_ENDPOINT=proxy.endpoint)
        proxy.clear()
        response = watched.test_client().post(
            "/upload/proxy",
            data={"bucket": "users", "id": "u1", "path": "b.txt", "file": (io.BytesIO(b"b" * 1000), "b.txt")},
            content_type="multipart/form-data",
            headers=me,
        )
        error(response, 507, "quota_exceeded")
        assert [method for method, *_ in proxy.requests if method in ("PUT", "POST")] == []  # nothing was stored
    finally:
        proxy.stop()


def test_restoring_a_version_needs_room_for_its_copy(make_app):
    app = make_app("minio", QUOTA_DEFAULT_BYTES=20)
    client, me = app.test_client(), bearer("u1")
    first = upload(client, me, path="a.txt", content=b"a" * 10)
    upload(client, me, path="a.txt", content=b"b" * 5)
    before = objects_in(app)
    error(client.post(f"/versions/{first['version_id']}/restore", headers=me), 507, "quota_exceeded")
    assert objects_in(app) == before  # the copy was removed
    response = client.get("/versions", query_string={"file_id": first["file_id"]}, headers=me)
    assert response.get_json()["total_count"] == 2
    assert usage(client, me)["bytes_used"] == 15 == counted(app)[0]


def test_a_presigned_upload_the_worker_completes_over_quota_fails_and_its_object_is_removed(make_app):
    app = make_app("minio", QUOTA_DEFAULT_BYTES=10)
    client, me = app.test_client(), bearer("u1")
    before = objects_in(app)
    presigned = client.post("/upload/presign", json={"bucket": "users", "id": "u1", "path": "w.bin"}, headers=me)
    presigned = presigned.get_json()
    assert requests.put(presigned["url"], data=b"w" * 11, headers=presigned["headers"], timeout=30).status_code == 200
    from app.services.maintenance import run_worker

    with app.app_context():
        run_worker(max_iterations=1)
    [row] = [r for r in audit_rows(app, "upload_confirm") if r["outcome"] == "rejected"]
    assert row["details"]["reason"] == "quota_exceeded" and row["details"]["via"] == "worker"
    assert objects_in(app) == before
    assert usage(client, me)["bytes_used"] == 0
