"""Resumable multipart uploads (docs/uploads.md): parts sent straight to the store through presigned part URLs, in
parallel and out of order, interrupted and resumed; completion creates the version as /upload/confirm does; hostile
sessions, parts and completions; gc leaves open sessions alone and aborts expired ones. Both stores."""

from __future__ import annotations

import hashlib
import random
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa

from tests.support.files_api import audit_rows, error, metadata

MIB = 1024 * 1024
BIG = 200 * MIB + 12345  # 34 parts of 6 MiB, the last one 2 MiB + 12345 bytes
SMALL = 11 * MIB  # 3 parts of 5 MiB: 5, 5 and 1 MiB
ADDRESS = {"bucket": "users", "id": "u1"}


def part_bytes(seed: str, number: int, size: int) -> bytes:
    """Part `number` of a file made from `seed`: the same bytes each time, made only when sent (one part at a time)."""
    return random.Random(f"{seed}:{number}").randbytes(size)


def file_sha256(seed: str, size: int, part_size: int, replace: dict | None = None) -> str:
    """SHA-256 of the whole file, made part by part (never all of it in memory)."""
    digest, number, left = hashlib.sha256(), 1, size
    while left:
        length = min(part_size, left)
        digest.update((replace or {}).get(number) or part_bytes(seed, number, length))
        number, left = number + 1, left - length
    return digest.hexdigest()


def send_part(app, url: str, data: bytes) -> requests.Response | object:
    """PUT a part where its URL points: the S3 server, or the service's own local-store route (PUBLIC_BASE_URL)."""
    if url.startswith("http://localhost/"):
        parts = urlsplit(url)
        return app.test_client().put(f"{parts.path}?{parts.query}", data=data)
    return requests.put(url, data=data, timeout=60)


def sent_ok(response) -> bool:
    return response.status_code == 200 and bool(response.headers.get("ETag"))


@pytest.fixture
def multipart_app(make_app, backend):
    return make_app(backend, MULTIPART_PART_SIZE=5 * MIB, MAX_UPLOAD_SIZE=1024 * MIB)


def start(client, headers, path, size, expect=201, **extra):
    response = client.post("/upload/multipart", json={**ADDRESS, "path": path, "size": size, **extra}, headers=headers)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def urls(client, headers, upload_id, numbers, expect=200):
    response = client.post(f"/upload/multipart/{upload_id}/parts", json={"part_numbers": numbers}, headers=headers)
    assert response.status_code == expect, response.get_json()
    if expect != 200:
        return error(response, expect, "invalid_state" if expect == 409 else "validation_error")
    return {part["part_number"]: part for part in response.get_json()["parts"]}


def upload_parts(app, client, headers, session, seed, numbers, replace=None):
    """Ask for the parts' URLs and send them (sequentially); returns the answers."""
    answers = {}
    for number, part in urls(client, headers, session["upload_id"], numbers).items():
        data = (replace or {}).get(number) or part_bytes(seed, number, part["size"])
        answers[number] = send_part(app, part["url"], data)
        assert sent_ok(answers[number]), answers[number]
    return answers


def complete(client, headers, upload_id):
    return client.post(f"/upload/multipart/{upload_id}/complete", headers=headers)


def session_row(app, upload_id):
    from app.extensions import db
    from app.models import UploadIntent

    with app.app_context():
        row = db.session.get(UploadIntent, uuid.UUID(upload_id))
        db.session.expunge_all()
        return row


def store_uploads(app, key):
    """The store's incomplete uploads of `key` (S3 multipart uploads, or the local store's part directories)."""
    from app.services.common import physical_bucket, store

    with app.app_context():
        return [u for u in store().incomplete_uploads(physical_bucket("users"), key) if u.key == key]


# ------------------------------------------------------------------------------------------------ the whole flow


def test_an_interrupted_200_mib_upload_resumes_in_parallel_out_of_order_and_completes(
    make_app, backend, auth, tmp_path
):
    app = make_app(backend, MULTIPART_PART_SIZE=6 * MIB, MAX_UPLOAD_SIZE=1024 * MIB)
    client, headers, seed = app.test_client(), auth("u1"), f"big-{backend}"
    expected = file_sha256(seed, BIG, 6 * MIB)
    session = start(client, headers, "big/data.bin", BIG, checksum_sha256=expected)["data"]
    upload_id = session["upload_id"]
    assert (session["part_size"], session["part_count"], session["status"]) == (6 * MIB, 34, "pending")

    def send(part):
        response = send_part(app, part["url"], part_bytes(seed, part["part_number"], part["size"]))
        assert sent_ok(response), (part["part_number"], getattr(response, "status_code", None))
        return part["part_number"]

    # The first run: URLs for every part, ten of them sent by four threads, last first; then the client dies.
    first = urls(client, headers, upload_id, list(range(1, 35)))
    with ThreadPoolExecutor(4) as pool:
        assert sorted(pool.map(send, [first[n] for n in range(10, 0, -1)])) == list(range(1, 11))

    # The resumed run knows nothing but the upload id: the stored parts, then fresh URLs for the rest.
    status = client.get(f"/upload/multipart/{upload_id}", headers=headers).get_json()
    stored = {part["part_number"]: part["size"] for part in status["parts"]}
    assert stored == dict.fromkeys(range(1, 11), 6 * MIB)
    assert status["status"] == "pending" and metadata(client, headers, 404, **ADDRESS, path="big/data.bin")
    missing = [n for n in range(1, 35) if n not in stored]
    random.Random(7).shuffle(missing)
    fresh = {**urls(client, headers, upload_id, missing[:12]), **urls(client, headers, upload_id, missing[12:])}
    assert set(fresh) == set(missing)  # URLs asked for again (signed in the same second, they may be equal)
    with ThreadPoolExecutor(4) as pool:
        assert sorted(pool.map(send, [fresh[n] for n in missing])) == sorted(missing) and len(missing) == 24
    assert fresh[34]["size"] == BIG - 33 * 6 * MIB

    response = complete(client, headers, upload_id)
    assert response.status_code == 201, response.get_json()
    data = response.get_json()["data"]
    assert (data["size"], data["checksum_sha256"], data["version_number"]) == (BIG, expected, 1)
    download = client.get("/download/proxy", query_string={**ADDRESS, "path": "big/data.bin"}, headers=headers)
    assert download.status_code == 200
    digest, received = hashlib.sha256(), 0
    for chunk in download.response:  # streamed, chunk by chunk
        digest.update(chunk)
        received += len(chunk)
    download.close()
    assert (received, digest.hexdigest()) == (BIG, expected)

    after = client.get(f"/upload/multipart/{upload_id}", headers=headers).get_json()
    assert (after["status"], after["version_id"], after["file_id"], after["parts"]) == (
        "confirmed",
        data["version_id"],
        data["file_id"],
        [],
    )
    assert store_uploads(app, session_row(app, upload_id).object_key) == []
    # The version has its own copy: the session's key is gone, nothing a part URL reaches can change it
    assert data["object_key"] != session_row(app, upload_id).object_key
    again = send_part(app, first[1]["url"], b"x" * 10)
    assert again.status_code in (403, 404)
    assert [r["details"]["via"] for r in audit_rows(app, "upload_confirm")] == ["multipart"]


# ---------------------------------------------------------------------------------------------------- hostile


def test_wrong_part_sizes_and_missing_parts_are_refused_and_the_session_stays_open_to_fix_them(multipart_app, auth):
    app, headers = multipart_app, auth("u1")
    client = app.test_client()
    session = start(client, headers, "fix/me.bin", SMALL)["data"]
    upload_id = session["upload_id"]
    assert session["part_count"] == 3
    upload_parts(app, client, headers, session, "fix", [1, 3], replace={3: b"short"})

    body = error(complete(client, headers, upload_id), 400, "validation_error")
    assert any("Missing parts: 2" in problem for problem in body["errors"]["parts"])
    assert any("Part 3 has 5 bytes" in problem for problem in body["errors"]["parts"])
    metadata(client, headers, 404, **ADDRESS, path="fix/me.bin")  # nothing recorded
    upload_parts(app, client, headers, session, "fix", [2])
    body = error(complete(client, headers, upload_id), 400, "validation_error")
    assert body["errors"]["parts"] == [f"Part 3 has 5 bytes, not {MIB}."]

    upload_parts(app, client, headers, session, "fix", [3])  # the right bytes replace the short part
    response = complete(client, headers, upload_id)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["data"]["checksum_sha256"] == file_sha256("fix", SMALL, 5 * MIB)


def test_a_completed_or_aborted_session_cannot_be_completed_or_aborted_again(multipart_app, auth):
    app, headers = multipart_app, auth("u1")
    client = app.test_client()
    done = start(client, headers, "twice/a.bin", SMALL)["data"]
    upload_parts(app, client, headers, done, "twice", [2, 1, 3])
    assert complete(client, headers, done["upload_id"]).status_code == 201
    error(complete(client, headers, done["upload_id"]), 409, "invalid_state")
    error(client.delete(f"/upload/multipart/{done['upload_id']}", headers=headers), 409, "invalid_state")
    urls(client, headers, done["upload_id"], [1], expect=409)
    assert metadata(client, headers, **ADDRESS, path="twice/a.bin")["file"]["current_version_number"] == 1

    aborted = start(client, headers, "twice/b.bin", SMALL)["data"]
    upload_parts(app, client, headers, aborted, "abort", [1, 2, 3])
    key = session_row(app, aborted["upload_id"]).object_key
    assert len(store_uploads(app, key)) == 1
    response = client.delete(f"/upload/multipart/{aborted['upload_id']}", headers=headers)
    assert response.status_code == 200 and response.get_json()["data"]["status"] == "aborted"
    assert store_uploads(app, key) == []  # its parts are gone
    error(complete(client, headers, aborted["upload_id"]), 409, "invalid_state")
    error(client.delete(f"/upload/multipart/{aborted['upload_id']}", headers=headers), 409, "invalid_state")
    urls(client, headers, aborted["upload_id"], [1], expect=409)
    assert client.get(f"/upload/multipart/{aborted['upload_id']}", headers=headers).get_json()["status"] == "failed"
    metadata(client, headers, 404, **ADDRESS, path="twice/b.bin")
    assert [r["details"]["upload_id"] for r in audit_rows(app, "upload_multipart_abort")] == [aborted["upload_id"]]


def test_only_the_creator_may_use_a_session(multipart_app, auth):
    app, owner, other = multipart_app, auth("u1"), auth("u2")
    client = app.test_client()
    session = start(client, owner, "mine/a.bin", SMALL)["data"]
    upload_id = session["upload_id"]
    error(client.get(f"/upload/multipart/{upload_id}", headers=other), 404, "file_not_found")
    error(
        client.post(f"/upload/multipart/{upload_id}/parts", json={"part_numbers": [1]}, headers=other),
        404,
        "file_not_found",
    )
    error(complete(client, other, upload_id), 404, "file_not_found")
    error(client.delete(f"/upload/multipart/{upload_id}", headers=other), 404, "file_not_found")
    error(client.get(f"/upload/multipart/{uuid.uuid4()}", headers=owner), 404, "file_not_found")
    # a presigned upload's id is no multipart session
    presigned = client.post("/upload/presign", json={**ADDRESS, "path": "mine/p.bin"}, headers=owner).get_json()
    error(client.get(f"/upload/multipart/{presigned['upload_id']}", headers=owner), 404, "file_not_found")
    # and nobody starts a session in someone else's space
    error(
        client.post("/upload/multipart", json={**ADDRESS, "path": "x", "size": 1}, headers=other), 403, "access_denied"
    )
    upload_parts(app, client, owner, session, "mine", [1, 2, 3])
    assert complete(client, owner, upload_id).status_code == 201


@pytest.mark.parametrize(
    "numbers",
    [[0], [4], [10_001], [], [1, 1], list(range(1, 1002)), [1.0], ["1"]],
    ids=["zero", "beyond-count", "beyond-s3", "none", "duplicate", "too-many", "float", "string"],
)
def test_part_numbers_out_of_range_or_too_many_are_refused(multipart_app, auth, numbers):
    client, headers = multipart_app.test_client(), auth("u1")
    session = start(client, headers, "range/a.bin", SMALL)["data"]
    response = client.post(
        f"/upload/multipart/{session['upload_id']}/parts", json={"part_numbers": numbers}, headers=headers
    )
    assert error(response, 400, "validation_error")["errors"]["part_numbers"]


def test_a_checksum_mismatch_fails_the_session_and_records_nothing(multipart_app, auth):
    app, headers = multipart_app, auth("u1")
    client = app.test_client()
    from app.services.common import physical_bucket, store

    def keys():
        with app.app_context():
            return {info.key for info in store().list(physical_bucket("users"), "u1/")}

    before = keys()
    session = start(client, headers, "sum/a.bin", SMALL, checksum_sha256="0" * 64)["data"]
    upload_parts(app, client, headers, session, "sum", [3, 1, 2])
    body = error(complete(client, headers, session["upload_id"]), 400, "validation_error")
    assert "checksum_sha256" in body["errors"]
    metadata(client, headers, 404, **ADDRESS, path="sum/a.bin")
    assert client.get(f"/upload/multipart/{session['upload_id']}", headers=headers).get_json()["status"] == "failed"
    assert keys() == before  # neither the joined object nor the copy checked is left
    rejected = audit_rows(app, "upload_confirm")
    assert [(r["outcome"], r["details"]["reason"]) for r in rejected] == [("rejected", "validation_error")]
    error(complete(client, headers, session["upload_id"]), 409, "invalid_state")


def test_declared_size_and_type_are_checked_before_a_session_starts(make_app, auth, backend):
    app = make_app(backend, MAX_UPLOAD_SIZE=20 * MIB, ALLOWED_MIME_TYPES=["application/pdf"])
    client, headers = app.test_client(), auth("u1")
    error(
        client.post("/upload/multipart", json={**ADDRESS, "path": "a.pdf", "size": 20 * MIB + 1}, headers=headers),
        413,
        "payload_too_large",
    )
    error(
        client.post(
            "/upload/multipart",
            json={**ADDRESS, "path": "a.exe", "size": 10, "content_type": "application/x-msdownload"},
            headers=headers,
        ),
        415,
        "unsupported_media_type",
    )
    for bad in ({"size": 0}, {"size": -1}, {"size": 1.5}, {"size": "10"}, {}):
        response = client.post("/upload/multipart", json={**ADDRESS, "path": "a.pdf", **bad}, headers=headers)
        assert error(response, 400, "validation_error")["errors"]["size"]
    with app.app_context():
        from app.extensions import db
        from app.models import UploadIntent

        assert db.session.scalar(sa.select(sa.func.count()).select_from(UploadIntent)) == 0


def test_a_tampered_or_oversized_part_is_refused(multipart_app, auth, backend):
    app, headers = multipart_app, auth("u1")
    client = app.test_client()
    session = start(client, headers, "tamper/a.bin", SMALL)["data"]
    part = urls(client, headers, session["upload_id"], [3])[3]
    assert send_part(app, part["url"].replace("partNumber=3", "partNumber=2"), b"x").status_code == 403
    oversized = send_part(app, part["url"], b"y" * (MIB + 1))
    if backend == "local":  # the local store bounds each part by its URL; S3 cannot, completion checks the size
        assert oversized.status_code == 413
    else:
        assert sent_ok(oversized)
        upload_parts(app, client, headers, session, "tamper", [1, 2])
        body = error(complete(client, headers, session["upload_id"]), 400, "validation_error")
        assert body["errors"]["parts"] == [f"Part 3 has {MIB + 1} bytes, not {MIB}."]


def test_gc_leaves_open_sessions_alone_and_aborts_expired_ones(multipart_app, auth):
    app, headers = multipart_app, auth("u1")
    app.config["RECONCILE_GRACE_SECONDS"] = 0  # every incomplete upload is old enough to be abandoned
    client = app.test_client()
    session = start(client, headers, "gc/a.bin", SMALL)["data"]
    upload_parts(app, client, headers, session, "gc", [1])
    key = session_row(app, session["upload_id"]).object_key
    from app.services.maintenance import collect_garbage

    with app.app_context():
        collect_garbage()
    status = client.get(f"/upload/multipart/{session['upload_id']}", headers=headers).get_json()
    assert [p["part_number"] for p in status["parts"]] == [1]

    with app.app_context():
        from app.extensions import db
        from app.models import UploadIntent

        db.session.execute(
            sa.update(UploadIntent)
            .where(UploadIntent.id == uuid.UUID(session["upload_id"]))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
    assert client.get(f"/upload/multipart/{session['upload_id']}", headers=headers).get_json()["status"] == "expired"
    urls(client, headers, session["upload_id"], [2], expect=409)
    with app.app_context():
        report = collect_garbage()
    assert report.expired_intents == 1 and report.aborted_uploads >= 1
    assert store_uploads(app, key) == []
    assert str(session_row(app, session["upload_id"]).status) == "expired"
    error(complete(client, headers, session["upload_id"]), 409, "invalid_state")


def test_concurrent_completions_record_one_version(multipart_app, auth):
    app, headers = multipart_app, auth("u1")
    client = app.test_client()
    session = start(client, headers, "race/a.bin", SMALL)["data"]
    upload_parts(app, client, headers, session, "race", [1, 2, 3])
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: complete(app.test_client(), headers, session["upload_id"]), range(3)))
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses[0] == 201 and set(statuses) <= {201, 409}, [a.get_json() for a in answers]
    versions = {a.get_json()["data"]["version_id"] for a in answers if a.status_code == 201}
    assert len(versions) == 1  # a completion that lost the race answers the version the winner recorded
    listed = client.get("/versions", query_string={**ADDRESS, "path": "race/a.bin"}, headers=headers).get_json()
    assert listed["total_count"] == 1 and listed["versions"][0]["id"] in versions


def test_a_session_joined_in_the_store_but_never_recorded_is_completed_by_the_worker(multipart_app, auth):
    """The process died between joining the parts and recording the version: the worker finishes the job."""
    app, headers = multipart_app, auth("u1")
    client = app.test_client()
    session = start(client, headers, "crash/a.bin", SMALL)["data"]
    upload_parts(app, client, headers, session, "crash", [1, 2, 3])
    row = session_row(app, session["upload_id"])
    from app.services.common import physical_bucket, store
    from app.services.intents import complete_waiting

    with app.app_context():
        bucket = physical_bucket("users")
        parts = store().list_parts(bucket, row.object_key, row.multipart_upload_id)
        store().complete_multipart(bucket, row.object_key, row.multipart_upload_id, parts)
        report = complete_waiting()
    assert report.completed == 1
    status = client.get(f"/upload/multipart/{session['upload_id']}", headers=headers).get_json()
    assert status["status"] == "confirmed" and status["version_id"]
    file = metadata(client, headers, **ADDRESS, path="crash/a.bin")["file"]
    assert file["checksum_sha256"] == file_sha256("crash", SMALL, 5 * MIB)


def test_part_url_expiry_is_bounded_and_never_outlives_the_session(multipart_app, auth):
    app, headers = multipart_app, auth("u1")
    client = app.test_client()
    app.config["MULTIPART_SESSION_TTL"] = 600
    session = start(client, headers, "ttl/a.bin", SMALL)["data"]
    url = f"/upload/multipart/{session['upload_id']}/parts"
    for bad in (1, 10**9):
        response = client.post(url, json={"part_numbers": [1], "expires_in": bad}, headers=headers)
        error(response, 400, "invalid_expiry")
    answer = client.post(url, json={"part_numbers": [1], "expires_in": 3600}, headers=headers).get_json()
    assert answer["expires_in"] <= 600
    assert datetime.fromisoformat(answer["expires_at"]) <= datetime.fromisoformat(session["expires_at"])
