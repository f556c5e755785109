"""A presigned upload completes without `/upload/confirm` (contract §9, the seed's workflow 1 "presign, PUT the
bytes"): on the next read touching its address, or by `flask storage worker` — with the checks of confirm, at most
once whoever gets there first, and with no database transaction open while its bytes are copied and hashed."""

from __future__ import annotations

import hashlib
import threading
import uuid

import pytest
import sqlalchemy as sa

from app.clock import ManualClock
from app.models import AuditLog, File, FileVersion, IntentStatus, UploadIntent
from tests.support.files_api import add_lock, object_exists
from tests.support.postgres import open_transactions
from tests.support.presigned import confirm, presign, send_put
from tests.support.recording_proxy import RecordingProxy
from tests.support.tokens import bearer

pytestmark = pytest.mark.integration

CONTENT = b"uploaded straight to the store, never confirmed\n" * 10


@pytest.fixture
def uid() -> str:
    """A user id of this test only: its objects are the ones under `<uid>/` in the shared buckets."""
    return "u" + uuid.uuid4().hex[:12]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def uploaded(client, backend: str, uid: str, path: str = "docs/a.txt", content: bytes = CONTENT, **extra) -> dict:
    """Presign and PUT the bytes, as the seed's workflow 1 does; no confirm."""
    response = presign(client, uid, uid, path, **extra)
    assert response.status_code == 200, response.get_json()
    presigned = response.get_json()
    assert send_put(client, backend, presigned, content) in (200, 204)
    return presigned


def intent_of(app, presigned: dict) -> UploadIntent:
    from app.extensions import db

    with app.app_context():
        intent = db.session.get(UploadIntent, uuid.UUID(presigned["upload_id"]))
        db.session.expunge(intent)
        return intent


def versions_of(app, uid: str) -> list[tuple[str, int, str, str]]:
    """(path, number, object key, checksum) of every version under the bucket id."""
    from app.extensions import db

    with app.app_context():
        rows = db.session.execute(
            sa.select(
                File.logical_path, FileVersion.version_number, FileVersion.object_key, FileVersion.checksum_sha256
            )
            .join(File, File.id == FileVersion.file_id)
            .where(File.bucket_id == uid)
            .order_by(File.logical_path, FileVersion.version_number)
        ).all()
        return [tuple(row) for row in rows]


def confirm_audits(app, presigned: dict) -> list[tuple[str | None, str, dict]]:
    """(user, outcome, details) of the upload_confirm audit rows of one upload."""
    from app.extensions import db

    with app.app_context():
        rows = db.session.scalars(sa.select(AuditLog).where(AuditLog.action == "upload_confirm")).all()
        return [(r.user_id, r.outcome, r.details) for r in rows if r.details.get("upload_id") == presigned["upload_id"]]


def objects(app, uid: str) -> list[str]:
    return [o.key for o in app.extensions["object_store"].list(app.config["BUCKET_USERS"], f"{uid}/")]


def worker_pass(app, **kwargs):
    from app.services.intents import complete_waiting

    with app.app_context():
        return complete_waiting(**kwargs)


# -- reads ---------------------------------------------------------------------------------------------------------


def get(client, url: str, uid: str, reader: str | None = None, **query):
    return client.get(url, query_string={"bucket": "users", "id": uid, **query}, headers=bearer(reader or uid))


def test_metadata_shows_an_upload_nobody_confirmed(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = uploaded(client, backend, uid, checksum_sha256=sha256(CONTENT))
    response = get(client, "/metadata", uid, path="docs/a.txt")
    assert response.status_code == 200, response.get_json()
    version = response.get_json()["current_version"]
    assert (version["version_number"], version["size"], version["checksum_sha256"]) == (
        1,
        len(CONTENT),
        sha256(CONTENT),
    )
    assert version["object_key"] != presigned["object_key"]  # its own copy
    intent = intent_of(app, presigned)
    assert intent.status == IntentStatus.confirmed and str(intent.version_id) == version["id"]
    [(user, outcome, details)] = confirm_audits(app, presigned)
    assert (user, outcome, details["via"]) == (uid, "success", "read")
    assert get(client, "/metadata", uid, path="docs/a.txt").get_json()["current_version"]["id"] == version["id"]


def test_the_listing_of_its_folder_shows_it(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    uploaded(client, backend, uid, "docs/a.txt")
    uploaded(client, backend, uid, "docs/sub/b.txt")
    elsewhere = uploaded(client, backend, uid, "other/c.txt")
    not_sent = presign(client, uid, uid, "docs/d.txt").get_json()
    response = get(client, "/list", uid, path="docs", recursive="false")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [f["logical_path"] for f in body["files"]] == ["docs/a.txt"] and body["folders"] == ["sub"]
    assert get(client, "/list", uid, path="docs/sub").get_json()["files"][0]["logical_path"] == "docs/sub/b.txt"
    assert intent_of(app, elsewhere).status == IntentStatus.pending  # not under the folder read
    assert intent_of(app, not_sent).status == IntentStatus.pending  # nothing arrived
    assert [f["logical_path"] for f in get(client, "/list", uid).get_json()["files"]] == [
        "docs/a.txt",
        "docs/sub/b.txt",
        "other/c.txt",
    ]


def test_downloads_and_versions_complete_it(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    uploaded(client, backend, uid, "docs/proxy.txt")
    response = get(client, "/download/proxy", uid, path="docs/proxy.txt")
    assert (response.status_code, response.get_data()) == (200, CONTENT)
    uploaded(client, backend, uid, "docs/presigned.txt")
    response = get(client, "/download/presign", uid, path="docs/presigned.txt")
    assert response.status_code == 200, response.get_json()
    uploaded(client, backend, uid, "docs/versions.txt")
    response = get(client, "/versions", uid, path="docs/versions.txt")
    assert response.status_code == 200, response.get_json()
    assert [v["version_number"] for v in response.get_json()["versions"]] == [1]


def test_a_read_by_file_id_completes_a_new_version(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    uploaded(client, backend, uid, content=b"version 1")
    file_id = get(client, "/metadata", uid, path="docs/a.txt").get_json()["file"]["id"]
    uploaded(client, backend, uid, content=b"version 2")
    response = client.get("/metadata", query_string={"file_id": file_id}, headers=bearer(uid))
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["current_version"]["version_number"] == 2


def test_a_read_rejects_a_bad_object_like_confirm(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = uploaded(client, backend, uid, checksum_sha256=sha256(b"what was announced"))
    assert get(client, "/metadata", uid, path="docs/a.txt").status_code == 404
    assert intent_of(app, presigned).status == IntentStatus.failed
    [(user, outcome, details)] = confirm_audits(app, presigned)
    assert (user, outcome, details["reason"], details["via"]) == (uid, "rejected", "validation_error", "read")
    assert objects(app, uid) == []
    assert get(client, "/list", uid).get_json()["files"] == []


def test_a_read_by_someone_who_may_not_read_there_completes_nothing(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = uploaded(client, backend, uid)
    assert get(client, "/metadata", uid, reader="intruder", path="docs/a.txt").status_code == 403
    assert get(client, "/list", uid, reader="intruder").status_code == 403
    assert intent_of(app, presigned).status == IntentStatus.pending
    assert objects(app, uid) == [presigned["object_key"]]  # not even copied
    assert get(client, "/metadata", uid, path="docs/a.txt").status_code == 200


# -- the worker ----------------------------------------------------------------------------------------------------


def test_the_worker_completes_an_upload_nobody_confirmed(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = uploaded(client, backend, uid, checksum_sha256=sha256(CONTENT))
    never_sent = presign(client, uid, uid, "docs/b.txt").get_json()

    report = worker_pass(app)
    assert (report.completed, report.waiting, report.rejected) == (1, 1, 0)
    [(path, number, key, checksum)] = versions_of(app, uid)
    assert (path, number, checksum) == ("docs/a.txt", 1, sha256(CONTENT))
    assert (
        key != presigned["object_key"] and object_exists(app, key) and not object_exists(app, presigned["object_key"])
    )
    intent = intent_of(app, presigned)
    assert intent.status == IntentStatus.confirmed and intent.version_id is not None
    assert intent_of(app, never_sent).status == IntentStatus.pending
    [(user, outcome, details)] = confirm_audits(app, presigned)
    assert (user, outcome, details["via"]) == (uid, "success", "worker")

    # the client that confirms afterwards gets the version the worker made
    response = confirm(client, uid, presigned["upload_id"])
    assert response.status_code == 201, response.get_json()
    assert (response.get_json()["data"]["version_id"], response.get_json()["data"]["object_key"]) == (
        str(intent.version_id),
        key,
    )
    assert worker_pass(app).completed == 0
    assert len(versions_of(app, uid)) == 1


def test_the_worker_rejects_a_bad_object_like_confirm(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    presigned = uploaded(client, backend, uid, checksum_sha256=sha256(b"what was announced"))

    report = worker_pass(app)
    assert (report.completed, report.rejected) == (0, 1)
    assert intent_of(app, presigned).status == IntentStatus.failed
    [(user, outcome, details)] = confirm_audits(app, presigned)
    assert (user, outcome, details["reason"], details["via"]) == (uid, "rejected", "validation_error", "worker")
    assert versions_of(app, uid) == []
    assert objects(app, uid) == []  # the upload and the copy its checksum was computed on: queued and deleted
    assert worker_pass(app).rejected == 0  # decided once


def test_the_worker_command_runs_the_given_number_of_passes(make_app, backend, uid):
    app = make_app(backend, WORKER_INTERVAL=0)
    presigned = uploaded(app.test_client(), backend, uid)
    result = app.test_cli_runner().invoke(args=["storage", "worker", "--max-iterations", "2"])
    assert result.exit_code == 0, result.output
    assert "pass 1: uploads completed: 1, rejected: 0, waiting: 0, deferred: 0" in result.output
    assert "pass 2: uploads completed: 0" in result.output
    assert result.output.count("aborted incomplete uploads: 0") == 2  # and what gc does, each pass
    assert "worker stopped after 2 passes" in result.output
    assert intent_of(app, presigned).status == IntentStatus.confirmed


def test_the_worker_waits_between_passes_and_stops_when_told(make_app):
    from app.services.maintenance import run_worker

    app = make_app("local", WORKER_INTERVAL=3600)
    stop, passed = threading.Event(), threading.Event()
    result = {}

    def work():
        with app.app_context():
            result["passes"] = run_worker(stop=stop, on_pass=lambda *_: passed.set())

    thread = threading.Thread(target=work)
    thread.start()
    assert passed.wait(30)
    stop.set()  # it is waiting out WORKER_INTERVAL: it stops instead of polling again
    thread.join(30)
    assert not thread.is_alive() and result["passes"] == 1


def test_concurrent_workers_complete_each_upload_once(make_app, backend, uid):
    app = make_app(backend)
    client = app.test_client()
    uploads = [uploaded(client, backend, uid, f"docs/{n:02d}.txt", f"file {n}\n".encode()) for n in range(12)]
    reports, errors = [], []

    def work():
        try:
            while True:
                report = worker_pass(app, limit=3)
                reports.append(report)
                if not report.completed + report.waiting + report.deferred:
                    return
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sum(r.completed for r in reports) == 12
    versions = versions_of(app, uid)
    assert sorted(path for path, *_ in versions) == [f"docs/{n:02d}.txt" for n in range(12)]  # one each
    assert all(len(confirm_audits(app, p)) == 1 for p in uploads)
    assert len(objects(app, uid)) == 12  # no stray copies


# -- no transaction open while bytes move; a claim that ran out -----------------------------------------------------


@pytest.fixture
def watched_s3(seaweed):
    """The S3 server behind a recording proxy: the app's own requests go through it, clients' go direct."""
    proxy = RecordingProxy(seaweed.endpoint).start()
    yield proxy
    proxy.stop()


def test_no_transaction_is_open_while_an_upload_is_copied_and_hashed(make_app, database_url, watched_s3, uid):
    app = make_app("minio", MINIO_ENDPOINT=watched_s3.endpoint)
    client = app.test_client()
    bucket = app.config["BUCKET_USERS"]
    seen = []

    def look(method: str, path: str) -> None:
        if path.startswith(f"/{bucket}/{uid}/"):  # a stat, the copy, the hashing read, the deletion
            seen.append((method, open_transactions(database_url)))

    uploaded(client, "minio", uid, "docs/by-worker.txt")
    uploaded(client, "minio", uid, "docs/by-read.txt")
    watched_s3.on_request = look
    assert worker_pass(app).completed == 2
    uploaded(client, "minio", uid, "docs/by-read.txt")
    assert get(client, "/metadata", uid, path="docs/by-read.txt").get_json()["current_version"]["version_number"] == 2
    presigned = uploaded(client, "minio", uid, "docs/confirmed.txt")
    assert confirm(client, uid, presigned["upload_id"]).status_code == 201
    watched_s3.on_request = None
    assert {method for method, _ in seen} >= {"HEAD", "PUT", "GET", "DELETE"}
    assert [count for _, count in seen] == [0] * len(seen)


def test_an_upload_to_a_file_someone_else_locked_waits_without_copying_its_bytes(make_app, watched_s3, uid):
    from app.extensions import db
    from app.models import FileLock

    app = make_app("minio", MINIO_ENDPOINT=watched_s3.endpoint)
    client = app.test_client()
    bucket = app.config["BUCKET_USERS"]
    uploaded(client, "minio", uid, content=b"version 1")
    first = get(client, "/metadata", uid, path="docs/a.txt").get_json()
    presigned = uploaded(client, "minio", uid, content=b"version 2")
    lock_id = add_lock(app, first["file"]["id"], locked_by="someone-else")

    watched_s3.clear()
    for _ in range(2):  # every read tries again
        assert get(client, "/metadata", uid, path="docs/a.txt").get_json()["current_version"]["version_number"] == 1
    assert worker_pass(app).deferred == 1
    assert confirm(client, uid, presigned["upload_id"]).status_code == 409
    assert watched_s3.calls_on(bucket, presigned["object_key"]) == ["HEAD"] * 4  # a stat each, never a copy
    assert intent_of(app, presigned).status == IntentStatus.pending

    with app.app_context():
        db.session.execute(sa.delete(FileLock).where(FileLock.id == lock_id))
        db.session.commit()
    assert get(client, "/metadata", uid, path="docs/a.txt").get_json()["current_version"]["version_number"] == 2


def test_an_intent_whose_claim_ran_out_is_completed_once(make_app, watched_s3, uid):
    # Worker A stalls while hashing (the store holds its read back); its claim runs out; worker B takes the intent
    # over and completes it; when A finishes it finds the intent decided and drops its own copy.
    clock = ManualClock()
    app = make_app("minio", MINIO_ENDPOINT=watched_s3.endpoint, clock=clock)
    client = app.test_client()
    bucket = app.config["BUCKET_USERS"]
    presigned = uploaded(client, "minio", uid)
    hashing, go_on = threading.Event(), threading.Event()
    held: list[str] = []

    def hold_first_read(method: str, path: str) -> None:
        if method == "GET" and path.startswith(f"/{bucket}/{uid}/") and not held:
            held.append(path[len(f"/{bucket}/") :])
            hashing.set()
            go_on.wait(30)

    watched_s3.on_request = hold_first_read
    reports = []
    worker_a = threading.Thread(target=lambda: reports.append(worker_pass(app)))
    worker_a.start()
    assert hashing.wait(30)
    assert worker_pass(app).completed == 0  # still claimed by A
    from app.services.intents import CLAIM_SECONDS

    clock.advance(CLAIM_SECONDS + 1)
    assert worker_pass(app).completed == 1  # B took over
    go_on.set()
    worker_a.join(30)
    watched_s3.on_request = None
    assert reports[0].completed == 0 and reports[0].deferred == 1
    [(_, _, key, _)] = versions_of(app, uid)
    assert key != held[0] and not object_exists(app, held[0])  # A's copy is gone, B's is the version
    assert objects(app, uid) == [key]
    assert len(confirm_audits(app, presigned)) == 1


def test_gc_leaves_an_expired_intent_alone_while_it_is_being_completed(make_app, watched_s3, uid):
    # The URL expired after the bytes arrived; a worker is hashing them when gc runs: gc must not expire the
    # intent and delete the object under the worker's feet.
    clock = ManualClock()
    app = make_app("minio", MINIO_ENDPOINT=watched_s3.endpoint, clock=clock)
    client = app.test_client()
    bucket = app.config["BUCKET_USERS"]
    presigned = uploaded(client, "minio", uid, expires_in=60)
    hashing, go_on = threading.Event(), threading.Event()

    def hold_read(method: str, path: str) -> None:
        if method == "GET" and path.startswith(f"/{bucket}/{uid}/"):
            hashing.set()
            go_on.wait(30)

    watched_s3.on_request = hold_read
    reports = []
    worker = threading.Thread(target=lambda: reports.append(worker_pass(app)))
    worker.start()
    assert hashing.wait(30)
    clock.advance(61)  # past the intent's expiry, within the worker's claim
    result = app.test_cli_runner().invoke(args=["storage", "gc"])
    assert "expired upload intents: 0" in result.output, result.output
    go_on.set()
    worker.join(30)
    watched_s3.on_request = None
    assert reports[0].completed == 1
    assert intent_of(app, presigned).status == IntentStatus.confirmed
