"""The image's entrypoint with exactly the platform's staging environment (issue 9): wait, migrate, create the one
bucket, serve on PORT; users-bucket uploads work, projects are denied without a project service."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import jwt
import pytest
import requests
import sqlalchemy as sa
from minio import Minio

from app.config import database_url
from tests.support import postgres
from tests.support.seaweed import free_ports

ROOT = Path(__file__).resolve().parents[2]
ENTRYPOINT = ROOT / "scripts" / "docker-entrypoint.sh"
BUCKET = "staging-storage"
JWT_SECRET = "platform-staging-jwt-secret-0123456789"
START_BOUND = 90  # seconds: a bound on waiting for readiness, not an assertion about speed


def _platform_env(database_url: str, seaweed, port: int) -> dict[str, str]:
    """Exactly what the platform's compose sets, plus PORT and what a process needs to run (PATH, HOME)."""
    return {
        "FLASK_ENV": "staging",
        "DATABASE_URL": database_url,
        "JWT_SECRET": JWT_SECRET,
        "MINIO_ENDPOINT": seaweed.endpoint,
        "MINIO_ACCESS_KEY": seaweed.access_key,
        "MINIO_SECRET_KEY": seaweed.secret_key,
        "MINIO_SECURE": "false",
        "MINIO_BUCKET_NAME": BUCKET,
        "WAIT_FOR_DB": "true",
        "RUN_MIGRATIONS": "true",
        "LOG_LEVEL": "DEBUG",
        "PORT": str(port),
        # The process, not the service: the virtualenv first on PATH (as /opt/venv/bin in the image), one small
        # gunicorn, and a metrics directory of its own (gunicorn.conf.py empties it at start).
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "WEB_CONCURRENCY": "1",
        "GUNICORN_THREADS": "4",
        "PROMETHEUS_MULTIPROC_DIR": tempfile.mkdtemp(prefix="storage-metrics-"),
    }


def _minio(seaweed) -> Minio:
    return Minio(seaweed.endpoint, seaweed.access_key, seaweed.secret_key, secure=False, region=seaweed.region)


def _remove_bucket(client: Minio) -> None:
    if client.bucket_exists(BUCKET):
        for item in client.list_objects(BUCKET, recursive=True):
            client.remove_object(BUCKET, item.object_name)
        client.remove_bucket(BUCKET)


@pytest.fixture
def fresh_database():
    url, drop = postgres.create_database(postgres.server_url())
    # The platform writes plain postgresql:// URLs.
    yield sa.engine.make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    drop()


@pytest.fixture
def s3(seaweed):
    client = _minio(seaweed)
    _remove_bucket(client)  # the bucket must not exist before the start
    yield client
    _remove_bucket(client)


def _token(sub: str) -> str:
    now = int(time.time())
    return jwt.encode({"sub": sub, "iat": now, "exp": now + 600}, JWT_SECRET, algorithm="HS256")


def _wait_ready(process: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + START_BOUND
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the entrypoint exited with {process.returncode}:\n{log.read_text()[-5000:]}")
        try:
            if requests.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException:  # not listening yet, or still loading the app
            pass
        time.sleep(0.2)
    pytest.fail("the service did not become healthy")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_entrypoint_starts_staging_with_the_platforms_environment(fresh_database, seaweed, s3, tmp_path):
    [port] = free_ports(1)
    env = _platform_env(fresh_database, seaweed, port)
    command = [str(ENTRYPOINT), "gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]
    log = tmp_path / "service.log"
    with open(log, "wb") as out:  # a file, not a pipe: DEBUG logging must never block the server
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, base, log)
        # The entrypoint exec'd the server: the process we started is no longer the shell script.
        cmdline = Path(f"/proc/{process.pid}/cmdline").read_text()
        assert "gunicorn" in cmdline and "docker-entrypoint" not in cmdline

        health = requests.get(f"{base}/health", timeout=5)
        assert health.status_code == 200, health.text
        assert s3.bucket_exists(BUCKET)  # created when missing
        engine = sa.create_engine(database_url(fresh_database))
        with engine.connect() as conn:  # migrated
            assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        engine.dispose()

        user = {"Authorization": f"Bearer {_token('u1')}"}
        content = b"staging upload\n" * 100
        uploaded = requests.post(
            f"{base}/upload/proxy",
            data={"bucket": "users", "id": "u1", "path": "docs/report.txt"},
            files={"file": ("report.txt", content, "text/plain")},
            headers=user,
            timeout=30,
        )
        assert uploaded.status_code == 201, uploaded.text
        key = uploaded.json()["data"]["object_key"]
        assert s3.stat_object(BUCKET, key).size == len(content)  # in the one physical bucket
        downloaded = requests.get(
            f"{base}/download/proxy",
            params={"bucket": "users", "id": "u1", "path": "docs/report.txt"},
            headers=user,
            timeout=30,
        )
        assert downloaded.status_code == 200 and downloaded.content == content

        project = requests.post(
            f"{base}/upload/presign", json={"bucket": "projects", "id": "p1", "path": "a.txt"}, headers=user, timeout=10
        )
        assert project.status_code == 403
        assert project.json()["message"] == "project_service_unavailable"
    finally:
        _stop(process)
    output = log.read_text()
    assert "PROJECT_SERVICE_URL is not set" in output  # the warning at start
    assert "docker-entrypoint: database ready" in output and "docker-entrypoint: buckets ready" in output


def test_entrypoint_waits_for_the_database_boundedly_and_stops_when_it_never_comes(seaweed, tmp_path):
    [closed] = free_ports(1)  # nothing listens there
    env = _platform_env(f"postgresql://storage@127.0.0.1:{closed}/storage", seaweed, free_ports(1)[0])
    env["WAIT_FOR_DB_TIMEOUT"] = "2"
    marker = tmp_path / "ran"
    result = subprocess.run(
        [str(ENTRYPOINT), "touch", str(marker)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "the database did not answer in time" in result.stderr
    assert not marker.exists()  # the command never ran


def test_entrypoint_runs_the_command_without_preparation_when_asked(tmp_path):
    marker = tmp_path / "ran"
    env = {"PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}", "CREATE_BUCKETS": "false"}
    result = subprocess.run(
        [str(ENTRYPOINT), "sh", "-c", f'echo "$0" > {marker}', "argument"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert marker.read_text().strip() == "argument"  # the arguments are passed through unchanged
