"""POST /move over HTTP: rename and move keep the file's id, versions and audit trail; the database decides races.

Hostile cases first: onto itself, into a space the caller may not write, across spaces without delete on the source,
onto a taken address, a file locked by someone else, a version pending validation, concurrent moves to one target.
"""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image

from tests.support.files_api import (
    EVERYTHING,
    MEMBER,
    add_lock,
    audit_rows,
    download,
    error,
    metadata,
    object_exists,
    proxy_upload,
    remove_object,
    upload,
)
from tests.support.postgres import open_transactions
from tests.support.races import ENGINE_OPTIONS, ServedApp, fire_together
from tests.support.recording_proxy import RecordingProxy
from tests.support.tokens import bearer

TEAM = {
    ("p1", "o1"): ("owner", EVERYTHING),
    ("p1", "u2"): ("member", MEMBER),  # read, write, lock: no delete
    ("p1", "u1"): ("member", EVERYTHING),
}
A = {"bucket": "users", "id": "u1", "path": "docs/a.txt"}


def objects_in(app, bucket_type: str) -> set[str]:
    from app.services.common import physical_bucket, store

    with app.app_context():
        return {info.key for info in store().list(physical_bucket(bucket_type))}


def move(client, headers, body, expect=200):
    response = client.post("/move", json=body, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def target(bucket="users", bucket_id="u1", path="docs/b.txt"):
    return {"target_bucket": bucket, "target_id": bucket_id, "target_path": path}


def source(address=A):
    return {"source_bucket": address["bucket"], "source_id": address["id"], "source_path": address["path"]}


# --- hostile ---------------------------------------------------------------------------------------------------


def test_a_move_onto_itself_is_refused_and_changes_nothing(app, client, auth):
    data = upload(client, auth("u1"), content=b"one")
    for overwrite in (False, True):
        body = {**source(), **target(path=A["path"]), "overwrite": overwrite}
        refused = error(client.post("/move", json=body, headers=auth("u1")), 400, "validation_error")
        assert "target_path" in refused["errors"]
    assert metadata(client, auth("u1"), **A)["file"]["id"] == data["file_id"]
    assert download(client, auth("u1"), **A) == b"one"
    assert audit_rows(app, "move") == [] and audit_rows(app, "delete") == []


def test_into_a_space_the_caller_may_not_write(app, client, auth, team):
    data = upload(client, auth("u1"))
    error(client.post("/move", json={**source(), **target(bucket_id="u2")}, headers=auth("u1")), 403, "access_denied")
    spec = proxy_upload(client, auth("o1"), {"bucket": "projects", "id": "p1", "path": "spec.txt"}, b"spec")["data"]
    # a member without delete may rename inside the project, not take the file out of it
    body = {"source_file_id": spec["file_id"], **target("users", "u2", "spec.txt")}
    error(client.post("/move", json=body, headers=auth("u2")), 403, "access_denied")
    renamed = move(client, auth("u2"), {"file_id": spec["file_id"], **target("projects", "p1", "renamed.txt")})
    assert renamed["data"]["file_id"] == spec["file_id"]
    # by id, a file the caller may not read is 404, as everywhere
    error(
        client.post("/move", json={"file_id": data["file_id"], **target("users", "u2")}, headers=auth("u2")),
        404,
        "file_not_found",
    )
    assert metadata(client, auth("u1"), **A)["file"]["id"] == data["file_id"]


def test_a_taken_target_is_409_unless_overwrite_which_archives_it(app, client, auth):
    moving = upload(client, auth("u1"), content=b"moving")
    taken = upload(client, auth("u1"), path="docs/b.txt", content=b"in the way")
    error(client.post("/move", json={**source(), **target()}, headers=auth("u1")), 409, "file_exists")

    data = move(client, auth("u1"), {**source(), **target(), "overwrite": True})["data"]
    assert data["overwritten_file_id"] == taken["file_id"]
    assert download(client, auth("u1"), bucket="users", id="u1", path="docs/b.txt") == b"moving"
    listed = client.get(
        "/list", query_string={"bucket": "users", "id": "u1", "include_deleted": True}, headers=auth("u1")
    ).get_json()["files"]
    assert {(f["id"], f["is_deleted"]) for f in listed} == {(moving["file_id"], False), (taken["file_id"], True)}
    assert [r["details"]["via"] for r in audit_rows(app, "delete")] == ["move"]


def test_locked_by_someone_else_is_409_for_the_source_and_for_a_target_to_overwrite(app, client, auth):
    moving = upload(client, auth("u1"))
    taken = upload(client, auth("u1"), path="docs/b.txt")
    add_lock(app, taken["file_id"], locked_by="u9")
    body = {**source(), **target(), "overwrite": True}
    assert error(client.post("/move", json=body, headers=auth("u1")), 409, "file_locked")["lock"]["locked_by"] == "u9"
    add_lock(app, moving["file_id"], locked_by="u8")
    body = {**source(), **target(path="docs/c.txt")}
    assert error(client.post("/move", json=body, headers=auth("u1")), 409, "file_locked")["lock"]["locked_by"] == "u8"
    assert metadata(client, auth("u1"), **A)["file"]["id"] == moving["file_id"]


def test_the_callers_own_lock_moves_with_the_file(app, client, auth):
    data = upload(client, auth("u1"))
    lock_id = add_lock(app, data["file_id"], locked_by="u1")
    move(client, auth("u1"), {**source(), **target()})
    lock = metadata(client, auth("u1"), bucket="users", id="u1", path="docs/b.txt")["file"]["lock"]
    assert lock["id"] == str(lock_id)


def test_a_version_pending_validation_is_409_invalid_state(app, client, auth):
    upload(client, auth("u1"), content=b"base")
    work = upload(client, auth("u1"), path="work/a.txt", content=b"edited")
    commit = client.post(
        "/versions/commit",
        json={"source_file_id": work["file_id"], **{k.replace("source", "target"): v for k, v in source().items()}},
        headers=auth("u1"),
    )
    assert commit.status_code == 201, commit.get_json()
    error(client.post("/move", json={**source(), **target()}, headers=auth("u1")), 409, "invalid_state")


def test_concurrent_moves_to_one_target_have_exactly_one_winner(make_app):
    app = make_app("minio", SQLALCHEMY_ENGINE_OPTIONS=ENGINE_OPTIONS)
    client = app.test_client()
    ids = [upload(client, bearer("u1"), path=f"race/{k}.txt", content=b"%d" % k)["file_id"] for k in range(12)]
    with ServedApp(app) as served:
        outcomes = fire_together(
            [
                lambda file_id=file_id: requests.post(
                    f"{served.url}/move",
                    json={"file_id": file_id, **target(path="race/winner.txt")},
                    headers=bearer("u1"),
                    timeout=60,
                )
                for file_id in ids
            ]
        )
    winners = [o for o in outcomes if o.status == 200]
    assert len(winners) == 1, [(o.status, o.code) for o in outcomes]
    assert {(o.status, o.code) for o in outcomes if o.status != 200} == {(409, "file_exists")}
    there = metadata(client, bearer("u1"), bucket="users", id="u1", path="race/winner.txt")["file"]
    assert there["id"] == winners[0].body["data"]["file_id"]
    assert len(audit_rows(app, "move")) == 1


# --- what a move keeps -----------------------------------------------------------------------------------------


def test_a_rename_keeps_the_id_the_versions_and_the_audit_trail(app, client, auth):
    first = upload(client, auth("u1"), content=b"v1")
    second = upload(client, auth("u1"), content=b"v2")
    body = move(client, auth("u1"), {**source(), **target(path="archive/2026/renamed.txt")})
    data = body["data"]
    assert body["status"] == "success" and body["success"] is True
    assert data["file_id"] == first["file_id"] == second["file_id"]
    assert (data["logical_path"], data["filename"]) == ("archive/2026/renamed.txt", "renamed.txt")
    assert data["previous"] == {"bucket_type": "users", "bucket_id": "u1", "logical_path": "docs/a.txt"}

    error(client.get("/metadata", query_string=A, headers=auth("u1")), 404, "file_not_found")
    new = {"bucket": "users", "id": "u1", "path": "archive/2026/renamed.txt"}
    moved = metadata(client, auth("u1"), include_versions=True, include_audit=True, **new)
    assert moved["file"]["id"] == first["file_id"] and moved["file"]["filename"] == "renamed.txt"
    assert [v["id"] for v in moved["versions"]] == [second["version_id"], first["version_id"]]
    actions = [row["action"] for row in moved["audit_logs"]]
    assert actions[0] == "move" and actions.count("upload") == 2  # the trail from before the move is kept
    assert download(client, auth("u1"), **new) == b"v2"
    assert download(client, auth("u1"), version=1, **new) == b"v1"
    [row] = audit_rows(app, "move")
    assert (row["logical_path"], row["details"]["from_path"]) == ("archive/2026/renamed.txt", "docs/a.txt")


def test_across_buckets_the_objects_move_to_the_targets_bucket(make_app, auth, team, backend):
    app = make_app(backend)
    client = app.test_client()
    first = upload(client, auth("u1"), content=b"v1")
    second = upload(client, auth("u1"), content=b"v2")
    readme_form = {
        "source_bucket": "users",
        "source_path": "/users/u1/docs/a.txt",
        "target_bucket": "projects",
        "target_path": "/projects/p1/shared/a.txt",
    }
    data = move(client, auth("u1"), readme_form)["data"]
    assert (data["file_id"], data["bucket_type"], data["bucket_id"]) == (first["file_id"], "projects", "p1")
    address = {"bucket": "projects", "id": "p1", "path": "shared/a.txt"}
    moved = metadata(client, auth("o1"), include_versions=True, **address)
    assert [v["id"] for v in moved["versions"]] == [second["version_id"], first["version_id"]]
    for version, original in zip(moved["versions"], (second, first), strict=True):
        assert object_exists(app, version["object_key"], "projects")
        assert not object_exists(app, original["object_key"], "users")  # the old objects are removed
    assert download(client, auth("o1"), **address) == b"v2"
    assert download(client, auth("o1"), version=1, **address) == b"v1"


def test_a_move_to_another_bucket_address_moves_its_usage_and_respects_the_targets_quota(make_app):
    app = make_app("minio", QUOTA_DEFAULT_BYTES=100)
    client = app.test_client()

    def used(bucket_id):
        shown = client.get("/usage", query_string={"bucket": "users", "id": bucket_id}, headers=bearer(bucket_id))
        return shown.get_json()["bytes_used"], shown.get_json()["files_used"]

    upload(client, bearer("u1"), content=b"x" * 30)
    upload(client, bearer("u1"), content=b"y" * 40)  # 70 bytes in two versions
    company = {"target_bucket": "companies", "target_id": "c1", "target_path": "a.txt"}
    upload(
        client, bearer("u1", company_id="c1"), bucket="companies", bucket_id="c1", path="full.bin", content=b"z" * 50
    )
    refused = client.post("/move", json={**source(), **company}, headers=bearer("u1", company_id="c1"))
    error(refused, 507, "quota_exceeded")
    assert used("u1") == (70, 1)
    assert metadata(client, bearer("u1"), **A)["file"]["bucket_type"] == "users"

    client.delete(
        "/delete",
        query_string={"bucket": "companies", "id": "c1", "path": "full.bin", "physical": True},
        headers=bearer("u1", company_id="c1"),
    )
    move(client, bearer("u1", company_id="c1"), {**source(), **company})
    assert used("u1") == (0, 0)
    shown = client.get(
        "/usage", query_string={"bucket": "companies", "id": "c1"}, headers=bearer("u1", company_id="c1")
    )
    assert (shown.get_json()["bytes_used"], shown.get_json()["files_used"]) == (70, 1)


def test_a_missing_object_stops_a_move_across_buckets_and_leaves_nothing_behind(make_app, auth, team, backend):
    app = make_app(backend)
    client = app.test_client()
    first = upload(client, auth("u1"), content=b"v1")
    upload(client, auth("u1"), content=b"v2")
    remove_object(app, first["object_key"])
    before = objects_in(app, "projects")
    body = {**source(), **target("projects", "p1", "shared/a.txt")}
    error(client.post("/move", json=body, headers=auth("u1")), 404, "object_missing")
    moved = metadata(client, auth("u1"), include_versions=True, **A)
    assert moved["file"]["id"] == first["file_id"]  # still where it was
    assert [v["status"] for v in moved["versions"]] == ["draft", "corrupted"]
    assert objects_in(app, "projects") == before  # the newest version's copy, made first, was removed
    assert audit_rows(app, "move") == []


@pytest.fixture
def watched_s3(seaweed):
    """The S3 server behind a recording proxy: a test sees (and can act on) each request the service makes."""
    proxy = RecordingProxy(seaweed.endpoint).start()
    yield proxy
    proxy.stop()


def test_a_version_arriving_while_objects_are_copied_stops_the_move(make_app, watched_s3, database_url, team):
    app = make_app("minio", MINIO_ENDPOINT=watched_s3.endpoint)
    client, other = app.test_client(), app.test_client()
    data = upload(client, bearer("u1"), content=b"v1")
    projects = app.config["BUCKET_PROJECTS"]
    before = objects_in(app, "projects")
    seen = []

    def meanwhile(method: str, path: str) -> None:
        if method == "PUT" and path.startswith(f"/{projects}/p1/") and not seen:  # the move copies an object
            seen.append(open_transactions(database_url))
            upload(other, bearer("u1"), content=b"v2, uploaded during the move")

    watched_s3.on_request = meanwhile
    try:
        refused = client.post("/move", json={**source(), **target("projects", "p1", "a.txt")}, headers=bearer("u1"))
    finally:
        watched_s3.on_request = None
    error(refused, 409, "version_conflict")
    assert seen == [0]  # no transaction was open while the object was copied
    moved = metadata(client, bearer("u1"), include_versions=True, **A)
    assert moved["file"]["id"] == data["file_id"] and len(moved["versions"]) == 2
    assert objects_in(app, "projects") == before  # the copy was removed
    assert download(client, bearer("u1"), **A) == b"v2, uploaded during the move"


def test_share_links_and_thumbnails_follow_a_file_to_another_bucket(make_app, auth, team):
    app = make_app("minio")
    client = app.test_client()
    picture = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 200, 10)).save(picture, "PNG")
    data = upload(client, auth("u1"), path="docs/a.png", content=picture.getvalue())
    link = client.post("/share", json={"file_id": data["file_id"]}, headers=auth("u1")).get_json()["data"]
    before = client.get("/thumbnail", query_string={"file_id": data["file_id"], "size": 64}, headers=auth("u1"))
    assert before.status_code == 200 and object_exists(app, f"{data['object_key']}.thumb-64")

    body = {"file_id": data["file_id"], **target("projects", "p1", "pictures/a.png")}
    moved = move(client, auth("u1"), body)["data"]
    assert client.get(f"/s/{link['token']}").data == picture.getvalue()  # the link still serves, from the new bucket
    assert not object_exists(app, f"{data['object_key']}.thumb-64")  # went with the old object
    after = client.get("/thumbnail", query_string={"file_id": moved["file_id"], "size": 64}, headers=auth("o1"))
    assert after.status_code == 200 and after.headers["ETag"] == before.headers["ETag"]  # the same version
