"""GET /download/proxy and GET /download/presign against PostgreSQL, SeaweedFS / the local store and the fake
project service."""

from __future__ import annotations

import contextlib
import hashlib
import os
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

from tests.support.files_api import add_lock, audit_rows, error, remove_object, upload

pytestmark = pytest.mark.integration

CONTENT = b"0123456789abcdefghij"  # 20 bytes


def version_row(app, version_id):
    from app.extensions import db
    from app.models import FileVersion

    with app.app_context():
        version = db.session.get(FileVersion, uuid.UUID(str(version_id)))
        return {"status": str(version.status), "object_key": version.object_key}


# -- proxy: the whole object -------------------------------------------------------------------------------------


def test_proxy_streams_whole_file_with_headers(make_app, backend, auth):
    app = make_app(backend)
    client = app.test_client()
    data = upload(client, auth("u1"), content=CONTENT)
    response = client.get(
        "/download/proxy", query_string={"bucket": "users", "id": "u1", "path": "docs/a.txt"}, headers=auth("u1")
    )
    assert response.status_code == 200
    assert response.data == CONTENT
    h = response.headers
    assert h["Content-Length"] == str(len(CONTENT))
    assert h["Content-Type"].startswith("text/plain")
    assert h["Content-Disposition"] == 'attachment; filename="a.txt"'
    assert h["ETag"] == f'"{hashlib.sha256(CONTENT).hexdigest()}"'
    assert h["Accept-Ranges"] == "bytes"
    assert h["X-Content-Type-Options"] == "nosniff"
    assert h["X-File-ID"] == data["file_id"]
    assert h["X-Version-ID"] == data["version_id"]
    rows = audit_rows(app, "download", data["file_id"])
    assert len(rows) == 1
    assert rows[0]["user_id"] == "u1" and str(rows[0]["version_id"]) == data["version_id"]
    assert rows[0]["outcome"] == "success" and rows[0]["bucket_type"] == "users"


@pytest.mark.parametrize(
    "query",
    [
        {"bucket_type": "users", "bucket_id": "u1", "logical_path": "docs/a.txt"},
        {"bucket": "users", "id": "u1", "path": "/docs/a.txt"},
        {"bucket": "users", "path": "/users/u1/docs/a.txt"},
    ],
    ids=["long-names", "short-names-leading-slash", "readme-absolute"],
)
def test_proxy_accepts_every_address_form(client, auth, query):
    upload(client, auth("u1"), content=CONTENT)
    response = client.get("/download/proxy", query_string=query, headers=auth("u1"))
    assert response.status_code == 200, response.get_json()
    assert response.data == CONTENT


def test_proxy_by_file_id(client, auth):
    data = upload(client, auth("u1"), content=CONTENT)
    response = client.get("/download/proxy", query_string={"file_id": data["file_id"]}, headers=auth("u1"))
    assert response.status_code == 200
    assert response.data == CONTENT


def test_proxy_non_ascii_filename_uses_rfc6266(client, auth):
    upload(client, auth("u1"), path="docs/résumé ü.txt", content=CONTENT)
    response = client.get(
        "/download/proxy", query_string={"bucket": "users", "id": "u1", "path": "docs/résumé ü.txt"}, headers=auth("u1")
    )
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="r_sum_ _.txt"')
    assert "filename*=UTF-8''r%C3%A9sum%C3%A9%20%C3%BC.txt" in disposition


def test_proxy_empty_file(make_app, backend, auth):
    client = make_app(backend).test_client()
    upload(client, auth("u1"), path="docs/empty.txt", content=b"")
    response = client.get(
        "/download/proxy", query_string={"bucket": "users", "id": "u1", "path": "docs/empty.txt"}, headers=auth("u1")
    )
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == "0"


def test_proxy_older_version_and_version_not_found(client, auth):
    first = upload(client, auth("u1"), content=b"version one")
    second = upload(client, auth("u1"), content=b"version two!")
    address = {"bucket": "users", "id": "u1", "path": "docs/a.txt"}
    response = client.get("/download/proxy", query_string=address, headers=auth("u1"))
    assert response.data == b"version two!" and response.headers["X-Version-ID"] == second["version_id"]
    response = client.get("/download/proxy", query_string={**address, "version": "1"}, headers=auth("u1"))
    assert response.status_code == 200
    assert response.data == b"version one" and response.headers["X-Version-ID"] == first["version_id"]
    error(
        client.get("/download/proxy", query_string={**address, "version": "3"}, headers=auth("u1")),
        404,
        "version_not_found",
    )
    error(
        client.get("/download/proxy", query_string={**address, "version": "0"}, headers=auth("u1")),
        400,
        "validation_error",
    )
    error(
        client.get("/download/proxy", query_string={**address, "version": "x"}, headers=auth("u1")),
        400,
        "validation_error",
    )


def test_proxy_large_file_is_streamed_in_chunks(make_app, backend, auth):
    client = make_app(backend).test_client()
    content = os.urandom(3 * 1024 * 1024 + 17)
    upload(client, auth("u1"), path="docs/big.bin", content=content)
    response = client.get(
        "/download/proxy", query_string={"bucket": "users", "id": "u1", "path": "docs/big.bin"}, headers=auth("u1")
    )
    assert response.status_code == 200
    assert response.is_streamed
    chunks = list(response.response)
    response.close()
    assert len(chunks) > 1
    assert b"".join(chunks) == content


def test_proxy_close_releases_the_object_file(make_app, auth):
    """A client that goes away mid-stream: closing the response closes the store's stream (local: the file)."""
    app = make_app("local")
    client = app.test_client()
    content = os.urandom(3 * 1024 * 1024)
    data = upload(client, auth("u1"), path="docs/big.bin", content=content)
    object_path = (Path(app.config["LOCAL_STORAGE_PATH"]) / app.config["BUCKET_USERS"] / data["object_key"]).resolve()

    def open_on_object() -> int:
        count = 0
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):  # descriptors come and go while listing
                count += Path(os.readlink(f"/proc/self/fd/{fd}")) == object_path
        return count

    response = client.get("/download/proxy", query_string={"file_id": data["file_id"]}, headers=auth("u1"))
    first = next(iter(response.response))
    assert first == content[: len(first)]
    assert open_on_object() == 1
    response.close()
    assert open_on_object() == 0


# -- proxy: ranges and conditional requests -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "start", "end"),
    [("bytes=0-4", 0, 5), ("bytes=5-", 5, 20), ("bytes=-3", 17, 20), ("bytes=10-1000", 10, 20), ("bytes=-500", 0, 20)],
)
def test_proxy_single_range_is_206(make_app, backend, auth, header, start, end):
    app = make_app(backend)
    client = app.test_client()
    data = upload(client, auth("u1"), content=CONTENT)
    response = client.get(
        "/download/proxy", query_string={"file_id": data["file_id"]}, headers={**auth("u1"), "Range": header}
    )
    assert response.status_code == 206
    assert response.data == CONTENT[start:end]
    assert response.headers["Content-Range"] == f"bytes {start}-{end - 1}/{len(CONTENT)}"
    assert response.headers["Content-Length"] == str(end - start)
    assert response.headers["ETag"] == f'"{hashlib.sha256(CONTENT).hexdigest()}"'
    assert audit_rows(app, "download", data["file_id"])[0]["details"]["offset"] == start


def test_proxy_unsatisfiable_range_is_416(make_app, backend, auth):
    client = make_app(backend).test_client()
    data = upload(client, auth("u1"), content=CONTENT)
    response = client.get(
        "/download/proxy", query_string={"file_id": data["file_id"]}, headers={**auth("u1"), "Range": "bytes=20-"}
    )
    body = error(response, 416, "range_not_satisfiable")
    assert response.headers["Content-Range"] == "bytes */20"
    assert "Content-Disposition" not in response.headers
    assert body["size"] == 20


def test_proxy_multi_range_malformed_range_and_stale_if_range_get_the_whole_file(client, auth):
    data = upload(client, auth("u1"), content=CONTENT)
    query = {"file_id": data["file_id"]}
    for headers in (
        {"Range": "bytes=0-1,4-5"},
        {"Range": "bytes=5-1"},
        {"Range": "pages=1-2"},
        {"Range": "bytes=0-4", "If-Range": '"not-the-etag"'},
    ):
        response = client.get("/download/proxy", query_string=query, headers={**auth("u1"), **headers})
        assert response.status_code == 200, headers
        assert response.data == CONTENT
        assert "Content-Range" not in response.headers
    etag = response.headers["ETag"]
    response = client.get(
        "/download/proxy", query_string=query, headers={**auth("u1"), "Range": "bytes=0-4", "If-Range": etag}
    )
    assert response.status_code == 206 and response.data == CONTENT[:5]


def test_proxy_if_none_match_is_304(app, client, auth):
    data = upload(client, auth("u1"), content=CONTENT)
    query = {"file_id": data["file_id"]}
    etag = client.get("/download/proxy", query_string=query, headers=auth("u1")).headers["ETag"]
    for value in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = client.get("/download/proxy", query_string=query, headers={**auth("u1"), "If-None-Match": value})
        assert response.status_code == 304, value
        assert response.data == b""
        assert response.headers["ETag"] == etag
    response = client.get("/download/proxy", query_string=query, headers={**auth("u1"), "If-None-Match": '"other"'})
    assert response.status_code == 200 and response.data == CONTENT
    assert len(audit_rows(app, "download", data["file_id"])) == 2  # 304s deliver nothing and record nothing


def test_proxy_head_sends_headers_only(app, client, auth):
    data = upload(client, auth("u1"), content=CONTENT)
    response = client.head("/download/proxy", query_string={"file_id": data["file_id"]}, headers=auth("u1"))
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["Content-Length"] == "20"
    assert response.headers["X-File-ID"] == data["file_id"]


# -- proxy: missing objects ---------------------------------------------------------------------------------------


def test_proxy_object_missing_marks_version_corrupted(make_app, backend, auth):
    app = make_app(backend)
    client = app.test_client()
    data = upload(client, auth("u1"), content=CONTENT)
    remove_object(app, data["object_key"], "users")
    response = client.get("/download/proxy", query_string={"file_id": data["file_id"]}, headers=auth("u1"))
    error(response, 404, "object_missing")
    assert version_row(app, data["version_id"])["status"] == "corrupted"
    rows = audit_rows(app, "download", data["file_id"])
    assert [(r["outcome"], r["details"]["reason"]) for r in rows] == [("failed", "object_missing")]
    body = response.get_data(as_text=True)
    assert data["object_key"] not in body and "NoSuchKey" not in body


# -- proxy: validation, authentication, authorization --------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"bucket": "users", "id": "u1"}, "missing_fields"),
        ({"id": "u1", "path": "docs/a.txt"}, "missing_fields"),
        ({}, "missing_fields"),
        ({"bucket": "users", "id": "u1", "path": "docs/../a.txt"}, "invalid_path"),
        ({"bucket": "users", "id": "u1", "path": "docs//a.txt"}, "invalid_path"),
        ({"bucket": "users", "path": "/companies/u1/docs/a.txt"}, "invalid_path"),
        ({"bucket": "teams", "id": "u1", "path": "docs/a.txt"}, "bucket_not_found"),
        ({"bucket": "users", "id": "bad id!", "path": "docs/a.txt"}, "validation_error"),
        ({"file_id": "not-a-uuid"}, "validation_error"),
    ],
)
def test_proxy_bad_requests_are_400(app, client, auth, fake_projects, query, code):
    error(client.get("/download/proxy", query_string=query, headers=auth("u1")), 400, code)
    assert fake_projects.calls == []


def test_proxy_needs_a_valid_token(client, auth):
    data = upload(client, auth("u1"), content=CONTENT)
    query = {"file_id": data["file_id"]}
    error(client.get("/download/proxy", query_string=query), 401, "missing_jwt_token")
    error(
        client.get("/download/proxy", query_string=query, headers={"Authorization": "Bearer nope"}), 401, "unauthorized"
    )
    error(client.get("/download/proxy", query_string=query, headers=auth("u1", exp_in=-120)), 401, "unauthorized")


def test_proxy_other_users_bucket_is_403_and_audited(app, client, auth):
    data = upload(client, auth("u1"), content=CONTENT)
    address = {"bucket": "users", "id": "u1", "path": "docs/a.txt"}
    error(client.get("/download/proxy", query_string=address, headers=auth("u2")), 403, "access_denied")
    # by file_id, a file the caller may not read is 404 like an unknown id: its existence is not revealed
    unknown = error(
        client.get("/download/proxy", query_string={"file_id": str(uuid.uuid4())}, headers=auth("u2")),
        404,
        "file_not_found",
    )
    hidden = error(
        client.get("/download/proxy", query_string={"file_id": data["file_id"]}, headers=auth("u2")),
        404,
        "file_not_found",
    )
    assert hidden == unknown
    # by address the refusal comes before the lookup: a missing file is refused the same way
    error(
        client.get("/download/proxy", query_string={**address, "path": "nope.txt"}, headers=auth("u2")),
        403,
        "access_denied",
    )
    denied = [r for r in audit_rows(app, "read") if r["outcome"] == "denied"]
    assert len(denied) == 3 and {r["user_id"] for r in denied} == {"u2"}


def test_proxy_company_bucket(client, auth):
    upload(client, auth("u1", company_id="c1"), bucket="companies", bucket_id="c1", content=CONTENT)
    query = {"bucket": "companies", "id": "c1", "path": "docs/a.txt"}
    response = client.get("/download/proxy", query_string=query, headers=auth("u2", company_id="c1"))
    assert response.status_code == 200 and response.data == CONTENT
    error(client.get("/download/proxy", query_string=query, headers=auth("u3", company_id="c2")), 403, "access_denied")


def test_proxy_project_bucket_asks_the_project_service(client, auth, fake_projects):
    data = upload(client, auth("u1"), bucket="projects", bucket_id="p1", content=CONTENT)
    query = {"bucket": "projects", "id": "p1", "path": "docs/a.txt"}
    fake_projects.calls.clear()
    response = client.get("/download/proxy", query_string=query, headers=auth("u2"))
    assert response.status_code == 200 and response.data == CONTENT
    assert [(c.path, c.json["action"], c.json["project_id"]) for c in fake_projects.calls] == [
        ("/check-file-access", "read", "p1")
    ]
    fake_projects.mode = "deny"
    error(client.get("/download/proxy", query_string=query, headers=auth("u2")), 403, "access_denied")
    fake_projects.mode = "error500"
    response = client.get("/download/proxy", query_string={"file_id": data["file_id"]}, headers=auth("u2"))
    error(response, 403, "project_service_unavailable")
    assert response.headers["Retry-After"]


def test_proxy_missing_file_is_404(client, auth):
    error(
        client.get(
            "/download/proxy", query_string={"bucket": "users", "id": "u1", "path": "nope.txt"}, headers=auth("u1")
        ),
        404,
        "file_not_found",
    )
    error(
        client.get("/download/proxy", query_string={"file_id": str(uuid.uuid4())}, headers=auth("u1")),
        404,
        "file_not_found",
    )


def test_proxy_download_is_allowed_while_locked_by_another(app, client, auth, fake_projects):
    data = upload(client, auth("u1"), bucket="projects", bucket_id="p1", content=CONTENT)
    add_lock(app, data["file_id"], "u2")
    response = client.get("/download/proxy", query_string={"file_id": data["file_id"]}, headers=auth("u1"))
    assert response.status_code == 200 and response.data == CONTENT


# -- presign ------------------------------------------------------------------------------------------------------


def fetch(client, url: str) -> tuple[int, bytes, dict]:
    """Fetch a presigned URL for real: the S3 server for minio, the service itself for the local store."""
    if url.startswith("http://localhost/local-store/"):
        parts = urlsplit(url)
        response = client.get(f"{parts.path}?{parts.query}")
        return response.status_code, response.data, dict(response.headers)
    response = requests.get(url, timeout=10)
    return response.status_code, response.content, dict(response.headers)


def test_presign_returns_a_working_url(make_app, backend, auth):
    app = make_app(backend)
    client = app.test_client()
    data = upload(client, auth("u1"), content=CONTENT)
    response = client.get(
        "/download/presign", query_string={"bucket": "users", "id": "u1", "path": "docs/a.txt"}, headers=auth("u1")
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {
        "url",
        "object_key",
        "expires_in",
        "expires_at",
        "version_number",
        "filename",
        "size",
        "content_type",
    }
    assert body["object_key"] == data["object_key"]
    assert body["expires_in"] == app.config["PRESIGN_DEFAULT_EXPIRY"]
    assert body["version_number"] == 1 and body["filename"] == "a.txt" and body["size"] == len(CONTENT)
    assert body["content_type"].startswith("text/plain")
    assert "+00:00" in body["expires_at"] or body["expires_at"].endswith("Z")
    status, content, headers = fetch(client, body["url"])
    assert status == 200
    assert content == CONTENT
    assert headers["Content-Disposition"] == 'attachment; filename="a.txt"'
    assert headers["Content-Type"].startswith("text/plain")
    rows = audit_rows(app, "download_presign", data["file_id"])
    assert len(rows) == 1 and rows[0]["details"]["expires_in"] == body["expires_in"]


def test_presign_older_version_by_file_id_and_expiry(make_app, backend, auth):
    client = make_app(backend).test_client()
    first = upload(client, auth("u1"), content=b"version one")
    upload(client, auth("u1"), content=b"version two!")
    response = client.get(
        "/download/presign",
        query_string={"file_id": first["file_id"], "version": "1", "expires_in": "120"},
        headers=auth("u1"),
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["version_number"] == 1 and body["object_key"] == first["object_key"] and body["expires_in"] == 120
    assert fetch(client, body["url"])[1] == b"version one"


@pytest.mark.parametrize(
    "query",
    [
        {"bucket_type": "users", "bucket_id": "u1", "logical_path": "docs/a.txt"},
        {"bucket": "users", "path": "/users/u1/docs/a.txt"},
    ],
)
def test_presign_address_forms(client, auth, query):
    upload(client, auth("u1"), content=CONTENT)
    response = client.get("/download/presign", query_string=query, headers=auth("u1"))
    assert response.status_code == 200
    assert response.get_json()["filename"] == "a.txt"


def test_presign_errors(app, client, auth, fake_projects):
    data = upload(client, auth("u1"), content=CONTENT)
    query = {"file_id": data["file_id"]}
    low, high = app.config["PRESIGN_MIN_EXPIRY"], app.config["PRESIGN_MAX_EXPIRY"]
    for value in (low - 1, high + 1, 0, -5):
        error(
            client.get("/download/presign", query_string={**query, "expires_in": str(value)}, headers=auth("u1")),
            400,
            "invalid_expiry",
        )
    error(
        client.get("/download/presign", query_string={**query, "expires_in": "soon"}, headers=auth("u1")),
        400,
        "validation_error",
    )
    error(
        client.get("/download/presign", query_string={**query, "version": "9"}, headers=auth("u1")),
        404,
        "version_not_found",
    )
    error(
        client.get("/download/presign", query_string={"bucket": "users", "id": "u1"}, headers=auth("u1")),
        400,
        "missing_fields",
    )
    error(
        client.get(
            "/download/presign", query_string={"bucket": "users", "id": "u1", "path": "a\\b"}, headers=auth("u1")
        ),
        400,
        "invalid_path",
    )
    error(
        client.get("/download/presign", query_string={"bucket": "x", "id": "u1", "path": "a"}, headers=auth("u1")),
        400,
        "bucket_not_found",
    )
    error(
        client.get(
            "/download/presign", query_string={"bucket": "users", "id": "u1", "path": "nope"}, headers=auth("u1")
        ),
        404,
        "file_not_found",
    )
    error(client.get("/download/presign", query_string=query), 401, "missing_jwt_token")
    error(client.get("/download/presign", query_string=query, headers=auth("u2")), 404, "file_not_found")
    assert audit_rows(app, "download_presign") == []


def test_presign_project_service_unavailable(client, auth, fake_projects):
    upload(client, auth("u1"), bucket="projects", bucket_id="p1", content=CONTENT)
    query = {"bucket": "projects", "id": "p1", "path": "docs/a.txt"}
    assert client.get("/download/presign", query_string=query, headers=auth("u2")).status_code == 200
    fake_projects.mode = "error500"
    response = client.get("/download/presign", query_string=query, headers=auth("u2"))
    error(response, 403, "project_service_unavailable")
    assert response.headers["Retry-After"]


def test_presigned_url_is_refused_when_tampered(make_app, backend, auth):
    client = make_app(backend).test_client()
    upload(client, auth("u1"), content=CONTENT)
    url = client.get(
        "/download/presign", query_string={"bucket": "users", "id": "u1", "path": "docs/a.txt"}, headers=auth("u1")
    ).get_json()["url"]
    tampered = url.replace("a.txt", "b.txt") if "a.txt" in url else url + "x"
    status, content, _ = fetch(client, tampered)
    assert status == 403
    assert content != CONTENT
