"""Uploads over HTTP (contract §5 Upload): proxy, presign (PUT and POST form) and confirm.

Real PostgreSQL, SeaweedFS (minio backend) or the local disk store, and the fake project service; no mocks.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import uuid
from collections.abc import Iterator

import pytest
import requests
import sqlalchemy as sa
from werkzeug.serving import make_server

from app.clock import ManualClock
from app.models import AuditLog, File, FileLock, FileVersion, IntentStatus, ObjectDeletion, UploadIntent
from tests.support.files_api import error, object_exists
from tests.support.presigned import confirm, presign, send_post, send_put
from tests.support.tokens import bearer, make_token

BOUNDARY = "----storage-upload-test-3f9a"
CONTENT_TYPE = f"multipart/form-data; boundary={BOUNDARY}"
UPLOAD_KEYS = {
    "file_id",
    "version_id",
    "version_number",
    "object_key",
    "size",
    "filename",
    "mime_type",
    "category",
    "checksum_sha256",
}
PRESIGN_KEYS = {"url", "method", "object_key", "upload_id", "expires_in", "expires_at"}
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
MiB = 1024 * 1024


# --- multipart bodies built by hand, so the order of the parts is the test's to choose ---------------------------


def field(name: str, value: str) -> bytes:
    return f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()


def file_head(filename: str = "a.txt", content_type: str | None = "text/plain", name: str = "file") -> bytes:
    head = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
    if content_type:
        head += f"Content-Type: {content_type}\r\n"
    return (head + "\r\n").encode()


def file_part(data: bytes, filename: str = "a.txt", content_type: str | None = "text/plain") -> bytes:
    return file_head(filename, content_type) + data + b"\r\n"


def address(bucket_id: str, path: str = "docs/a.txt", bucket: str = "users") -> bytes:
    return field("bucket", bucket) + field("id", bucket_id) + field("path", path)


def closing() -> bytes:
    return f"--{BOUNDARY}--\r\n".encode()


def form(*parts: bytes) -> bytes:
    return b"".join(parts) + closing()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- fixtures and helpers ---------------------------------------------------------------------------------------


@pytest.fixture
def uid() -> str:
    """A user id of this test only: its objects are the ones under `<uid>/` in the shared buckets."""
    return "u" + uuid.uuid4().hex[:12]


@pytest.fixture
def pid() -> str:
    return "p" + uuid.uuid4().hex[:12]


def post_form(client, user: str | None, body: bytes, *, query: dict | None = None, content_type: str = CONTENT_TYPE):
    headers = bearer(user) if user else {}
    return client.post("/upload/proxy", data=body, content_type=content_type, headers=headers, query_string=query)


def query_rows(app, model, *criteria) -> list:
    from app.extensions import db

    with app.app_context():
        rows = db.session.scalars(sa.select(model).where(*criteria)).all()
        db.session.expunge_all()
        return rows


def files_of(app, bucket_id: str) -> list[File]:
    return query_rows(app, File, File.bucket_id == bucket_id)


def versions_of(app, bucket_id: str) -> list[FileVersion]:
    from app.extensions import db

    with app.app_context():
        query = sa.select(FileVersion).join(File, FileVersion.file_id == File.id).where(File.bucket_id == bucket_id)
        rows = db.session.scalars(query.order_by(FileVersion.version_number)).all()
        db.session.expunge_all()
        return rows


def objects(app, bucket_id: str, bucket: str = "users") -> list:
    """What the app's object store holds under the bucket id's key prefix."""
    return list(app.extensions["object_store"].list(bucket, f"{bucket_id}/"))


def object_bytes(app, key: str, bucket: str = "users") -> bytes:
    stream = app.extensions["object_store"].open(bucket, key)
    try:
        return b"".join(stream)
    finally:
        stream.close()


def assert_nothing_stored(app, bucket_id: str, bucket: str = "users") -> None:
    assert files_of(app, bucket_id) == []
    assert objects(app, bucket_id, bucket) == []
    store = app.extensions["object_store"]
    if hasattr(store, "incomplete_uploads"):
        assert store.incomplete_uploads(bucket, f"{bucket_id}/") == []


def audit(app, action: str, *criteria) -> list[AuditLog]:
    return query_rows(app, AuditLog, AuditLog.action == action, *criteria)


@contextlib.contextmanager
def served(app) -> Iterator[str]:
    """The app behind a real threaded HTTP server on 127.0.0.1 (for chunked request bodies)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(10)


def chunked(body: bytes, size: int = 7000) -> Iterator[bytes]:
    """A generator body: `requests` sends it with Transfer-Encoding: chunked and no Content-Length."""
    for start in range(0, len(body), size):
        yield body[start : start + size]


# === POST /upload/proxy ==========================================================================================


def test_proxy_upload_returns_the_contract_data(make_app, backend, uid):
    app = make_app(backend)
    content = b"hello, storage\n" * 100
    response = post_form(app.test_client(), uid, form(address(uid, "docs/notes.txt"), file_part(content, "n.txt")))
    body = response.get_json()
    assert response.status_code == 201, body
    assert body["status"] == "success" and body["success"] is True and body["message"]
    data = body["data"]
    assert set(data) == UPLOAD_KEYS
    assert data["checksum_sha256"] == sha256(content)
    assert data["size"] == len(content)
    assert data["version_number"] == 1
    assert data["filename"] == "notes.txt"  # the name at the address, not the part's filename
    assert (data["mime_type"], data["category"]) == ("text/plain", "document")
    assert data["object_key"].startswith(f"{uid}/") and "notes" not in data["object_key"]
    uuid.UUID(data["file_id"]), uuid.UUID(data["version_id"])
    assert object_bytes(app, data["object_key"]) == content
    [file] = files_of(app, uid)
    assert (str(file.id), file.logical_path, file.owner_id, str(file.current_version_id)) == (
        data["file_id"],
        "docs/notes.txt",
        uid,
        data["version_id"],
    )
    [version] = versions_of(app, uid)
    assert (version.size, version.checksum_sha256, version.object_key) == (
        len(content),
        sha256(content),
        data["object_key"],
    )


@pytest.mark.parametrize(
    "names",
    [("bucket_type", "bucket_id", "logical_path"), ("bucket", "id", "path"), ("bucket_type", "id", "path")],
)
def test_both_field_name_forms(client, uid, names):
    bucket, bucket_id, path = names
    body = form(field(bucket, "users"), field(bucket_id, uid), field(path, "x/y.txt"), file_part(b"abc"))
    response = post_form(client, uid, body)
    assert response.status_code == 201, response.get_json()
    assert [(f.bucket_id, f.logical_path) for f in files_of(client.application, uid)] == [(uid, "x/y.txt")]


def test_readme_absolute_path_form(client, uid):
    body = form(field("bucket", "users"), field("path", f"/users/{uid}/docs/spec_v1.txt"), file_part(b"spec"))
    response = post_form(client, uid, body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["filename"] == "spec_v1.txt"
    [file] = files_of(client.application, uid)
    assert (file.bucket_id, file.logical_path) == (uid, "docs/spec_v1.txt")


def test_readme_absolute_path_in_the_projects_bucket(client, pid, fake_projects):
    body = form(
        field("bucket", "projects"),
        field("path", f"/projects/{pid}/docs/specifications_v1.pdf"),
        file_part(b"%PDF-1.4\n", "specifications_v1.pdf", "application/pdf"),
    )
    response = post_form(client, "u1", body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["mime_type"] == "application/pdf"
    [file] = files_of(client.application, pid)
    assert (file.bucket_type, file.logical_path) == ("projects", "docs/specifications_v1.pdf")
    assert [call.json.get("project_id") for call in fake_projects.calls] == [pid]


def test_readme_absolute_path_of_another_bucket_is_invalid(client, uid):
    body = form(field("bucket", "users"), field("path", f"/companies/{uid}/a.txt"), file_part(b"x"))
    error(post_form(client, uid, body), 400, "invalid_path")
    assert_nothing_stored(client.application, uid)


def test_a_leading_slash_is_ignored_when_the_id_is_given(client, uid):
    response = post_form(client, uid, form(address(uid, "/docs/a.txt"), file_part(b"x")))
    assert response.status_code == 201, response.get_json()
    assert files_of(client.application, uid)[0].logical_path == "docs/a.txt"


def test_address_in_the_query_string(client, uid):
    response = post_form(client, uid, form(file_part(b"q")), query={"bucket": "users", "id": uid, "path": "q.txt"})
    assert response.status_code == 201, response.get_json()
    assert files_of(client.application, uid)[0].logical_path == "q.txt"


# --- 400s, before authorization ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "parts",
    [
        pytest.param(lambda uid: field("bucket", "users") + field("id", uid), id="no path"),
        pytest.param(lambda uid: field("id", uid) + field("path", "a.txt"), id="no bucket"),
        pytest.param(lambda uid: field("bucket", "users") + field("path", "a.txt"), id="relative path and no id"),
        pytest.param(lambda uid: b"", id="nothing"),
    ],
)
def test_missing_fields(client, uid, parts):
    body = error(post_form(client, uid, form(parts(uid), file_part(b"x"))), 400, "missing_fields")
    assert body["detail"]
    assert_nothing_stored(client.application, uid)


def test_multipart_without_a_file_is_no_file(client, uid):
    error(post_form(client, uid, form(address(uid))), 400, "no_file")


def test_a_file_part_under_another_name_is_no_file(client, uid):
    body = form(address(uid), f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="note"\r\n\r\nx\r\n'.encode())
    error(post_form(client, uid, body), 400, "no_file")


def test_urlencoded_body_is_no_file_not_415(client, uid):
    response = client.post("/upload/proxy", data={"bucket": "users", "id": uid, "path": "a.txt"}, headers=bearer(uid))
    assert response.request.content_type == "application/x-www-form-urlencoded"
    error(response, 400, "no_file")


@pytest.mark.parametrize("content_type", ["application/json", "text/plain", None, "multipart/form-data"])
def test_other_bodies_are_no_file(client, uid, content_type):
    headers = bearer(uid) | ({"Content-Type": content_type} if content_type else {})
    response = client.post("/upload/proxy", data=b'{"bucket": "users"}', headers=headers)
    error(response, 400, "no_file")


@pytest.mark.parametrize("path", ["a/../b.txt", "a//b.txt", "./a.txt", "a\\b.txt", "a\x01b.txt", "x" * 256])
def test_invalid_path(client, uid, path):
    error(post_form(client, uid, form(address(uid, path), file_part(b"x"))), 400, "invalid_path")
    assert_nothing_stored(client.application, uid)


def test_invalid_path_is_refused_before_asking_the_project_service(client, pid, fake_projects):
    fake_projects.mode = "deny"
    body = form(address(pid, "a/../b.txt", bucket="projects"), file_part(b"x"))
    error(post_form(client, "u1", body), 400, "invalid_path")
    assert fake_projects.calls == []


def test_validation_comes_before_authentication_of_the_bucket(client, uid):
    """Another user's bucket, but the form is incomplete: 400, not 403."""
    error(post_form(client, "someone-else", form(field("bucket", "users"), file_part(b"x"))), 400, "missing_fields")


def test_bucket_not_found(client, uid):
    error(post_form(client, uid, form(address(uid, bucket="photos"), file_part(b"x"))), 400, "bucket_not_found")


@pytest.mark.parametrize("bucket_id", ["has space", "a/b", "x" * 65, "é"])
def test_bad_bucket_id_is_validation_error(client, bucket_id):
    body = error(post_form(client, "u1", form(address(bucket_id), file_part(b"x"))), 400, "validation_error")
    assert body["errors"]


@pytest.mark.parametrize("tags", ["not json", "[1, 2]", '"text"', "42", "{broken"])
def test_tags_must_be_a_json_object(client, uid, tags):
    body = form(address(uid), field("tags", tags), file_part(b"x"))
    assert "tags" in error(post_form(client, uid, body), 400, "validation_error")["errors"]
    assert_nothing_stored(client.application, uid)


@pytest.mark.parametrize("checksum", ["xyz", "0" * 63, "g" * 64, "0" * 65])
def test_checksum_must_be_hex_sha256(client, uid, checksum):
    body = form(address(uid), field("checksum_sha256", checksum), file_part(b"x"))
    assert "checksum_sha256" in error(post_form(client, uid, body), 400, "validation_error")["errors"]
    assert_nothing_stored(client.application, uid)


def test_a_truncated_body_is_400_and_stores_nothing(make_app, backend, uid):
    app = make_app(backend)
    body = form(address(uid), file_part(b"0123456789" * 10_000))
    response = post_form(app.test_client(), uid, body[: len(body) // 2])
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["status"] == "error"
    assert_nothing_stored(app, uid)


# --- checksums --------------------------------------------------------------------------------------------------


def test_declared_checksum_matching_is_accepted_in_any_case(client, uid):
    content = b"checked content"
    body = form(address(uid), field("checksum_sha256", sha256(content).upper()), file_part(content))
    response = post_form(client, uid, body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["checksum_sha256"] == sha256(content)


def test_declared_checksum_mismatch_is_400_and_stores_nothing(make_app, backend, uid):
    app = make_app(backend)
    body = form(address(uid), field("checksum_sha256", sha256(b"other")), file_part(b"content"))
    response = post_form(app.test_client(), uid, body)
    assert "checksum_sha256" in error(response, 400, "validation_error")["errors"]
    assert_nothing_stored(app, uid)


def test_declared_checksum_after_the_file_part_is_checked(client, uid):
    """Fields may come after the file part; a checksum sent there must not be silently ignored."""
    body = form(address(uid), file_part(b"content"), field("checksum_sha256", sha256(b"other")))
    response = post_form(client, uid, body)
    error(response, 400, "validation_error")
    assert_nothing_stored(client.application, uid)


def test_the_stored_checksum_is_right_when_a_read_ends_inside_the_closing_boundary(make_app, backend, uid):
    """The service reads the body 1 MiB at a time: put the first read's end one byte after `\\r\\n--boundary`."""
    app = make_app(backend)
    prefix = address(uid, "edge.bin") + file_head("edge.bin", "application/octet-stream")
    tail = f"\r\n--{BOUNDARY}".encode()
    content = bytes(range(256)) * (MiB // 256)
    content = content[: MiB - len(prefix) - len(tail) - 1]
    body = prefix + content + tail + b"--\r\n"
    assert len(prefix + content + tail) + 1 == MiB
    response = post_form(app.test_client(), uid, body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    assert (data["size"], data["checksum_sha256"]) == (len(content), sha256(content))
    assert object_bytes(app, data["object_key"]) == content


# --- authentication and authorization ---------------------------------------------------------------------------


def test_no_token_is_401(client, uid):
    error(post_form(client, None, form(address(uid), file_part(b"x"))), 401, "missing_jwt_token")
    assert_nothing_stored(client.application, uid)


def test_bad_token_is_401(client, uid):
    response = client.post(
        "/upload/proxy",
        data=form(address(uid), file_part(b"x")),
        content_type=CONTENT_TYPE,
        headers={"Authorization": "Bearer " + make_token(uid, secret="another-secret-" * 3)},
    )
    error(response, 401, "unauthorized")
    assert_nothing_stored(client.application, uid)


def test_another_users_bucket_is_403(client, uid):
    error(post_form(client, "intruder", form(address(uid), file_part(b"x"))), 403, "access_denied")
    assert_nothing_stored(client.application, uid)


def test_a_project_the_service_denies_is_403(client, pid, fake_projects):
    fake_projects.mode = "deny"
    body = form(address(pid, bucket="projects"), file_part(b"x"))
    error(post_form(client, "u1", body), 403, "access_denied")
    assert_nothing_stored(client.application, pid, "projects")
    assert [(c.json["project_id"], c.json["action"]) for c in fake_projects.calls] == [(pid, "write")]


# --- size limit -------------------------------------------------------------------------------------------------

LIMIT = 100_000


def test_max_upload_size_is_inclusive(make_app, backend, uid):
    app = make_app(backend, MAX_UPLOAD_SIZE=LIMIT)
    client = app.test_client()
    response = post_form(client, uid, form(address(uid, "exact.bin"), file_part(b"e" * LIMIT, "exact.bin")))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["size"] == LIMIT
    before = objects(app, uid)
    response = post_form(client, uid, form(address(uid, "over.bin"), file_part(b"o" * (LIMIT + 1), "over.bin")))
    error(response, 413, "payload_too_large")
    assert [f.logical_path for f in files_of(app, uid)] == ["exact.bin"]
    assert objects(app, uid) == before and len(before) == 1


def test_max_upload_size_applies_to_the_file_not_the_body(make_app, uid):
    app = make_app("minio", MAX_UPLOAD_SIZE=LIMIT)
    body = form(address(uid), field("note", "d" * 60_000), file_part(b"f" * LIMIT))  # an extra field, ignored
    assert len(body) > LIMIT
    response = post_form(app.test_client(), uid, body)
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("extra", [0, 1])
def test_max_upload_size_on_a_chunked_request_without_content_length(make_app, backend, uid, extra):
    app = make_app(backend, MAX_UPLOAD_SIZE=LIMIT)
    body = form(
        address(uid, "chunked.bin"),
        file_part(bytes(range(256)) * (LIMIT // 256) + b"z" * (LIMIT % 256 + extra), "chunked.bin"),
    )
    with served(app) as url:
        sent = requests.post(
            f"{url}/upload/proxy", data=chunked(body), timeout=30, headers={"Content-Type": CONTENT_TYPE, **bearer(uid)}
        )
    assert sent.request.headers.get("Transfer-Encoding") == "chunked"
    assert "Content-Length" not in sent.request.headers
    if extra == 0:
        assert sent.status_code == 201, sent.text
        assert sent.json()["data"]["size"] == LIMIT
    else:
        assert sent.status_code == 413, sent.text
        assert sent.json()["message"] == "payload_too_large"
        assert_nothing_stored(app, uid)


def test_over_the_limit_after_a_multipart_part_was_sent_leaves_nothing(make_app, uid):
    """MinioStore sends 16 MiB parts: exceed the limit in the second part, after the store has received one."""
    limit = 17 * MiB
    app = make_app("minio", MAX_UPLOAD_SIZE=limit)
    response = post_form(app.test_client(), uid, form(address(uid, "big.bin"), file_part(b"b" * (limit + 1))))
    error(response, 413, "payload_too_large")
    assert_nothing_stored(app, uid)


# --- content ----------------------------------------------------------------------------------------------------


def test_zero_byte_file(make_app, backend, uid):
    app = make_app(backend)
    response = post_form(app.test_client(), uid, form(address(uid, "empty.txt"), file_part(b"", "empty.txt")))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    assert (data["size"], data["checksum_sha256"], data["mime_type"]) == (0, sha256(b""), "text/plain")
    assert object_bytes(app, data["object_key"]) == b""


def test_detected_type_beats_the_declared_one(client, uid):
    response = post_form(client, uid, form(address(uid, "pic.txt"), file_part(PNG, "pic.txt", "text/plain")))
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["data"]["mime_type"], response.get_json()["data"]["category"]) == ("image/png", "image")


def test_second_upload_to_the_same_path_adds_version_2(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    first = post_form(client, uid, form(address(uid), file_part(b"one"))).get_json()["data"]
    response = post_form(client, uid, form(address(uid), file_part(b"two two")))
    assert response.status_code == 201, response.get_json()
    second = response.get_json()["data"]
    assert second["file_id"] == first["file_id"]
    assert (first["version_number"], second["version_number"]) == (1, 2)
    assert second["object_key"] != first["object_key"]
    assert [(v.version_number, v.size) for v in versions_of(app, uid)] == [(1, 3), (2, 7)]
    [file] = files_of(app, uid)
    assert str(file.current_version_id) == second["version_id"]
    assert object_bytes(app, first["object_key"]) == b"one"  # versions are never overwritten
    assert object_bytes(app, second["object_key"]) == b"two two"


def test_upload_to_a_file_locked_by_another_user_is_409(client, pid):
    app = client.application
    body = form(address(pid, bucket="projects"), file_part(b"v1"))
    assert post_form(client, "u2", body).status_code == 201
    lock = client.post("/lock", json={"bucket": "projects", "id": pid, "path": "docs/a.txt"}, headers=bearer("u2"))
    assert lock.status_code == 200, lock.get_json()
    keys_before = {o.key for o in objects(app, pid, "projects")}
    response = post_form(client, "u1", form(address(pid, bucket="projects"), file_part(b"v2 by u1")))
    refused = error(response, 409, "file_locked")
    assert refused["lock"]["locked_by"] == "u2"
    assert [v.version_number for v in versions_of(app, pid)] == [1]
    assert {o.key for o in objects(app, pid, "projects")} == keys_before
    # the holder may still upload
    response = post_form(client, "u2", form(address(pid, bucket="projects"), file_part(b"v2 by u2")))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["version_number"] == 2


def test_an_expired_lock_does_not_block(client, uid):
    from datetime import UTC, datetime, timedelta

    from app.extensions import db

    app = client.application
    file_id = post_form(client, uid, form(address(uid), file_part(b"v1"))).get_json()["data"]["file_id"]
    with app.app_context():
        now = datetime.now(UTC)
        db.session.add(
            FileLock(
                id=uuid.uuid4(),
                file_id=uuid.UUID(file_id),
                locked_by="other",
                reason="old",
                created_at=now - timedelta(hours=2),
                expires_at=now - timedelta(hours=1),
            )
        )
        db.session.commit()
    response = post_form(client, uid, form(address(uid), file_part(b"v2")))
    assert response.status_code == 201, response.get_json()


def test_allowed_mime_types_refuse_other_types(make_app, backend, uid):
    app = make_app(backend, ALLOWED_MIME_TYPES=["image/*"])
    client = app.test_client()
    response = post_form(client, uid, form(address(uid, "a.txt"), file_part(b"plain text")))
    error(response, 415, "unsupported_media_type")
    assert_nothing_stored(app, uid)
    # declaring an allowed type does not help: the bytes decide
    response = post_form(client, uid, form(address(uid, "b.png"), file_part(b"plain text", "b.png", "image/png")))
    assert response.status_code == 201, response.get_json()  # bytes say nothing: the name decides
    response = post_form(client, uid, form(address(uid, "c.txt"), file_part(b"plain text", "c.txt", "image/png")))
    error(response, 415, "unsupported_media_type")
    response = post_form(client, uid, form(address(uid, "pic.png"), file_part(PNG, "pic.png", "image/png")))
    assert response.status_code == 201, response.get_json()


def test_extra_form_fields_are_ignored(client, uid):
    body = form(
        field("unexpected", "x"),
        address(uid),
        field("size", "999"),
        field("object_key", "evil/key"),
        field("owner_id", "root"),
        file_part(b"data"),
        field("more", "y"),
    )
    response = post_form(client, uid, body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    assert data["size"] == 4 and data["object_key"].startswith(f"{uid}/")
    assert files_of(client.application, uid)[0].owner_id == uid


@pytest.mark.parametrize("where", ["before", "after"])
def test_description_and_tags_are_stored(client, uid, where):
    tags = '{"project": "apollo", "n": 3, "flags": [true, false], "nested": {"k": null}}'
    meta = field("description", "Quarterly report") + field("tags", tags)
    parts = (address(uid), meta, file_part(b"x")) if where == "before" else (address(uid), file_part(b"x"), meta)
    response = post_form(client, uid, form(*parts))
    assert response.status_code == 201, response.get_json()
    [file] = files_of(client.application, uid)
    assert file.description == "Quarterly report"
    assert file.tags == {"project": "apollo", "n": 3, "flags": [True, False], "nested": {"k": None}}


def test_bad_tags_after_the_file_part_store_nothing(make_app, backend, uid):
    app = make_app(backend)
    response = post_form(app.test_client(), uid, form(address(uid), file_part(b"x"), field("tags", "[1]")))
    error(response, 400, "validation_error")
    assert_nothing_stored(app, uid)


def test_address_after_the_file_part(make_app, backend, uid):
    app = make_app(backend)
    content = bytes(range(256)) * 12_000  # ~3 MiB: spooled past memory onto disk
    body = form(
        file_part(content, "late.bin", "application/octet-stream"),
        address(uid, "late/late.bin"),
        field("description", "late"),
    )
    response = post_form(app.test_client(), uid, body)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    assert (data["size"], data["checksum_sha256"]) == (len(content), sha256(content))
    assert object_bytes(app, data["object_key"]) == content
    [file] = files_of(app, uid)
    assert (file.logical_path, file.description) == ("late/late.bin", "late")


def test_address_split_around_the_file_part(client, uid):
    body = form(field("bucket", "users"), field("path", "split.txt"), file_part(b"split"), field("id", uid))
    response = post_form(client, uid, body)
    assert response.status_code == 201, response.get_json()
    assert files_of(client.application, uid)[0].logical_path == "split.txt"


def test_only_the_first_file_part_is_stored(client, uid):
    second = file_head("b.txt", "text/plain", name="file") + b"second" + b"\r\n"
    response = post_form(client, uid, form(address(uid), file_part(b"first"), second))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    assert object_bytes(client.application, data["object_key"]) == b"first"
    assert len(objects(client.application, uid)) == 1


def test_upload_is_audited(client, uid):
    response = post_form(client, uid, form(address(uid), file_part(b"audited")))
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    [row] = audit(client.application, "upload")
    assert (row.user_id, str(row.file_id), str(row.version_id), row.outcome) == (
        uid,
        data["file_id"],
        data["version_id"],
        "success",
    )
    assert (row.bucket_type, row.bucket_id, row.logical_path) == ("users", uid, "docs/a.txt")
    assert row.details.get("size") == 7
    assert row.request_id


@pytest.fixture
def failing_commit(database_url):
    """A deferred constraint trigger that fails the COMMIT of any version whose key starts with a given prefix:
    a real database failure at commit time, after the object was written."""
    engine = sa.create_engine(database_url)
    prefixes: list[str] = []

    def install(prefix: str) -> None:
        name = f"test_fail_{uuid.uuid4().hex[:8]}"
        prefixes.append(name)
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    f"RAISE EXCEPTION 'injected commit failure' USING ERRCODE = 'unique_violation'; END $$"
                )
            )
            conn.execute(
                sa.text(
                    f"CREATE CONSTRAINT TRIGGER {name} AFTER INSERT ON file_versions DEFERRABLE INITIALLY DEFERRED "
                    f"FOR EACH ROW WHEN (NEW.object_key LIKE '{prefix}/%') EXECUTE FUNCTION {name}()"
                )
            )

    yield install
    with engine.begin() as conn:
        for name in prefixes:
            conn.execute(sa.text(f"DROP TRIGGER IF EXISTS {name} ON file_versions"))
            conn.execute(sa.text(f"DROP FUNCTION IF EXISTS {name}()"))
    engine.dispose()


def test_a_failed_metadata_commit_removes_the_object(make_app, backend, uid, failing_commit):
    app = make_app(backend)
    failing_commit(uid)
    response = post_form(app.test_client(), uid, form(address(uid), file_part(b"doomed" * 1000)))
    error(response, 500, "internal_error")
    assert_nothing_stored(app, uid)
    assert query_rows(app, AuditLog, AuditLog.bucket_id == uid, AuditLog.action == "upload") == []


# === POST /upload/presign and /upload/confirm ===================================================================


def test_presign_put_upload_and_confirm(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    content = b"presigned content\n" * 50
    response = presign(client, uid, uid, "docs/p.txt", size=len(content), checksum_sha256=sha256(content))
    presigned = response.get_json()
    assert response.status_code == 200, presigned
    assert set(presigned) == PRESIGN_KEYS | {"headers"}
    assert presigned["method"] == "PUT" and presigned["expires_in"] == app.config["PRESIGN_DEFAULT_EXPIRY"]
    assert presigned["object_key"].startswith(f"{uid}/")
    uuid.UUID(presigned["upload_id"])
    assert presigned["expires_at"].endswith(("+00:00", "Z"))
    assert objects(app, uid) == [] and files_of(app, uid) == []  # nothing visible until confirmed
    assert send_put(client, backend, presigned, content) in (200, 204)
    response = confirm(client, uid, presigned["upload_id"])
    body = response.get_json()
    assert response.status_code == 201, body
    assert body["status"] == "success" and body["success"] is True
    data = body["data"]
    assert set(data) == UPLOAD_KEYS
    assert (data["size"], data["checksum_sha256"], data["version_number"]) == (len(content), sha256(content), 1)
    # the version has its own copy under a fresh key; the upload's key (still writable by the URL) is gone
    assert data["object_key"].startswith(f"{uid}/") and data["object_key"] != presigned["object_key"]
    assert object_exists(app, data["object_key"]) and not object_exists(app, presigned["object_key"])
    assert (data["filename"], data["mime_type"], data["category"]) == ("p.txt", "text/plain", "document")
    [intent] = query_rows(app, UploadIntent, UploadIntent.id == uuid.UUID(presigned["upload_id"]))
    assert intent.status == IntentStatus.confirmed and str(intent.file_id) == data["file_id"]


def test_presign_put_with_a_content_type(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = presign(client, uid, uid, "pic.png", content_type="image/png").get_json()
    assert presigned["headers"] == {"Content-Type": "image/png"}
    assert send_put(client, backend, presigned, PNG) in (200, 204)
    response = confirm(client, uid, presigned["upload_id"])
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["mime_type"] == "image/png"


def test_presign_post_policy_upload_and_confirm(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    content = b"form upload"
    response = presign(client, uid, uid, "f.txt", method="POST", size=len(content), content_type="text/plain")
    presigned = response.get_json()
    assert response.status_code == 200, presigned
    assert set(presigned) == PRESIGN_KEYS | {"fields"}
    assert presigned["method"] == "POST"
    assert presigned["fields"]["key"] == presigned["object_key"]
    assert send_post(client, backend, presigned, content) in (200, 201, 204)
    response = confirm(client, uid, presigned["upload_id"])
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["checksum_sha256"] == sha256(content)


# S3 answers EntityTooLarge (400) for a form upload outside content-length-range; the local store 413.
TOO_LARGE_FOR_THE_STORE = {"minio": 400, "local": 413}


def test_post_policy_upload_over_the_declared_size_is_refused_by_the_store(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = presign(client, uid, uid, "f.txt", method="POST", size=10).get_json()
    assert send_post(client, backend, presigned, b"x" * 11) == TOO_LARGE_FOR_THE_STORE[backend]
    assert objects(app, uid) == []
    error(confirm(client, uid, presigned["upload_id"]), 409, "invalid_state")
    assert send_post(client, backend, presigned, b"x" * 10) in (200, 201, 204)
    assert confirm(client, uid, presigned["upload_id"]).status_code == 201


def test_post_policy_without_a_size_is_bounded_by_the_upload_limit(make_app, backend, uid):
    app = make_app(backend, MAX_UPLOAD_SIZE=LIMIT)
    client = app.test_client()
    presigned = presign(client, uid, uid, "f.bin", method="POST").get_json()
    status = send_post(client, backend, presigned, b"x" * (LIMIT + 1), "f.bin", "application/octet-stream")
    assert status == TOO_LARGE_FOR_THE_STORE[backend]
    assert objects(app, uid) == []


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_presign_expiry_bounds(make_app, uid, method):
    app = make_app("minio", PRESIGN_MIN_EXPIRY=60, PRESIGN_MAX_EXPIRY=3600)
    client = app.test_client()
    for expires_in in (59, 3601, 0, -5):
        error(presign(client, uid, uid, method=method, expires_in=expires_in), 400, "invalid_expiry")
    for expires_in in (60, 3600):
        response = presign(client, uid, uid, method=method, expires_in=expires_in)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["expires_in"] == expires_in
    assert len(query_rows(app, UploadIntent, UploadIntent.bucket_id == uid)) == 2


def test_presign_over_the_size_limit_is_413(make_app, uid):
    app = make_app("minio", MAX_UPLOAD_SIZE=LIMIT)
    client = app.test_client()
    error(presign(client, uid, uid, size=LIMIT + 1), 413, "payload_too_large")
    assert presign(client, uid, uid, size=LIMIT).status_code == 200
    assert len(query_rows(app, UploadIntent, UploadIntent.bucket_id == uid)) == 1


def test_presign_validation(client, uid):
    error(presign(client, uid, uid, path="a/../b"), 400, "invalid_path")
    error(presign(client, uid, uid, bucket="nope"), 400, "bucket_not_found")
    response = client.post("/upload/presign", json={"bucket": "users", "id": uid}, headers=bearer(uid))
    error(response, 400, "missing_fields")
    error(presign(client, uid, uid, checksum_sha256="nothex"), 400, "validation_error")
    error(presign(client, uid, uid, size=-1), 400, "validation_error")
    error(presign(client, uid, uid, method="DELETE"), 400, "validation_error")
    error(presign(client, "intruder", uid), 403, "access_denied")
    assert query_rows(client.application, UploadIntent, UploadIntent.bucket_id == uid) == []


def test_presign_of_a_disallowed_content_type_is_415(make_app, uid):
    app = make_app("minio", ALLOWED_MIME_TYPES=["image/*"])
    error(presign(app.test_client(), uid, uid, content_type="text/plain"), 415, "unsupported_media_type")


def test_confirm_declared_size_mismatch_queues_the_object_for_deletion(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = presign(client, uid, uid, size=5).get_json()
    assert send_put(client, backend, presigned, b"123456") in (200, 204)
    body = error(confirm(client, uid, presigned["upload_id"]), 400, "validation_error")
    assert "size" in body["errors"]
    assert not object_exists(app, presigned["object_key"])  # queued, then deleted once the rejection committed
    assert query_rows(app, ObjectDeletion, ObjectDeletion.object_key == presigned["object_key"]) == []
    assert files_of(app, uid) == []
    [intent] = query_rows(app, UploadIntent, UploadIntent.id == uuid.UUID(presigned["upload_id"]))
    assert intent.status == IntentStatus.failed
    error(confirm(client, uid, presigned["upload_id"]), 409, "invalid_state")


def test_confirm_checksum_mismatch(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = presign(client, uid, uid, checksum_sha256=sha256(b"expected")).get_json()
    assert send_put(client, backend, presigned, b"something else") in (200, 204)
    assert "checksum_sha256" in error(confirm(client, uid, presigned["upload_id"]), 400, "validation_error")["errors"]
    assert not object_exists(app, presigned["object_key"])
    assert objects(app, uid) == []  # nor the copy the checksum was computed on
    assert files_of(app, uid) == []


def test_confirm_over_the_upload_limit(make_app, backend, uid):
    app = make_app(backend, MAX_UPLOAD_SIZE=LIMIT)
    client = app.test_client()
    presigned = presign(client, uid, uid).get_json()
    status = send_put(client, backend, presigned, b"x" * (LIMIT + 1))
    response = confirm(client, uid, presigned["upload_id"])
    if backend == "minio":  # a presigned S3 PUT takes whatever is sent: confirm must catch it
        assert status == 200
        error(response, 413, "payload_too_large")
        assert not object_exists(app, presigned["object_key"])
    else:  # the local store's PUT endpoint enforces the limit itself
        assert status == 413
        error(response, 409, "invalid_state")
    assert files_of(app, uid) == []


def test_confirm_before_anything_was_uploaded_is_409(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = presign(client, uid, uid).get_json()
    error(confirm(client, uid, presigned["upload_id"]), 409, "invalid_state")
    # the intent stays usable
    assert send_put(client, backend, presigned, b"late") in (200, 204)
    assert confirm(client, uid, presigned["upload_id"]).status_code == 201


def test_confirming_twice_answers_the_same_version(make_app, backend, uid):
    # idempotent: a read or the worker may have completed the upload before its client confirms it
    app = make_app(backend)
    client = app.test_client()
    presigned = presign(client, uid, uid).get_json()
    assert send_put(client, backend, presigned, b"once") in (200, 204)
    first = confirm(client, uid, presigned["upload_id"])
    assert first.status_code == 201
    again = confirm(client, uid, presigned["upload_id"])
    assert again.status_code == 201 and again.get_json()["data"] == first.get_json()["data"]
    assert len(versions_of(app, uid)) == 1


def test_confirming_another_users_upload_is_404(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = presign(client, uid, uid).get_json()
    assert send_put(client, backend, presigned, b"mine") in (200, 204)
    error(confirm(client, "intruder", presigned["upload_id"]), 404, "file_not_found")
    error(confirm(client, uid, str(uuid.uuid4())), 404, "file_not_found")
    assert files_of(app, uid) == []
    assert confirm(client, uid, presigned["upload_id"]).status_code == 201


def test_confirm_validation(client):
    error(client.post("/upload/confirm", json={}, headers=bearer("u1")), 400, "validation_error")
    error(client.post("/upload/confirm", json={"upload_id": "nope"}, headers=bearer("u1")), 400, "validation_error")
    error(client.post("/upload/confirm", json={"upload_id": str(uuid.uuid4())}), 401, "missing_jwt_token")


def test_confirm_of_a_disallowed_type_is_415(make_app, backend, uid):
    app = make_app(backend, ALLOWED_MIME_TYPES=["image/*"])
    client = app.test_client()
    presigned = presign(client, uid, uid, "a.txt").get_json()
    assert send_put(client, backend, presigned, b"not an image") in (200, 204)
    error(confirm(client, uid, presigned["upload_id"]), 415, "unsupported_media_type")
    assert not object_exists(app, presigned["object_key"]) and objects(app, uid) == []
    assert files_of(app, uid) == []


def test_confirm_adds_a_version_to_an_existing_file(client, uid):
    first = post_form(client, uid, form(address(uid), file_part(b"v1"))).get_json()["data"]
    presigned = presign(client, uid, uid).get_json()
    assert send_put(client, "minio", presigned, b"v2") in (200, 204)
    data = confirm(client, uid, presigned["upload_id"]).get_json()["data"]
    assert (data["file_id"], data["version_number"]) == (first["file_id"], 2)


def test_presign_and_confirm_are_audited(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = presign(client, uid, uid, size=2).get_json()
    [row] = audit(app, "upload_presign", AuditLog.bucket_id == uid)
    assert (row.user_id, row.logical_path, row.details.get("upload_id")) == (uid, "docs/a.txt", presigned["upload_id"])
    assert send_put(client, backend, presigned, b"ok") in (200, 204)
    data = confirm(client, uid, presigned["upload_id"]).get_json()["data"]
    [row] = audit(app, "upload_confirm", AuditLog.bucket_id == uid)
    assert (str(row.file_id), str(row.version_id), row.outcome) == (data["file_id"], data["version_id"], "success")
    rejected = presign(client, uid, uid, "b.txt", size=1).get_json()
    assert send_put(client, backend, rejected, b"too long") in (200, 204)
    assert confirm(client, uid, rejected["upload_id"]).status_code == 400
    rows = audit(app, "upload_confirm", AuditLog.bucket_id == uid, AuditLog.outcome != "success")
    assert [(r.logical_path, r.details.get("upload_id")) for r in rows] == [("b.txt", rejected["upload_id"])]


# --- the local store's own presigned URLs ------------------------------------------------------------------------


def test_local_presigned_put_expires(make_app, uid):
    clock = ManualClock()
    app = make_app("local", clock=clock)
    client = app.test_client()
    presigned = presign(client, uid, uid, expires_in=60).get_json()
    clock.advance(61)
    assert send_put(client, "local", presigned, b"late") == 403
    assert objects(app, uid) == []
    clock.advance(-2)  # back inside the window: the same URL works
    assert send_put(client, "local", presigned, b"in time") == 204


@pytest.mark.parametrize("part", ["signature", "expires", "key", "content_type"])
def test_local_presigned_put_tampered(make_app, uid, part):
    app = make_app("local", clock=ManualClock())
    client = app.test_client()
    presigned = presign(client, uid, uid, content_type="text/plain").get_json()
    url = presigned["url"]
    if part == "signature":
        head, _, signature = url.rpartition("signature=")
        url = head + "signature=" + ("0" if signature[0] != "0" else "1") + signature[1:]
    elif part == "expires":
        url = url.replace("expires=", "expires=9")
    elif part == "key":
        url = url.replace(presigned["object_key"], f"{uid}/{uuid.uuid4().hex}")
    else:
        url = url.replace("content_type=text%2Fplain", "content_type=text%2Fhtml")
        assert url != presigned["url"]
    headers = {"Content-Type": "text/html"} if part == "content_type" else {}
    assert send_put(client, "local", {**presigned, "url": url}, b"x", headers) == 403
    assert objects(app, uid) == []


def test_local_presigned_post_expires(make_app, uid):
    clock = ManualClock()
    app = make_app("local", clock=clock)
    client = app.test_client()
    presigned = presign(client, uid, uid, method="POST", expires_in=60).get_json()
    clock.advance(61)
    assert send_post(client, "local", presigned, b"late") == 403
    assert objects(app, uid) == []


def test_local_presigned_post_tampered_key(make_app, uid):
    app = make_app("local", clock=ManualClock())
    client = app.test_client()
    presigned = presign(client, uid, uid, method="POST").get_json()
    tampered = {**presigned, "fields": {**presigned["fields"], "key": f"{uid}/{uuid.uuid4().hex}"}}
    assert send_post(client, "local", tampered, b"x") == 403
    assert objects(app, uid) == []


def test_minio_presigned_put_tampered_is_refused_by_the_store(make_app, uid):
    app = make_app("minio")
    client = app.test_client()
    presigned = presign(client, uid, uid).get_json()
    url = presigned["url"].replace(presigned["object_key"], f"{uid}/{uuid.uuid4().hex}")
    assert send_put(client, "minio", {**presigned, "url": url}, b"x") == 403
    assert objects(app, uid) == []
