"""The local backend's presigned URLs follow the request (issue 9 item 7): a real server on a free port, not 5000;
X-Forwarded-* only from trusted proxies; PUBLIC_BASE_URL wins when set."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from urllib.parse import urlsplit

import requests
from werkzeug.serving import make_server

from tests.support.tokens import bearer

ADDRESS = {"bucket": "users", "id": "u1", "path": "docs/here.txt"}


@contextlib.contextmanager
def served(app) -> Iterator[str]:
    """The app behind a real threaded HTTP server on a free loopback port."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join(10)


def _presign_upload(client, **headers) -> str:
    response = client.post("/upload/presign", json=ADDRESS, headers={**bearer("u1"), **headers})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["url"]


def test_presigned_urls_point_to_the_port_the_service_was_called_on(make_app):
    app = make_app("local", PUBLIC_BASE_URL=None)
    content = b"bytes through the service's own presigned URLs\n"
    with served(app) as base:
        assert not base.endswith(":5000")
        presigned = requests.post(f"{base}/upload/presign", json=ADDRESS, headers=bearer("u1"), timeout=10)
        assert presigned.status_code == 200, presigned.text
        upload = presigned.json()
        assert upload["url"].startswith(f"{base}/local-store/")
        put = requests.put(upload["url"], data=content, headers=upload.get("headers") or {}, timeout=10)
        assert put.status_code in (200, 204), put.text
        confirmed = requests.post(
            f"{base}/upload/confirm", json={"upload_id": upload["upload_id"]}, headers=bearer("u1"), timeout=10
        )
        assert confirmed.status_code == 201, confirmed.text
        download = requests.get(f"{base}/download/presign", params=ADDRESS, headers=bearer("u1"), timeout=10)
        assert download.status_code == 200, download.text
        url = download.json()["url"]
        assert url.startswith(f"{base}/local-store/")
        fetched = requests.get(url, timeout=10)
        assert fetched.status_code == 200 and fetched.content == content
        # A download: sandboxed, never sniffed.
        assert fetched.headers["Content-Security-Policy"] == "sandbox"
        assert fetched.headers["X-Content-Type-Options"] == "nosniff"


def test_the_host_header_decides_without_trusted_proxies(make_app):
    client = make_app("local", PUBLIC_BASE_URL=None).test_client()
    url = client.post(
        "/upload/presign", json=ADDRESS, headers=bearer("u1"), base_url="https://files.example:8443"
    ).get_json()["url"]
    assert url.startswith("https://files.example:8443/local-store/users/")


def test_forwarded_headers_are_ignored_unless_a_proxy_is_trusted(make_app):
    forwarded = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-Port": "444"}
    client = make_app("local", PUBLIC_BASE_URL=None).test_client()
    assert urlsplit(_presign_upload(client, **forwarded)).netloc == "localhost"  # the test client's Host
    trusting = make_app("local", PUBLIC_BASE_URL=None, TRUSTED_PROXY_COUNT=1).test_client()
    url = _presign_upload(trusting, **{**forwarded, "X-Forwarded-Host": "files.example", "X-Forwarded-Prefix": "/s"})
    assert url.startswith("https://files.example:444/s/local-store/users/")


def test_only_the_trusted_number_of_proxies_counts(make_app):
    # Two hosts in the header: the client forged the first; the one proxy we trust appended the last.
    client = make_app("local", PUBLIC_BASE_URL=None, TRUSTED_PROXY_COUNT=1).test_client()
    url = _presign_upload(client, **{"X-Forwarded-Host": "evil.example, files.example"})
    assert urlsplit(url).netloc == "files.example"


def test_public_base_url_wins_when_set(make_app):
    client = make_app("local", PUBLIC_BASE_URL="https://files.example/storage/", TRUSTED_PROXY_COUNT=1).test_client()
    url = _presign_upload(client, **{"X-Forwarded-Host": "other.example"})
    assert url.startswith("https://files.example/storage/local-store/users/")
