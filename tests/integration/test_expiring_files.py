"""Expiring files (PostgreSQL + both stores): an expiry asked on upload (proxy, presigned) or PATCH /metadata,
bounded by MAX_FILE_TTL; once past, the file is gone for every request at once, and the worker (gc) deletes it
physically with an audit row and a `file.expired` event."""

from __future__ import annotations

import threading
import uuid
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.clock import ManualClock
from tests.support.files_api import (
    EVERYTHING,
    MEMBER,
    add_lock,
    audit_rows,
    error,
    metadata,
    object_exists,
    proxy_upload,
    upload,
)
from tests.support.presigned import confirm, presign, send_put
from tests.support.webhooks import SECRET

pytestmark = pytest.mark.integration

HOUR = 3600
TEAM = {("p1", "o1"): ("owner", EVERYTHING), ("p1", "m1"): ("member", MEMBER)}  # the member may not delete
PROJECT = {"bucket": "projects", "id": "p1", "path": "plans/site.pdf"}
WHERE = {"bucket": "users", "id": "u1", "path": "docs/a.txt"}
METADATA = {"bucket_type": "users", "bucket_id": "u1", "logical_path": "docs/a.txt"}


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def app(make_app, backend, clock):
    return make_app(backend, clock=clock, MAX_FILE_TTL=30 * 24 * HOUR)


def gc(app):
    from app.services.maintenance import collect_garbage

    with app.app_context():
        return collect_garbage()


def file_row(app, file_id):
    from app.extensions import db
    from app.models import File

    with app.app_context():
        row = db.session.get(File, uuid.UUID(str(file_id)))
        db.session.commit()
        return row


def listed(client, auth, **query):
    response = client.get("/list", query_string={"bucket": "users", "id": "u1", **query}, headers=auth("u1"))
    assert response.status_code == 200, response.get_json()
    return [f["logical_path"] for f in response.get_json()["files"]]


def patch(client, auth, body, user="u1"):
    return client.patch("/metadata", query_string=METADATA, json=body, headers=auth(user))


# --- gone at once, deleted by the worker ----------------------------------------------------------------------------


def test_an_expired_file_is_gone_at_once_from_every_read(app, client, auth, clock):
    uploaded = upload(client, auth("u1"), content=b"short-lived", expires_in="600")
    upload(client, auth("u1"), path="docs/b.txt", content=b"stays")
    file = metadata(client, auth("u1"), **METADATA)["file"]
    assert file["expires_at"] is not None
    assert abs((clock.now() + timedelta(seconds=600)).timestamp() - _ts(file["expires_at"])) < 1
    assert listed(client, auth) == ["docs/a.txt", "docs/b.txt"]

    clock.advance(601)
    error(client.get("/metadata", query_string=METADATA, headers=auth("u1")), 404, "file_not_found")
    by_id = client.get("/metadata", query_string={"file_id": uploaded["file_id"]}, headers=auth("u1"))
    error(by_id, 404, "file_not_found")
    error(client.get("/download/proxy", query_string=METADATA, headers=auth("u1")), 404, "file_not_found")
    error(client.get("/download/presign", query_string=METADATA, headers=auth("u1")), 404, "file_not_found")
    assert listed(client, auth) == ["docs/b.txt"]
    assert listed(client, auth, include_deleted="true") == ["docs/b.txt"]
    assert listed(client, auth, recursive="false", path="docs") == ["docs/b.txt"]
    error(client.post("/lock", json={"file_id": uploaded["file_id"]}, headers=auth("u1")), 404, "file_not_found")
    # hidden, not yet deleted: the bytes are still there until the worker passes
    assert object_exists(app, uploaded["object_key"])

    report = gc(app)
    assert report.expired_files == 1
    assert file_row(app, uploaded["file_id"]) is None
    assert not object_exists(app, uploaded["object_key"])
    expired = audit_rows(app, action="expire", file_id=uploaded["file_id"])
    assert len(expired) == 1 and expired[0]["user_id"] is None
    assert gc(app).expired_files == 0  # nothing twice


def test_the_worker_sends_a_file_expired_event(make_app, clock, auth):
    from tests.integration.test_webhooks import outbox

    app = make_app("local", clock=clock, WEBHOOK_URLS=[{"url": "http://127.0.0.1:9/hook", "secret": SECRET}])
    client = app.test_client()
    uploaded = upload(client, auth("u1"), expires_in="60")
    clock.advance(61)
    gc(app)
    events = [row for row in outbox(app) if row["type"] == "file.expired"]
    assert [str(row["file_id"]) for row in events] == [uploaded["file_id"]]
    assert events[0]["payload"]["data"]["logical_path"] == "docs/a.txt"


def test_a_file_not_yet_due_is_left_alone(app, client, auth, clock):
    uploaded = upload(client, auth("u1"), expires_in="600")
    clock.advance(599)
    assert gc(app).expired_files == 0
    assert metadata(client, auth("u1"), **METADATA)["file"]["id"] == uploaded["file_id"]


def test_two_workers_delete_each_expired_file_once(app, client, auth, clock):
    paths = [f"many/{n}.txt" for n in range(30)]
    for path in paths:
        upload(client, auth("u1"), path=path, content=path.encode(), expires_in="60")
    clock.advance(61)
    counts, failures = [], []
    start = threading.Barrier(2)

    def work():
        try:
            start.wait()
            counts.append(gc(app).expired_files)
        except Exception as exc:  # reported below: a failure in a thread must fail the test
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sum(counts) == len(paths)
    assert len(audit_rows(app, action="expire")) == len(paths)
    assert listed(client, auth) == []


# --- a new upload takes the address of an expired file ------------------------------------------------------------


def test_an_upload_to_the_address_of_an_expired_file_makes_a_new_file(app, client, auth, clock):
    old = upload(client, auth("u1"), content=b"old", expires_in="60")
    clock.advance(61)
    new = upload(client, auth("u1"), content=b"new")  # before the worker came by
    assert new["file_id"] != old["file_id"] and new["version_number"] == 1
    file = metadata(client, auth("u1"), **METADATA)["file"]
    assert file["id"] == new["file_id"] and file["expires_at"] is None
    assert file_row(app, old["file_id"]) is None
    assert len(audit_rows(app, action="expire", file_id=old["file_id"])) == 1
    gc(app)
    assert not object_exists(app, old["object_key"]) and object_exists(app, new["object_key"])


def test_a_new_version_keeps_the_expiry_unless_it_asks_for_another(app, client, auth, clock):
    upload(client, auth("u1"), expires_in="600")
    first = metadata(client, auth("u1"), **METADATA)["file"]["expires_at"]
    upload(client, auth("u1"), content=b"v2")
    assert metadata(client, auth("u1"), **METADATA)["file"]["expires_at"] == first
    upload(client, auth("u1"), content=b"v3", expires_in="1200")
    later = metadata(client, auth("u1"), **METADATA)["file"]
    assert later["current_version_number"] == 3
    assert _ts(later["expires_at"]) - _ts(first) == pytest.approx(600, abs=1)


# --- presigned uploads and PATCH /metadata --------------------------------------------------------------------------


def test_a_presigned_upload_asks_for_the_file_expiry_apart_from_the_url_lifetime(app, client, auth, clock, backend):
    at = (clock.now() + timedelta(days=2)).replace(microsecond=0)
    presigned = presign(client, "u1", "u1", expires_in=120, file_expires_at=at.isoformat())
    assert presigned.status_code == 200, presigned.get_json()
    body = presigned.get_json()
    assert send_put(client, backend, body, b"presigned bytes") in (200, 204)
    confirmed = confirm(client, "u1", body["upload_id"])
    assert confirmed.status_code in (200, 201), confirmed.get_json()
    file = metadata(client, auth("u1"), **METADATA)["file"]
    assert _ts(file["expires_at"]) == at.timestamp()
    clock.advance(2 * 24 * HOUR + 1)
    metadata(client, auth("u1"), expect=404, **METADATA)


def test_patch_sets_moves_and_clears_the_expiry(app, client, auth, clock):
    upload(client, auth("u1"))
    assert metadata(client, auth("u1"), **METADATA)["file"]["expires_at"] is None
    response = patch(client, auth, {"expires_in": 60})
    assert response.status_code == 200, response.get_json()
    shown = response.get_json()["data"]["updated_fields"]["expires_at"]
    assert _ts(metadata(client, auth("u1"), **METADATA)["file"]["expires_at"]) == _ts(shown)
    cleared = patch(client, auth, {"expires_at": None})
    assert cleared.status_code == 200 and cleared.get_json()["data"]["updated_fields"] == {"expires_at": None}
    clock.advance(61)
    assert metadata(client, auth("u1"), **METADATA)["file"]["expires_at"] is None
    assert gc(app).expired_files == 0
    assert audit_rows(app, action="metadata_update")[-1]["details"]["updated_fields"] == ["expires_at"]


def test_patch_needs_write_and_respects_the_lock(app, client, auth):
    uploaded = upload(client, auth("u1"))
    error(patch(client, auth, {"expires_in": 60}, user="u2"), 403, "access_denied")
    add_lock(app, uploaded["file_id"], locked_by="u2")
    error(patch(client, auth, {"expires_in": 60}), 409, "file_locked")
    assert metadata(client, auth("u1"), **METADATA)["file"]["expires_at"] is None


# --- bounds --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fields",
    [
        {"expires_in": "0"},
        {"expires_in": "-5"},
        {"expires_in": str(30 * 24 * HOUR + 1)},  # beyond MAX_FILE_TTL
        {"expires_in": str(2**63 - 1)},
        {"expires_at": "2000-01-01T00:00:00+00:00"},
        {"expires_at": "9999-12-31T23:59:59+00:00"},
    ],
)
def test_an_expiry_out_of_bounds_stores_nothing(app, client, auth, fields):
    error(
        client.post(
            "/upload/proxy",
            data={**WHERE, **fields, "file": (_bytes(), "a.txt")},
            content_type="multipart/form-data",
            headers=auth("u1"),
        ),
        400,
        "invalid_expiry",
    )
    assert listed(client, auth) == []
    assert _stored_keys(app) == []


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"expires_in": "60", "expires_at": "2100-01-01T00:00:00+00:00"}, "validation_error"),
        ({"expires_in": "soon"}, "validation_error"),
        ({"expires_at": "tomorrow"}, "validation_error"),
        ({"expires_at": "2100-01-01T00:00:00"}, "validation_error"),  # no offset: which zone?
    ],
)
def test_malformed_expiry_fields_are_refused(app, client, auth, fields, code):
    form = {**WHERE, **fields, "file": (_bytes(), "a.txt")}
    error(client.post("/upload/proxy", data=form, content_type="multipart/form-data", headers=auth("u1")), 400, code)
    assert _stored_keys(app) == []


@pytest.mark.parametrize(
    "body",
    [
        {"expires_in": 0},
        {"expires_in": 2**63 - 1},
        {"expires_at": "2000-01-01T00:00:00Z"},
    ],
)
def test_patch_and_presign_bound_the_expiry_too(app, client, auth, body):
    upload(client, auth("u1"))
    error(patch(client, auth, body), 400, "invalid_expiry")
    prefixed = {f"file_{name}": value for name, value in body.items()}
    error(presign(client, "u1", "u1", path="docs/p.txt", **prefixed), 400, "invalid_expiry")
    assert metadata(client, auth("u1"), **METADATA)["file"]["expires_at"] is None


def test_patch_refuses_both_forms_at_once(app, client, auth):
    upload(client, auth("u1"))
    error(patch(client, auth, {"expires_in": 60, "expires_at": None}), 400, "validation_error")
    error(patch(client, auth, {"expires_in": 1.5}), 400, "validation_error")


# --- helpers -------------------------------------------------------------------------------------------------------


def _ts(text: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(text).timestamp()


def _bytes():
    import io

    return io.BytesIO(b"payload")


def _stored_keys(app) -> list[str]:
    from app.extensions import db
    from app.models import FileVersion

    with app.app_context():
        keys = list(db.session.scalars(sa.select(FileVersion.object_key)))
        db.session.commit()
        return keys


def test_an_expiry_after_the_file_part_is_checked_too_and_the_stored_bytes_go(app, client, auth):
    boundary = "xYzBoundary"
    parts = [("bucket", "users"), ("id", "u1"), ("path", "docs/a.txt")]
    body = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="{n}"\r\n\r\n{v}\r\n' for n, v in parts)
    body += f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
    body += "Content-Type: text/plain\r\n\r\nlate expiry\r\n"
    body += f'--{boundary}\r\nContent-Disposition: form-data; name="expires_in"\r\n\r\n0\r\n--{boundary}--\r\n'
    response = client.post(
        "/upload/proxy",
        data=body.encode(),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=auth("u1"),
    )
    error(response, 400, "invalid_expiry")
    assert listed(client, auth) == [] and _stored_keys(app) == []
    assert gc(app).deleted_objects == 0  # the bytes stored before the field arrived were removed at once


def test_a_move_onto_the_address_of_an_expired_file_takes_it(app, client, auth, clock):
    old = upload(client, auth("u1"), content=b"old", expires_in="60")
    other = upload(client, auth("u1"), path="docs/other.txt", content=b"moving")
    clock.advance(61)
    moved = client.post(
        "/move",
        json={"file_id": other["file_id"], "target_bucket": "users", "target_id": "u1", "target_path": "docs/a.txt"},
        headers=auth("u1"),
    )
    assert moved.status_code == 200, moved.get_json()
    assert metadata(client, auth("u1"), **METADATA)["file"]["id"] == other["file_id"]
    assert file_row(app, old["file_id"]) is None
    assert len(audit_rows(app, action="expire", file_id=old["file_id"])) == 1


def test_a_restore_onto_the_address_of_an_expired_file_takes_it(app, client, auth, clock):
    trashed = upload(client, auth("u1"), content=b"trashed")
    assert client.delete("/delete", query_string=METADATA, headers=auth("u1")).status_code == 200
    expiring = upload(client, auth("u1"), content=b"expiring", expires_in="60")
    clock.advance(61)
    restored = client.post("/restore", json={"file_id": trashed["file_id"]}, headers=auth("u1"))
    assert restored.status_code == 200, restored.get_json()
    assert metadata(client, auth("u1"), **METADATA)["file"]["id"] == trashed["file_id"]
    assert file_row(app, expiring["file_id"]) is None


def test_an_expiry_on_an_existing_file_takes_the_right_to_delete_it(app, client, auth, team, clock):
    owned = proxy_upload(client, auth("o1"), PROJECT, b"%PDF-1.4 owner\n")["data"]
    where = {"bucket_type": "projects", "bucket_id": "p1", "logical_path": "plans/site.pdf"}
    # a member who may write but not delete cannot make the file go away by giving it an expiry
    body = {"file_id": owned["file_id"], "expires_in": 60}
    error(client.patch("/metadata", json=body, headers=auth("m1")), 403, "access_denied")
    error(
        client.post(
            "/upload/proxy",
            data={**PROJECT, "expires_in": "60", "file": (_bytes(), "site.pdf")},
            content_type="multipart/form-data",
            headers=auth("m1"),
        ),
        403,
        "access_denied",
    )
    presigned = client.post("/upload/presign", json={**PROJECT, "file_expires_in": 60}, headers=auth("m1"))
    error(presigned, 403, "access_denied")
    assert metadata(client, auth("o1"), **where)["file"]["expires_at"] is None
    assert metadata(client, auth("o1"), **where)["file"]["current_version_number"] == 1
    # ... but may upload a version without one, give a new file an expiry, and clear one
    proxy_upload(client, auth("m1"), PROJECT, b"%PDF-1.4 member\n")
    proxy_upload(client, auth("m1"), {**PROJECT, "path": "plans/draft.pdf"}, b"%PDF-1.4 draft\n", expires_in="60")
    assert client.patch("/metadata", json={**body, "expires_in": 600}, headers=auth("o1")).status_code == 200
    cleared = client.patch("/metadata", json={"file_id": owned["file_id"], "expires_at": None}, headers=auth("m1"))
    assert cleared.status_code == 200, cleared.get_json()
    clock.advance(601)
    assert metadata(client, auth("o1"), **where)["file"]["id"] == owned["file_id"]


def test_an_expired_file_leaves_the_trash_too(app, client, auth, clock):
    upload(client, auth("u1"), expires_in="600")
    assert client.delete("/delete", query_string=METADATA, headers=auth("u1")).status_code == 200
    trash = {"bucket": "users", "id": "u1"}

    def trashed():
        response = client.get("/trash", query_string=trash, headers=auth("u1"))
        assert response.status_code == 200, response.get_json()
        return [f["logical_path"] for f in response.get_json()["files"]]

    assert trashed() == ["docs/a.txt"]
    clock.advance(601)
    assert trashed() == []
