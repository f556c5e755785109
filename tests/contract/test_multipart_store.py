"""The ObjectStore contract for resumable multipart uploads, on every adapter: parts sent through presigned part URLs
in any order, listed, joined; abort and incomplete-upload listing; tampered and expired part URLs refused."""

from __future__ import annotations

import contextlib
import random

import pytest
import requests

from app.storage.base import IntegrityMismatch, ObjectNotFound, StoredPart, UploadNotFound

MIB = 1024 * 1024
FIRST = random.Random(1).randbytes(5 * MIB)  # S3: every part but the last at least 5 MiB
LAST = b"the last part may be small"


def send(store, bucket, key, upload_id, number, data, expires=60):
    part = store.presign_part(bucket, key, upload_id, number, expires, max_size=len(data))
    return requests.put(part.url, data=data, headers=part.headers, timeout=30)


def read(store, bucket, key) -> bytes:
    stream = store.open(bucket, key)
    try:
        return b"".join(stream)
    finally:
        stream.close()


def test_parts_sent_out_of_order_are_listed_and_joined(store, bucket):
    key = "big/joined.bin"
    upload_id = store.start_multipart(bucket, key, content_type="application/x-test")
    assert [(u.key, u.upload_id) for u in store.incomplete_uploads(bucket, "big/")] == [(key, upload_id)]
    assert store.list_parts(bucket, key, upload_id) == []
    for number, data in ((2, LAST), (1, FIRST)):
        response = send(store, bucket, key, upload_id, number, data)
        assert response.status_code == 200 and response.headers["ETag"], response.text
    parts = store.list_parts(bucket, key, upload_id)
    assert [(p.number, p.size) for p in parts] == [(1, len(FIRST)), (2, len(LAST))]
    with pytest.raises(ObjectNotFound):
        store.stat(bucket, key)  # nothing is visible before completion

    store.complete_multipart(bucket, key, upload_id, parts)
    assert read(store, bucket, key) == FIRST + LAST
    assert store.stat(bucket, key).content_type == "application/x-test"
    assert store.incomplete_uploads(bucket, "big/") == []
    with pytest.raises(UploadNotFound):
        store.list_parts(bucket, key, upload_id)
    with contextlib.suppress(UploadNotFound):  # S3 answers a repeated completion as the first (a retry)
        store.complete_multipart(bucket, key, upload_id, parts)
    assert send(store, bucket, key, upload_id, 1, b"late").status_code == 404  # the upload is over
    assert read(store, bucket, key) == FIRST + LAST


def test_a_part_changed_since_it_was_listed_is_not_joined(store, bucket):
    key = "big/changed.bin"
    upload_id = store.start_multipart(bucket, key)
    assert send(store, bucket, key, upload_id, 1, LAST).status_code == 200
    (listed,) = store.list_parts(bucket, key, upload_id)
    stale = StoredPart(1, listed.size, "0" * 32)
    with pytest.raises(IntegrityMismatch):
        store.complete_multipart(bucket, key, upload_id, [stale])
    with pytest.raises(ObjectNotFound):
        store.stat(bucket, key)


def test_abort_removes_the_parts_and_is_idempotent(store, bucket):
    key = "big/aborted.bin"
    upload_id = store.start_multipart(bucket, key)
    assert send(store, bucket, key, upload_id, 1, LAST).status_code == 200
    store.abort_upload(bucket, key, upload_id)
    assert store.incomplete_uploads(bucket, "big/") == []
    with pytest.raises(UploadNotFound):
        store.list_parts(bucket, key, upload_id)
    store.abort_upload(bucket, key, upload_id)  # gone already: fine
    assert send(store, bucket, key, upload_id, 1, LAST).status_code == 404
    with pytest.raises(ObjectNotFound):
        store.stat(bucket, key)


def test_part_urls_refuse_tampering_and_expiry(store, bucket, expire):
    key = "big/signed.bin"
    upload_id = store.start_multipart(bucket, key)
    url = store.presign_part(bucket, key, upload_id, 1, 60, max_size=len(LAST)).url
    for forged in (url.replace("partNumber=1", "partNumber=2"), url.replace("/signed.bin?", "/other.bin?")):
        assert requests.put(forged, data=LAST, timeout=10).status_code == 403
    short = store.presign_part(bucket, key, upload_id, 1, 1, max_size=len(LAST)).url
    expire()
    assert requests.put(short, data=LAST, timeout=10).status_code == 403
    assert store.list_parts(bucket, key, upload_id) == []
    store.abort_upload(bucket, key, upload_id)


def test_an_unknown_upload_id_is_upload_not_found(store, bucket):
    with pytest.raises(UploadNotFound):
        store.list_parts(bucket, "big/none.bin", "0123456789abcdef0123456789abcdef")
