"""The seven documented workflows end to end over HTTP: PostgreSQL, SeaweedFS (or the local store) and a fake
project service that really listens and decides per project, user and action.

The team of project p1: owner o1, validator v1 (role admin, may read and validate), members u2 and u3
(read, write, lock), viewer w1 (read). u2 has no rights in p2.
"""

from __future__ import annotations

import hashlib
import io
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa

from app.clock import ManualClock
from tests.support.files_api import EVERYTHING, MEMBER, download, proxy_upload, use_rules

TEAM = {
    ("p1", "o1"): ("owner", EVERYTHING),
    ("p1", "v1"): ("admin", {"read", "validate"}),
    ("p1", "u2"): ("member", MEMBER),
    ("p1", "u3"): ("member", MEMBER),
    ("p1", "w1"): ("viewer", {"read"}),
    ("p2", "o1"): ("owner", EVERYTHING),
}
SPEC_V1 = b"%PDF-1.4\n% specification, first edition\n"
SPEC_EDIT = b"%PDF-1.4\n% specification, section 2 clarified by u2\n"
SPEC = {"bucket": "projects", "id": "p1", "path": "docs/spec.pdf"}
WORK = {"bucket": "users", "id": "u2", "path": "workspace/spec.pdf"}


def asked(fake):
    """(project, action, user) of every check the fake received, batch checks flattened."""
    seen = []
    for call in fake.calls:
        checks = call.json.get("checks", []) if "checks" in call.json else [call.json]
        seen += [(check["project_id"], check["action"], call.user_id) for check in checks]
    return seen


def call(client, method, url, headers, expect, **kwargs):
    response = client.open(url, method=method, headers=headers, **kwargs)
    assert response.status_code == expect, response.get_json()
    return response.get_json() if response.is_json else response


CHANGES = {"upload", "upload_confirm", "copy", "lock", "unlock", "force_unlock", "commit", "approve", "reject"}


def audit_actions(app, file_id):
    from app.extensions import db
    from app.models import AuditLog

    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditLog.action, AuditLog.user_id, AuditLog.outcome)
            .where(AuditLog.file_id == sa.func.cast(file_id, sa.Uuid))
            .order_by(AuditLog.created_at)
        ).all()
    return [tuple(row) for row in rows]


def send_to_store(client, presigned, content):
    """Upload the way a browser would: straight to the presigned URL (SeaweedFS, or the local store's endpoint)."""
    url = presigned["url"]
    parts = urlsplit(url)
    to_app = parts.netloc == "localhost"  # the local store's URLs point at the service itself
    if presigned["method"] == "PUT":
        if to_app:
            return client.put(f"{parts.path}?{parts.query}", data=content, headers=presigned["headers"]).status_code
        return requests.put(url, data=content, headers=presigned["headers"], timeout=10).status_code
    if to_app:
        form = {**presigned["fields"], "file": (io.BytesIO(content), "spec.pdf")}
        return client.post(parts.path, data=form, content_type="multipart/form-data").status_code
    return requests.post(url, data=presigned["fields"], files={"file": ("spec.pdf", content)}, timeout=10).status_code


# --- 1. presigned upload ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_presigned_upload(make_app, auth, team, backend, method):
    app = make_app(backend)
    client = app.test_client()
    request = {
        **SPEC,
        "content_type": "application/pdf",
        "size": len(SPEC_V1),
        "checksum_sha256": hashlib.sha256(SPEC_V1).hexdigest(),
        "method": method,
    }
    presigned = call(client, "POST", "/upload/presign", auth("u2"), 200, json=request)
    assert presigned["method"] == method and presigned["upload_id"] and presigned["object_key"]
    assert ("headers" if method == "PUT" else "fields") in presigned
    # nothing is visible before the confirmation
    call(client, "GET", "/metadata", auth("u2"), 404, query_string=SPEC)
    assert send_to_store(client, presigned, SPEC_V1) in (200, 201, 204)

    confirmed = call(client, "POST", "/upload/confirm", auth("u2"), 201, json={"upload_id": presigned["upload_id"]})
    data = confirmed["data"]
    assert data["version_number"] == 1 and data["size"] == len(SPEC_V1)
    assert data["checksum_sha256"] == hashlib.sha256(SPEC_V1).hexdigest()
    assert data["object_key"] != presigned["object_key"]  # the version's own copy: the URL cannot change it
    assert data["mime_type"] == "application/pdf"
    assert download(client, auth("u3"), **SPEC) == SPEC_V1
    assert ("p1", "write", "u2") in asked(team)
    # confirming again answers the same version; someone else's upload id is not found
    again = call(client, "POST", "/upload/confirm", auth("u2"), 201, json={"upload_id": presigned["upload_id"]})
    assert again["data"] == data
    assert (
        call(client, "POST", "/upload/confirm", auth("u3"), 404, json={"upload_id": presigned["upload_id"]})["message"]
        == "file_not_found"
    )
    assert [(a, u) for a, u, _ in audit_actions(app, data["file_id"]) if a in CHANGES] == [("upload_confirm", "u2")]


@pytest.mark.parametrize("method", ["PUT", "POST"])
def test_presigned_upload_without_a_confirm_call(make_app, auth, team, backend, method):
    # The seed's workflow 1 as written: presign, PUT the bytes, and nothing else; the next read shows the file.
    app = make_app(backend)
    client = app.test_client()
    request = {**SPEC, "content_type": "application/pdf", "method": method}
    presigned = call(client, "POST", "/upload/presign", auth("u2"), 200, json=request)
    assert send_to_store(client, presigned, SPEC_V1) in (200, 201, 204)

    meta = call(client, "GET", "/metadata", auth("u3"), 200, query_string=SPEC)
    version = meta["current_version"]
    assert (version["version_number"], version["size"], version["created_by"]) == (1, len(SPEC_V1), "u2")
    assert version["checksum_sha256"] == hashlib.sha256(SPEC_V1).hexdigest()
    assert meta["file"]["owner_id"] == "u2"
    assert download(client, auth("w1"), **SPEC) == SPEC_V1
    assert [(a, u) for a, u, _ in audit_actions(app, meta["file"]["id"]) if a in CHANGES] == [("upload_confirm", "u2")]

    # the next one, in the same folder, appears in the folder's listing
    second = call(client, "POST", "/upload/presign", auth("u2"), 200, json={**request, "path": "docs/annex.pdf"})
    assert send_to_store(client, second, SPEC_EDIT) in (200, 201, 204)
    listing = call(
        client, "GET", "/list", auth("w1"), 200, query_string={"bucket": "projects", "id": "p1", "path": "docs"}
    )
    assert [f["logical_path"] for f in listing["files"]] == ["docs/annex.pdf", "docs/spec.pdf"]


def test_presigned_upload_refused_per_project_and_user(client, auth, team):
    for user, place in [("w1", SPEC), ("u2", {**SPEC, "id": "p2"}), ("nobody", SPEC)]:
        refused = call(client, "POST", "/upload/presign", auth(user), 403, json={**place, "size": 3})
        assert refused["message"] == "access_denied"
    assert ("p1", "write", "w1") in asked(team) and ("p2", "write", "u2") in asked(team)
    assert call(client, "POST", "/upload/presign", auth("u2"), 400, json={**SPEC, "expires_in": 1})["message"] == (
        "invalid_expiry"
    )


def test_presigned_upload_to_a_file_locked_by_someone_else_is_refused(client, auth, team):
    proxy_upload(client, auth("o1"), SPEC, SPEC_V1)
    call(client, "POST", "/lock", auth("u3"), 200, json=SPEC)
    refused = call(client, "POST", "/upload/presign", auth("u2"), 409, json={**SPEC, "size": 3})
    assert refused["message"] == "file_locked" and refused["lock"]["locked_by"] == "u3"


# --- 2. proxy upload ----------------------------------------------------------------------------------------------


def test_proxy_upload(app, client, auth, team):
    first = proxy_upload(client, auth("u2"), SPEC, SPEC_V1, description="The spec", tags='{"phase": 1}')
    assert first["status"] == "success" and first["success"] is True
    data = first["data"]
    assert data["version_number"] == 1 and data["filename"] == "spec.pdf" and data["size"] == len(SPEC_V1)
    assert data["mime_type"] == "application/pdf" and data["category"] == "document"
    assert data["checksum_sha256"] == hashlib.sha256(SPEC_V1).hexdigest()
    second = proxy_upload(client, auth("u3"), SPEC, SPEC_EDIT)["data"]
    assert second["file_id"] == data["file_id"] and second["version_number"] == 2
    assert download(client, auth("w1"), **SPEC) == SPEC_EDIT
    meta = call(client, "GET", "/metadata", auth("w1"), 200, query_string=SPEC)["file"]
    assert meta["owner_id"] == "u2" and meta["tags"] == {"phase": 1} and meta["description"] == "The spec"
    assert [a for a, _, _ in audit_actions(app, data["file_id"]) if a in CHANGES] == ["upload", "upload"]

    assert proxy_upload(client, auth("w1"), SPEC, b"x", expect=403)["message"] == "access_denied"
    assert proxy_upload(client, auth("u2"), {**SPEC, "id": "p2"}, b"x", expect=403)["message"] == "access_denied"
    assert ("p1", "write", "w1") in asked(team) and ("p2", "write", "u2") in asked(team)
    # README form, straight into one's own space
    mine = proxy_upload(client, auth("u2"), {"bucket": "users", "path": "/users/u2/notes.txt"}, b"notes")["data"]
    assert download(client, auth("u2"), file_id=mine["file_id"]) == b"notes"


# --- 3.-5. copy into a personal folder, commit back, approve ------------------------------------------------------


@pytest.fixture
def published(client, auth, team):
    """The owner published the spec in the project."""
    return proxy_upload(client, auth("o1"), SPEC, SPEC_V1)["data"]


def checkout(client, headers):
    body = {
        "source_bucket": "projects",
        "source_path": "/projects/p1/docs/spec.pdf",
        "target_bucket": "users",
        "target_id": "u2",
        "target_path": "workspace/spec.pdf",
    }
    return call(client, "POST", "/copy", headers, 201, json=body)["data"]


COMMIT_BACK = {
    "source_bucket": "users",
    "source_path": "/users/u2/workspace/spec.pdf",
    "target_bucket": "projects",
    "target_path": "/projects/p1/docs/spec.pdf",
}


def test_copy_a_project_file_into_a_personal_folder_locks_it(client, auth, published, team):
    team.calls.clear()
    copied = checkout(client, auth("u2"))
    assert copied["source_file_id"] == published["file_id"] and copied["base_version_number"] == 1
    assert copied["destination_path"] == "workspace/spec.pdf"
    assert asked(team) == [("p1", "lock", "u2")]
    assert download(client, auth("u2"), **WORK) == SPEC_V1

    project_file = call(client, "GET", "/metadata", auth("u3"), 200, query_string=SPEC)["file"]
    assert project_file["lock"]["locked_by"] == "u2" and project_file["lock"]["id"] == copied["lock_id"]
    refused = call(client, "POST", "/lock", auth("u3"), 409, json=SPEC)
    assert refused["message"] == "file_locked" and refused["lock"]["locked_by"] == "u2"
    assert proxy_upload(client, auth("u3"), SPEC, b"overwrite", expect=409)["message"] == "file_locked"
    refused_copy = call(
        client,
        "POST",
        "/copy",
        auth("u3"),
        409,
        json={
            "source_file_id": published["file_id"],
            "target_bucket": "users",
            "target_id": "u3",
            "target_path": "spec.pdf",
        },
    )
    assert refused_copy["message"] == "file_locked"
    # a viewer may not check the file out
    assert (
        call(
            client,
            "POST",
            "/copy",
            auth("w1"),
            403,
            json={
                "source_file_id": published["file_id"],
                "target_bucket": "users",
                "target_id": "w1",
                "target_path": "spec.pdf",
            },
        )["message"]
        == "access_denied"
    )


def test_commit_it_back_with_a_message(client, auth, published, team):
    checkout(client, auth("u2"))
    proxy_upload(client, auth("u2"), WORK, SPEC_EDIT)  # the edit, in the personal space
    team.calls.clear()
    committed = call(
        client, "POST", "/versions/commit", auth("u2"), 201, json={**COMMIT_BACK, "message": "Clarify section 2"}
    )
    assert committed["data"]["status"] == "pending_validation" and committed["data"]["version_number"] == 2
    assert ("p1", "write", "u2") in asked(team)
    project_file = call(client, "GET", "/metadata", auth("w1"), 200, query_string=SPEC)
    assert project_file["file"]["status"] == "pending_validation"
    assert project_file["file"]["lock"] is None
    assert project_file["current_version"]["version_number"] == 1
    listed = call(client, "GET", "/versions", auth("w1"), 200, query_string=SPEC)
    assert [(v["version_number"], v["status"], v["changelog"]) for v in listed["versions"]] == [
        (2, "pending_validation", "Clarify section 2"),
        (1, "draft", None),
    ]
    # someone else's stale working copy no longer commits
    proxy_upload(client, auth("u3"), {"bucket": "users", "id": "u3", "path": "old.pdf"}, b"%PDF-1.4 old")
    stale = call(
        client,
        "POST",
        "/versions/commit",
        auth("u3"),
        409,
        json={
            "source_bucket": "users",
            "source_id": "u3",
            "source_path": "old.pdf",
            "file_id": published["file_id"],
            "base_version": 1,
            "message": "stale",
        },
    )
    assert stale["message"] == "version_conflict" and stale["current_version_number"] == 2


def test_approve_it(app, client, auth, published, team):
    checkout(client, auth("u2"))
    proxy_upload(client, auth("u2"), WORK, SPEC_EDIT)
    version_id = call(
        client, "POST", "/versions/commit", auth("u2"), 201, json={**COMMIT_BACK, "message": "Clarify section 2"}
    )["data"]["version_id"]
    # members may not validate; the validator may
    assert call(client, "POST", f"/versions/{version_id}/approve", auth("u3"), 403, json={})["message"] == (
        "access_denied"
    )
    team.calls.clear()
    approved = call(client, "POST", f"/versions/{version_id}/approve", auth("v1"), 200, json={"comment": "OK"})
    assert approved["data"] == {
        "version_id": version_id,
        "status": "validated",
        "file_id": published["file_id"],
        "is_current": True,
    }
    assert asked(team) == [("p1", "validate", "v1")]
    project_file = call(client, "GET", "/metadata", auth("w1"), 200, query_string=SPEC)
    assert project_file["file"]["status"] == "validated"
    assert project_file["current_version"]["id"] == version_id
    assert project_file["current_version"]["validated_by"] == "v1"
    assert download(client, auth("w1"), **SPEC) == SPEC_EDIT
    assert call(client, "POST", f"/versions/{version_id}/reject", auth("v1"), 409, json={})["message"] == (
        "invalid_state"
    )
    # (whether the check-out's lock also has its own row is test_copy's concern)
    actions = [(a, u) for a, u, _ in audit_actions(app, published["file_id"]) if a in CHANGES and a != "lock"]
    assert actions == [("upload", "o1"), ("commit", "u2"), ("approve", "v1")]


# --- 6. force an unlock -------------------------------------------------------------------------------------------


def test_force_unlock_after_the_holder_left_the_project(app, client, auth, published, team):
    copied = checkout(client, auth("u2"))
    proxy_upload(client, auth("u2"), WORK, SPEC_EDIT)
    use_rules(team, {key: grant for key, grant in TEAM.items() if key != ("p1", "u2")})  # u2 left p1

    assert call(client, "POST", "/unlock", auth("u3"), 403, json={**SPEC, "force": True})["message"] == (
        "access_denied"
    )
    team.calls.clear()
    forced = call(client, "POST", "/unlock", auth("o1"), 200, json={**SPEC, "force": True, "reason": "u2 left"})
    assert forced["data"]["forced"] is True and forced["data"]["original_holder"] == "u2"
    assert forced["data"]["lock_id"] == copied["lock_id"]
    assert set(asked(team)) == {("p1", "lock", "o1")}
    # the working copy, with u2's edit, is still in u2's space; u2 can no longer commit into p1
    assert download(client, auth("u2"), **WORK) == SPEC_EDIT
    assert call(client, "POST", "/versions/commit", auth("u2"), 403, json=COMMIT_BACK)["message"] == "access_denied"
    # the project file is free again
    assert call(client, "POST", "/lock", auth("u3"), 200, json=SPEC)["data"]["locked_by"] == "u3"
    actions = [
        (a, u) for a, u, _ in audit_actions(app, published["file_id"]) if a in CHANGES and (a, u) != ("lock", "u2")
    ]
    assert actions == [("upload", "o1"), ("force_unlock", "o1"), ("lock", "u3")]


# --- 7. list the locks of a project folder ------------------------------------------------------------------------


def test_list_the_locks_of_a_project_folder(client, auth, team):
    for path in ("docs/spec.pdf", "docs/plan.pdf", "docs/drafts/notes.pdf", "budget/2025.pdf"):
        proxy_upload(client, auth("o1"), {**SPEC, "path": path}, SPEC_V1)
    proxy_upload(client, auth("o1"), {**SPEC, "id": "p2", "path": "docs/other.pdf"}, SPEC_V1)
    call(client, "POST", "/lock", auth("u2"), 200, json={**SPEC, "path": "docs/spec.pdf"})
    call(
        client,
        "POST",
        "/lock",
        auth("u3"),
        200,
        json={**SPEC, "path": "docs/drafts/notes.pdf", "reason": "review", "lock_type": "review"},
    )
    call(client, "POST", "/lock", auth("u3"), 200, json={**SPEC, "path": "budget/2025.pdf"})
    call(client, "POST", "/lock", auth("o1"), 200, json={**SPEC, "id": "p2", "path": "docs/other.pdf"})

    team.calls.clear()
    body = call(
        client, "GET", "/locks", auth("w1"), 200, query_string={"bucket": "projects", "id": "p1", "path": "docs/"}
    )
    assert body["total"] == 2
    assert [(row["logical_path"], row["locked_by"], row["lock_type"]) for row in body["locks"]] == [
        ("docs/drafts/notes.pdf", "u3", "review"),
        ("docs/spec.pdf", "u2", "edit"),
    ]
    assert all((row["bucket_type"], row["bucket_id"]) == ("projects", "p1") for row in body["locks"])
    assert asked(team) == [("p1", "read", "w1")]
    # without a filter the viewer sees p1's locks only (p2 refused), decided in one call
    team.calls.clear()
    everything = call(client, "GET", "/locks", auth("w1"), 200)
    assert {(row["bucket_id"], row["logical_path"]) for row in everything["locks"]} == {
        ("p1", "docs/spec.pdf"),
        ("p1", "docs/drafts/notes.pdf"),
        ("p1", "budget/2025.pdf"),
    }
    assert len(team.calls) == 1
    mine = call(
        client, "GET", "/locks", auth("u3"), 200, query_string={"bucket": "projects", "id": "p1", "mine": "true"}
    )
    assert sorted(row["logical_path"] for row in mine["locks"]) == ["budget/2025.pdf", "docs/drafts/notes.pdf"]


# --- the whole cycle, twice, with a lease that lapses in between --------------------------------------------------


def test_the_whole_cycle(make_app, auth, team):
    clock = ManualClock()
    app = make_app("minio", clock=clock, LOCK_DEFAULT_TTL=3600)
    client = app.test_client()
    published = proxy_upload(client, auth("o1"), SPEC, SPEC_V1)["data"]

    # u2 checks out, edits and commits; v1 approves
    checkout(client, auth("u2"))
    proxy_upload(client, auth("u2"), WORK, SPEC_EDIT)
    second = call(client, "POST", "/versions/commit", auth("u2"), 201, json={**COMMIT_BACK, "changelog": "v2"})
    call(client, "POST", f"/versions/{second['data']['version_id']}/approve", auth("v1"), 200)

    # u2 checks out again but goes silent; the lease lapses and u3 takes over without anyone's help
    again = call(
        client,
        "POST",
        "/copy",
        auth("u2"),
        201,
        json={
            "source_file_id": published["file_id"],
            "target_bucket": "users",
            "target_id": "u2",
            "target_path": "workspace/spec.pdf",
            "overwrite": True,
        },
    )["data"]
    assert again["base_version_number"] == 2
    clock.advance(3600)
    call(
        client,
        "POST",
        "/copy",
        auth("u3"),
        201,
        json={
            "source_file_id": published["file_id"],
            "target_bucket": "users",
            "target_id": "u3",
            "target_path": "spec.pdf",
        },
    )
    proxy_upload(client, auth("u3"), {"bucket": "users", "id": "u3", "path": "spec.pdf"}, b"%PDF-1.4 by u3")
    third = call(
        client,
        "POST",
        "/versions/commit",
        auth("u3"),
        201,
        json={
            "source_bucket": "users",
            "source_id": "u3",
            "source_path": "spec.pdf",
            "file_id": published["file_id"],
            "message": "u3's take",
        },
    )["data"]
    assert third["version_number"] == 3
    # u2's late commit on base 2 is a conflict; v1 rejects u3's version and the approved v2 stays current
    late = call(client, "POST", "/versions/commit", auth("u2"), 409, json={**COMMIT_BACK, "message": "late"})
    assert late["message"] == "version_conflict" and late["current_version_number"] == 3
    call(client, "POST", f"/versions/{third['version_id']}/reject", auth("v1"), 200, json={"comment": "no"})
    final = call(client, "GET", "/metadata", auth("w1"), 200, query_string=SPEC)
    assert final["file"]["status"] == "validated" and final["file"]["current_version_number"] == 2
    assert download(client, auth("w1"), **SPEC) == SPEC_EDIT
    assert call(client, "GET", "/locks", auth("w1"), 200, query_string={"bucket": "projects", "id": "p1"})["total"] == 0
