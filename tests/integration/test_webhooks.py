"""Events and webhooks (PostgreSQL + SeaweedFS + a real subscriber on a port): every state change writes its event in
its own transaction, `flask storage worker` delivers it signed as Standard Webhooks, retries with backoff, dead-letters,
keeps each file's order, shares the work between workers and loses nothing when killed mid-delivery."""

from __future__ import annotations

import json
import re
import signal
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
import sqlalchemy as sa
from standardwebhooks import Webhook, WebhookVerificationError

from app.clock import ManualClock
from app.config import WEBHOOK_EVENT_TYPES, ConfigError, webhook_subscriptions
from app.services.events import EVENT_TYPES, RETRY_CAP, deliver_due, post
from app.services.expiry import expire_due
from tests.support.files_api import EVERYTHING, MEMBER, proxy_upload, transfer_body
from tests.support.presigned import confirm, presign, send_put
from tests.support.webhooks import SECRET, Receiver, signature, stop_process, worker_process

pytestmark = pytest.mark.integration

TEAM = {
    ("p1", "o1"): ("owner", EVERYTHING),
    ("p1", "u2"): ("member", MEMBER),
}
DOCS = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"
SPEC = {"bucket": "projects", "id": "p1", "path": "docs/spec.pdf"}
WORK = {"bucket": "users", "id": "u2", "path": "work/spec.pdf"}


@pytest.fixture
def receiver():
    server = Receiver().start()
    yield server
    server.stop()


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def app(make_app, receiver, clock):
    return make_app("local", clock=clock, WEBHOOK_URLS=[{"url": receiver.url, "secret": SECRET}], WEBHOOK_TIMEOUT=5.0)


def users_file(client, auth, path="docs/a.txt", user="u1", content=b"hello"):
    return proxy_upload(client, auth(user), {"bucket": "users", "id": user, "path": path}, content)["data"]


def lock(client, auth, file_id, user="u1", expect=200):
    response = client.post("/lock", json={"file_id": file_id}, headers=auth(user))
    assert response.status_code == expect, response.get_json()


def unlock(client, auth, file_id, user="u1", **body):
    response = client.post("/unlock", json={"file_id": file_id, **body}, headers=auth(user))
    assert response.status_code == 200, response.get_json()


def outbox(app) -> list[dict]:
    """The outbox rows, in the order they were written."""
    from app.extensions import db
    from app.models import OutboxEvent

    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxEvent).order_by(OutboxEvent.seq)).all()
        result = [{c.name: getattr(row, c.name) for c in OutboxEvent.__table__.columns} for row in rows]
        db.session.commit()
        return result


def deliver(app, **kwargs):
    with app.app_context():
        return deliver_due(**kwargs)


def wait_for(condition, seconds=60.0, what="the condition"):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


# --- writing events ----------------------------------------------------------------------------------------------


def test_every_state_change_writes_its_event_in_the_order_it_happened(app, client, auth, team, clock):
    spec = proxy_upload(client, auth("o1"), SPEC, b"%PDF-1.4 v1\n")["data"]
    copy = client.post("/copy", json=transfer_body(SPEC, WORK), headers=auth("u2"))  # locks the spec for u2
    assert copy.status_code == 201, copy.get_json()
    proxy_upload(client, auth("u2"), WORK, b"%PDF-1.4 edited\n")
    commit = client.post("/versions/commit", json=transfer_body(WORK, SPEC), headers=auth("u2"))
    assert commit.status_code == 201, commit.get_json()
    second = commit.get_json()["data"]["version_id"]
    assert client.post(f"/versions/{second}/approve", json={}, headers=auth("o1")).status_code == 200
    lock(client, auth, spec["file_id"], user="o1")
    patched = client.patch("/metadata", query_string=SPEC, json={"description": "the spec"}, headers=auth("o1"))
    assert patched.status_code == 200, patched.get_json()
    unlock(client, auth, spec["file_id"], user="o1")
    proxy_upload(client, auth("u2"), WORK, b"%PDF-1.4 edited again\n")
    lock(client, auth, spec["file_id"], user="u2")
    unlock(client, auth, spec["file_id"], user="o1", force=True)  # the project owner breaks u2's lock
    third = client.post("/versions/commit", json={**transfer_body(WORK, SPEC), "base_version": 2}, headers=auth("u2"))
    assert third.status_code == 201, third.get_json()
    third = third.get_json()["data"]
    assert client.post(f"/versions/{third['version_id']}/reject", json={}, headers=auth("o1")).status_code == 200
    assert client.delete("/delete", query_string=SPEC, headers=auth("o1")).status_code == 200
    presigned = presign(client, "u1", "u1", "docs/b.txt", checksum_sha256="0" * 64).get_json()
    assert send_put(client, "local", presigned, b"not what was announced") in (200, 204)
    assert confirm(client, "u1", presigned["upload_id"]).status_code == 400
    moved = client.post(
        "/move",
        json={
            "file_id": copy.get_json()["data"]["file_id"],
            "target_bucket": "users",
            "target_id": "u2",
            "target_path": "work/moved.pdf",
        },
        headers=auth("u2"),
    )
    assert moved.status_code == 200, moved.get_json()
    link = client.post("/share", json={"file_id": moved.get_json()["data"]["file_id"]}, headers=auth("u2"))
    assert link.status_code == 201, link.get_json()
    assert client.get(f"/s/{link.get_json()['data']['token']}").status_code == 200
    assert client.delete(f"/share/{link.get_json()['data']['id']}", headers=auth("u2")).status_code == 200
    proxy_upload(client, auth("u1"), {"bucket": "users", "id": "u1", "path": "tmp/x.txt"}, b"x", expires_in="60")
    clock.advance(61)
    with app.app_context():
        assert expire_due() == 1  # the worker deletes the expired file
    notes = {"bucket": "users", "id": "u1", "path": "notes.txt"}
    first = proxy_upload(client, auth("u1"), notes, b"first")["data"]
    proxy_upload(client, auth("u1"), notes, b"second")
    assert client.post(f"/versions/{first['version_id']}/restore", headers=auth("u1")).status_code == 201
    assert client.delete("/delete", json={"file_id": first["file_id"]}, headers=auth("u1")).status_code == 200
    assert client.post("/restore", json={"file_id": first["file_id"]}, headers=auth("u1")).status_code == 200

    spec_events = [row["type"] for row in outbox(app) if row["file_id"] == uuid.UUID(spec["file_id"])]
    assert spec_events == [
        "file.uploaded",
        "lock.acquired",  # by the copy
        "version.committed",
        "version.approved",
        "lock.acquired",
        "metadata.updated",
        "lock.released",
        "lock.acquired",
        "lock.forced",
        "version.committed",
        "version.rejected",
        "file.deleted",
    ]
    rows = outbox(app)
    assert {row["type"] for row in rows} == set(WEBHOOK_EVENT_TYPES)  # every type, from real requests
    [failed] = [row for row in rows if row["type"] == "upload.failed"]
    assert failed["file_id"] is None
    assert failed["payload"]["data"]["logical_path"] == "docs/b.txt"
    assert failed["payload"]["data"]["details"]["reason"] == "validation_error"
    [approved] = [row["payload"] for row in rows if row["type"] == "version.approved"]
    assert approved["data"] | {"details": None} == {
        "file_id": spec["file_id"],
        "version_id": second,
        "bucket_type": "projects",
        "bucket_id": "p1",
        "logical_path": "docs/spec.pdf",
        "actor": "o1",
        "action": "approve",
        "request_id": approved["data"]["request_id"],
        "details": None,
    }
    assert approved["id"] == str(next(r["event_id"] for r in rows if r["type"] == "version.approved"))


def test_a_refused_change_writes_no_event(app, client, auth):
    spec = users_file(client, auth)
    bad = proxy_upload(
        client,
        auth("u1"),
        {"bucket": "users", "id": "u1", "path": "docs/a.txt"},
        b"changed",
        expect=400,
        checksum_sha256="0" * 64,
    )
    assert bad["message"] == "validation_error"
    lock(client, auth, spec["file_id"])
    from tests.support.files_api import add_lock

    other = users_file(client, auth, path="docs/b.txt")
    add_lock(app, other["file_id"], locked_by="u9")
    lock(client, auth, other["file_id"], expect=409)  # someone else holds it
    assert [row["type"] for row in outbox(app)] == ["file.uploaded", "lock.acquired", "file.uploaded"]


def test_an_event_rolls_back_with_its_change(app):
    from app.auth.tokens import Principal
    from app.extensions import db
    from app.services import audit
    from app.services.context import Caller

    with app.app_context():
        audit.record(Caller(Principal("u1")), "lock", bucket="users", bucket_id="u1", path="docs/a.txt")
        db.session.flush()  # the row reached the database inside the transaction...
        db.session.rollback()  # ...and leaves with it
    assert outbox(app) == []


def test_only_the_events_a_subscription_chose_are_written_for_it(make_app, receiver, client, auth):
    other = Receiver().start()
    try:
        app = make_app(
            "local",
            WEBHOOK_URLS=[
                {"url": receiver.url, "secret": SECRET},
                {"url": other.url, "secret": SECRET, "events": ["lock.acquired"]},
            ],
        )
        client = app.test_client()
        spec = users_file(client, auth)
        lock(client, auth, spec["file_id"])
        rows = outbox(app)
        assert [(row["type"], row["subscription"]) for row in rows] == [
            ("file.uploaded", receiver.url),
            ("lock.acquired", receiver.url),
            ("lock.acquired", other.url),
        ]
        assert rows[1]["event_id"] == rows[2]["event_id"]  # one event, two subscribers
    finally:
        other.stop()


# --- delivering ----------------------------------------------------------------------------------------------------


def test_an_event_is_delivered_signed_as_standard_webhooks(app, client, auth, receiver, monkeypatch):
    spec = users_file(client, auth)
    report = deliver(app)
    assert (report.delivered, report.retried, report.dead) == (1, 0, 0)
    [delivery] = receiver.deliveries
    headers, body = delivery.headers, delivery.body
    assert headers["content-type"] == "application/json"
    assert Webhook(SECRET).verify(body, headers) == delivery.event  # the library's check
    assert headers["webhook-signature"] == signature(SECRET, headers["webhook-id"], headers["webhook-timestamp"], body)
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 300
    event = delivery.event
    assert event["id"] == headers["webhook-id"] and event["type"] == "file.uploaded"
    assert event["data"]["file_id"] == spec["file_id"] and event["data"]["version_id"] == spec["version_id"]
    assert (event["data"]["actor"], event["data"]["details"]["size"]) == ("u1", 5)
    assert event["timestamp"].endswith("+00:00")
    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(body.replace(b"u1", b"u2"), headers)  # the body is what is signed
    [row] = outbox(app)
    assert (row["status"], row["attempts"], row["claimed_by"]) == ("delivered", 1, None)
    assert deliver(app).delivered == 0  # delivered once, not again

    # The receiver example of docs/webhooks.md accepts it, and refuses a forgery or a stale timestamp.
    monkeypatch.setenv("WEBHOOK_SECRET", SECRET)
    example = re.search(r"```python\n(.*?)```", DOCS.read_text(), re.S).group(1)
    namespace: dict = {"__name__": "receiver_example"}
    exec(compile(example, str(DOCS), "exec"), namespace)  # noqa: S102 (our own documentation)
    verify = namespace["verify"]
    assert verify(body, headers) == event
    with pytest.raises(ValueError):
        verify(body + b" ", headers)
    stale = str(int(time.time()) - 301)
    resigned = {**headers, "webhook-timestamp": stale, "webhook-signature": signature(SECRET, event["id"], stale, body)}
    with pytest.raises(ValueError):
        verify(body, resigned)


def test_a_failed_delivery_is_retried_after_a_backoff_then_delivered(app, client, auth, receiver, clock):
    users_file(client, auth)
    receiver.statuses = [500]
    report = deliver(app)
    assert (report.delivered, report.retried) == (0, 1)
    [row] = outbox(app)
    assert (row["status"], row["attempts"], row["last_error"]) == ("pending", 1, "HTTP 500")
    assert row["next_attempt_at"] > clock.now()  # backing off
    assert deliver(app).delivered == 0 and len(receiver.deliveries) == 1  # not before its time
    clock.advance(RETRY_CAP)
    assert deliver(app).delivered == 1
    first, second = receiver.deliveries
    assert first.id == second.id  # the same event, which the receiver may deduplicate
    assert outbox(app)[0]["status"] == "delivered"


def test_retries_back_off_exponentially_with_jitter(app):
    from app.services.events import retry_delay

    with app.app_context():
        base = app.config["WEBHOOK_RETRY_BASE"]
        for attempts in (1, 2, 3, 6):
            delays = {retry_delay(attempts) for _ in range(50)}
            full = base * 2 ** (attempts - 1)
            assert all(full / 2 <= d <= full for d in delays) and len(delays) > 1
        assert retry_delay(500) <= RETRY_CAP


def test_an_event_that_keeps_failing_becomes_a_visible_dead_letter(make_app, receiver, clock, auth):
    app = make_app("local", clock=clock, WEBHOOK_URLS=[{"url": receiver.url, "secret": SECRET}], WEBHOOK_MAX_ATTEMPTS=3)
    client = app.test_client()
    spec = users_file(client, auth)
    receiver.status_of = lambda event: 500 if event["type"] == "file.uploaded" else 200
    for _ in range(3):
        deliver(app)
        clock.advance(RETRY_CAP)
    [row] = outbox(app)
    assert (row["status"], row["attempts"]) == ("dead", 3)
    assert len(receiver.deliveries) == 3
    lock(client, auth, spec["file_id"])  # a dead letter does not hold back the file's later events
    assert deliver(app).delivered == 1
    listed = app.test_cli_runner().invoke(args=["storage", "events"])
    assert listed.exit_code == 0, listed.output
    assert "pending: 0, delivered: 1, dead: 1" in listed.output
    assert re.search(
        rf"dead letter \d+: file.uploaded {row['event_id']} file {spec['file_id']} .* 3 attempts", listed.output
    )
    assert "HTTP 500" in listed.output

    receiver.status_of = None
    retried = app.test_cli_runner().invoke(args=["storage", "events", "--retry"])
    assert "dead letters queued again: 1" in retried.output
    assert deliver(app).delivered == 1
    assert [row["status"] for row in outbox(app)] == ["delivered", "delivered"]


def test_an_event_for_a_subscription_no_longer_configured_is_a_dead_letter(make_app, receiver, auth):
    app = make_app("local", WEBHOOK_URLS=[{"url": receiver.url, "secret": SECRET}])
    users_file(app.test_client(), auth)
    app.config["WEBHOOK_URLS"] = []
    report = deliver(app)
    assert report.dead == 1 and receiver.deliveries == []
    assert "no longer" in outbox(app)[0]["last_error"]


def test_a_subscriber_gets_each_files_events_in_order(app, client, auth, receiver, clock):
    a = users_file(client, auth, path="docs/a.txt")
    b = users_file(client, auth, path="docs/b.txt")
    first_of_a = outbox(app)[0]["event_id"]
    receiver.status_of = lambda event: 500 if event["id"] == str(first_of_a) else 200
    for _ in range(3):
        lock(client, auth, a["file_id"])
        unlock(client, auth, a["file_id"])
    lock(client, auth, b["file_id"])
    deliver(app)
    # a's first event failed: none of a's later events went out, b's did
    sent = Counter(d.event["data"]["file_id"] for d in receiver.deliveries)
    assert sent == {a["file_id"]: 1, b["file_id"]: 2}
    receiver.status_of = None
    clock.advance(RETRY_CAP)
    deliver(app)
    answered = [d.event for d in receiver.deliveries if d.status == 200 and d.event["data"]["file_id"] == a["file_id"]]
    assert [e["type"] for e in answered] == ["file.uploaded"] + ["lock.acquired", "lock.released"] * 3
    assert [e["id"] for e in answered] == [
        str(r["event_id"]) for r in outbox(app) if r["file_id"] == uuid.UUID(a["file_id"])
    ]


def test_the_deadline_covers_the_whole_call_even_against_a_trickling_subscriber(receiver):
    receiver.trickle = True  # 200, one byte every 0.2 s: each read is quick, the whole answer takes seconds
    error = post(receiver.url, SECRET, str(uuid.uuid4()), "{}", timeout=1.0)
    assert error is not None and "WEBHOOK_TIMEOUT" in error
    [delivery] = receiver.deliveries
    wait_for(lambda: receiver.idle(), what="the trickle to break")
    assert not delivery.answered  # the answer never finished: the connection was cut


# --- several workers, killed workers -------------------------------------------------------------------------------


def many_events(client, auth, files=4, rounds=5) -> int:
    """Events on several files: an upload, then lock and unlock `rounds` times each; how many."""
    for number in range(files):
        spec = users_file(client, auth, path=f"docs/{number}.txt")
        for _ in range(rounds):
            lock(client, auth, spec["file_id"])
            unlock(client, auth, spec["file_id"])
    return files * (1 + 2 * rounds)


def all_delivered(app) -> bool:
    return all(row["status"] == "delivered" for row in outbox(app))


def test_two_workers_share_the_events_and_never_deliver_one_twice(app, client, auth, receiver, database_url, tmp_path):
    written = many_events(client, auth)
    receiver.delay = 0.02  # in flight long enough for the other worker to try the same event
    subscriptions = [{"url": receiver.url, "secret": SECRET}]
    workers = [worker_process(database_url, str(tmp_path / "objects"), subscriptions, timeout=5) for _ in range(2)]
    try:
        wait_for(lambda: all_delivered(app), what="every event to be delivered")
    finally:
        for worker in workers:
            stop_process(worker)
    ids = [d.id for d in receiver.deliveries]
    assert len(ids) == len(set(ids)) == written  # each event exactly once: no failure, no lease ran out
    assert receiver.overlaps == []
    by_worker = {row["claimed_by"] for row in outbox(app)}
    assert by_worker == {None}  # every claim was released when recorded
    rows = outbox(app)
    for file_id in {row["file_id"] for row in rows}:
        expected = [str(row["event_id"]) for row in rows if row["file_id"] == file_id]
        assert [i for i in ids if i in expected] == expected  # each file's events in order


def test_a_worker_killed_mid_delivery_loses_no_event(app, client, auth, receiver, database_url, tmp_path):
    written = many_events(client, auth, files=2, rounds=3)
    subscriptions = [{"url": receiver.url, "secret": SECRET}]
    receiver.hold_next = True
    worker = worker_process(database_url, str(tmp_path / "objects"), subscriptions, timeout=2)
    try:
        assert receiver.held.wait(60), "the worker never delivered"
        worker.send_signal(signal.SIGKILL)  # while the subscriber holds the request, before anything is recorded
        worker.wait()
    finally:
        receiver.release.set()
    claimed = [row for row in outbox(app) if row["claimed_by"] is not None]
    assert claimed and all(row["status"] == "pending" for row in claimed)  # leases the dead worker left
    restarted = worker_process(database_url, str(tmp_path / "objects"), subscriptions, timeout=2)
    try:
        wait_for(lambda: all_delivered(app), what="the leases to expire and every event to be delivered")
    finally:
        stop_process(restarted)
    written_ids = {str(row["event_id"]) for row in outbox(app)}
    assert len(written_ids) == written
    assert set(receiver.answered_ids()) == written_ids  # none lost; the held one (at least) arrived twice
    assert len(receiver.deliveries) > written
    assert receiver.overlaps == []  # the lease outlived the dead worker's requests


# --- configuration --------------------------------------------------------------------------------------------------


def test_the_events_written_are_the_events_a_subscription_may_choose():
    assert set(EVENT_TYPES.values()) == set(WEBHOOK_EVENT_TYPES)


def sub(**fields) -> dict:
    return {"url": "http://hooks.example.com/", "secret": SECRET, **fields}


@pytest.mark.parametrize(
    "value, problem",
    [
        ("not json", "not JSON"),
        (json.dumps(sub()), "JSON list"),
        (json.dumps([sub(url="ftp://hooks.example.com/")]), "http"),
        (json.dumps([sub(secret="whsec_c2hvcnQ=")]), "secret"),  # 5 bytes
        (json.dumps([sub(secret="plain")]), "secret"),
        (json.dumps([sub(events=["file.uploded"])]), "events"),
        (json.dumps([sub(events=[])]), "events"),
        (json.dumps([sub(other=1)]), "keys"),
        (json.dumps([sub(), sub()]), "twice"),
    ],
)
def test_unusable_subscriptions_stop_the_service_at_start(value, problem, monkeypatch):
    from app.config import load_config

    monkeypatch.setenv("WEBHOOK_URLS", value)
    with pytest.raises(ConfigError, match=problem) as refused:
        load_config("testing")
    assert SECRET.removeprefix("whsec_") not in str(refused.value)


def test_a_subscription_defaults_to_every_event():
    [subscription] = webhook_subscriptions(json.dumps([{"url": "https://hooks.example.com/x", "secret": SECRET}]))
    assert subscription == {"url": "https://hooks.example.com/x", "secret": SECRET, "events": ["*"]}
