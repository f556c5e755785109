"""Proxy downloads of small files served from the worker's copy (app/storage/cache.py): what is kept, for how
long, and that what is served is the version's bytes. The object is removed from the store after a download, so
only a copy can still answer."""

from __future__ import annotations

import io

import pytest

from tests.support.files_api import audit_rows, error, remove_object, upload

pytestmark = pytest.mark.integration

CONTENT = b"0123456789abcdefghij"  # 20 bytes


def proxy(client, headers, file_id, **extra_headers):
    """The answer, read whole and closed (a download holds one of the user's transfer slots until then)."""
    response = client.get("/download/proxy", query_string={"file_id": file_id}, headers={**headers, **extra_headers})
    response.get_data()
    response.close()
    return response


@pytest.fixture(params=["minio", "local"])
def backend(request):
    return request.param


def test_a_small_file_downloaded_once_is_served_from_memory_and_still_audited(make_app, backend, auth):
    app = make_app(backend)
    client = app.test_client()
    data = upload(client, auth("u1"), content=CONTENT)
    assert proxy(client, auth("u1"), data["file_id"]).data == CONTENT
    remove_object(app, data["object_key"], "users")

    response = proxy(client, auth("u1"), data["file_id"])
    assert response.status_code == 200 and response.data == CONTENT
    assert response.headers["Content-Length"] == str(len(CONTENT))
    ranged = proxy(client, auth("u1"), data["file_id"], Range="bytes=5-9")
    assert ranged.status_code == 206 and ranged.data == CONTENT[5:10]
    assert ranged.headers["Content-Range"] == f"bytes 5-9/{len(CONTENT)}"
    assert len(audit_rows(app, "download", data["file_id"])) == 3  # every download is recorded, copy or not


def test_with_the_cache_off_every_download_reads_the_store(make_app, backend, auth):
    app = make_app(backend, DOWNLOAD_CACHE_BYTES=0)
    client = app.test_client()
    data = upload(client, auth("u1"), content=CONTENT)
    assert proxy(client, auth("u1"), data["file_id"]).data == CONTENT
    remove_object(app, data["object_key"], "users")
    error(proxy(client, auth("u1"), data["file_id"]), 404, "object_missing")


def test_a_file_above_the_object_bound_is_not_kept(make_app, auth):
    app = make_app("minio", DOWNLOAD_CACHE_OBJECT_BYTES=len(CONTENT) - 1)
    client = app.test_client()
    data = upload(client, auth("u1"), content=CONTENT)
    assert proxy(client, auth("u1"), data["file_id"]).data == CONTENT
    remove_object(app, data["object_key"], "users")
    error(proxy(client, auth("u1"), data["file_id"]), 404, "object_missing")


def test_the_least_recently_used_copy_leaves_when_the_total_is_reached(make_app, auth):
    app = make_app("minio", DOWNLOAD_CACHE_BYTES=3 * len(CONTENT))
    client = app.test_client()
    files = [upload(client, auth("u1"), path=f"docs/{k}.txt", content=CONTENT) for k in range(4)]
    for data in files[:3]:
        proxy(client, auth("u1"), data["file_id"])
    proxy(client, auth("u1"), files[0]["file_id"])  # used again: files[1] is now the least recent
    proxy(client, auth("u1"), files[3]["file_id"])
    assert app.extensions["small_objects"].size == 3 * len(CONTENT)
    for data in files:
        remove_object(app, data["object_key"], "users")
    kept = [proxy(client, auth("u1"), data["file_id"]).status_code for data in files]
    assert kept == [200, 404, 200, 200]


def test_a_stored_object_that_differs_from_its_version_is_served_but_not_kept(make_app, auth):
    app = make_app("minio")
    client = app.test_client()
    data = upload(client, auth("u1"), content=CONTENT)
    store = app.extensions["object_store"]
    store.put_stream(app.config["BUCKET_USERS"], data["object_key"], io.BytesIO(b"short"))  # behind the service
    assert proxy(client, auth("u1"), data["file_id"]).data == b"short"
    assert app.extensions["small_objects"].size == 0


def test_a_deleted_file_is_not_served_from_a_copy(make_app, auth):
    app = make_app("minio")
    client = app.test_client()
    data = upload(client, auth("u1"), content=CONTENT)
    assert proxy(client, auth("u1"), data["file_id"]).data == CONTENT
    deleted = client.delete("/delete", json={"file_id": data["file_id"], "physical": True}, headers=auth("u1"))
    assert deleted.status_code == 200, deleted.get_json()
    error(proxy(client, auth("u1"), data["file_id"]), 404, "file_not_found")


def test_a_share_link_serves_the_same_copy(make_app, auth):
    app = make_app("minio")
    client = app.test_client()
    data = upload(client, auth("u1"), content=CONTENT)
    link = client.post("/share", json={"file_id": data["file_id"]}, headers=auth("u1")).get_json()["data"]
    assert client.get(f"/s/{link['token']}").data == CONTENT  # the link's first download keeps a copy
    remove_object(app, data["object_key"], "users")
    assert proxy(client, auth("u1"), data["file_id"]).data == CONTENT
    shared = client.get(f"/s/{link['token']}")
    assert shared.status_code == 200 and shared.data == CONTENT
