"""Locks as leases over HTTP (PostgreSQL + SeaweedFS + the fake project service): take, renew, expire, release,
force, list. Expiry is driven by a ManualClock, never by sleeping."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import pytest

from app.clock import ManualClock
from tests.support.fake_project_service import BATCH, SINGLE
from tests.support.files_api import EVERYTHING, MEMBER, audit_rows, proxy_upload, transfer_body

# (project, user) -> (role, allowed actions); anything absent is refused by the fake.
TEAM = {
    ("p1", "o1"): ("owner", EVERYTHING),
    ("p1", "a1"): ("admin", EVERYTHING),
    ("p1", "u2"): ("member", MEMBER),
    ("p1", "u3"): ("member", MEMBER),
    ("p1", "w1"): ("viewer", {"read"}),
    ("p1", "root"): ("member", MEMBER),  # an operator with the admin role claim, a plain member of the project
    ("p2", "u2"): ("member", MEMBER),
    ("p2", "u3"): ("member", MEMBER),
    ("p3", "u2"): ("member", {"read"}),
    ("p3", "u3"): ("member", MEMBER),
    ("p4", "u3"): ("member", MEMBER),  # u2 may not read p4
}
SPEC = {"bucket": "projects", "id": "p1", "path": "docs/spec.pdf"}
SPEC_V1 = b"%PDF-1.4 spec v1\n"
WORK = {"bucket": "users", "id": "u2", "path": "work/spec.pdf"}  # u2's working copy


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def app(make_app, clock):
    return make_app("minio", clock=clock, LOCK_DEFAULT_TTL=1800, LOCK_MIN_TTL=60, LOCK_MAX_TTL=3600)


def lock(client, headers, expect=200, **body):
    explicit = "file_id" in body or "bucket" in body or "bucket_type" in body
    response = client.post("/lock", json=body if explicit else {**SPEC, **body}, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def unlock(client, headers, expect=200, **body):
    response = client.post("/unlock", json={**SPEC, **body}, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def copy_to_work(client, headers, **source):
    """POST /copy of `source` (source_* fields) to u2's working copy WORK; asserts 201, returns the command's data."""
    body = {**source, "target_bucket": WORK["bucket"], "target_id": WORK["id"], "target_path": WORK["path"]}
    response = client.post("/copy", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["data"]


def ts(value: str) -> datetime:
    return datetime.fromisoformat(value)


@pytest.fixture
def spec(client, auth, team):
    """p1/docs/spec.pdf, uploaded by o1."""
    return proxy_upload(client, auth("o1"), SPEC, SPEC_V1)["data"]


# --- taking and renewing ------------------------------------------------------------------------------------------


def test_lock_returns_the_lease_and_another_user_gets_409_naming_holder_and_expiry(app, client, auth, spec, clock):
    taken = lock(client, auth("u2"), reason="editing")
    data = taken["data"]
    assert taken["status"] == "success" and taken["success"] is True
    assert data["file_id"] == spec["file_id"] and data["locked_by"] == "u2"
    assert ts(data["expires_at"]) == clock.now() + timedelta(seconds=1800)  # LOCK_DEFAULT_TTL

    refused = lock(client, auth("u3"), expect=409)
    assert refused["status"] == "error" and refused["message"] == "file_locked"
    assert refused["lock"]["id"] == data["lock_id"]
    assert refused["lock"]["locked_by"] == "u2"
    assert ts(refused["lock"]["expires_at"]) == ts(data["expires_at"])
    assert refused["lock"]["reason"] == "editing" and refused["lock"]["lock_type"] == "edit"

    metadata = client.get("/metadata", query_string=SPEC, headers=auth("u3")).get_json()
    assert metadata["file"]["lock"]["id"] == data["lock_id"]
    [row] = audit_rows(app, "lock", spec["file_id"])
    assert row["user_id"] == "u2" and row["details"]["lock_id"] == data["lock_id"]
    assert (row["bucket_type"], row["bucket_id"], row["logical_path"]) == ("projects", "p1", "docs/spec.pdf")


def test_holder_locking_again_renews_the_same_lock_with_a_later_expiry(client, auth, spec, clock):
    first = lock(client, auth("u2"), expires_in=600)["data"]
    clock.advance(300)
    again = lock(client, auth("u2"), expires_in=600, lock_type="review")["data"]
    assert again["lock_id"] == first["lock_id"]
    assert ts(again["expires_at"]) == ts(first["expires_at"]) + timedelta(seconds=300)
    assert ts(again["expires_at"]) == clock.now() + timedelta(seconds=600)
    # the renewed lease still excludes others, with the new expiry
    refused = lock(client, auth("u3"), expect=409)
    assert refused["lock"]["id"] == first["lock_id"] and refused["lock"]["lock_type"] == "review"
    assert ts(refused["lock"]["expires_at"]) == ts(again["expires_at"])


def test_lock_by_file_id(client, auth, spec):
    data = lock(client, auth("u2"), file_id=spec["file_id"])["data"]
    assert data["file_id"] == spec["file_id"]
    assert lock(client, auth("u3"), expect=409, file_id=spec["file_id"])["lock"]["locked_by"] == "u2"


@pytest.mark.parametrize("seconds", [60, 3600])
def test_expires_in_at_the_bounds_is_accepted(client, auth, spec, clock, seconds):
    data = lock(client, auth("u2"), expires_in=seconds)["data"]
    assert ts(data["expires_at"]) == clock.now() + timedelta(seconds=seconds)


@pytest.mark.parametrize("seconds", [59, 3601, 0, -60, "soon", 90.5])
def test_expires_in_outside_the_bounds_is_a_validation_error(client, auth, spec, seconds):
    body = lock(client, auth("u2"), expect=400, **SPEC, expires_in=seconds)
    assert body["message"] == "validation_error"
    assert "expires_in" in body["errors"]
    # nothing was taken
    assert lock(client, auth("u3"))["data"]["locked_by"] == "u3"


def test_lock_errors(client, auth, spec):
    assert lock(client, auth("u2"), expect=404, **{**SPEC, "path": "docs/missing.pdf"})["message"] == "file_not_found"
    assert lock(client, auth("u2"), expect=404, file_id=str(uuid.uuid4()))["message"] == "file_not_found"
    assert lock(client, auth("u2"), expect=400, bucket="projects", id="p1")["message"] == "missing_fields"
    assert lock(client, auth("u2"), expect=400, **{**SPEC, "path": "docs/../spec.pdf"})["message"] == "invalid_path"
    assert lock(client, auth("u2"), expect=400, **SPEC, lock_type="forever")["message"] == "validation_error"
    assert lock(client, auth("w1"), expect=403)["message"] == "access_denied"  # viewer: no `lock` right
    assert lock(client, auth("u9"), expect=403)["message"] == "access_denied"  # not in the project
    # another user's personal space
    proxy_upload(client, auth("u3"), {"bucket": "users", "id": "u3", "path": "notes.txt"}, b"mine")
    assert lock(client, auth("u2"), expect=403, bucket="users", id="u3", path="notes.txt")["message"] == "access_denied"
    assert client.post("/lock", json=SPEC).status_code == 401


def test_denied_lock_is_audited(app, client, auth, spec, team):
    lock(client, auth("w1"), expect=403)
    denied = [row for row in audit_rows(app, "lock") if row["outcome"] == "denied"]
    assert [(r["user_id"], r["bucket_id"], r["logical_path"]) for r in denied] == [("w1", "p1", "docs/spec.pdf")]
    assert {"project_id": "p1", "action": "lock"}.items() <= team.calls[-1].json.items()


# --- expiry: a lapsed lease counts for nothing, everywhere, without a background job ------------------------------


def test_expired_lease_lets_another_user_lock(client, auth, spec, clock):
    held = lock(client, auth("u2"), expires_in=60)["data"]
    clock.advance(59)
    assert lock(client, auth("u3"), expect=409)["lock"]["locked_by"] == "u2"
    clock.advance(1)  # expires_at is the first instant the lease no longer counts
    taken = lock(client, auth("u3"))["data"]
    assert taken["locked_by"] == "u3" and taken["lock_id"] != held["lock_id"]
    assert ts(taken["expires_at"]) == clock.now() + timedelta(seconds=1800)
    # the former holder is now the one refused
    assert lock(client, auth("u2"), expect=409)["lock"]["locked_by"] == "u3"


def test_expired_lease_is_no_longer_shown_and_cannot_be_unlocked(client, auth, spec, clock):
    lock(client, auth("u2"), expires_in=60)
    clock.advance(61)
    metadata = client.get("/metadata", query_string=SPEC, headers=auth("u2")).get_json()
    assert metadata["file"]["lock"] is None
    listed = client.get("/locks", query_string={"bucket": "projects", "id": "p1"}, headers=auth("u2"))
    assert listed.status_code == 200, listed.get_json()
    assert listed.get_json() == {"locks": [], "total": 0}
    assert unlock(client, auth("u2"), expect=409)["message"] == "file_not_locked"


def test_expired_lease_lets_another_user_upload_to_the_path(client, auth, spec, clock):
    lock(client, auth("u2"), expires_in=60)
    assert proxy_upload(client, auth("u3"), SPEC, b"u3 edit", expect=409)["message"] == ("file_locked")
    clock.advance(120)
    assert proxy_upload(client, auth("u3"), SPEC, b"u3 edit")["data"]["version_number"] == 2


def test_expired_holders_commit_fails_once_someone_else_locked(client, auth, spec, clock):
    copy_to_work(client, auth("u2"), source_bucket="projects", source_path="/projects/p1/docs/spec.pdf")
    clock.advance(1800)  # the copy's lease (LOCK_DEFAULT_TTL) has lapsed
    lock(client, auth("u3"))
    commit = {**transfer_body(WORK, SPEC), "message": "late"}
    refused = client.post("/versions/commit", json=commit, headers=auth("u2"))
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["message"] == "file_locked"
    assert refused.get_json()["lock"]["locked_by"] == "u3"


def test_expired_holders_commit_fails_once_someone_else_uploaded(client, auth, spec, clock):
    copied = copy_to_work(client, auth("u2"), source_bucket="projects", source_id="p1", source_path="docs/spec.pdf")
    clock.advance(3600)
    proxy_upload(client, auth("u3"), SPEC, b"u3 wrote meanwhile")
    commit = {"source_file_id": copied["file_id"], "file_id": spec["file_id"], "message": "late"}
    refused = client.post("/versions/commit", json=commit, headers=auth("u2"))
    assert refused.status_code == 409, refused.get_json()
    assert refused.get_json()["message"] == "version_conflict"
    assert refused.get_json()["current_version_number"] == 2


# --- unlock and force-unlock --------------------------------------------------------------------------------------


def test_unlock_a_file_that_is_not_locked_is_409(client, auth, spec):
    body = unlock(client, auth("u2"), expect=409)
    assert body["status"] == "error" and body["message"] == "file_not_locked"


def test_unlock_errors(client, auth, spec):
    lock(client, auth("u2"))
    assert unlock(client, auth("u2"), expect=404, path="docs/missing.pdf")["message"] == "file_not_found"
    missing = client.post("/unlock", json={"file_id": str(uuid.uuid4())}, headers=auth("u2"))
    assert missing.status_code == 404 and missing.get_json()["message"] == "file_not_found"
    no_address = client.post("/unlock", json={"bucket": "projects", "id": "p1"}, headers=auth("u2"))
    assert no_address.status_code == 400 and no_address.get_json()["message"] == "missing_fields"
    assert unlock(client, auth("u2"), expect=400, force="if you can")["message"] == "validation_error"
    assert unlock(client, auth("u9"), expect=403, force=True)["message"] == "access_denied"
    assert client.post("/unlock", json=SPEC).status_code == 401
    by_id = client.post("/unlock", json={"file_id": spec["file_id"]}, headers=auth("u2"))
    assert by_id.status_code == 200 and by_id.get_json()["data"]["forced"] is False


def test_holder_unlocks_and_the_release_is_audited(app, client, auth, spec):
    held = lock(client, auth("u2"))["data"]
    body = unlock(client, auth("u2"), reason="done")
    assert body["success"] is True
    assert body["data"]["lock_id"] == held["lock_id"] and body["data"]["forced"] is False
    assert lock(client, auth("u3"))["data"]["locked_by"] == "u3"
    [row] = audit_rows(app, "unlock", spec["file_id"])
    assert row["user_id"] == "u2" and row["details"]["lock_id"] == held["lock_id"]
    assert audit_rows(app, "force_unlock") == []
    assert unlock(client, auth("u2"), expect=403)["message"] == "access_denied"  # now u3's lock


def test_unlock_of_someone_elses_lock_without_force_is_403_and_keeps_the_lock(client, auth, spec):
    held = lock(client, auth("u2"))["data"]
    for user in ("u3", "o1", "a1"):  # even those who could force must ask for it
        assert unlock(client, auth(user), expect=403)["message"] == "access_denied"
    assert lock(client, auth("u3"), expect=409)["lock"]["id"] == held["lock_id"]


def test_force_by_a_plain_member_is_403(app, client, auth, spec):
    held = lock(client, auth("u2"))["data"]
    assert unlock(client, auth("u3"), expect=403, force=True)["message"] == "access_denied"
    assert unlock(client, auth("w1"), expect=403, force=True)["message"] == "access_denied"  # no lock right at all
    assert lock(client, auth("u3"), expect=409)["lock"]["id"] == held["lock_id"]
    assert audit_rows(app, "force_unlock") == []


@pytest.mark.parametrize(
    "breaker",
    [
        pytest.param(("o1", None), id="project-owner"),
        pytest.param(("a1", None), id="project-admin"),
        pytest.param(("root", ["admin"]), id="admin-role-claim"),
    ],
)
def test_force_unlock_by_an_administrator(app, client, auth, spec, team, breaker):
    """u2 checked the file out into their space; an administrator breaks the lock; the working copy survives."""
    user, roles = breaker
    work = {"target_bucket": "users", "target_id": "u2", "target_path": "work/spec.pdf"}
    copied = client.post("/copy", json={"source_file_id": spec["file_id"], **work}, headers=auth("u2"))
    assert copied.status_code == 201, copied.get_json()
    lock_id = copied.get_json()["data"]["lock_id"]

    team.calls.clear()
    body = unlock(client, auth(user, roles=roles), force=True, reason="u2 left the project")
    assert body["data"] == {
        "lock_id": lock_id,
        "file_id": spec["file_id"],
        "released_by": user,
        "forced": True,
        "original_holder": "u2",
    }
    [row] = audit_rows(app, "force_unlock", spec["file_id"])
    assert row["user_id"] == user
    assert row["details"]["original_holder"] == "u2" and row["details"]["lock_id"] == lock_id
    assert row["details"]["reason"] == "u2 left the project"
    assert all(c.json.get("action") == "lock" for c in team.calls)  # the right is the `lock` check's role

    # the lock is gone: another member can take it
    assert lock(client, auth("u3"))["data"]["locked_by"] == "u3"
    # the holder's working copy is untouched
    working = client.get(
        "/download/proxy", query_string={"bucket": "users", "id": "u2", "path": "work/spec.pdf"}, headers=auth("u2")
    )
    assert working.status_code == 200 and working.data == b"%PDF-1.4 spec v1\n"


def test_force_unlock_in_a_company_space_needs_the_admin_role_claim(app, client, auth):
    place = {"bucket": "companies", "id": "c1", "path": "handbook.txt"}
    proxy_upload(
        client, auth("u2", company_id="c1"), {"bucket": "companies", "id": "c1", "path": "handbook.txt"}, b"rules"
    )
    held = lock(client, auth("u2", company_id="c1"), **place)["data"]
    refused = client.post("/unlock", json={**place, "force": True}, headers=auth("u3", company_id="c1"))
    assert refused.status_code == 403 and refused.get_json()["message"] == "access_denied"
    forced = client.post(
        "/unlock", json={**place, "force": True}, headers=auth("boss", company_id="c1", roles=["admin"])
    )
    assert forced.status_code == 200, forced.get_json()
    assert (
        forced.get_json()["data"]["original_holder"] == "u2"
        and forced.get_json()["data"]["lock_id"] == (held["lock_id"])
    )


def test_owner_of_a_users_bucket_may_force_a_lock_left_in_their_space(app, client, auth, clock):
    """A lock held by another principal in u2's space (left by an internal service) is u2's to break."""
    from app.extensions import db
    from app.models import FileLock, LockType

    data = proxy_upload(client, auth("u2"), {"bucket": "users", "id": "u2", "path": "inbox/scan.txt"}, b"scanned")[
        "data"
    ]
    with app.app_context():
        db.session.add(
            FileLock(
                id=uuid.uuid4(),
                file_id=uuid.UUID(data["file_id"]),
                locked_by="ocr-service",
                lock_type=LockType.edit,
                created_at=clock.now(),
                expires_at=clock.now() + timedelta(hours=1),
                forced=False,
            )
        )
        db.session.commit()
    place = {"bucket": "users", "id": "u2", "path": "inbox/scan.txt"}
    assert client.post("/unlock", json=place, headers=auth("u2")).status_code == 403
    forced = client.post("/unlock", json={**place, "force": True}, headers=auth("u2"))
    assert forced.status_code == 200, forced.get_json()
    assert forced.get_json()["data"]["forced"] is True
    [row] = audit_rows(app, "force_unlock", data["file_id"])
    assert row["details"]["original_holder"] == "ocr-service"


def test_holder_may_pass_force_on_their_own_lock(app, client, auth, spec):
    lock(client, auth("u2"))
    assert unlock(client, auth("u2"), force=True)["data"]["forced"] is False
    assert audit_rows(app, "force_unlock") == []


# --- GET /locks ---------------------------------------------------------------------------------------------------


@pytest.fixture
def many_locks(client, auth, team):
    """Locks in p1 (u2: docs/a, docs/sub/b; u3: other/c, docsx/d), p2 (u3), p3 (u3), p4 (u3), users/u2, users/u3."""
    placed = {}
    for holder, project, path in [
        ("u2", "p1", "docs/a.pdf"),
        ("u2", "p1", "docs/sub/b.pdf"),
        ("u3", "p1", "other/c.pdf"),
        ("u3", "p1", "docsx/d.pdf"),
        ("u3", "p2", "plan.pdf"),
        ("u3", "p3", "plan.pdf"),
        ("u3", "p4", "secret.pdf"),
    ]:
        file_id = proxy_upload(
            client,
            auth("o1" if project == "p1" else holder),
            {"bucket": "projects", "id": project, "path": path},
            SPEC_V1,
        )["data"]["file_id"]
        lock(client, auth(holder), file_id=file_id)
        placed[(project, path)] = file_id
    for user in ("u2", "u3"):
        file_id = proxy_upload(client, auth(user), {"bucket": "users", "id": user, "path": "draft.txt"}, b"draft")[
            "data"
        ]["file_id"]
        lock(client, auth(user), file_id=file_id)
        placed[(user, "draft.txt")] = file_id
    return placed


def listed(client, headers, expect=200, **query):
    response = client.get("/locks", query_string=query, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def addresses(body):
    return [(row["bucket_id"], row["logical_path"]) for row in body["locks"]]


def test_locks_rows_carry_the_lock_and_its_address(client, auth, many_locks):
    body = listed(client, auth("u2"), bucket="projects", id="p1", path="docs/a.pdf")
    [row] = body["locks"]
    assert body["total"] == 1
    assert set(row) == {
        "id",
        "file_id",
        "locked_by",
        "lock_type",
        "reason",
        "created_at",
        "expires_at",
        "bucket_type",
        "bucket_id",
        "logical_path",
    }
    assert row["file_id"] == many_locks[("p1", "docs/a.pdf")] and row["locked_by"] == "u2"
    assert row["bucket_type"] == "projects"


def test_locks_filters(client, auth, many_locks):
    headers = auth("u2")
    p1 = listed(client, headers, bucket="projects", id="p1")
    assert sorted(addresses(p1)) == [
        ("p1", "docs/a.pdf"),
        ("p1", "docs/sub/b.pdf"),
        ("p1", "docsx/d.pdf"),
        ("p1", "other/c.pdf"),
    ]
    assert p1["total"] == 4
    # a folder prefix matches whole segments only: docs/ but not docsx/
    for folder in ("docs", "docs/", "/docs"):
        assert sorted(addresses(listed(client, headers, bucket="projects", id="p1", path=folder))) == [
            ("p1", "docs/a.pdf"),
            ("p1", "docs/sub/b.pdf"),
        ]
    assert addresses(listed(client, headers, bucket_type="projects", bucket_id="p1", path="docs/sub")) == [
        ("p1", "docs/sub/b.pdf")
    ]
    # README form: the bucket id from the absolute path
    assert sorted(addresses(listed(client, headers, bucket="projects", path="/projects/p1/docs"))) == [
        ("p1", "docs/a.pdf"),
        ("p1", "docs/sub/b.pdf"),
    ]
    assert addresses(listed(client, headers, file_id=many_locks[("p1", "other/c.pdf")])) == [("p1", "other/c.pdf")]
    mine = listed(client, headers, mine="true")
    assert sorted(addresses(mine)) == [("p1", "docs/a.pdf"), ("p1", "docs/sub/b.pdf"), ("u2", "draft.txt")]
    assert {row["locked_by"] for row in mine["locks"]} == {"u2"}
    assert addresses(listed(client, headers, bucket="projects", id="p1", path="other", mine="true")) == []
    assert listed(client, headers, bucket="projects", id="p1", path="nothing/here") == {"locks": [], "total": 0}


def test_locks_bad_filters(client, auth, many_locks):
    assert listed(client, auth("u2"), 400, bucket="projects", id="p1", path="a/../b")["message"] == "invalid_path"
    assert listed(client, auth("u2"), 400, bucket="drawers", id="p1")["message"] == "bucket_not_found"
    assert listed(client, auth("u2"), 400, mine="perhaps")["message"] == "validation_error"


def test_locks_in_a_project_the_caller_may_not_read_are_hidden(client, auth, many_locks):
    assert listed(client, auth("u2"), bucket="projects", id="p4") == {"locks": [], "total": 0}
    assert listed(client, auth("u2"), file_id=many_locks[("p4", "secret.pdf")]) == {"locks": [], "total": 0}
    assert listed(client, auth("u2"), bucket="users", id="u3") == {"locks": [], "total": 0}
    assert addresses(listed(client, auth("u3"), bucket="projects", id="p4")) == [("p4", "secret.pdf")]


def test_locks_hide_what_the_caller_may_not_read_with_one_batch_call(client, auth, many_locks, team):
    team.calls.clear()
    body = listed(client, auth("u2"))
    # p1, p3 readable; p2 readable (member); p4 refused; users/u3 is not u2's
    assert sorted(addresses(body)) == [
        ("p1", "docs/a.pdf"),
        ("p1", "docs/sub/b.pdf"),
        ("p1", "docsx/d.pdf"),
        ("p1", "other/c.pdf"),
        ("p2", "plan.pdf"),
        ("p3", "plan.pdf"),
        ("u2", "draft.txt"),
    ]
    assert body["total"] == 7
    [call] = team.calls  # one decision request for four projects, never one per row
    assert call.path == BATCH and call.user_id == "u2"
    assert sorted((c["project_id"], c["action"]) for c in call.json["checks"]) == [
        ("p1", "read"),
        ("p2", "read"),
        ("p3", "read"),
        ("p4", "read"),
    ]

    team.calls.clear()
    seen_by_u3 = listed(client, auth("u3"))
    assert ("u2", "draft.txt") not in addresses(seen_by_u3) and ("u3", "draft.txt") in addresses(seen_by_u3)
    assert [c.path for c in team.calls] == [BATCH]


def test_locks_when_the_project_service_refuses_everything(client, auth, many_locks, team):
    team.mode = "deny"
    assert addresses(listed(client, auth("u2"))) == [("u2", "draft.txt")]
    team.mode = "error500"
    # Unfiltered, the project locks that cannot be confirmed are left out (contract §9); narrowed to a project, 403.
    assert addresses(listed(client, auth("u2"))) == [("u2", "draft.txt")]
    refused = client.get("/locks", query_string={"bucket": "projects", "id": "p1"}, headers=auth("u2"))
    assert refused.status_code == 403 and refused.get_json()["message"] == "project_service_unavailable"
    assert refused.headers.get("Retry-After")


def test_locks_of_a_single_project_ask_once(client, auth, many_locks, team):
    team.calls.clear()
    listed(client, auth("u2"), bucket="projects", id="p1")
    assert len(team.calls) == 1 and team.calls[0].path in (SINGLE, BATCH)


def test_released_locks_are_not_listed(client, auth, many_locks):
    client.post("/unlock", json={"file_id": many_locks[("p1", "docs/a.pdf")]}, headers=auth("u2"))
    assert addresses(listed(client, auth("u2"), bucket="projects", id="p1", path="docs")) == [("p1", "docs/sub/b.pdf")]
