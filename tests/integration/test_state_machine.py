"""The version and file state machine (docs/versions.md), transition by transition, over HTTP."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.test_versions import (
    CHECKOUT,
    EDITED,
    SPEC,
    TEAM,  # noqa: F401 -- the `team` fixture reads the module's grants
    V1,
    WORK,
    commit,
    post,
)
from tests.support.files_api import error, metadata, proxy_upload


@pytest.fixture
def spec(client, auth, team):
    """p1/docs/spec.pdf at version 1 (draft), and u2's working copy of it (locked by the copy)."""
    data = proxy_upload(client, auth("o1"), SPEC, V1)["data"]
    post(client, "/copy", auth("u2"), CHECKOUT, 201)
    proxy_upload(client, auth("u2"), WORK, EDITED)
    return data


def status(client, auth):
    file = metadata(client, auth("o1"), **SPEC)["file"]
    return file["status"], file["current_version_number"]


def pending(client, auth, base, **body):
    """u2 commits a new pending version on `base` (keeping the lock so a next commit can follow)."""
    return commit(client, auth("u2"), base_version=base, keep_lock=True, **body)["data"]["version_id"]


def decide(client, auth, version_id, verdict, expect, code=None):
    response = client.post(f"/versions/{version_id}/{verdict}", json={}, headers=auth("v1"))
    if code is None:
        assert response.status_code == expect, response.get_json()
        return response.get_json()
    return error(response, expect, code)


def test_draft_upload_is_current_and_the_file_draft(client, auth, spec):
    assert status(client, auth) == ("draft", 1)
    decide(client, auth, spec["version_id"], "approve", 409, "invalid_state")  # a draft is never decided
    decide(client, auth, spec["version_id"], "reject", 409, "invalid_state")


def test_pending_then_validated_becomes_current(client, auth, spec):
    v2 = pending(client, auth, 1)
    assert status(client, auth) == ("pending_validation", 1)
    decide(client, auth, v2, "approve", 200)
    assert status(client, auth) == ("validated", 2)
    decide(client, auth, v2, "approve", 409, "invalid_state")  # decided once
    decide(client, auth, v2, "reject", 409, "invalid_state")


def test_pending_then_rejected_leaves_the_current_version(client, auth, spec):
    v2 = pending(client, auth, 1)
    decide(client, auth, v2, "reject", 200)
    assert status(client, auth) == ("draft", 1)
    decide(client, auth, v2, "approve", 409, "invalid_state")


def test_a_superseded_pending_version_cannot_become_current(client, auth, spec):
    v2 = pending(client, auth, 1)
    v3 = pending(client, auth, 2)
    decide(client, auth, v2, "approve", 409, "version_conflict")
    assert status(client, auth) == ("pending_validation", 1)
    decide(client, auth, v3, "approve", 200)
    assert status(client, auth) == ("pending_validation", 3)  # v2 still waits for its decision
    decide(client, auth, v2, "approve", 409, "version_conflict")
    decide(client, auth, v2, "reject", 200)
    assert status(client, auth) == ("validated", 3)


def test_a_newer_draft_upload_supersedes_a_pending_version(client, auth, spec):
    v2 = pending(client, auth, 1)
    proxy_upload(client, auth("u2"), SPEC, b"%PDF-1.4 a direct upload\n")  # u2 holds the lock
    assert status(client, auth) == ("pending_validation", 3)  # v3 is current; v2 still waits for a decision
    decide(client, auth, v2, "approve", 409, "version_conflict")
    decide(client, auth, v2, "reject", 200)
    assert status(client, auth) == ("draft", 3)


def test_a_rejected_newer_version_no_longer_supersedes(client, auth, spec):
    v2 = pending(client, auth, 1)
    v3 = pending(client, auth, 2)
    decide(client, auth, v3, "reject", 200)
    assert status(client, auth) == ("pending_validation", 1)
    decide(client, auth, v2, "approve", 200)
    assert status(client, auth) == ("validated", 2)


def test_rejecting_the_newest_after_approving_the_previous_keeps_the_file_validated(client, auth, spec):
    v2 = pending(client, auth, 1)
    decide(client, auth, v2, "approve", 200)
    v3 = pending(client, auth, 2)
    assert status(client, auth) == ("pending_validation", 2)
    decide(client, auth, v3, "reject", 200)
    assert status(client, auth) == ("validated", 2)  # the status follows the current version, not a stale memory


def test_versions_of_a_deleted_file_cannot_be_decided(app, client, auth, spec):
    v2 = pending(client, auth, 1)
    v3 = pending(client, auth, 2)
    assert client.post("/unlock", json=SPEC, headers=auth("u2")).status_code == 200
    assert client.delete("/delete", json=SPEC, headers=auth("o1")).status_code == 200
    decide(client, auth, v2, "reject", 409, "invalid_state")
    decide(client, auth, v3, "approve", 409, "invalid_state")
    listed = client.get("/list", query_string={**SPEC, "path": "docs", "include_deleted": "true"}, headers=auth("o1"))
    [file] = listed.get_json()["files"]
    assert file["status"] == "archived" and file["current_version_number"] == 1


def test_approve_and_reject_of_an_unknown_version_are_404(client, auth, spec):
    missing = str(uuid.uuid4())
    error(client.post(f"/versions/{missing}/approve", json={}, headers=auth("v1")), 404, "version_not_found")
    error(client.post(f"/versions/{missing}/reject", json={}, headers=auth("v1")), 404, "version_not_found")
