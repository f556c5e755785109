"""Operations metrics (PostgreSQL + a real subscriber on a port): the outbox, pending presigned uploads and the deletion
queue counted from the database when /metrics is scraped (cached, and from any gunicorn worker), and the worker's own
deliveries and last pass on WORKER_METRICS_PORT."""

from __future__ import annotations

import time

import pytest
import requests
import sqlalchemy as sa

from app.clock import ManualClock
from app.observability import QUEUE_CACHE_SECONDS
from tests.integration.test_observability import _sample
from tests.integration.test_two_instances import ROOT, Instance
from tests.support.files_api import upload
from tests.support.presigned import presign, send_put
from tests.support.production_env import production_env
from tests.support.seaweed import free_ports
from tests.support.tokens import SECRET as JWT_SECRET
from tests.support.webhooks import SECRET, Receiver, stop_process, worker_process

pytestmark = pytest.mark.integration

TOKEN = "metrics-scrape-token"


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
    return make_app(
        "local",
        clock=clock,
        WEBHOOK_URLS=[{"url": receiver.url, "secret": SECRET}],
        WEBHOOK_TIMEOUT=5.0,
        WEBHOOK_MAX_ATTEMPTS=2,
        WEBHOOK_RETRY_BASE=1.0,
    )


def scrape(client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def queues(text: str) -> dict[str, float | None]:
    return {
        "pending": _sample(text, "storage_outbox_events", status="pending"),
        "delivered": _sample(text, "storage_outbox_events", status="delivered"),
        "dead": _sample(text, "storage_outbox_events", status="dead"),
        "event_age": _sample(text, "storage_outbox_oldest_pending_age_seconds"),
        "intents": _sample(text, "storage_upload_intents_pending"),
        "intent_age": _sample(text, "storage_upload_intents_oldest_pending_age_seconds"),
        "deletions": _sample(text, "storage_object_deletions_queued"),
    }


def worker_pass(app) -> None:
    from app.services.maintenance import run_worker

    with app.app_context():
        run_worker(max_iterations=1)


def queue_orphan(app) -> None:
    """An object deletion waiting in the queue, as a failed deletion leaves one until gc drains it."""
    from app.extensions import db
    from app.services.common import physical_bucket, queue_deletion

    with app.app_context():
        queue_deletion(physical_bucket("users"), "u1/left-behind.bin", "left behind")
        db.session.commit()


def wait_for(condition, seconds=60.0, what="the condition"):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.1)


def test_the_queues_and_their_ages_follow_the_database_and_the_worker_passes(app, client, auth, clock, receiver):
    slow = upload(client, auth("u1"), path="docs/slow.txt")  # its subscriber keeps failing on this file
    upload(client, auth("u1"), path="docs/fine.txt")
    presigned = presign(client, "u1", "u1", "docs/presigned.txt").get_json()
    assert send_put(client, "local", presigned, b"uploaded, never confirmed") in (200, 204)
    queue_orphan(app)
    clock.advance(100)

    assert queues(scrape(client)) == {
        "pending": 2,
        "delivered": 0,
        "dead": 0,
        "event_age": 100,
        "intents": 1,
        "intent_age": 100,
        "deletions": 1,
    }

    receiver.status_of = lambda event: 503 if event["data"]["file_id"] == slow["file_id"] else 200
    worker_pass(app)  # completes the upload (one more event), drains the queue, delivers all but the slow file's
    clock.advance(QUEUE_CACHE_SECONDS)
    assert queues(scrape(client)) == {
        "pending": 1,
        "delivered": 2,
        "dead": 0,
        "event_age": 100 + QUEUE_CACHE_SECONDS,  # the slow file's event, waiting for its retry
        "intents": 0,
        "intent_age": 0,
        "deletions": 0,
    }

    clock.advance(60)  # past the retry's backoff: the second and last attempt fails
    worker_pass(app)
    clock.advance(QUEUE_CACHE_SECONDS)
    assert queues(scrape(client)) | {"intents": None} == {
        "pending": 0,
        "delivered": 2,
        "dead": 1,
        "event_age": 0,
        "intents": None,
        "intent_age": 0,
        "deletions": 0,
    }


def test_scrapes_within_the_cache_period_read_the_database_once(app, client, auth, clock):
    from app.extensions import db

    upload(client, auth("u1"))
    with app.app_context():
        engine = db.engine
    reads = []

    def count(conn, cursor, statement, *args):
        if "outbox_events" in statement:
            reads.append(statement)

    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            assert _sample(scrape(client), "storage_outbox_events", status="pending") == 1
        assert len(reads) == 1
        upload(client, auth("u1"), path="docs/b.txt")
        reads.clear()
        assert _sample(scrape(client), "storage_outbox_events", status="pending") == 1  # the cached figures
        clock.advance(QUEUE_CACHE_SECONDS)
        assert _sample(scrape(client), "storage_outbox_events", status="pending") == 2
        assert len(reads) == 1
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)


def test_metrics_answer_without_the_queues_when_the_database_does_not(make_app, caplog):
    app = make_app("local", SQLALCHEMY_DATABASE_URI="postgresql+psycopg2://postgres@127.0.0.1:1/nowhere")
    client = app.test_client()
    client.get("/health")
    text = scrape(client)
    assert "flask_http_request_total{" in text
    assert queues(text) == dict.fromkeys(queues(""), None)
    assert "queue metrics: the database did not answer" in caplog.text


def test_any_gunicorn_worker_answers_the_queues(make_app, receiver, database_url, seaweed, fake_projects, tmp_path):
    """Under gunicorn the scrape is built from the workers' metric files; the database figures must be there too."""
    seeding = make_app("minio", WEBHOOK_URLS=[{"url": receiver.url, "secret": SECRET}])
    client = seeding.test_client()
    from tests.support.tokens import bearer

    upload(client, bearer("u1"))
    assert presign(client, "u1", "u1", "docs/presigned.txt").status_code == 200
    env = production_env(
        database_url,
        seaweed,
        fake_projects,
        SECRET_KEY="operations-metrics-secret-key-0123456789",
        JWT_SECRET=JWT_SECRET,
        METRICS_TOKEN=TOKEN,
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    server = Instance("metrics", env, tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        headers = {"Authorization": f"Bearer {TOKEN}", "Connection": "close"}
        assert requests.get(f"{server.url}/metrics", timeout=10).status_code == 401
        for _ in range(6):  # new connections, answered by either worker
            text = requests.get(f"{server.url}/metrics", headers=headers, timeout=10).text
            figures = queues(text)
            assert figures["pending"] == 1 and figures["intents"] == 1 and figures["deletions"] == 0, figures
            assert _sample(text, "flask_http_request_total", method="GET", status="200", endpoint="system.health")
    finally:
        server.stop()


def test_the_worker_serves_its_deliveries_and_last_pass_on_its_metrics_port(app, client, auth, receiver, monkeypatch):
    (port,) = free_ports(1)
    monkeypatch.setenv("WORKER_METRICS_PORT", str(port))
    monkeypatch.setenv("METRICS_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_RETRY_BASE", "0.2")
    url = f"http://127.0.0.1:{port}/metrics"
    upload(client, auth("u1"))
    receiver.statuses = [500]  # the first attempt fails, the retry is delivered
    started = time.time()
    worker = worker_process(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["LOCAL_STORAGE_PATH"], app.config["WEBHOOK_URLS"], timeout=5
    )
    scraped = {}

    def delivered() -> bool:
        try:
            response = requests.get(url, headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
        except requests.ConnectionError:
            assert worker.poll() is None, worker.stderr.read()
            return False
        scraped["text"] = response.text
        return _sample(response.text, "storage_webhook_deliveries_total", outcome="delivered") == 1

    try:
        wait_for(delivered, what="the delivery in the worker's metrics")
        text = scraped["text"]
        assert _sample(text, "storage_webhook_deliveries_total", outcome="retried") == 1
        assert _sample(text, "storage_webhook_deliveries_total", outcome="dead") == 0
        assert started < _sample(text, "storage_worker_last_pass_timestamp_seconds") <= time.time()
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            refused = requests.get(url, headers=headers, timeout=5)
            assert refused.status_code == 401 and refused.headers["WWW-Authenticate"] == "Bearer"
            assert refused.json() == {
                "status": "error",
                "message": "unauthorized",
                "detail": "A valid metrics token is required.",
            }
    finally:
        stop_process(worker)
    assert worker.returncode == 0, worker.stderr.read()
