"""A confirmed version's bytes never change (contract §9): what the uploader still holds after confirm — the
presigned PUT URL, the POST policy — cannot alter what the version serves; confirm `stat`s before it reads."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from tests.support.files_api import error, object_exists
from tests.support.presigned import confirm, presign, send_post, send_put
from tests.support.recording_proxy import RecordingProxy
from tests.support.tokens import bearer

pytestmark = pytest.mark.integration

ORIGINAL = b"the confirmed bytes\n" * 20
EVIL = b"bytes sent again with the same URL after confirm, longer than the original\n" * 20


@pytest.fixture
def uid() -> str:
    """A user id of this test only: its objects are the ones under `<uid>/` in the shared buckets."""
    return "u" + uuid.uuid4().hex[:12]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def served(client, uid: str, path: str = "docs/a.txt") -> tuple[bytes, dict]:
    """What /download/proxy serves and what /metadata says of the current version."""
    address = {"bucket": "users", "id": uid, "path": path}
    download = client.get("/download/proxy", query_string=address, headers=bearer(uid))
    assert download.status_code == 200, download.get_data()
    meta = client.get("/metadata", query_string=address, headers=bearer(uid))
    assert meta.status_code == 200, meta.get_json()
    return download.get_data(), meta.get_json()["current_version"]


def assert_original(client, uid: str, data: dict) -> None:
    body, version = served(client, uid)
    assert body == ORIGINAL
    assert (version["size"], version["checksum_sha256"], version["object_key"]) == (
        len(ORIGINAL),
        sha256(ORIGINAL),
        data["object_key"],
    )


def test_a_second_put_after_confirm_does_not_change_the_version(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = presign(client, uid, uid, content_type="text/plain").get_json()
    assert send_put(client, backend, presigned, ORIGINAL) in (200, 204)
    response = confirm(client, uid, presigned["upload_id"])
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]

    assert send_put(client, backend, presigned, EVIL) in (200, 204)  # the URL is still valid: the store takes it
    assert_original(client, uid, data)
    assert data["object_key"] != presigned["object_key"]  # the version has its own copy
    assert confirm(client, uid, presigned["upload_id"]).get_json()["data"] == data  # nor does confirming again

    # what the URL wrote is an orphan: reconcile removes it and the version stays whole
    result = app.test_cli_runner().invoke(args=["storage", "reconcile", "--fix"])
    assert result.exit_code == 0, result.output
    app.config["RECONCILE_GRACE_SECONDS"] = 0
    result = app.test_cli_runner().invoke(args=["storage", "reconcile", "--fix"])
    assert f"orphan object: users/{presigned['object_key']}" in result.output
    assert not object_exists(app, presigned["object_key"])
    assert_original(client, uid, data)


def test_a_second_post_with_the_policy_after_confirm_does_not_change_the_version(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = presign(client, uid, uid, method="POST", content_type="text/plain").get_json()
    assert send_post(client, backend, presigned, ORIGINAL) in (200, 201, 204)
    response = confirm(client, uid, presigned["upload_id"])
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]

    assert send_post(client, backend, presigned, EVIL) in (200, 201, 204)  # the policy has not expired
    assert_original(client, uid, data)


def test_a_put_between_upload_and_confirm_is_what_confirm_checks(make_app, backend, uid):
    # the bytes confirm hashes are the bytes of the version's own copy, whatever the URL wrote before
    app = make_app(backend)
    client = app.test_client()
    presigned = presign(client, uid, uid, checksum_sha256=sha256(ORIGINAL)).get_json()
    assert send_put(client, backend, presigned, ORIGINAL) in (200, 204)
    assert send_put(client, backend, presigned, EVIL) in (200, 204)
    assert "checksum_sha256" in error(confirm(client, uid, presigned["upload_id"]), 400, "validation_error")["errors"]
    assert (
        client.get(
            "/metadata", query_string={"bucket": "users", "id": uid, "path": "docs/a.txt"}, headers=bearer(uid)
        ).status_code
        == 404
    )


# -- confirm stats before it reads ---------------------------------------------------------------------------------


@pytest.fixture
def watched_s3(seaweed):
    """The S3 server behind a recording proxy: the app's own requests go through it, clients' go direct."""
    proxy = RecordingProxy(seaweed.endpoint).start()
    yield proxy
    proxy.stop()


@pytest.mark.parametrize(
    ("limit", "declared", "status", "code"),
    [(1000, None, 413, "payload_too_large"), (10**6, 100, 400, "validation_error")],
    ids=["over-the-limit", "over-the-declared-size"],
)
def test_confirm_refuses_an_oversized_object_from_its_stat_without_reading_it(
    make_app, seaweed, watched_s3, uid, limit, declared, status, code
):
    app = make_app("minio", MINIO_ENDPOINT=watched_s3.endpoint, MAX_UPLOAD_SIZE=limit)
    client = app.test_client()
    extra = {"size": declared} if declared is not None else {}
    presigned = presign(client, uid, uid, **extra).get_json()
    assert send_put(client, "minio", presigned, b"x" * 5000) == 200  # a presigned S3 PUT takes any size
    watched_s3.clear()

    error(confirm(client, uid, presigned["upload_id"]), status, code)
    # one HEAD told the size: the object was never downloaded (hashed) nor copied, only deleted
    assert watched_s3.calls_on(app.config["BUCKET_USERS"], presigned["object_key"]) == ["HEAD", "DELETE"]
    assert not object_exists(app, presigned["object_key"])


def test_confirm_of_a_good_object_reads_only_the_versions_own_copy(make_app, watched_s3, uid):
    # the control for the test above: the proxy does see the reads a confirm makes
    app = make_app("minio", MINIO_ENDPOINT=watched_s3.endpoint)
    client = app.test_client()
    presigned = presign(client, uid, uid).get_json()
    assert send_put(client, "minio", presigned, ORIGINAL) == 200
    watched_s3.clear()
    data = confirm(client, uid, presigned["upload_id"]).get_json()["data"]
    bucket = app.config["BUCKET_USERS"]
    assert watched_s3.calls_on(bucket, presigned["object_key"]) == ["HEAD", "HEAD", "PUT copy-from", "DELETE"]
    assert "GET" in watched_s3.calls_on(bucket, data["object_key"])  # hashed: the copy, never the upload's key
