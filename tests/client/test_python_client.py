"""The typed Python client (clients/python): the generated calls and the hand-written streamed transfers, against
the service running in its own gunicorn process."""

from __future__ import annotations

import hashlib
import io
import json
import os

import httpx
import pytest
from storage_client.api.files import get_list, get_metadata
from storage_client.models import Error, File, FileList
from storage_client_ext import Address, StorageClient, StorageServiceError, UploadOver

from tests.support.tokens import make_token

BIG = 24 * 1024 * 1024 + 123  # more than 20 chunks of the client and the service


def pattern(size: int) -> bytes:
    """Bytes that are not all alike (a shifted chunk or a lost one changes the checksum)."""
    block = os.urandom(64 * 1024)
    return (block * (size // len(block) + 1))[:size]


@pytest.fixture
def client(server):
    with StorageClient(server.url, make_token("u1")) as storage:
        yield storage


def test_a_large_file_streams_up_and_down_and_the_typed_calls_describe_it(client, tmp_path):
    content = pattern(BIG)
    source, target = tmp_path / "big.bin", tmp_path / "copy.bin"
    source.write_bytes(content)
    address = Address("users", "u1", "data/big.bin")
    uploaded = client.upload(address, source, description="big one")
    assert uploaded.size == BIG and uploaded.checksum_sha256 == hashlib.sha256(content).hexdigest()
    downloaded = client.download(target, address=address)
    assert target.read_bytes() == content
    assert (downloaded.size, downloaded.checksum_sha256, downloaded.file_id) == (
        BIG,
        uploaded.checksum_sha256,
        str(uploaded.file_id),
    )
    described = get_metadata.sync(client=client.api, bucket="users", id="u1", path="data/big.bin")
    assert isinstance(described.file, File)
    assert described.file.size == BIG and described.file.description == "big one"
    assert described.file.current_version_number == 1
    listed = get_list.sync(client=client.api, bucket="users", id="u1", path="data")
    assert isinstance(listed, FileList) and [f.logical_path for f in listed.files] == ["data/big.bin"]


def test_downloads_by_file_id_and_version_into_a_file_object(client):
    address = Address("users", "u1", "notes.txt")
    first = client.upload(address, io.BytesIO(b"first"), content_type="text/plain")
    client.upload(address, io.BytesIO(b"second version"), content_type="text/plain")
    sink = io.BytesIO()
    downloaded = client.download(sink, file_id=str(first.file_id), version=1)
    assert sink.getvalue() == b"first" and downloaded.version_id == str(first.version_id)
    sink = io.BytesIO()
    client.download(sink, file_id=str(first.file_id))
    assert sink.getvalue() == b"second version"


def test_the_presigned_flow_sends_the_bytes_to_the_store_without_the_services_token(client, store_proxy, tmp_path):
    content = pattern(3 * 1024 * 1024 + 7)
    source = tmp_path / "direct.bin"
    source.write_bytes(content)
    address = Address("users", "u1", "direct/one.bin")
    result = client.upload_presigned(address, source, content_type="application/octet-stream")
    assert result.size == len(content) and result.checksum_sha256 == hashlib.sha256(content).hexdigest()
    puts = [(path, headers) for method, path, _, headers in store_proxy.requests if method == "PUT"]
    assert len(puts) == 1
    headers = {k.lower(): v for k, v in puts[0][1].items()}
    assert "authorization" not in headers and "cookie" not in headers
    assert headers["content-length"] == str(len(content))
    sink = io.BytesIO()
    client.download(sink, address=address)
    assert sink.getvalue() == content


def test_refusals_arrive_as_errors_with_the_services_code(client, server):
    with pytest.raises(StorageServiceError) as refused:
        client.upload(Address("users", "u2", "theirs.txt"), io.BytesIO(b"x"))
    assert (refused.value.status, refused.value.code) == (403, "access_denied")
    with pytest.raises(StorageServiceError) as missing:
        client.download(io.BytesIO(), address=Address("users", "u1", "nothing-here.txt"))
    assert (missing.value.status, missing.value.code) == (404, "file_not_found")
    answer = get_metadata.sync_detailed(client=client.api, bucket="users", id="u1", path="nothing-here.txt")
    assert answer.status_code == 404 and Error.from_dict(json.loads(answer.content)).message == "file_not_found"
    assert isinstance(answer.parsed, Error) and answer.parsed.message == "file_not_found"  # the spec names the body
    admin = {"Authorization": f"Bearer {make_token('root', roles=['admin'])}"}
    limited = httpx.put(
        f"{server.url}/usage", params={"bucket": "users", "id": "u1"}, json={"max_bytes": 10}, headers=admin
    )
    assert limited.status_code == 200, limited.text
    with pytest.raises(StorageServiceError) as full:
        client.upload(Address("users", "u1", "eleven.txt"), io.BytesIO(b"x" * 11))
    assert (full.value.status, full.value.code) == (507, "quota_exceeded")
    with pytest.raises(StorageServiceError) as full:
        client.upload_presigned(Address("users", "u1", "eleven.txt"), io.BytesIO(b"x" * 11))
    assert (full.value.status, full.value.code) == (507, "quota_exceeded")


def test_a_download_whose_bytes_differ_from_the_versions_checksum_is_refused(client, seaweed):
    from minio import Minio

    address = Address("users", "u1", "tampered.txt")
    uploaded = client.upload(address, io.BytesIO(b"the real bytes"))
    store = Minio(seaweed.endpoint, seaweed.access_key, seaweed.secret_key, secure=False, region=seaweed.region)
    store.put_object("users", uploaded.object_key, io.BytesIO(b"the fake bytes"), 14)  # same size, other bytes
    with pytest.raises(ValueError, match="hash to"):
        client.download(io.BytesIO(), address=address)


PART = 5 * 1024 * 1024  # MULTIPART_PART_SIZE of the server fixture


def part_puts(store_proxy) -> list[int]:
    """The part numbers PUT to the store through the recording proxy, in the order they arrived."""
    numbers = []
    for method, _, query, headers in store_proxy.requests:
        fields = dict(pair.split("=", 1) for pair in query.split("&") if "=" in pair)
        if method == "PUT" and "partNumber" in fields:
            assert "authorization" not in {k.lower() for k in headers}  # never the service's token
            numbers.append(int(fields["partNumber"]))
    return numbers


def test_a_resumable_upload_sends_its_parts_in_parallel(client, store_proxy, tmp_path):
    content = pattern(3 * PART + 12345)
    source = tmp_path / "parts.bin"
    source.write_bytes(content)
    address = Address("users", "u1", "big/parts.bin")
    result = client.upload_multipart(address, source, content_type="application/octet-stream", workers=4)
    assert result.size == len(content) and result.checksum_sha256 == hashlib.sha256(content).hexdigest()
    assert sorted(part_puts(store_proxy)) == [1, 2, 3, 4]
    sink = io.BytesIO()
    client.download(sink, address=address)
    assert hashlib.sha256(sink.getvalue()).hexdigest() == result.checksum_sha256


def test_an_interrupted_resumable_upload_resumes_with_the_missing_parts_only(client, server, store_proxy, tmp_path):
    content = pattern(3 * PART + 777)
    source = tmp_path / "resume.bin"
    source.write_bytes(content)
    address = Address("users", "u1", "big/resume.bin")
    http = client.api.get_httpx_client()
    # A client that crashed: it started the session and stored parts 3 and 1 (out of order), then died.
    body = {**address.fields(), "size": len(content), "checksum_sha256": hashlib.sha256(content).hexdigest()}
    session = http.post("/upload/multipart", json=body).json()["data"]
    urls = http.post(f"/upload/multipart/{session['upload_id']}/parts", json={"part_numbers": [3, 1]}).json()["parts"]
    for part in urls:
        start = (part["part_number"] - 1) * PART
        assert httpx.put(part["url"], content=content[start : start + PART], headers=part["headers"]).status_code == 200
    store_proxy.clear()
    result = client.upload_multipart(address, source, upload_id=str(session["upload_id"]))
    assert sorted(part_puts(store_proxy)) == [2, 4]
    assert result.checksum_sha256 == hashlib.sha256(content).hexdigest() and result.size == len(content)
    sink = io.BytesIO()
    client.download(sink, address=address)
    assert sink.getvalue() == content


def test_a_resumable_upload_that_is_over_is_not_resumed_again(client, tmp_path):
    source = tmp_path / "gone.bin"
    source.write_bytes(pattern(PART + 1))
    address = Address("users", "u1", "big/gone.bin")
    http = client.api.get_httpx_client()
    body = {**address.fields(), "size": PART + 1}
    upload_id = http.post("/upload/multipart", json=body).json()["data"]["upload_id"]
    assert http.delete(f"/upload/multipart/{upload_id}").status_code == 200  # aborted meanwhile
    with pytest.raises(UploadOver) as over:
        client.upload_multipart(address, source, upload_id=upload_id)
    assert (over.value.upload_id, over.value.status) == (upload_id, "failed")


def test_resuming_an_upload_whose_completion_answer_was_lost_names_its_version(client, tmp_path):
    content = pattern(PART + 1)
    source = tmp_path / "done.bin"
    source.write_bytes(content)
    address = Address("users", "u1", "big/done.bin")
    body = {**address.fields(), "size": len(content), "checksum_sha256": hashlib.sha256(content).hexdigest()}
    upload_id = str(client.api.get_httpx_client().post("/upload/multipart", json=body).json()["data"]["upload_id"])
    done = client.upload_multipart(address, source, upload_id=upload_id)  # its answer lost: the client tries again
    with pytest.raises(UploadOver) as over:
        client.upload_multipart(address, source, upload_id=upload_id)
    assert over.value.status == "confirmed" and over.value.version_id == str(done.version_id)
