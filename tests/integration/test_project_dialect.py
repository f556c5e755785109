"""The platform's project service dialect over HTTP (contract §9): with PROJECT_SERVICE_DIALECT=waterfall every
decision is one POST /check-file-access-batch with `<action>_files`; the fake speaks only that dialect."""

from __future__ import annotations

import pytest

from tests.support.fake_project_service import WATERFALL_BATCH, FakeProjectService
from tests.support.files_api import EVERYTHING, MEMBER, download, error, proxy_upload, transfer_body, use_rules

TEAM = {
    ("p1", "o1"): ("owner", EVERYTHING),
    ("p1", "u2"): ("member", MEMBER),
    ("p1", "v1"): ("admin", {"read", "validate"}),
}
SPEC = {"bucket": "projects", "id": "p1", "path": "docs/spec.pdf"}
WORK = {"bucket": "users", "id": "u2", "path": "work/spec.pdf"}


@pytest.fixture(scope="module")
def waterfall():
    with FakeProjectService(dialect="waterfall") as service:
        yield service


@pytest.fixture
def platform(waterfall):
    waterfall.reset()
    use_rules(waterfall, TEAM)
    return waterfall


@pytest.fixture
def client(make_app, platform):
    app = make_app("minio", PROJECT_SERVICE_URL=platform.live_url, PROJECT_SERVICE_DIALECT="waterfall")
    return app.test_client()


def ok(response, status=200):
    assert response.status_code == status, response.get_json()
    return response.get_json()


def test_a_project_workflow_in_the_waterfall_dialect(client, auth, platform):
    """Upload, list, lock, unlock, check out, commit, approve and delete in a project bucket: every check is a batch
    in the platform's words, forwarding the caller's JWT."""
    spec = proxy_upload(client, auth("o1"), SPEC, b"%PDF-1.4 v1\n")["data"]
    listing = ok(
        client.get("/list", query_string={"bucket": "projects", "id": "p1", "path": "docs"}, headers=auth("u2"))
    )
    assert [f["id"] for f in listing["files"]] == [spec["file_id"]]
    ok(client.post("/lock", json=SPEC, headers=auth("u2")))
    ok(client.post("/unlock", json=SPEC, headers=auth("u2")))
    ok(client.post("/copy", json=transfer_body(SPEC, WORK), headers=auth("u2")), 201)
    proxy_upload(client, auth("u2"), WORK, b"%PDF-1.4 v2\n")
    pending = ok(client.post("/versions/commit", json=transfer_body(WORK, SPEC), headers=auth("u2")), 201)["data"]
    approved = ok(client.post(f"/versions/{pending['version_id']}/approve", json={}, headers=auth("v1")))["data"]
    assert approved["status"] == "validated" and approved["is_current"] is True
    assert download(client, auth("u2"), **SPEC) == b"%PDF-1.4 v2\n"
    ok(client.delete("/delete", json={"file_id": spec["file_id"]}, headers=auth("o1")))

    assert platform.calls and {c.path for c in platform.calls} == {WATERFALL_BATCH}
    checks = [
        (check["project_id"], check["action"], call.user_id) for call in platform.calls for check in call.json["checks"]
    ]
    assert {action for _, action, _ in checks} == {
        "read_files",
        "write_files",
        "lock_files",
        "validate_files",
        "delete_files",
    }
    assert ("p1", "validate_files", "v1") in checks and ("p1", "delete_files", "o1") in checks
    assert all(set(check) == {"project_id", "action"} for call in platform.calls for check in call.json["checks"])
    assert all(call.headers["authorization"].startswith("Bearer ") for call in platform.calls)


def test_waterfall_denials_are_access_denied(client, auth, platform):
    proxy_upload(client, auth("o1"), SPEC, b"%PDF-1.4 v1\n")
    error(client.post("/lock", json=SPEC, headers=auth("v1")), 403, "access_denied")  # v1 may not lock
    query = {"bucket": "projects", "id": "p1", "path": "/"}
    error(client.get("/list", query_string=query, headers=auth("stranger")), 403, "access_denied")
    assert [c.json["checks"][0]["action"] for c in platform.calls[-2:]] == ["lock_files", "read_files"]


@pytest.mark.parametrize("mode", ["short_batch", "non_boolean", "garbage", "error500"])
def test_waterfall_failures_deny(client, auth, platform, mode):
    platform.mode = mode
    response = client.get("/list", query_string={"bucket": "projects", "id": "p1", "path": "/"}, headers=auth("o1"))
    error(response, 403, "project_service_unavailable")
    assert int(response.headers["Retry-After"]) > 0


def test_the_seed_dialect_is_refused_by_the_platform(make_app, auth, platform):
    """An app left on the seed dialect against the platform's service gets 404s: denied, never allowed."""
    client = make_app("minio", PROJECT_SERVICE_URL=platform.live_url).test_client()
    response = client.get("/list", query_string={"bucket": "projects", "id": "p1", "path": "/"}, headers=auth("o1"))
    error(response, 403, "project_service_unavailable")
    response = client.post("/upload/presign", json={**SPEC, "filename": "spec.pdf"}, headers=auth("o1"))
    error(response, 403, "project_service_unavailable")
    assert [c.path for c in platform.calls] == ["/check-file-access", "/check-file-access"]
