"""Request rules of this round: the seed's request forms, typed and bounded fields, storage errors as codes, and
no database transaction open while bytes move."""

from __future__ import annotations

import time
import uuid

import pytest
import requests
import sqlalchemy as sa

from app.storage.base import (
    IntegrityMismatch,
    InvalidKey,
    InvalidSignature,
    ObjectNotFound,
    ObjectTooLarge,
    StorageError,
    StorageUnavailable,
)
from tests.integration.test_uploads import address, file_part, form, served
from tests.support.files_api import error, remove_object, transfer_body, upload
from tests.support.tokens import bearer

A = {"bucket": "users", "id": "u1", "path": "docs/a.txt"}


# --- the seed's request forms -------------------------------------------------------------------------------------


def test_post_download_presign_answers_like_the_get(client, auth):
    upload(client, auth("u1"), content=b"presign me")
    got = client.get("/download/presign", query_string={**A, "expires_in": 120}, headers=auth("u1"))
    posted = client.post("/download/presign", json={**A, "expires_in": 120}, headers=auth("u1"))
    assert got.status_code == posted.status_code == 200, posted.get_json()
    same = ("object_key", "expires_in", "version_number", "filename", "size", "content_type")
    assert {k: posted.get_json()[k] for k in same} == {k: got.get_json()[k] for k in same}
    assert requests.get(posted.get_json()["url"], timeout=10).content == b"presign me"
    error(
        client.post("/download/presign", json={"bucket": "users", "id": "u1"}, headers=auth("u1")),
        400,
        "missing_fields",
    )
    error(client.post("/download/presign", json={**A, "expires_in": 1}, headers=auth("u1")), 400, "invalid_expiry")
    error(client.post("/download/presign", json={**A, "version": "2"}, headers=auth("u1")), 400, "validation_error")


def test_delete_reads_the_address_from_the_query(client, auth):
    data = upload(client, auth("u1"))
    response = client.delete("/delete", query_string=A, headers=auth("u1"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"] == {"file_id": data["file_id"], "logical_delete": True, "physical_delete": False}
    error(client.get("/metadata", query_string=A, headers=auth("u1")), 404, "file_not_found")


def test_delete_reads_file_id_and_physical_from_the_query(app, client, auth):
    data = upload(client, auth("u1"))
    query = {"file_id": data["file_id"], "physical": "true"}
    response = client.delete("/delete", query_string=query, headers=auth("u1"))
    assert response.get_json()["data"]["physical_delete"] is True
    error(client.delete("/delete", headers=auth("u1")), 400, "missing_fields")


def test_list_accepts_offset_as_well_as_page(client, auth):
    for name in "abcde":
        upload(client, auth("u1"), path=f"docs/{name}.txt")
    query = {"bucket": "users", "id": "u1", "path": "docs", "limit": 2}
    by_offset = client.get("/list", query_string={**query, "offset": 3}, headers=auth("u1")).get_json()
    assert [f["filename"] for f in by_offset["files"]] == ["d.txt", "e.txt"]
    by_page = client.get("/list", query_string={**query, "page": 2}, headers=auth("u1")).get_json()
    assert [f["filename"] for f in by_page["files"]] == ["c.txt", "d.txt"]
    assert by_offset["pagination"]["page"] == 2 and by_offset["pagination"]["total_items"] == 5


def test_patch_metadata_refuses_fields_it_does_not_change(client, auth):
    upload(client, auth("u1"))
    response = client.patch("/metadata", query_string=A, json={"filename": "b.txt"}, headers=auth("u1"))
    body = error(response, 400, "validation_error")
    assert "filename" in body["errors"]
    body = error(
        client.patch("/metadata", query_string=A, json={"description": "x", "status": "validated"}, headers=auth("u1")),
        400,
        "validation_error",
    )
    assert "status" in body["errors"]
    assert client.get("/metadata", query_string=A, headers=auth("u1")).get_json()["file"]["description"] is None


# --- bounded and typed fields -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/list", {"page": 10**19}),
        ("/list", {"offset": 10**19}),
        ("/list", {"limit": 10**19}),
        ("/list", {"page": "1.5"}),
        ("/versions", {"offset": 10**19}),
        ("/download/proxy", {"version": 10**19}),
        ("/download/presign", {"expires_in": 10**19}),
    ],
)
def test_integers_beyond_their_bounds_are_400(client, auth, url, query):
    upload(client, auth("u1"))
    error(client.get(url, query_string={**A, **query}, headers=auth("u1")), 400, "validation_error")


@pytest.mark.parametrize(
    ("url", "body"),
    [
        ("/lock", {**A, "reason": "r" * 4097}),
        ("/lock", {**A, "expires_in": 2**63}),
        ("/lock", {**A, "expires_in": 60.5}),
        ("/unlock", {**A, "reason": "r" * 4097}),
        ("/versions/commit", {**transfer_body(A, A), "message": "m" * 4097}),
        ("/upload/presign", {**A, "size": 2**64}),
        ("/upload/presign", {**A, "method": "put"}),
        ("/copy", {**transfer_body(A, A), "source_file_id": "not-a-uuid"}),
    ],
)
def test_json_fields_beyond_their_bounds_are_400(client, auth, url, body):
    upload(client, auth("u1"))
    error(client.post(url, json=body, headers=auth("u1")), 400, "validation_error")


def test_metadata_text_and_tags_are_bounded(client, auth):
    upload(client, auth("u1"))

    def patch(body):
        return client.patch("/metadata", query_string=A, json=body, headers=auth("u1"))

    assert patch({"description": "d" * 16384}).status_code == 200
    error(patch({"description": "d" * 16385}), 400, "validation_error")
    error(patch({"tags": {"k" * 257: 1}}), 400, "validation_error")
    error(patch({"tags": {"k": "v" * (64 * 1024)}}), 400, "validation_error")
    assert patch({"tags": {"k" * 256: {"nested": [1, True, None, "x"]}}}).status_code == 200


def test_a_decision_comment_is_bounded(client, auth):
    error(
        client.post(f"/versions/{uuid.uuid4()}/approve", json={"comment": "c" * 4097}, headers=auth("u1")),
        400,
        "validation_error",
    )


def test_the_bucket_id_pattern_and_bucket_enum_are_checked_before_anything(client, auth, fake_projects):
    calls = len(fake_projects.calls)
    error(
        client.get("/list", query_string={"bucket": "projects", "id": "p 1"}, headers=auth("u1")),
        400,
        "validation_error",
    )
    error(
        client.get("/list", query_string={"bucket": "project", "id": "p1"}, headers=auth("u1")), 400, "bucket_not_found"
    )
    assert len(fake_projects.calls) == calls


# --- storage errors and missing objects ---------------------------------------------------------------------------


def test_copy_of_a_version_whose_object_is_gone_is_404_object_missing(app, client, auth):
    data = upload(client, auth("u1"))
    remove_object(app, data["object_key"])
    target = {"bucket": "users", "id": "u1", "path": "copies/a.txt"}
    body = {**transfer_body(A, target), "lock_source": False}
    error(client.post("/copy", json=body, headers=auth("u1")), 404, "object_missing")
    versions = client.get("/versions", query_string=A, headers=auth("u1")).get_json()["versions"]
    assert [v["status"] for v in versions] == ["corrupted"]
    error(client.get("/metadata", query_string=target, headers=auth("u1")), 404, "file_not_found")


def test_commit_of_a_working_copy_whose_object_is_gone_is_404_object_missing(app, client, auth):
    upload(client, auth("u1"))
    work = {"bucket": "users", "id": "u1", "path": "work/a.txt"}
    assert client.post("/copy", json=transfer_body(A, work), headers=auth("u1")).status_code == 201
    working = client.get("/metadata", query_string=work, headers=auth("u1")).get_json()["current_version"]
    remove_object(app, working["object_key"])
    error(client.post("/versions/commit", json=transfer_body(work, A), headers=auth("u1")), 404, "object_missing")
    versions = client.get("/versions", query_string=A, headers=auth("u1")).get_json()
    assert versions["total_count"] == 1  # nothing was recorded on the target


# --- no transaction open while bytes move ------------------------------------------------------------------------

IDLE_TIMEOUT = {"connect_args": {"options": "-c idle_in_transaction_session_timeout=300"}, "pool_pre_ping": True}


def test_a_slow_proxy_upload_holds_no_transaction_open(make_app, database_url):
    """PostgreSQL ends a session idle in a transaction for 300 ms; an upload streaming for ~2 s must still land.

    The form is read a MiB at a time, so the body is several MiB: the checks run after the first MiB, the rest streams.
    """
    app = make_app("local", SQLALCHEMY_ENGINE_OPTIONS=IDLE_TIMEOUT)
    body = form(address("u1", "docs/slow.bin"), file_part(b"s" * (5 * 2**20), "slow.bin"))
    seen: list[int] = []

    def slowly():
        engine = sa.create_engine(database_url)
        for start in range(0, len(body), 2**18):
            yield body[start : start + 2**18]
            time.sleep(0.1)
            with engine.connect() as conn:  # our connection must never sit "idle in transaction" meanwhile
                seen.append(
                    conn.execute(
                        sa.text(
                            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND state = 'idle in transaction' AND pid <> pg_backend_pid()"
                        )
                    ).scalar()
                )
        engine.dispose()

    with served(app) as url:
        headers = {**bearer("u1"), "Content-Type": "multipart/form-data; boundary=----storage-upload-test-3f9a"}
        response = requests.post(f"{url}/upload/proxy", data=slowly(), headers=headers, timeout=30)
    assert response.status_code == 201, response.text
    assert seen and max(seen) == 0, seen


@pytest.mark.parametrize(
    ("raised", "status", "code"),
    [
        (ObjectNotFound, 404, "object_missing"),
        (ObjectTooLarge, 413, "payload_too_large"),
        (InvalidKey, 400, "validation_error"),
        (InvalidSignature, 403, "access_denied"),
        (IntegrityMismatch, 503, "minio_unreachable"),
        (StorageUnavailable, 503, "minio_unreachable"),
        (StorageError, 503, "minio_unreachable"),
    ],
)
def test_every_storage_error_that_escapes_a_service_has_a_documented_code(make_app, raised, status, code):
    app = make_app("local")

    def fails():
        raise raised("SignatureDoesNotMatch at http://10.0.0.5:9000/bucket?X-Amz-Signature=abc")

    app.add_url_rule("/storage-fails", view_func=fails)
    response = app.test_client().get("/storage-fails")
    error(response, status, code)
    assert "X-Amz" not in response.get_data(as_text=True) and "10.0.0.5" not in response.get_data(as_text=True)


def test_the_body_names_the_file_even_when_the_query_is_incomplete(client, auth):
    data = upload(client, auth("u1"))
    partial = {"bucket": "users", "bucket_id": "0"}
    response = client.patch(
        "/metadata", query_string=partial, json={"file_id": data["file_id"], "description": "d"}, headers=auth("u1")
    )
    assert response.status_code == 200, response.get_json()
    response = client.delete("/delete", query_string=partial, json={"file_id": data["file_id"]}, headers=auth("u1"))
    assert response.status_code == 200, response.get_json()


def test_a_path_field_over_its_length_is_refused_even_beside_a_file_id(client, auth):
    data = upload(client, auth("u1"))
    query = {"file_id": data["file_id"], "logical_path": "p" * 1361}
    error(client.get("/metadata", query_string=query, headers=auth("u1")), 400, "invalid_path")


def test_a_bad_type_stored_before_the_rules_never_breaks_a_download(app, client, auth):
    data = upload(client, auth("u1"), content=b"typed")
    with app.app_context():
        from app.extensions import db
        from app.models import FileVersion

        db.session.execute(
            sa.update(FileVersion)
            .where(FileVersion.id == uuid.UUID(data["version_id"]))
            .values(mime_type="text/plain\r\nX: y")
        )
        db.session.commit()
    response = client.get("/download/proxy", query_string=A, headers=auth("u1"))
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/octet-stream"
    assert response.data == b"typed"
    presigned = client.get("/download/presign", query_string=A, headers=auth("u1")).get_json()
    assert presigned["content_type"] == "application/octet-stream"


def test_presign_records_the_bare_media_type(app, client, auth):
    response = client.post(
        "/upload/presign", json={**A, "content_type": "Text/Plain; charset=utf-8"}, headers=auth("u1")
    )
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        from app.extensions import db
        from app.models import UploadIntent

        stored = db.session.get(UploadIntent, uuid.UUID(response.get_json()["upload_id"])).content_type
    assert stored == "text/plain"
    bad = client.post("/upload/presign", json={**A, "content_type": "text/plain\r\nX: y"}, headers=auth("u1"))
    error(bad, 400, "validation_error")
