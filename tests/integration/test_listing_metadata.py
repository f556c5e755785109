"""GET /list, GET /metadata and PATCH /metadata against PostgreSQL, the S3 server and the fake project service."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from tests.support.files_api import VERSION_KEYS, add_lock, audit_rows, error, upload

pytestmark = pytest.mark.integration

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
TREE = [
    "docs/a.txt",
    "docs/b.txt",
    "docs/sub/c.txt",
    "docs/sub/deeper/d.txt",
    "docs/other/e.txt",
    "docs2/x.txt",
    "Docs/upper.txt",
    "a%/percent.txt",
    "abc/like-wildcard.txt",
    "a_/underscore.txt",
    "ab/like-underscore.txt",
    "top.txt",
]


def make_tree(client, auth, bucket="users", bucket_id="u1", paths=TREE, **headers_kw):
    ids = {}
    for path in paths:
        ids[path] = upload(
            client, auth("u1", **headers_kw), bucket=bucket, bucket_id=bucket_id, path=path, content=path.encode()
        )["file_id"]
    return ids


def listing(client, headers, **query):
    query = {"bucket": "users", "id": "u1", **query}
    response = client.get("/list", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def paths(body):
    return [f["logical_path"] for f in body["files"]]


# -- listing ------------------------------------------------------------------------------------------------------


def test_list_recursive_folder_ordered_by_path(client, auth):
    ids = make_tree(client, auth)
    body = listing(client, auth("u1"), path="docs")
    assert paths(body) == ["docs/a.txt", "docs/b.txt", "docs/other/e.txt", "docs/sub/c.txt", "docs/sub/deeper/d.txt"]
    assert body["pagination"] == {"page": 1, "limit": 50, "total_items": 5, "total_pages": 1}
    assert "folders" not in body
    first = body["files"][0]
    assert first["id"] == ids["docs/a.txt"]
    assert set(first) == {
        "id",
        "bucket_type",
        "bucket_id",
        "logical_path",
        "filename",
        "owner_id",
        "status",
        "current_version_id",
        "current_version_number",
        "size",
        "mime_type",
        "category",
        "checksum_sha256",
        "tags",
        "description",
        "source_file_id",
        "is_deleted",
        "expires_at",
        "created_at",
        "updated_at",
        "lock",
    }
    assert first["bucket_type"] == "users" and first["bucket_id"] == "u1" and first["filename"] == "a.txt"
    assert first["size"] == len(b"docs/a.txt") and first["current_version_number"] == 1
    assert first["checksum_sha256"] == hashlib.sha256(b"docs/a.txt").hexdigest()
    assert first["category"] == "document" and first["lock"] is None and first["is_deleted"] is False
    assert first["expires_at"] is None


@pytest.mark.parametrize("folder", ["docs", "/docs", "docs/", "/docs/"])
def test_list_folder_spellings_are_the_same(client, auth, folder):
    make_tree(client, auth, paths=["docs/a.txt", "docs2/x.txt", "docsa.txt"])
    assert paths(listing(client, auth("u1"), path=folder)) == ["docs/a.txt"]


def test_list_prefix_does_not_match_sibling_names_or_other_case(client, auth):
    make_tree(client, auth)
    assert paths(listing(client, auth("u1"), path="docs2")) == ["docs2/x.txt"]
    assert paths(listing(client, auth("u1"), path="Docs")) == ["Docs/upper.txt"]


def test_list_like_wildcards_are_literal(client, auth):
    make_tree(client, auth)
    assert paths(listing(client, auth("u1"), path="a%")) == ["a%/percent.txt"]
    assert paths(listing(client, auth("u1"), path="a_")) == ["a_/underscore.txt"]


def test_list_whole_bucket_and_address_forms(client, auth):
    make_tree(client, auth)
    everything = sorted(TREE)
    for query in (
        {"bucket": "users", "id": "u1"},
        {"bucket_type": "users", "bucket_id": "u1"},
        {"bucket": "users", "path": "/users/u1"},
        {"bucket": "users", "path": "/users/u1/"},
    ):
        response = client.get("/list", query_string=query, headers=auth("u1"))
        assert response.status_code == 200, (query, response.get_json())
        assert sorted(paths(response.get_json())) == everything
    body = listing(client, auth("u1"), bucket_type="users", bucket_id="u1", logical_path="docs/sub")
    assert paths(body) == ["docs/sub/c.txt", "docs/sub/deeper/d.txt"]
    response = client.get("/list", query_string={"bucket": "users", "path": "/users/u1/docs/sub"}, headers=auth("u1"))
    assert paths(response.get_json()) == ["docs/sub/c.txt", "docs/sub/deeper/d.txt"]


def test_list_not_recursive_gives_children_and_folder_names(client, auth):
    make_tree(client, auth)
    body = listing(client, auth("u1"), path="docs", recursive="false")
    assert paths(body) == ["docs/a.txt", "docs/b.txt"]
    assert body["folders"] == ["other", "sub"]
    assert body["pagination"]["total_items"] == 2
    root = listing(client, auth("u1"), recursive="false")
    assert paths(root) == ["top.txt"]
    assert root["folders"] == sorted(["docs", "docs2", "Docs", "a%", "abc", "a_", "ab"])
    leaf = listing(client, auth("u1"), path="docs/sub/deeper", recursive="false")
    assert paths(leaf) == ["docs/sub/deeper/d.txt"] and leaf["folders"] == []


def test_list_pagination_is_stable(client, auth):
    make_tree(client, auth, paths=[f"p/{i:02d}.txt" for i in range(7)])
    seen = []
    for page in (1, 2, 3):
        body = listing(client, auth("u1"), path="p", limit="3", page=str(page))
        assert body["pagination"] == {"page": page, "limit": 3, "total_items": 7, "total_pages": 3}
        seen += paths(body)
    assert seen == [f"p/{i:02d}.txt" for i in range(7)]
    beyond = listing(client, auth("u1"), path="p", limit="3", page="4")
    assert beyond["files"] == [] and beyond["pagination"]["total_items"] == 7


def test_list_empty_or_missing_folder_is_200(client, auth):
    body = listing(client, auth("u1"), path="never/existed")
    assert body == {"files": [], "pagination": {"page": 1, "limit": 50, "total_items": 0, "total_pages": 0}}
    body = listing(client, auth("u1"), path="never", recursive="false")
    assert body["files"] == [] and body["folders"] == []


def test_list_filters_category_status_and_deleted(app, client, auth):
    make_tree(client, auth, paths=["f/a.txt", "f/b.txt", "f/sub/c.txt"])
    image = upload(client, auth("u1"), path="f/pic.png", content=PNG)
    assert paths(listing(client, auth("u1"), path="f", category="image")) == ["f/pic.png"]
    assert paths(listing(client, auth("u1"), path="f", category="document")) == ["f/a.txt", "f/b.txt", "f/sub/c.txt"]
    assert listing(client, auth("u1"), path="f", category="video")["files"] == []
    assert len(listing(client, auth("u1"), path="f", status="draft")["files"]) == 4
    response = client.delete("/delete", json={"file_id": image["file_id"]}, headers=auth("u1"))
    assert response.status_code == 200
    response = client.delete("/delete", json={"bucket": "users", "id": "u1", "path": "f/sub/c.txt"}, headers=auth("u1"))
    assert response.status_code == 200
    assert paths(listing(client, auth("u1"), path="f")) == ["f/a.txt", "f/b.txt"]
    body = listing(client, auth("u1"), path="f", include_deleted="true")
    assert paths(body) == ["f/a.txt", "f/b.txt", "f/pic.png", "f/sub/c.txt"]
    assert [f["is_deleted"] for f in body["files"]] == [False, False, True, True]
    assert paths(listing(client, auth("u1"), path="f", status="archived", include_deleted="true")) == [
        "f/pic.png",
        "f/sub/c.txt",
    ]
    assert listing(client, auth("u1"), path="f", status="archived")["files"] == []
    # a folder whose files are all deleted is not shown unless deleted files are asked for
    assert listing(client, auth("u1"), path="f", recursive="false")["folders"] == []
    assert listing(client, auth("u1"), path="f", recursive="false", include_deleted="true")["folders"] == ["sub"]


def test_list_shows_active_locks(app, client, auth):
    ids = make_tree(client, auth, paths=["l/a.txt", "l/b.txt"])
    lock_id = add_lock(app, ids["l/b.txt"], "u9")
    add_lock(app, ids["l/a.txt"], "u8", seconds=-10)  # expired: counts for nothing
    files = listing(client, auth("u1"), path="l")["files"]
    assert files[0]["lock"] is None
    assert files[1]["lock"]["id"] == str(lock_id) and files[1]["lock"]["locked_by"] == "u9"
    assert set(files[1]["lock"]) == {"id", "file_id", "locked_by", "lock_type", "reason", "created_at", "expires_at"}


def test_list_project_bucket_makes_one_decision(client, auth, fake_projects):
    make_tree(client, auth, bucket="projects", bucket_id="p1", paths=[f"d/{i}.txt" for i in range(5)])
    fake_projects.calls.clear()
    response = client.get("/list", query_string={"bucket": "projects", "id": "p1", "path": "d"}, headers=auth("u2"))
    assert response.status_code == 200 and len(response.get_json()["files"]) == 5
    assert [(c.json["project_id"], c.json["action"]) for c in fake_projects.calls] == [("p1", "read")]
    fake_projects.mode = "deny"
    error(
        client.get("/list", query_string={"bucket": "projects", "id": "p1"}, headers=auth("u2")), 403, "access_denied"
    )
    fake_projects.mode = "error500"
    response = client.get("/list", query_string={"bucket": "projects", "id": "p1"}, headers=auth("u2"))
    error(response, 403, "project_service_unavailable")
    assert response.headers["Retry-After"]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({"id": "u1"}, "missing_fields"),
        ({"bucket": "users"}, "missing_fields"),
        ({"bucket": "buckets", "id": "u1"}, "bucket_not_found"),
        ({"bucket": "users", "id": "u1", "path": "a/../b"}, "invalid_path"),
        ({"bucket": "users", "id": "u1", "path": "a//b"}, "invalid_path"),
        ({"bucket": "users", "path": "/companies/u1/docs"}, "invalid_path"),
        ({"bucket": "users", "id": "u 1"}, "validation_error"),
        ({"bucket": "users", "id": "u1", "limit": "0"}, "validation_error"),
        ({"bucket": "users", "id": "u1", "limit": "1001"}, "validation_error"),
        ({"bucket": "users", "id": "u1", "page": "0"}, "validation_error"),
        ({"bucket": "users", "id": "u1", "page": "one"}, "validation_error"),
        ({"bucket": "users", "id": "u1", "recursive": "maybe"}, "validation_error"),
        ({"bucket": "users", "id": "u1", "category": "music"}, "validation_error"),
        ({"bucket": "users", "id": "u1", "status": "gone"}, "validation_error"),
    ],
)
def test_list_bad_requests_are_400(client, auth, fake_projects, query, code):
    body = error(client.get("/list", query_string=query, headers=auth("u1")), 400, code)
    if code == "validation_error":
        assert body["errors"]
    assert fake_projects.calls == []


def test_list_auth_errors(client, auth):
    query = {"bucket": "users", "id": "u1"}
    error(client.get("/list", query_string=query), 401, "missing_jwt_token")
    error(client.get("/list", query_string=query, headers={"Authorization": "Bearer x.y.z"}), 401, "unauthorized")
    error(client.get("/list", query_string=query, headers=auth("u2")), 403, "access_denied")
    error(
        client.get("/list", query_string={"bucket": "companies", "id": "c1"}, headers=auth("u1")), 403, "access_denied"
    )


# -- metadata -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        {"bucket_type": "users", "bucket_id": "u1", "logical_path": "docs/a.txt"},
        {"bucket": "users", "id": "u1", "path": "docs/a.txt"},
        {"bucket": "users", "path": "/users/u1/docs/a.txt"},
    ],
    ids=["long-names", "short-names", "readme-absolute"],
)
def test_metadata_by_address(client, auth, query):
    data = upload(client, auth("u1"), content=b"hello")
    response = client.get("/metadata", query_string=query, headers=auth("u1"))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert set(body) == {"file", "current_version"}
    assert body["file"]["id"] == data["file_id"]
    assert body["current_version"]["id"] == data["version_id"]
    assert set(body["current_version"]) == VERSION_KEYS
    assert response.headers["ETag"] == f'"{hashlib.sha256(b"hello").hexdigest()}"'


def test_metadata_with_versions_locks_and_audit(app, client, auth):
    first = upload(client, auth("u1"), content=b"one")
    second = upload(client, auth("u1"), content=b"two")
    lock_id = add_lock(app, first["file_id"], "u1")
    response = client.get(
        "/metadata",
        query_string={
            "file_id": first["file_id"],
            "include_versions": "true",
            "include_locks": "true",
            "include_audit": "true",
        },
        headers=auth("u1"),
    )
    assert response.status_code == 200
    body = response.get_json()
    assert [v["version_number"] for v in body["versions"]] == [2, 1]
    assert body["current_version"]["id"] == second["version_id"]
    assert body["file"]["current_version_number"] == 2
    assert body["file"]["lock"]["id"] == str(lock_id)
    assert [lock["id"] for lock in body["locks"]] == [str(lock_id)]
    assert body["locks"][0]["released_at"] is None
    assert [row["action"] for row in body["audit_logs"]] == ["upload", "upload"]
    assert body["audit_logs"][0]["version_id"] == second["version_id"]
    assert response.headers["ETag"] == f'"{hashlib.sha256(b"two").hexdigest()}"'


def test_metadata_errors(app, client, auth, fake_projects):
    data = upload(client, auth("u1"))
    error(
        client.get("/metadata", query_string={"bucket": "users", "id": "u1", "path": "nope"}, headers=auth("u1")),
        404,
        "file_not_found",
    )
    error(
        client.get("/metadata", query_string={"file_id": str(uuid.uuid4())}, headers=auth("u1")), 404, "file_not_found"
    )
    error(
        client.get("/metadata", query_string={"bucket": "users", "id": "u1"}, headers=auth("u1")), 400, "missing_fields"
    )
    error(
        client.get("/metadata", query_string={"bucket": "users", "id": "u1", "path": "a/./b"}, headers=auth("u1")),
        400,
        "invalid_path",
    )
    error(
        client.get("/metadata", query_string={"bucket": "user", "id": "u1", "path": "a"}, headers=auth("u1")),
        400,
        "bucket_not_found",
    )
    error(
        client.get(
            "/metadata", query_string={"file_id": data["file_id"], "include_versions": "perhaps"}, headers=auth("u1")
        ),
        400,
        "validation_error",
    )
    error(client.get("/metadata", query_string={"file_id": data["file_id"]}), 401, "missing_jwt_token")
    error(client.get("/metadata", query_string={"file_id": data["file_id"]}, headers=auth("u2")), 404, "file_not_found")
    assert client.delete("/delete", json={"file_id": data["file_id"]}, headers=auth("u1")).status_code == 200
    error(client.get("/metadata", query_string={"file_id": data["file_id"]}, headers=auth("u1")), 404, "file_not_found")
    error(
        client.get("/metadata", query_string={"bucket": "users", "id": "u1", "path": "docs/a.txt"}, headers=auth("u1")),
        404,
        "file_not_found",
    )


def test_metadata_project_bucket(client, auth, fake_projects):
    data = upload(client, auth("u1"), bucket="projects", bucket_id="p1")
    assert client.get("/metadata", query_string={"file_id": data["file_id"]}, headers=auth("u2")).status_code == 200
    fake_projects.mode = "error500"
    error(
        client.get("/metadata", query_string={"file_id": data["file_id"]}, headers=auth("u2")),
        403,
        "project_service_unavailable",
    )


# -- metadata update ----------------------------------------------------------------------------------------------


def test_patch_metadata_replaces_tags_and_keeps_json_types(app, client, auth):
    data = upload(client, auth("u1"), tags='{"old": "value"}')
    tags = {"s": "x", "n": 3, "f": 1.5, "b": True, "none": None, "list": [1, "two"], "nested": {"k": {"v": False}}}
    response = client.patch(
        "/metadata",
        query_string={"bucket": "users", "id": "u1", "path": "docs/a.txt"},
        json={"tags": tags, "description": "A file"},
        headers=auth("u1"),
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "success" and body["success"] is True and body["message"]
    assert body["data"] == {"file_id": data["file_id"], "updated_fields": {"tags": tags, "description": "A file"}}
    file = client.get("/metadata", query_string={"file_id": data["file_id"]}, headers=auth("u1")).get_json()["file"]
    assert file["tags"] == tags and file["description"] == "A file"
    response = client.patch(
        "/metadata", query_string={"file_id": data["file_id"]}, json={"tags": {"only": 1}}, headers=auth("u1")
    )
    assert response.get_json()["data"]["updated_fields"] == {"tags": {"only": 1}}
    file = client.get("/metadata", query_string={"file_id": data["file_id"]}, headers=auth("u1")).get_json()["file"]
    assert file["tags"] == {"only": 1} and file["description"] == "A file"
    rows = audit_rows(app, "metadata_update", data["file_id"])
    assert [r["details"]["updated_fields"] for r in rows] == [["description", "tags"], ["tags"]]


@pytest.mark.parametrize(
    "query",
    [
        {"bucket_type": "users", "bucket_id": "u1", "logical_path": "docs/a.txt"},
        {"bucket": "users", "path": "/users/u1/docs/a.txt"},
    ],
)
def test_patch_metadata_address_forms(client, auth, query):
    upload(client, auth("u1"))
    response = client.patch("/metadata", query_string=query, json={"description": None}, headers=auth("u1"))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["data"]["updated_fields"] == {"description": None}


def test_patch_metadata_address_in_body(client, auth):
    data = upload(client, auth("u1"))
    response = client.patch("/metadata", json={"file_id": data["file_id"], "description": "d"}, headers=auth("u1"))
    assert response.status_code == 200, response.get_json()


def test_patch_metadata_locked_by_another_is_409(app, client, auth, fake_projects):
    data = upload(client, auth("u1"), bucket="projects", bucket_id="p1")
    add_lock(app, data["file_id"], "u2")
    body = error(
        client.patch(
            "/metadata", query_string={"file_id": data["file_id"]}, json={"description": "x"}, headers=auth("u1")
        ),
        409,
        "file_locked",
    )
    assert body["lock"]["locked_by"] == "u2"
    response = client.patch(
        "/metadata", query_string={"file_id": data["file_id"]}, json={"description": "x"}, headers=auth("u2")
    )
    assert response.status_code == 200  # the holder may edit
    assert [r["user_id"] for r in audit_rows(app, "metadata_update")] == ["u2"]


def test_patch_metadata_errors(app, client, auth, fake_projects):
    data = upload(client, auth("u1"))
    ref = {"file_id": data["file_id"]}

    def patch(query, body, headers=auth("u1")):
        return client.patch("/metadata", query_string=query, json=body, headers=headers)

    error(patch(ref, {}), 400, "validation_error")
    error(patch(ref, {"tags": ["a"]}), 400, "validation_error")
    error(patch(ref, {"tags": None}), 400, "validation_error")
    error(patch(ref, {"description": 5}), 400, "validation_error")
    error(patch(None, {"description": "x"}), 400, "missing_fields")
    error(patch({"bucket": "users", "id": "u1", "path": "x/../y"}, {"description": "x"}), 400, "invalid_path")
    error(patch({"bucket": "nope", "id": "u1", "path": "y"}, {"description": "x"}), 400, "bucket_not_found")
    error(patch({"file_id": str(uuid.uuid4())}, {"description": "x"}), 404, "file_not_found")
    error(patch(ref, {"description": "x"}, headers=None), 401, "missing_jwt_token")
    error(patch(ref, {"description": "x"}, headers=auth("u2")), 404, "file_not_found")  # by id: hidden
    address = {"bucket": "users", "id": "u1", "path": "docs/a.txt"}
    error(patch(address, {"description": "x"}, headers=auth("u2")), 403, "access_denied")
    assert audit_rows(app, "metadata_update") == []
    assert [r["outcome"] for r in audit_rows(app, "write")] == ["denied", "denied"]
    fake_projects.mode = "error500"
    project = {"bucket": "projects", "id": "p1", "path": "a.txt"}
    error(
        client.patch("/metadata", query_string=project, json={"description": "x"}, headers=auth("u1")),
        403,
        "project_service_unavailable",
    )
