"""Response headers (contract §9 Responses) on real answers: presign, authenticated JSON, downloads."""

from __future__ import annotations

import pytest

from tests.support.files_api import upload
from tests.support.tokens import bearer

JSON_CSP = "default-src 'none'; frame-ancestors 'none'"
ADDRESS = {"bucket": "users", "id": "u1", "path": "docs/page.html"}


def _assert_authenticated_json(response, status=200):
    assert response.status_code == status, response.get_json()
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Content-Security-Policy"] == JSON_CSP


def test_presign_answers_are_not_stored(make_app, backend):
    client = make_app(backend).test_client()
    upload(client, bearer("u1"), path=ADDRESS["path"], content=b"<script>alert(1)</script>")
    _assert_authenticated_json(client.post("/upload/presign", json=ADDRESS | {"path": "new.txt"}, headers=bearer("u1")))
    _assert_authenticated_json(client.get("/download/presign", query_string=ADDRESS, headers=bearer("u1")))
    _assert_authenticated_json(client.post("/download/presign", json=ADDRESS, headers=bearer("u1")))


def test_authenticated_json_answers_and_errors_are_not_stored(client):
    upload(client, bearer("u1"), path=ADDRESS["path"])
    _assert_authenticated_json(client.get("/list", query_string={"bucket": "users", "id": "u1"}, headers=bearer("u1")))
    _assert_authenticated_json(client.get("/metadata", query_string=ADDRESS, headers=bearer("u1")))
    missing = client.get("/metadata", query_string=ADDRESS | {"path": "none.txt"}, headers=bearer("u1"))
    _assert_authenticated_json(missing, 404)


@pytest.mark.parametrize("extra", [{}, {"Range": "bytes=0-3"}])
def test_proxy_downloads_are_sandboxed(make_app, backend, extra):
    client = make_app(backend).test_client()
    upload(client, bearer("u1"), path=ADDRESS["path"], content=b"<html><script>alert(1)</script></html>")
    response = client.get("/download/proxy", query_string=ADDRESS, headers={**bearer("u1"), **extra})
    assert response.status_code in (200, 206)
    assert response.headers["Content-Security-Policy"] == "sandbox"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
