"""GET /download/zip (docs/uploads.md): a folder as one streamed zip archive; every entry's bytes, nested names,
only the folder's live files of the caller's space, caps before streaming, the transfer cap, and the archive produced
while it is sent (not built in memory first). Both stores."""

from __future__ import annotations

import hashlib
import io
import random
import uuid
import zipfile
from datetime import UTC, datetime, timedelta

import pytest

from app.storage.base import ObjectNotFound
from tests.support.files_api import EVERYTHING, error, remove_object, upload, use_rules

MIB = 1024 * 1024
TEAM = {("p1", "u1"): ("member", EVERYTHING), ("p1", "u2"): ("member", {"write"})}  # u2 may not read p1


@pytest.fixture
def zip_app(make_app, backend):
    return make_app(backend)


def fetch(client, headers, **address):
    response = client.get("/download/zip", query_string=address, headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.headers["Content-Type"] == "application/zip"
    assert int(response.headers["Content-Length"]) == len(response.data)
    return zipfile.ZipFile(io.BytesIO(response.data))


def contents(archive: zipfile.ZipFile) -> dict[str, bytes]:
    assert archive.testzip() is None  # every entry's CRC matches its bytes
    return {info.filename: archive.read(info) for info in archive.infolist()}


def test_every_file_under_the_folder_with_nested_names_and_nothing_else(zip_app, auth):
    client, u1 = zip_app.test_client(), auth("u1")
    files = {
        "docs/a.txt": b"alpha",
        "docs/sub/b.bin": bytes(range(256)) * 100,
        "docs/sub/deeper/c.pdf": b"%PDF-1.4 c",
        "docs/empty.txt": b"",
        "docs/n\u00e9e \u6587.txt": b"unicode name",
    }
    for path, content in files.items():
        upload(client, u1, path=path, content=content)
    upload(client, u1, path="docs/a.txt", content=b"alpha, version 2")  # the current version is archived
    upload(client, u1, path="docs2/sibling.txt", content=b"a sibling folder, not a sub-folder")
    upload(client, u1, path="other/x.txt", content=b"elsewhere")
    deleted = upload(client, u1, path="docs/deleted.txt", content=b"gone")
    assert client.delete("/delete", json={"file_id": deleted["file_id"]}, headers=u1).status_code == 200
    expired = upload(client, u1, path="docs/expired.txt", content=b"past its expiry")
    with zip_app.app_context():
        from app.extensions import db
        from app.models import File

        db.session.get(File, uuid.UUID(expired["file_id"])).expires_at = datetime.now(UTC) - timedelta(seconds=1)
        db.session.commit()
    u2 = auth("u2")
    upload(client, u2, bucket_id="u2", path="docs/theirs.txt", content=b"another user's file at the same path")

    expected = {path.removeprefix("docs/"): content for path, content in files.items()}
    expected["a.txt"] = b"alpha, version 2"
    response = client.get("/download/zip", query_string={"bucket": "users", "id": "u1", "path": "docs"}, headers=u1)
    assert response.headers["Content-Disposition"] == 'attachment; filename="docs.zip"'
    assert contents(fetch(client, u1, bucket="users", id="u1", path="docs")) == expected
    # the folder spellings of GET /list, and sub-folders
    assert contents(fetch(client, u1, bucket_type="users", bucket_id="u1", logical_path="/docs/")) == expected
    assert contents(fetch(client, u1, bucket="users", path="/users/u1/docs/sub")) == {
        "b.bin": files["docs/sub/b.bin"],
        "deeper/c.pdf": files["docs/sub/deeper/c.pdf"],
    }
    # the bucket id's root: everything live of u1, by full path
    whole = contents(fetch(client, u1, bucket="users", id="u1"))
    assert set(whole) == {*(f"docs/{n}" for n in expected), "docs2/sibling.txt", "other/x.txt"}
    assert contents(fetch(client, u1, bucket="users", id="u1", path="nothing/here")) == {}


def test_only_a_space_the_caller_may_read(zip_app, auth, fake_projects):
    client = zip_app.test_client()
    use_rules(fake_projects, TEAM)
    upload(client, auth("u1"), bucket="projects", bucket_id="p1", path="plans/a.txt", content=b"project file")
    upload(client, auth("u2"), bucket="projects", bucket_id="p1", path="plans/b.txt", content=b"written, unread")
    assert contents(fetch(client, auth("u1"), bucket="projects", id="p1", path="plans")) == {
        "a.txt": b"project file",
        "b.txt": b"written, unread",
    }
    error(client.get("/download/zip?bucket=projects&id=p1&path=plans", headers=auth("u2")), 403, "access_denied")
    upload(client, auth("u1"), path="mine/a.txt", content=b"private")
    error(client.get("/download/zip?bucket=users&id=u1&path=mine", headers=auth("u2")), 403, "access_denied")
    error(client.get("/download/zip?bucket=users&id=u1&path=mine"), 401, "missing_jwt_token")
    error(client.get("/download/zip?bucket=users&id=u1&path=../x", headers=auth("u1")), 400, "invalid_path")
    error(client.get("/download/zip?bucket=nope&id=u1&path=x", headers=auth("u1")), 400, "bucket_not_found")
    error(client.get("/download/zip?id=u1&path=x", headers=auth("u1")), 400, "missing_fields")


def test_count_and_size_caps_refuse_before_streaming(make_app, auth, backend):
    app = make_app(backend, ZIP_MAX_FILES=3, ZIP_MAX_BYTES=100)
    client, u1 = app.test_client(), auth("u1")
    for name in ("a", "b", "c"):
        upload(client, u1, path=f"caps/{name}.txt", content=b"x" * 30)
    assert len(contents(fetch(client, u1, bucket="users", id="u1", path="caps"))) == 3  # at the caps: fine
    upload(client, u1, path="caps/sub/d.txt", content=b"y")
    body = error(client.get("/download/zip?bucket=users&id=u1&path=caps", headers=u1), 413, "payload_too_large")
    assert "ZIP_MAX_FILES" in body["detail"]
    upload(client, u1, path="caps/sub/d.txt", content=b"y" * 11)  # a new version: still 4 files
    assert len(contents(fetch(client, u1, bucket="users", id="u1", path="caps/sub"))) == 1
    upload(client, u1, path="big/a.txt", content=b"z" * 101)
    body = error(client.get("/download/zip?bucket=users&id=u1&path=big", headers=u1), 413, "payload_too_large")
    assert "ZIP_MAX_BYTES" in body["detail"]


def test_the_per_user_transfer_cap_applies(make_app, auth):
    app = make_app("minio", MAX_CONCURRENT_TRANSFERS_PER_USER=1)
    client, u1 = app.test_client(), auth("u1")
    upload(client, u1, path="cap/a.txt", content=b"a" * 100)
    held = client.get("/download/zip?bucket=users&id=u1&path=cap", headers=u1, buffered=False)
    assert held.status_code == 200
    response = client.get("/download/zip?bucket=users&id=u1&path=cap", headers=u1)
    error(response, 429, "rate_limited")
    assert response.headers["Retry-After"]
    held.close()  # the first transfer ends: its slot is free again
    assert len(contents(fetch(client, u1, bucket="users", id="u1", path="cap"))) == 1


def test_the_archive_is_produced_while_it_is_sent(zip_app, auth):
    """First bytes arrive before the last file is read: the last file's object, removed behind the service's back
    once the answer has started, ends the stream early (shorter than its Content-Length) instead of being in it."""
    client, u1 = zip_app.test_client(), auth("u1")
    parts = {f"large/{i:02d}.bin": random.Random(i).randbytes(4 * MIB) for i in range(8)}
    for path, content in parts.items():
        upload(client, u1, path=path, content=content)
    last = upload(client, u1, path="large/zz-last.bin", content=b"read only at the very end")

    response = client.get("/download/zip?bucket=users&id=u1&path=large", headers=u1, buffered=False)
    assert response.status_code == 200
    length = int(response.headers["Content-Length"])
    chunks = iter(response.response)
    received = len(next(chunks))
    assert 0 < received < length
    remove_object(zip_app, last["object_key"])
    with pytest.raises(ObjectNotFound):  # the vanished object ends the stream
        for chunk in chunks:
            received += len(chunk)
    response.close()
    assert sum(len(c) for c in parts.values()) <= received < length


def test_an_archive_of_a_folder_round_trips_large_files(zip_app, auth):
    client, u1 = zip_app.test_client(), auth("u1")
    sums = {}
    for i in range(3):
        content = random.Random(f"rt{i}").randbytes(3 * MIB + i)
        upload(client, u1, path=f"rt/f{i}.bin", content=content)
        sums[f"f{i}.bin"] = hashlib.sha256(content).hexdigest()
    archive = fetch(client, u1, bucket="users", id="u1", path="rt")
    assert {name: hashlib.sha256(data).hexdigest() for name, data in contents(archive).items()} == sums


def test_streaming_a_folder_holds_a_few_chunks_not_the_archive(make_app, auth):
    """48 MiB of files stream through with Python allocations peaking at a few MiB (the store's 1 MiB chunks)."""
    import tracemalloc

    app = make_app("local")
    client, u1 = app.test_client(), auth("u1")
    for i in range(6):
        upload(client, u1, path=f"mem/{i}.bin", content=random.Random(i).randbytes(8 * MIB))
    response = client.get("/download/zip?bucket=users&id=u1&path=mem", headers=u1, buffered=False)
    assert response.status_code == 200
    tracemalloc.start()
    try:
        received = sum(len(chunk) for chunk in response.response)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
        response.close()
    assert received == int(response.headers["Content-Length"]) > 48 * MIB
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB while streaming {received / MIB:.0f} MiB"
