"""The JSON error shape (contract §4), the system endpoints (§5) and the project service's failure modes (§3)."""

from __future__ import annotations

import io
import re
import socket
import time
import uuid

import pytest

from tests.support.files_api import error
from tests.support.tokens import SECRET, bearer, make_token

PRESIGN = "/upload/presign"
PROXY = "/upload/proxy"
OWN = {"bucket": "users", "id": "u1", "path": "docs/a.pdf"}
PROJECT = {"bucket": "projects", "id": "p1", "path": "docs/a.txt"}
LEAKS = ("Traceback", "traceback", "sqlalchemy", "SQLAlchemy", "psycopg2", "<?xml", 'File "/', "SELECT ", "INSERT ")


@pytest.fixture
def closed_port():
    """A loopback port that is bound but not listening: connecting is refused, and nobody else can take it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield sock.getsockname()[1]
    sock.close()


def _clean(response, *secrets: str) -> None:
    text = response.get_data(as_text=True)
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} in {text[:500]}"
    for secret in secrets:
        assert secret not in text, f"a secret is in {text[:500]}"


def _error(response, status: int, code: str, *secrets: str) -> dict:
    """The contract's error body, served as JSON, leaking neither internals nor `secrets`."""
    body = error(response, status, code)
    assert response.mimetype == "application/json"
    _clean(response, *secrets)
    return body


def _multipart(fields: dict, *, with_file: bool = True) -> dict:
    data = dict(fields)
    if with_file:
        data["file"] = (io.BytesIO(b"hello world\n"), "a.txt", "text/plain")
    return data


# --- routing errors ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/no/such/url", "/upload", "/upload/presign/extra", "/versions/not-a-uuid/approve"])
def test_unknown_url_is_a_json_404(client, url):
    _error(client.get(url), 404, "not_found")
    _error(client.post(url, headers=bearer("u1")), 404, "not_found")


def test_404_detail_does_not_echo_html(client):
    body = _error(client.get("/<script>alert(1)</script>"), 404, "not_found")
    assert "<script>" not in body["detail"]


@pytest.mark.parametrize(
    ("method", "url", "allowed"),
    [
        ("get", PRESIGN, "POST"),
        ("put", PRESIGN, "POST"),
        ("get", PROXY, "POST"),
        ("delete", "/health", "GET"),
        ("post", "/version", "GET"),
        ("post", "/config", "GET"),
        ("get", "/lock", "POST"),
    ],
)
def test_wrong_method_is_a_json_405_with_allow(client, method, url, allowed):
    for headers in ({}, bearer("u1")):
        response = getattr(client, method)(url, headers=headers)
        _error(response, 405, "method_not_allowed")
        assert "Allow" in response.headers
        methods = {m.strip() for m in response.headers["Allow"].split(",")}
        assert allowed in methods
        assert method.upper() not in methods


# --- validation errors ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"size": "abc"}, "size"),
        ({"size": 1.5}, "size"),
        ({"size": -1}, "size"),
        ({"size": True}, "size"),
        ({"expires_in": 1.5}, "expires_in"),
        ({"expires_in": "soon"}, "expires_in"),
        ({"method": "DELETE"}, "method"),
        ({"content_type": 5}, "content_type"),
        ({"id": 5678}, "id"),
        ({"path": ["a", "b"]}, "path"),
    ],
)
def test_marshmallow_validation_is_a_400_with_errors(client, fake_projects, extra, field):
    body = _error(client.post(PRESIGN, json={**OWN, **extra}, headers=bearer("u1")), 400, "validation_error")
    assert isinstance(body["errors"], dict)
    assert field in body["errors"]
    assert isinstance(body["errors"][field], list) and body["errors"][field]
    assert all(isinstance(message, str) for message in body["errors"][field])
    assert fake_projects.calls == []


def test_several_validation_errors_at_once(client):
    body = _error(
        client.post(PRESIGN, json={**OWN, "size": "abc", "expires_in": 1.5}, headers=bearer("u1")),
        400,
        "validation_error",
    )
    assert {"size", "expires_in"} <= set(body["errors"])


@pytest.mark.parametrize(
    "raw",
    [b"{not json", b'{"bucket": "users",', b"\xff\xfe\x00", b"null", b"[1, 2, 3]", b'"text"', b"12"],
    ids=["broken", "truncated", "binary", "null", "array", "string", "number"],
)
def test_a_body_that_is_not_a_json_object_is_a_json_400(client, raw):
    response = client.post(PRESIGN, data=raw, content_type="application/json", headers=bearer("u1"))
    body = _error(response, 400, "validation_error")
    assert isinstance(body["errors"], dict) and body["errors"]


def test_no_body_at_all_is_missing_fields(client):
    body = _error(client.post(PRESIGN, headers=bearer("u1")), 400, "missing_fields")
    assert "bucket" in body["detail"] and "path" in body["detail"]


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"bucket": "users", "id": "u1"}, "missing_fields"),
        ({"bucket": "users", "id": "u1", "path": "a/../b"}, "invalid_path"),
        ({"bucket": "nope", "id": "u1", "path": "a"}, "bucket_not_found"),
        ({"bucket": "users", "id": "u 1", "path": "a"}, "validation_error"),
        ({"bucket": "users", "path": "/companies/u1/a"}, "invalid_path"),
    ],
)
def test_address_errors_on_presign(client, body, code):
    _error(client.post(PRESIGN, json=body, headers=bearer("u1")), 400, code)


def test_no_body_contains_the_callers_token(client):
    token = make_token("u1")
    headers = {"Authorization": f"Bearer {token}"}
    responses = [
        client.post(PRESIGN, json={**OWN, "size": "abc"}, headers=headers),
        client.post(PRESIGN, json={"bucket": "users", "id": "u1", "path": "a//b"}, headers=headers),
        client.post(PRESIGN, json={**OWN, "id": "u2"}, headers=headers),
        client.post(PRESIGN, data=b"{", content_type="application/json", headers=headers),
        client.get("/nothing-here", headers=headers),
        client.get(PRESIGN, headers=headers),
        client.post(PROXY, data={"bucket": "users"}, headers=headers),
    ]
    for response in responses:
        assert response.status_code >= 400
        _clean(response, token, SECRET)


# --- health, version, config ------------------------------------------------------------------------------------


def test_health_ok(make_app, backend):
    response = make_app(backend).test_client().get("/health")
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "healthy"
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["object_store"]["status"] == "ok"
    for key in ("service", "version", "environment", "timestamp"):
        assert body[key]
    assert re.search(r"(Z|[+-]\d\d:\d\d)$", body["timestamp"])


def test_health_needs_no_token_and_ignores_a_bad_one(client):
    assert client.get("/health").status_code == 200
    assert client.get("/health", headers={"Authorization": "Bearer nonsense"}).status_code == 200


def test_health_does_not_reveal_internal_addresses(make_app, seaweed, database_url):
    """/health is unauthenticated: it must not hand out the object store's or the database's address."""
    response = make_app("minio").test_client().get("/health")
    text = response.get_data(as_text=True)
    assert seaweed.endpoint not in text
    assert database_url not in text
    assert "127.0.0.1" not in text


def test_health_503_when_the_object_store_is_down(database_url, seaweed, fake_projects, closed_port, tmp_path):
    from app import create_app

    # Built directly: make_app would create the buckets, which cannot work against a dead store.
    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        JWT_SECRET=SECRET,
        STORAGE_BACKEND="minio",
        MINIO_ENDPOINT=f"127.0.0.1:{closed_port}",
        MINIO_ACCESS_KEY=seaweed.access_key,
        MINIO_SECRET_KEY=seaweed.secret_key,
        MINIO_REGION=seaweed.region,
        PROJECT_SERVICE_URL=fake_projects.url,
    )
    try:
        started = time.monotonic()
        response = app.test_client().get("/health")
        elapsed = time.monotonic() - started
        assert response.status_code == 503, response.get_data(as_text=True)
        body = response.get_json()
        assert body["status"] == "unhealthy"
        assert body["checks"]["object_store"]["status"] != "ok"
        assert body["checks"]["database"]["status"] == "ok"
        assert elapsed < 10
        text = response.get_data(as_text=True)
        assert str(closed_port) not in text
        assert seaweed.secret_key not in text
        _clean(response)
    finally:
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()


@pytest.mark.parametrize("backend_name", ["minio", "local"])
def test_health_503_when_the_database_is_down(make_app, closed_port, backend_name):
    url = f"postgresql://postgres@127.0.0.1:{closed_port}/x"
    response = make_app(backend_name, SQLALCHEMY_DATABASE_URI=url).test_client().get("/health")
    assert response.status_code == 503, response.get_data(as_text=True)
    body = response.get_json()
    assert body["status"] == "unhealthy"
    assert body["checks"]["database"]["status"] != "ok"
    assert body["checks"]["object_store"]["status"] == "ok"
    assert str(closed_port) not in response.get_data(as_text=True)
    _clean(response)


def test_database_down_on_an_endpoint_is_a_json_503(make_app, closed_port):
    url = f"postgresql://postgres@127.0.0.1:{closed_port}/x"
    client = make_app("local", SQLALCHEMY_DATABASE_URI=url).test_client()
    response = client.post(PRESIGN, json=OWN, headers=bearer("u1"))
    _error(response, 503, "database_unavailable", str(closed_port), "127.0.0.1")


def test_version(client, app):
    response = client.get("/version")
    assert response.status_code == 200
    body = response.get_json()
    assert body["version"] == app.config["SERVICE_VERSION"]


def test_config_has_the_public_settings(make_app):
    app = make_app(
        "local",
        MAX_UPLOAD_SIZE=12345,
        ALLOWED_MIME_TYPES=["image/png", "application/pdf"],
        PRESIGN_MIN_EXPIRY=61,
        PRESIGN_DEFAULT_EXPIRY=601,
        PRESIGN_MAX_EXPIRY=6001,
        LOCK_MIN_TTL=62,
        LOCK_DEFAULT_TTL=602,
        LOCK_MAX_TTL=6002,
    )
    response = app.test_client().get("/config")
    assert response.status_code == 200
    body = response.get_json()
    assert body["max_upload_size"] == 12345
    assert body["allowed_mime_types"] == ["image/png", "application/pdf"]
    assert sorted(body["presign"].values()) == [61, 601, 6001]
    assert sorted(body["locks"].values()) == [62, 602, 6002]
    assert sorted(body["buckets"]) == ["companies", "projects", "users"]
    assert body["project_delegation"] is True


def test_config_without_a_project_service(make_app):
    body = make_app("local", PROJECT_SERVICE_URL=None).test_client().get("/config").get_json()
    assert body["project_delegation"] is False


def test_config_has_no_secrets(make_app, seaweed, fake_projects, database_url):
    app = make_app(
        "minio",
        SECRET_KEY="flask-secret-key-value-9f8e7d",
        INTERNAL_SERVICE_TOKEN="internal-token-value-1a2b3c",
    )
    response = app.test_client().get("/config")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    for secret in (
        SECRET,
        seaweed.secret_key,
        fake_projects.url,
        fake_projects.live_url,
        database_url,
        "flask-secret-key-value-9f8e7d",
        "internal-token-value-1a2b3c",
    ):
        assert secret not in text
    assert "postgresql" not in text


# --- request ids ------------------------------------------------------------------------------------------------


def test_request_id_is_echoed(client):
    for url in ("/health", "/no/such/url"):
        response = client.get(url, headers={"X-Request-ID": "req-123.abc_DEF"})
        assert response.headers["X-Request-ID"] == "req-123.abc_DEF"
    response = client.post(PRESIGN, json=OWN, headers={**bearer("u1"), "X-Request-ID": "abc-42"})
    assert response.headers["X-Request-ID"] == "abc-42"
    response = client.post(PRESIGN, json=OWN, headers={"X-Request-ID": "abc-43"})
    assert response.status_code == 401
    assert response.headers["X-Request-ID"] == "abc-43"


def test_request_id_is_generated_when_absent(client):
    first = client.get("/health").headers.get("X-Request-ID")
    second = client.get("/health").headers.get("X-Request-ID")
    assert first and second
    assert first != second
    assert client.get("/no/such/url").headers.get("X-Request-ID")


# --- the project service's failure modes ------------------------------------------------------------------------


FAILURES = ["hang", "trickle", "refuse", "error500", "garbage", "non_boolean", "missing_allowed"]


@pytest.mark.parametrize("mode", FAILURES)
def test_project_service_failure_on_presign(make_app, fake_projects, mode):
    fake_projects.mode = mode  # before the app is built: `refuse` points the app at a closed port
    client = make_app("local").test_client()
    token = make_token("u1")
    started = time.monotonic()
    response = client.post(PRESIGN, json=PROJECT, headers={"Authorization": f"Bearer {token}"})
    elapsed = time.monotonic() - started
    _error(response, 403, "project_service_unavailable", token, fake_projects.live_url, "127.0.0.1")
    assert int(response.headers["Retry-After"]) > 0
    if mode in ("hang", "trickle"):
        assert elapsed < 2.5, f"{mode}: {elapsed:.2f}s"  # the client's own 2 s deadline is unit-tested to 0.1 s


@pytest.mark.parametrize("mode", ["hang", "trickle", "refuse", "error500", "garbage", "non_boolean"])
def test_project_service_failure_on_proxy_upload(make_app, fake_projects, mode):
    fake_projects.mode = mode
    client = make_app("local").test_client()
    started = time.monotonic()
    response = client.post(PROXY, data=_multipart(PROJECT), content_type="multipart/form-data", headers=bearer("u1"))
    elapsed = time.monotonic() - started
    _error(response, 403, "project_service_unavailable")
    assert int(response.headers["Retry-After"]) > 0
    if mode in ("hang", "trickle"):
        assert elapsed < 2.5, f"{mode}: {elapsed:.2f}s"  # the client's own 2 s deadline is unit-tested to 0.1 s


def test_project_service_denies(make_app, fake_projects):
    fake_projects.mode = "deny"
    client = make_app("local").test_client()
    _error(client.post(PRESIGN, json=PROJECT, headers=bearer("u1")), 403, "access_denied")
    response = client.post(PROXY, data=_multipart(PROJECT), content_type="multipart/form-data", headers=bearer("u1"))
    _error(response, 403, "access_denied")
    assert "Retry-After" not in response.headers


def test_project_service_allows(make_app, fake_projects):
    """The positive case: the fake is asked once, with the write action, and the request goes through."""
    client = make_app("local").test_client()
    response = client.post(PRESIGN, json=PROJECT, headers=bearer("u1"))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert [(c.path, c.json["project_id"], c.json["action"]) for c in fake_projects.calls] == [
        ("/check-file-access", "p1", "write")
    ]
    assert fake_projects.calls[0].user_id == "u1"


def test_no_project_service_configured(make_app, fake_projects):
    client = make_app("local", PROJECT_SERVICE_URL=None).test_client()
    response = client.post(PRESIGN, json=PROJECT, headers=bearer("u1"))
    _error(response, 403, "project_service_unavailable")
    assert "Retry-After" in response.headers
    assert fake_projects.calls == []


# --- rejected input never reaches the project service -----------------------------------------------------------


REJECTED = [
    ({"bucket": "projects", "id": "p1", "path": "a/../b.txt"}, "invalid_path"),
    ({"bucket": "projects", "id": "p1", "path": "a//b.txt"}, "invalid_path"),
    ({"bucket": "projects", "id": "p1", "path": "a\\b.txt"}, "invalid_path"),
    ({"bucket": "projects", "id": "p1", "path": "e\u0301.txt"}, "invalid_path"),
    ({"bucket": "projects", "path": "/users/p1/a.txt"}, "invalid_path"),
    ({"bucket": "projects", "id": "p1"}, "missing_fields"),
    ({"id": "p1", "path": "a.txt"}, "missing_fields"),
    ({"bucket": "project", "id": "p1", "path": "a.txt"}, "bucket_not_found"),
    ({"bucket_type": "Projects", "bucket_id": "p1", "logical_path": "a.txt"}, "bucket_not_found"),
    ({"bucket": "projects", "id": "p/1", "path": "a.txt"}, "validation_error"),
    ({"bucket": "projects", "id": "p1\n", "path": "a.txt"}, "validation_error"),  # `$` matches before a final \n
]


@pytest.mark.parametrize(("body", "code"), REJECTED)
def test_rejected_input_on_presign_makes_no_project_call(make_app, fake_projects, body, code):
    client = make_app("local").test_client()
    _error(client.post(PRESIGN, json=body, headers=bearer("u1")), 400, code)
    assert fake_projects.calls == []


@pytest.mark.parametrize(("body", "code"), REJECTED)
def test_rejected_input_on_proxy_makes_no_project_call(make_app, fake_projects, body, code):
    client = make_app("local").test_client()
    response = client.post(PROXY, data=_multipart(body), content_type="multipart/form-data", headers=bearer("u1"))
    _error(response, 400, code)
    assert fake_projects.calls == []


def test_proxy_without_a_file_makes_no_project_call(make_app, fake_projects):
    client = make_app("local").test_client()
    response = client.post(
        PROXY, data=_multipart(PROJECT, with_file=False), content_type="multipart/form-data", headers=bearer("u1")
    )
    _error(response, 400, "no_file")
    response = client.post(PROXY, data=PROJECT, headers=bearer("u1"))  # urlencoded: not multipart at all
    _error(response, 400, "no_file")
    assert fake_projects.calls == []


def test_proxy_query_address_errors_make_no_project_call(make_app, fake_projects):
    client = make_app("local").test_client()
    response = client.post(
        PROXY,
        query_string={"bucket": "projects", "id": "p1", "path": "../x"},
        data=_multipart({}),
        content_type="multipart/form-data",
        headers=bearer("u1"),
    )
    _error(response, 400, "invalid_path")
    assert fake_projects.calls == []


def test_confirm_of_an_unknown_upload_makes_no_project_call(make_app, fake_projects):
    client = make_app("local").test_client()
    response = client.post("/upload/confirm", json={"upload_id": str(uuid.uuid4())}, headers=bearer("u1"))
    _error(response, 404, "file_not_found")
    assert fake_projects.calls == []
