"""POST /copy over HTTP: both field-name forms, the source lock, file_exists / overwrite, real server-side bytes."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from tests.support.files_api import EVERYTHING, MEMBER, audit_rows, download, metadata, proxy_upload, transfer_body

TEAM = {
    ("p1", "o1"): ("owner", EVERYTHING),
    ("p1", "u2"): ("member", MEMBER),
    ("p1", "u3"): ("member", MEMBER),
    ("p1", "w1"): ("viewer", {"read"}),
    ("p2", "u2"): ("member", {"read"}),  # may read p2, not write into it
}
ORIGINAL = b"%PDF-1.4 the specification, version one\n"
SPEC = {"bucket": "projects", "id": "p1", "path": "docs/spec.pdf"}
README_FORM = {
    "source_bucket": "projects",
    "source_path": "/projects/p1/docs/spec.pdf",
    "target_bucket": "users",
    "target_path": "/users/u2/workspace/spec.pdf",
}
WORK = {"bucket": "users", "id": "u2", "path": "workspace/spec.pdf"}
ID_FORM = transfer_body(SPEC, WORK)


def copy(client, headers, body, expect=201):
    response = client.post("/copy", json=body, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


@pytest.fixture
def spec(client, auth, team):
    return proxy_upload(client, auth("o1"), SPEC, ORIGINAL)["data"]


def test_readme_form_copies_the_bytes_and_locks_the_source(app, client, auth, spec, team):
    team.calls.clear()
    body = copy(client, auth("u2"), README_FORM)
    data = body["data"]
    assert body["status"] == "success" and body["success"] is True
    assert data["source_file_id"] == spec["file_id"]
    assert data["destination_path"] == "workspace/spec.pdf"
    assert data["base_version_number"] == 1
    assert data["lock_id"] and data["lock_expires_at"]
    # the project service was asked for `lock` on the source (lock_source defaults to true)
    assert [(c.json["project_id"], c.json["action"], c.user_id) for c in team.calls] == [("p1", "lock", "u2")]

    copied = metadata(client, auth("u2"), **WORK)
    assert copied["file"]["id"] == data["file_id"] != spec["file_id"]
    assert copied["file"]["source_file_id"] == spec["file_id"]
    assert copied["file"]["owner_id"] == "u2"
    assert copied["current_version"]["checksum_sha256"] == hashlib.sha256(ORIGINAL).hexdigest()
    assert copied["current_version"]["object_key"] != spec["object_key"]  # a new object, not a shared key
    assert download(client, auth("u2"), **WORK) == ORIGINAL

    source = metadata(client, auth("u3"), **SPEC)["file"]
    assert source["lock"]["id"] == data["lock_id"] and source["lock"]["locked_by"] == "u2"
    refused = client.post("/lock", json=SPEC, headers=auth("u3"))
    assert refused.status_code == 409
    assert refused.get_json()["message"] == "file_locked"
    assert refused.get_json()["lock"]["locked_by"] == "u2"
    assert refused.get_json()["lock"]["id"] == data["lock_id"]

    [row] = audit_rows(app, "copy")
    assert row["user_id"] == "u2" and str(row["file_id"]) == data["file_id"]
    assert (row["bucket_id"], row["logical_path"]) == ("u2", "workspace/spec.pdf")
    assert row["details"]["source_file_id"] == spec["file_id"]
    assert row["details"]["base_version_number"] == 1
    assert row["details"]["lock_id"] == data["lock_id"]


def test_the_lock_taken_by_a_copy_is_in_the_source_files_audit_trail(client, auth, spec):
    """§6: locking is a state change of the source file; its own audit trail must say who locked it."""
    lock_id = copy(client, auth("u2"), ID_FORM)["data"]["lock_id"]
    trail = metadata(client, auth("o1"), include_audit="true", **SPEC)["audit_logs"]
    assert [
        row
        for row in trail
        if row["user_id"] == "u2"
        and row["outcome"] == "success"
        and (row["action"] == "lock" or row["details"].get("lock_id") == lock_id)
    ], trail


def test_id_form(client, auth, spec):
    data = copy(client, auth("u2"), ID_FORM)["data"]
    assert data["destination_path"] == "workspace/spec.pdf" and data["source_file_id"] == spec["file_id"]
    assert download(client, auth("u2"), **WORK) == ORIGINAL


def test_source_file_id_form(client, auth, spec):
    body = {
        "source_file_id": spec["file_id"],
        "target_bucket": "users",
        "target_id": "u2",
        "target_path": "workspace/spec.pdf",
    }
    data = copy(client, auth("u2"), body)["data"]
    assert data["source_file_id"] == spec["file_id"]
    assert download(client, auth("u2"), **WORK) == ORIGINAL


def test_bytes_are_copied_server_side_on_either_backend(make_app, auth, team, backend):
    app = make_app(backend)
    client = app.test_client()
    content = bytes(range(256)) * 1024  # 256 KiB of every byte value
    proxy_upload(client, auth("o1"), {"bucket": "projects", "id": "p1", "path": "data/blob.bin"}, content)
    copy(
        client,
        auth("u2"),
        {
            "source_bucket": "projects",
            "source_id": "p1",
            "source_path": "data/blob.bin",
            "target_bucket": "users",
            "target_id": "u2",
            "target_path": "blob.bin",
        },
    )
    assert download(client, auth("u2"), bucket="users", id="u2", path="blob.bin") == content
    # the stored object of the copy, read straight from the store
    from app.services.common import physical_bucket

    with app.app_context():
        version = metadata(client, auth("u2"), bucket="users", id="u2", path="blob.bin")["current_version"]
        store = app.extensions["object_store"]
        assert store.stat(physical_bucket("users"), version["object_key"]).size == len(content)
        assert store.sha256(physical_bucket("users"), version["object_key"]) == (
            len(content),
            hashlib.sha256(content).hexdigest(),
        )


def test_base_version_number_is_the_version_copied(client, auth, spec):
    proxy_upload(client, auth("o1"), SPEC, b"%PDF-1.4 version two\n")
    data = copy(client, auth("u2"), ID_FORM)["data"]
    assert data["base_version_number"] == 2
    assert download(client, auth("u2"), **WORK) == b"%PDF-1.4 version two\n"


def test_without_lock_source_no_lock_is_taken(client, auth, spec, team):
    team.calls.clear()
    data = copy(client, auth("u2"), {**ID_FORM, "lock_source": False})["data"]
    assert data["lock_id"] is None and data["lock_expires_at"] is None
    assert [(c.json["action"]) for c in team.calls] == ["read"]  # reading is enough to copy without locking
    assert metadata(client, auth("u3"), **SPEC)["file"]["lock"] is None
    assert client.post("/lock", json=SPEC, headers=auth("u3")).status_code == 200


def test_copy_by_the_holder_of_the_source_lock_keeps_their_lock(client, auth, spec):
    held = client.post("/lock", json=SPEC, headers=auth("u2")).get_json()["data"]
    data = copy(client, auth("u2"), ID_FORM)["data"]
    assert data["lock_id"] == held["lock_id"]


@pytest.mark.parametrize("lock_source", [True, False])
def test_source_locked_by_someone_else_is_409(client, auth, spec, lock_source):
    held = client.post("/lock", json=SPEC, headers=auth("u3")).get_json()["data"]
    refused = copy(client, auth("u2"), {**ID_FORM, "lock_source": lock_source}, expect=409)
    assert refused["status"] == "error" and refused["message"] == "file_locked"
    assert refused["lock"]["locked_by"] == "u3" and refused["lock"]["id"] == held["lock_id"]
    assert refused["lock"]["expires_at"] == held["expires_at"]
    metadata(client, auth("u2"), expect=404, **WORK)  # nothing was created


def test_target_exists_is_409_unless_overwrite(client, auth, spec):
    proxy_upload(client, auth("u2"), WORK, b"my own notes")
    refused = copy(client, auth("u2"), ID_FORM, expect=409)
    assert refused["message"] == "file_exists"
    assert download(client, auth("u2"), **WORK) == b"my own notes"
    # the refused copy took no lock on the source
    assert metadata(client, auth("u3"), **SPEC)["file"]["lock"] is None

    data = copy(client, auth("u2"), {**ID_FORM, "overwrite": True})["data"]
    assert download(client, auth("u2"), **WORK) == ORIGINAL
    after = metadata(client, auth("u2"), include_versions="true", **WORK)
    assert after["file"]["id"] == data["file_id"]
    assert [v["version_number"] for v in after["versions"]] == [2, 1]


def test_copy_into_a_project_folder(client, auth, spec):
    body = {
        **ID_FORM,
        "target_bucket": "projects",
        "target_id": "p1",
        "target_path": "archive/spec.pdf",
        "lock_source": False,
    }
    copy(client, auth("u2"), body)
    assert download(client, auth("u3"), bucket="projects", id="p1", path="archive/spec.pdf") == ORIGINAL


def test_copy_errors(client, auth, spec):
    u2 = auth("u2")
    assert copy(client, u2, {**ID_FORM, "source_path": "docs/missing.pdf"}, 404)["message"] == "file_not_found"
    assert (
        copy(
            client,
            u2,
            {"source_file_id": str(uuid.uuid4()), **{k: v for k, v in ID_FORM.items() if k.startswith("target_")}},
            404,
        )["message"]
        == "file_not_found"
    )
    assert copy(client, u2, {**ID_FORM, "target_path": "a/../b.pdf"}, 400)["message"] == "invalid_path"
    assert copy(client, u2, {**README_FORM, "source_path": "/companies/p1/docs/spec.pdf"}, 400)["message"] == (
        "invalid_path"
    )
    assert copy(client, u2, {**ID_FORM, "target_bucket": "drawers"}, 400)["message"] == "bucket_not_found"
    no_target = {k: v for k, v in ID_FORM.items() if not k.startswith("target_")}
    assert copy(client, u2, no_target, 400)["message"] == "missing_fields"
    assert (
        copy(client, u2, {"target_bucket": "users", "target_id": "u2", "target_path": "x.pdf"}, 400)["message"]
        == "missing_fields"
    )
    assert copy(client, u2, {**ID_FORM, "overwrite": "sometimes"}, 400)["message"] == "validation_error"
    assert client.post("/copy", json=ID_FORM).status_code == 401


def test_copy_authorization(client, auth, spec, team):
    # a viewer may not lock the source ...
    viewer_target = {"target_bucket": "users", "target_id": "w1", "target_path": "spec.pdf"}
    source = {k: v for k, v in ID_FORM.items() if k.startswith("source_")}
    assert copy(client, auth("w1"), {**source, **viewer_target}, 403)["message"] == "access_denied"
    # ... but may copy without locking, since reading is enough
    copy(client, auth("w1"), {**source, **viewer_target, "lock_source": False})
    # writing into another user's space or a project without `write` is refused
    assert copy(client, auth("u2"), {**ID_FORM, "target_id": "u3"}, 403)["message"] == "access_denied"
    to_p2 = {**ID_FORM, "target_bucket": "projects", "target_id": "p2", "target_path": "spec.pdf"}
    assert copy(client, auth("u2"), to_p2, 403)["message"] == "access_denied"
    # the refused copies left no lock behind
    assert metadata(client, auth("u3"), **SPEC)["file"]["lock"] is None
    assert copy(client, auth("u9"), ID_FORM, 403)["message"] == "access_denied"
