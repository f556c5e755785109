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
from storage_client_ext import Address, StorageClient, StorageServiceError

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
