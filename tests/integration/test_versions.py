"""Versions over HTTP: commit with conflict detection, approve / reject, the version list, and their audit rows."""

from __future__ import annotations

import hashlib
import uuid

import pytest

from tests.support.files_api import (
    EVERYTHING,
    MEMBER,
    VERSION_KEYS,
    audit_rows,
    download,
    metadata,
    proxy_upload,
    transfer_body,
)

TEAM = {
    ("p1", "o1"): ("owner", EVERYTHING),
    ("p1", "lead"): ("admin", EVERYTHING),  # may validate, but not what they wrote themselves
    ("p1", "u2"): ("member", MEMBER),
    ("p1", "u3"): ("member", MEMBER),
    ("p1", "v1"): ("admin", {"read", "validate"}),
    ("p1", "v2"): ("admin", {"read", "validate"}),
    ("p1", "w1"): ("viewer", {"read"}),
}
V1 = b"%PDF-1.4 spec, first edition\n"
EDITED = b"%PDF-1.4 spec, edited by u2\n"
SPEC = {"bucket": "projects", "id": "p1", "path": "docs/spec.pdf"}
WORK = {"bucket": "users", "id": "u2", "path": "work/spec.pdf"}
CHECKOUT = transfer_body(SPEC, WORK)
COMMIT = transfer_body(WORK, SPEC)


def post(client, url, headers, body, expect):
    response = client.post(url, json=body, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def commit(client, headers, expect=201, **body):
    return post(client, "/versions/commit", headers, {**COMMIT, **body}, expect)


def approve(client, headers, version_id, expect=200, **body):
    return post(client, f"/versions/{version_id}/approve", headers, body, expect)


def reject(client, headers, version_id, expect=200, **body):
    return post(client, f"/versions/{version_id}/reject", headers, body, expect)


def versions(client, headers, expect=200, **query):
    response = client.get("/versions", query_string=query or SPEC, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


@pytest.fixture
def spec(client, auth, team):
    """p1/docs/spec.pdf at version 1 (by o1)."""
    return proxy_upload(client, auth("o1"), SPEC, V1)["data"]


@pytest.fixture
def checked_out(client, auth, spec):
    """u2 copied the spec into their space (locking it) and edited the working copy."""
    copied = post(client, "/copy", auth("u2"), CHECKOUT, 201)["data"]
    proxy_upload(client, auth("u2"), WORK, EDITED)
    return copied


@pytest.fixture
def pending(client, auth, checked_out):
    """u2 committed the edit: version 2 pending validation."""
    return commit(client, auth("u2"), message="Clarify section 2")["data"]


# --- commit -------------------------------------------------------------------------------------------------------


def test_commit_adds_a_pending_version_with_the_working_copys_bytes(app, client, auth, checked_out, spec):
    body = commit(client, auth("u2"), message="Clarify section 2")
    data = body["data"]
    assert body["status"] == "success" and body["success"] is True
    assert data["version_number"] == 2 and data["status"] == "pending_validation"
    assert data["file_id"] == spec["file_id"] and data["version_id"]

    file = metadata(client, auth("u3"), **SPEC)
    assert file["file"]["status"] == "pending_validation"
    assert file["file"]["current_version_number"] == 1  # not current until approved
    assert file["file"]["lock"] is None  # the commit released u2's lock
    assert download(client, auth("u3"), **SPEC) == V1
    [newest, oldest] = versions(client, auth("u3"))["versions"]
    assert newest["id"] == data["version_id"] and newest["version_number"] == 2
    assert newest["status"] == "pending_validation" and newest["changelog"] == "Clarify section 2"
    assert newest["created_by"] == "u2"
    assert newest["checksum_sha256"] == hashlib.sha256(EDITED).hexdigest() and newest["size"] == len(EDITED)
    assert oldest["version_number"] == 1 and oldest["object_key"] != newest["object_key"]
    assert download(client, auth("u3"), **SPEC, version=2) == EDITED  # the bytes were copied into the project

    [row] = audit_rows(app, "commit")
    assert row["user_id"] == "u2" and str(row["file_id"]) == spec["file_id"]
    assert str(row["version_id"]) == data["version_id"]
    assert row["details"]["base_version"] == 1
    # the released lock lets another member take it
    assert client.post("/lock", json=SPEC, headers=auth("u3")).status_code == 200


def test_changelog_is_an_alias_of_message(client, auth, checked_out):
    commit(client, auth("u2"), changelog="Typos")
    assert versions(client, auth("u2"))["versions"][0]["changelog"] == "Typos"


def test_keep_lock_keeps_the_lock(client, auth, checked_out):
    commit(client, auth("u2"), message="first pass", keep_lock=True)
    lock = metadata(client, auth("u3"), **SPEC)["file"]["lock"]
    assert lock["id"] == checked_out["lock_id"] and lock["locked_by"] == "u2"
    refused = client.post("/lock", json=SPEC, headers=auth("u3"))
    assert refused.status_code == 409 and refused.get_json()["message"] == "file_locked"
    # the holder may commit again on top of their own pending version
    proxy_upload(client, auth("u2"), WORK, b"%PDF-1.4 second pass\n")
    assert commit(client, auth("u2"), message="second pass", base_version=2)["data"]["version_number"] == 3
    assert metadata(client, auth("u3"), **SPEC)["file"]["lock"] is None


def test_commit_on_a_stale_base_is_a_version_conflict(app, client, auth, spec):
    post(client, "/copy", auth("u2"), {**CHECKOUT, "lock_source": False}, 201)
    proxy_upload(client, auth("u3"), SPEC, b"%PDF-1.4 u3 was faster\n")
    refused = commit(client, auth("u2"), expect=409, message="mine")
    assert refused["status"] == "error" and refused["message"] == "version_conflict"
    assert refused["current_version_number"] == 2
    listed = versions(client, auth("u2"))
    assert listed["total_count"] == 2 and listed["versions"][0]["created_by"] == "u3"
    assert audit_rows(app, "commit") == []
    # rebasing explicitly onto the newest version succeeds
    assert commit(client, auth("u2"), message="mine, rebased", base_version=2)["data"]["version_number"] == 3


@pytest.mark.parametrize("base", [0, 2, 7])
def test_explicit_base_must_be_the_newest_version(client, auth, checked_out, base):
    refused = commit(client, auth("u2"), expect=409, base_version=base)
    assert refused["message"] == "version_conflict" and refused["current_version_number"] == 1


def test_commit_without_a_base_from_a_plain_file_uses_the_newest(client, auth, spec):
    proxy_upload(client, auth("u2"), WORK, EDITED)  # not a copy: no recorded base
    assert commit(client, auth("u2"), message="from scratch")["data"]["version_number"] == 2


def test_commit_to_a_target_locked_by_someone_else_is_409(client, auth, spec):
    post(client, "/copy", auth("u2"), {**CHECKOUT, "lock_source": False}, 201)
    held = client.post("/lock", json=SPEC, headers=auth("u3")).get_json()["data"]
    refused = commit(client, auth("u2"), expect=409, message="blocked")
    assert refused["message"] == "file_locked"
    assert refused["lock"]["locked_by"] == "u3" and refused["lock"]["id"] == held["lock_id"]
    assert versions(client, auth("u2"))["total_count"] == 1


def test_commit_errors(client, auth, checked_out, spec):
    u2 = auth("u2")
    assert commit(client, u2, 404, source_path="work/missing.pdf")["message"] == "file_not_found"
    assert commit(client, u2, 404, target_path="docs/missing.pdf")["message"] == "file_not_found"
    assert (
        post(client, "/versions/commit", u2, {"source_file_id": str(uuid.uuid4()), "file_id": spec["file_id"]}, 404)[
            "message"
        ]
        == "file_not_found"
    )
    assert commit(client, u2, 400, target_path="docs//spec.pdf")["message"] == "invalid_path"
    assert commit(client, u2, 400, base_version="one")["message"] == "validation_error"
    assert commit(client, u2, 400, keep_lock="maybe")["message"] == "validation_error"
    assert post(client, "/versions/commit", u2, {"message": "nothing"}, 400)["message"] == "missing_fields"
    # the working copy must be readable by the caller, the target writable
    assert commit(client, auth("u3"), 403)["message"] == "access_denied"
    viewer_copy = {**COMMIT, "source_id": "w1"}
    proxy_upload(client, auth("w1"), {"bucket": "users", "id": "w1", "path": "work/spec.pdf"}, EDITED)
    assert post(client, "/versions/commit", auth("w1"), viewer_copy, 403)["message"] == "access_denied"
    assert versions(client, u2)["total_count"] == 1


# --- approve / reject ---------------------------------------------------------------------------------------------


def test_approve_makes_the_version_current_and_the_file_validated(app, client, auth, pending, spec, team):
    team.calls.clear()
    body = approve(client, auth("v1"), pending["version_id"], comment="Looks right")
    assert body["status"] == "success" and body["success"] is True
    assert body["data"] == {
        "version_id": pending["version_id"],
        "status": "validated",
        "file_id": spec["file_id"],
        "is_current": True,
    }
    assert [(c.json["project_id"], c.json["action"], c.user_id) for c in team.calls] == [("p1", "validate", "v1")]

    after = metadata(client, auth("u3"), **SPEC)
    assert after["file"]["status"] == "validated"
    assert after["file"]["current_version_id"] == pending["version_id"]
    assert after["file"]["current_version_number"] == 2
    assert after["current_version"]["status"] == "validated"
    assert after["current_version"]["validated_by"] == "v1"
    assert after["current_version"]["validation_comment"] == "Looks right"
    assert after["current_version"]["validated_at"]
    assert download(client, auth("u3"), **SPEC) == EDITED

    [row] = audit_rows(app, "approve")
    assert row["user_id"] == "v1" and str(row["version_id"]) == pending["version_id"]
    assert str(row["file_id"]) == spec["file_id"] and row["details"]["comment"] == "Looks right"


def test_approve_without_a_body(client, auth, pending):
    response = client.post(f"/versions/{pending['version_id']}/approve", headers=auth("v1"))
    assert response.status_code == 200, response.get_json()


def test_reject_keeps_the_current_version_and_restores_the_status(app, client, auth, pending, spec):
    body = reject(client, auth("v1"), pending["version_id"], comment="Section 2 is wrong")
    assert body["data"] == {
        "version_id": pending["version_id"],
        "status": "rejected",
        "file_id": spec["file_id"],
        "rejection_reason": "Section 2 is wrong",
    }
    after = metadata(client, auth("u3"), **SPEC)
    assert after["file"]["status"] == "draft"  # what it was before the commit
    assert after["file"]["current_version_number"] == 1
    assert after["current_version"]["id"] == spec["version_id"]
    assert download(client, auth("u3"), **SPEC) == V1
    newest = versions(client, auth("u3"))["versions"][0]
    assert newest["status"] == "rejected" and newest["validated_by"] == "v1"
    assert newest["validation_comment"] == "Section 2 is wrong"
    [row] = audit_rows(app, "reject")
    assert row["user_id"] == "v1" and str(row["version_id"]) == pending["version_id"]


def test_reject_after_an_approval_restores_validated(client, auth, pending):
    approve(client, auth("v1"), pending["version_id"])
    post(client, "/copy", auth("u2"), {**CHECKOUT, "overwrite": True}, 201)
    proxy_upload(client, auth("u2"), WORK, b"%PDF-1.4 third edition\n")
    third = commit(client, auth("u2"), message="third")["data"]
    assert third["version_number"] == 3
    assert metadata(client, auth("u3"), **SPEC)["file"]["status"] == "pending_validation"
    reject(client, auth("v2"), third["version_id"])
    after = metadata(client, auth("u3"), **SPEC)
    assert after["file"]["status"] == "validated"
    assert after["file"]["current_version_id"] == pending["version_id"]
    assert download(client, auth("u3"), **SPEC) == EDITED


def test_rejecting_one_of_two_pending_versions_keeps_the_file_pending(client, auth, checked_out):
    second = commit(client, auth("u2"), message="second", keep_lock=True)["data"]
    third = commit(client, auth("u2"), message="third", base_version=2)["data"]
    reject(client, auth("v1"), second["version_id"])
    assert metadata(client, auth("u3"), **SPEC)["file"]["status"] == "pending_validation"
    approve(client, auth("v1"), third["version_id"])
    assert metadata(client, auth("u3"), **SPEC)["file"]["current_version_number"] == 3


@pytest.mark.parametrize("first", ["approve", "reject"])
@pytest.mark.parametrize("second", ["approve", "reject"])
def test_only_a_pending_version_can_be_decided(client, auth, pending, first, second):
    decide = {"approve": approve, "reject": reject}
    decide[first](client, auth("v1"), pending["version_id"])
    refused = decide[second](client, auth("v2"), pending["version_id"], expect=409)
    assert refused["status"] == "error" and refused["message"] == "invalid_state"
    newest = versions(client, auth("u3"))["versions"][0]
    assert newest["validated_by"] == "v1"
    assert newest["status"] == ("validated" if first == "approve" else "rejected")


def test_a_draft_version_cannot_be_decided(client, auth, spec):
    for decide in (approve, reject):
        assert decide(client, auth("v1"), spec["version_id"], expect=409)["message"] == "invalid_state"


def test_author_may_not_validate_their_own_version_in_a_project(app, client, auth, spec):
    proxy_upload(client, auth("lead"), {"bucket": "users", "id": "lead", "path": "spec.pdf"}, EDITED)
    own = post(
        client, "/versions/commit", auth("lead"), {**COMMIT, "source_id": "lead", "source_path": "spec.pdf"}, 201
    )["data"]
    for decide in (approve, reject):
        refused = decide(client, auth("lead"), own["version_id"], expect=403)
        assert refused["message"] == "access_denied"
    assert versions(client, auth("lead"))["versions"][0]["status"] == "pending_validation"
    assert audit_rows(app, "approve") == [] and audit_rows(app, "reject") == []
    # the admin role claim changes nothing
    assert approve(client, auth("lead", roles=["admin"]), own["version_id"], expect=403)["message"] == ("access_denied")
    approve(client, auth("o1"), own["version_id"])


def test_author_may_validate_in_their_own_users_bucket(client, auth):
    proxy_upload(client, auth("u2"), {"bucket": "users", "id": "u2", "path": "final.txt"}, b"first")
    proxy_upload(client, auth("u2"), {"bucket": "users", "id": "u2", "path": "draft.txt"}, b"second")
    body = {
        "source_bucket": "users",
        "source_id": "u2",
        "source_path": "draft.txt",
        "target_bucket": "users",
        "target_id": "u2",
        "target_path": "final.txt",
        "message": "promote",
    }
    committed = post(client, "/versions/commit", auth("u2"), body, 201)["data"]
    approve(client, auth("u2"), committed["version_id"])
    assert download(client, auth("u2"), bucket="users", id="u2", path="final.txt") == b"second"


def test_validation_needs_the_validate_right(client, auth, pending, team):
    for user in ("u3", "w1", "o9"):
        team.calls.clear()
        assert approve(client, auth(user), pending["version_id"], expect=403)["message"] == "access_denied"
        assert team.calls[0].json["action"] == "validate"
        assert reject(client, auth(user), pending["version_id"], expect=403)["message"] == "access_denied"
    assert versions(client, auth("u3"))["versions"][0]["status"] == "pending_validation"


def test_deciding_an_unknown_version(client, auth, spec):
    missing = uuid.uuid4()
    assert approve(client, auth("v1"), missing, expect=404)["message"] == "version_not_found"
    assert reject(client, auth("v1"), missing, expect=404)["message"] == "version_not_found"
    assert client.post("/versions/not-a-uuid/approve", json={}, headers=auth("v1")).status_code == 404
    bad_comment = client.post(f"/versions/{spec['version_id']}/approve", json={"comment": 5}, headers=auth("v1"))
    assert bad_comment.status_code == 400 and bad_comment.get_json()["message"] == "validation_error"


# --- GET /versions ------------------------------------------------------------------------------------------------


@pytest.fixture
def history(client, auth, spec):
    """Versions 1-2 uploaded (draft), 3 approved, 4 rejected, 5 pending (each decided before the next commit)."""
    proxy_upload(client, auth("o1"), SPEC, b"v2")
    ids = {}
    for number, decide in ((3, approve), (4, reject), (5, None)):
        proxy_upload(client, auth("u2"), WORK, f"v{number}".encode())
        ids[number] = commit(client, auth("u2"), message=f"v{number}", base_version=number - 1)["data"]["version_id"]
        if decide is not None:
            decide(client, auth("v1"), ids[number])
    return ids


def test_versions_newest_first_with_total_count(client, auth, history, spec):
    body = versions(client, auth("w1"))
    assert body["file_id"] == spec["file_id"] and body["total_count"] == 5
    assert [v["version_number"] for v in body["versions"]] == [5, 4, 3, 2, 1]
    assert [v["status"] for v in body["versions"]] == ["pending_validation", "rejected", "validated", "draft", "draft"]
    assert set(body["versions"][0]) == VERSION_KEYS
    assert versions(client, auth("w1"), file_id=spec["file_id"]) == body
    assert versions(client, auth("w1"), bucket_type="projects", bucket_id="p1", logical_path="docs/spec.pdf") == body


def test_versions_status_filter(client, auth, history):
    for status, numbers in [
        ("draft", [2, 1]),
        ("validated", [3]),
        ("rejected", [4]),
        ("pending_validation", [5]),
        ("corrupted", []),
    ]:
        body = versions(client, auth("u2"), **SPEC, status=status)
        assert [v["version_number"] for v in body["versions"]] == numbers
        assert body["total_count"] == len(numbers)
    assert versions(client, auth("u2"), 400, **SPEC, status="lost")["message"] == "validation_error"


def test_versions_paging(client, auth, history):
    pages = [versions(client, auth("u2"), **SPEC, limit=2, offset=offset) for offset in (0, 2, 4, 6)]
    assert [[v["version_number"] for v in page["versions"]] for page in pages] == [[5, 4], [3, 2], [1], []]
    assert {page["total_count"] for page in pages} == {5}
    drafts = versions(client, auth("u2"), **SPEC, status="draft", limit=1, offset=1)
    assert [v["version_number"] for v in drafts["versions"]] == [1] and drafts["total_count"] == 2
    for bad in ({"limit": 0}, {"limit": 1001}, {"offset": -1}, {"limit": "many"}):
        assert versions(client, auth("u2"), 400, **SPEC, **bad)["message"] == "validation_error"


def test_versions_errors(client, auth, spec):
    assert versions(client, auth("u2"), 404, **{**SPEC, "path": "docs/missing.pdf"})["message"] == "file_not_found"
    assert versions(client, auth("u2"), 404, file_id=str(uuid.uuid4()))["message"] == "file_not_found"
    assert versions(client, auth("u9"), 403)["message"] == "access_denied"
    assert versions(client, auth("u2"), 400, bucket="projects", id="p1")["message"] == "missing_fields"
