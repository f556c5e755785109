"""Two service instances, one PostgreSQL and one S3 server: the collaboration races still have exactly one winner.

Each instance is a separate gunicorn (production settings, its own processes, engines and connection pools), as two
replicas behind a load balancer would be. The racing users are split between the instances, so every race is
decided across processes by the database alone; each instance's access log shows it served its half. The instances
reach PostgreSQL directly, then through PgBouncer in transaction pooling mode (docs/scaling.md), where a server
connection serves one transaction of any client at a time.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.support.files_api import upload
from tests.support.pgbouncer import start_pgbouncer
from tests.support.production_env import production_env
from tests.support.races import REQUEST_TIMEOUT, Races
from tests.support.tokens import SECRET, bearer

ROOT = Path(__file__).resolve().parents[2]
TRIALS = 3


class Instance:
    """`gunicorn --config gunicorn.conf.py` on a free loopback port, as a separate process group."""

    def __init__(self, name: str, env: dict[str, str], log_path: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.name, self.url, self.log_path = name, f"http://127.0.0.1:{port}", log_path
        command = [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config", str(ROOT / "gunicorn.conf.py"), "--no-control-socket",
            "--bind", f"127.0.0.1:{port}", "wsgi:app",
        ]  # fmt: skip
        with open(log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"instance {self.name} did not start:\n{self.log_path.read_text(errors='replace')[-3000:]}")

    def served(self, method: str, path_pattern: str) -> int:
        """How many requests the access log shows for `method` on a path matching `path_pattern`."""
        count = 0
        for line in self.log_path.read_text(errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue  # gunicorn's own lines
            if (
                isinstance(entry, dict)
                and entry.get("method") == method
                and re.fullmatch(path_pattern, str(entry.get("path")))
            ):
                count += 1
        return count

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class RacesAcrossInstances(Races):
    """The races of tests/support/races.py with racer k sent to instance k mod n (set-up and checks go to the
    first instance, so what one instance decided is read back through another)."""

    def __init__(self, urls: list[str]) -> None:
        super().__init__(urls[0])
        self.urls = urls

    def _post(self, user: str, path: str, json: dict | None = None, **kwargs) -> requests.Response:
        number = re.search(r"(\d+)$", user)
        url = self.urls[int(number.group(1)) % len(self.urls)] if number else self.url
        return requests.post(f"{url}{path}", json=json, headers=bearer(user), timeout=REQUEST_TIMEOUT, **kwargs)


@pytest.fixture(params=["direct", "pgbouncer"])
def instances_database_url(request, database_url):
    """The test database straight, or through PgBouncer in transaction pooling mode with fewer server connections
    (8) than the two instances have threads: nothing may outlive a transaction on a connection."""
    if request.param == "direct":
        yield database_url
        return
    bouncer = start_pgbouncer(database_url, pool_size=8)
    yield bouncer.url(database_url)
    bouncer.stop()


@pytest.fixture
def instances(make_app, instances_database_url, seaweed, fake_projects, tmp_path):
    """Two production-configured gunicorn instances over the test database and S3 server (make_app creates the
    buckets, and empties the tables afterwards)."""
    make_app("minio")
    fake_projects.mode = "allow"  # every user is a member of the race project with every right
    env = production_env(
        instances_database_url,
        seaweed,
        fake_projects,
        SECRET_KEY="two-instances-secret-key-0123456789abcdef",
        JWT_SECRET=SECRET,
        # Every racer's access check in flight at once: the race is decided by the database, not by the cap
        # (default 4 per worker) refusing the calls beyond it.
        PROJECT_SERVICE_MAX_CONCURRENCY="32",
        # One worker with enough threads that none of an instance's racers waits for a thread; pool to match.
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="20",
        LOG_LEVEL="INFO",
        PYTHONPATH=str(ROOT),
    )
    started = []
    try:
        for name in ("a", "b"):
            instance_env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / f"metrics-{name}")}
            started.append(Instance(name, instance_env, tmp_path / f"instance-{name}.log"))
        for instance in started:
            instance.wait_ready()
        yield started
    finally:
        for instance in started:
            instance.stop()


@pytest.mark.parametrize(
    ("name", "concurrency", "method", "path"),
    [
        ("lock", 32, "POST", "/lock"),
        ("commit", 32, "POST", "/versions/commit"),
        ("decision", 8, "POST", "/versions/[^/]+/(approve|reject)"),
    ],
)
def test_exactly_one_winner_across_two_instances(instances, name, concurrency, method, path, capsys):
    races = RacesAcrossInstances([instance.url for instance in instances])
    report = races.run(name, TRIALS, concurrency)
    with capsys.disabled():
        print(f"\n{report.line()} across {len(instances)} instances")
    assert [len(t.outcomes) for t in report.trials] == [concurrency] * TRIALS
    assert report.ok, "\n".join(report.failures())
    for instance in instances:  # each instance took its share of every trial's racers
        assert instance.served(method, path) >= TRIALS * (concurrency // len(instances)), instance.name


# Statements whose effect outlives the transaction on a connection: under transaction pooling they leak to other
# clients or fail (SET LOCAL and the pg_advisory_xact_* functions end with the transaction and are fine).
SESSION_STATE = re.compile(
    r"^\s*(SET\s+(?!LOCAL\b)|RESET\b|LISTEN\b|UNLISTEN\b|PREPARE\b|DEALLOCATE\b|DISCARD\b|DECLARE\b|LOAD\b"
    r"|CREATE\s+(GLOBAL\s+|LOCAL\s+)?TEMP)|pg_(try_)?advisory_(lock|unlock)|set_config\s*\([^)]*false\s*\)",
    re.IGNORECASE,
)


def test_no_statement_outlives_its_transaction(app, client, auth, fake_projects):
    """A workflow over most endpoints sends nothing that transaction pooling (PgBouncer) would break."""
    from app.extensions import db

    fake_projects.mode = "allow"
    with app.app_context():
        engine = db.engine
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(statement)

    def ok(response, *statuses):
        assert response.status_code in statuses, (response.status_code, response.get_data(as_text=True))
        return response.get_json()

    headers = auth("u1")
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        a = upload(client, headers, path="docs/a.txt")["file_id"]
        ok(client.get("/list", query_string={"bucket": "users", "id": "u1"}, headers=headers), 200)
        ok(client.get("/list", query_string={"bucket": "users", "id": "u1", "cursor": ""}, headers=headers), 200)
        ok(client.get("/metadata", query_string={"file_id": a, "include_versions": "true"}, headers=headers), 200)
        ok(client.post("/lock", json={"file_id": a}, headers=headers), 200)
        ok(client.patch("/metadata", query_string={"file_id": a}, json={"tags": {"k": 1}}, headers=headers), 200)
        ok(client.post("/unlock", json={"file_id": a}, headers=headers), 200)
        ok(client.get("/download/proxy", query_string={"file_id": a}, headers=headers), 200)
        ok(client.get("/download/presign", query_string={"file_id": a}, headers=headers), 200)
        copy = {"source_file_id": a, "target_bucket": "users", "target_id": "u1", "target_path": "docs/b.txt"}
        b = ok(client.post("/copy", json=copy, headers=headers), 201)["data"]["file_id"]
        commit = {"source_file_id": b, "file_id": a, "base_version": 1, "message": "edit"}
        ok(client.post("/versions/commit", json=commit, headers=headers), 201)
        ok(client.get("/versions", query_string={"file_id": a}, headers=headers), 200)
        ok(client.get("/locks", query_string={"bucket": "users", "id": "u1"}, headers=headers), 200)
        presigned = ok(
            client.post("/upload/presign", json={"bucket": "users", "id": "u1", "path": "docs/c.txt"}, headers=headers),
            200,
        )
        put = requests.put(presigned["url"], data=b"presigned", headers=presigned.get("headers"), timeout=30)
        assert put.status_code in (200, 204), put.text
        ok(client.post("/upload/confirm", json={"upload_id": presigned["upload_id"]}, headers=headers), 201)
        ok(client.delete("/delete", json={"file_id": b, "physical": True}, headers=headers), 200)
        ok(client.delete("/delete", json={"file_id": a}, headers=headers), 200)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert len(sent) > 30, sent
    assert [statement for statement in sent if SESSION_STATE.search(statement)] == []
