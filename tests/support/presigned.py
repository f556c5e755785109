"""Presigned uploads through the API in integration tests: presign, send the bytes the way a client does, confirm."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import requests

from tests.support.tokens import bearer


def presign(client, user: str, bucket_id: str, path: str = "docs/a.txt", bucket: str = "users", **extra):
    return client.post(
        "/upload/presign", json={"bucket": bucket, "id": bucket_id, "path": path, **extra}, headers=bearer(user)
    )


def confirm(client, user: str, upload_id: str):
    return client.post("/upload/confirm", json={"upload_id": upload_id}, headers=bearer(user))


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


def send_put(client, backend: str, presigned: dict, content: bytes, headers: dict | None = None) -> int:
    """Upload to a presigned PUT URL: SeaweedFS over HTTP, or the service's own /local-store through the client."""
    headers = {**presigned["headers"], **(headers or {})}
    if backend == "minio":
        return requests.put(presigned["url"], data=content, headers=headers, timeout=30).status_code
    return client.put(local_path(presigned["url"]), data=content, headers=headers).status_code


def send_post(
    client, backend: str, presigned: dict, content: bytes, filename: str = "a.txt", content_type: str = "text/plain"
) -> int:
    """Upload through a presigned POST form policy."""
    if backend == "minio":
        files = {"file": (filename, content, content_type)}
        return requests.post(presigned["url"], data=presigned["fields"], files=files, timeout=30).status_code
    data = {**presigned["fields"], "file": (io.BytesIO(content), filename, content_type)}
    return client.post(local_path(presigned["url"]), data=data, content_type="multipart/form-data").status_code
