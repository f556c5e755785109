"""Shared fixtures: PostgreSQL (fresh database per session), SeaweedFS, the fake project service, apps, tokens."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.support import postgres
from tests.support.fake_project_service import FakeProjectService
from tests.support.seaweed import start_seaweed
from tests.support.tokens import SECRET, bearer

TABLES = (
    "audit_logs",
    "object_deletions",
    "upload_intents",
    "file_locks",
    "file_versions",
    "files",
    "outbox_events",
    "bucket_usage",
)


@dataclass(frozen=True)
class ExternalS3:
    """An S3 server the environment names (TEST_S3_*), e.g. MinIO in docker-compose.test.yml."""

    endpoint: str
    access_key: str
    secret_key: str
    region: str

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"


@pytest.fixture(scope="session")
def seaweed():
    """The S3 server of the suite: TEST_S3_ENDPOINT when set, else a SeaweedFS started for the session."""
    if os.environ.get("TEST_S3_ENDPOINT"):
        yield ExternalS3(
            os.environ["TEST_S3_ENDPOINT"],
            os.environ["TEST_S3_ACCESS_KEY"],
            os.environ["TEST_S3_SECRET_KEY"],
            os.environ.get("TEST_S3_REGION", "us-east-1"),
        )
        return
    server = start_seaweed(Path(tempfile.mkdtemp(prefix="storage-s3-")))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def database_url():
    url, drop = postgres.create_database(postgres.server_url())
    from flask_migrate import upgrade

    from app import create_app

    app = create_app(
        "testing",
        DATABASE_URL=url,
        SQLALCHEMY_DATABASE_URI=url,
        STORAGE_BACKEND="local",
        LOCAL_STORAGE_PATH=tempfile.mkdtemp(prefix="storage-local-"),
    )
    with app.app_context():
        upgrade()  # the schema comes from the migrations, exactly as `flask db upgrade` builds it
        from app.extensions import db

        db.engine.dispose()
    yield url
    drop()


@pytest.fixture(scope="session")
def fake_projects():
    service = FakeProjectService()
    service.start()
    yield service
    service.stop()


@pytest.fixture
def make_app(database_url, seaweed, fake_projects, tmp_path):
    """Build an app against the test database; backend "minio" (SeaweedFS) or "local"."""
    fake_projects.reset()
    created = []

    def build(backend: str = "minio", **overrides):
        from app import create_app

        settings = {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "JWT_SECRET": SECRET,
            "STORAGE_BACKEND": backend,
            "MINIO_ENDPOINT": seaweed.endpoint,
            "MINIO_ACCESS_KEY": seaweed.access_key,
            "MINIO_SECRET_KEY": seaweed.secret_key,
            "MINIO_REGION": seaweed.region,
            "MINIO_PUBLIC_ENDPOINT": seaweed.url,
            "LOCAL_STORAGE_PATH": str(tmp_path / "objects"),
            "PROJECT_SERVICE_URL": fake_projects.url,
            "PUBLIC_BASE_URL": "http://localhost",
            **overrides,
        }
        app = create_app("testing", **settings)
        app.extensions["object_store"].ensure_buckets()
        created.append(app)
        return app

    yield build
    for app in created:
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()
        _abort_incomplete_uploads(app)  # the next test's gc and reconcile see only its own

    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text(f"TRUNCATE {', '.join(TABLES)} CASCADE"))
    engine.dispose()


def _abort_incomplete_uploads(app) -> None:
    """Abort the multipart uploads a test left open in its app's buckets (sessions it did not complete)."""
    store = app.extensions["object_store"]
    for name in {app.config[setting] for setting in ("BUCKET_USERS", "BUCKET_COMPANIES", "BUCKET_PROJECTS")}:
        for upload in store.incomplete_uploads(name):
            store.abort_upload(name, upload.key, upload.upload_id)


@pytest.fixture(params=["minio", "local"])
def backend(request):
    """Parametrize a test over both storage backends where their behaviour differs."""
    return request.param


@pytest.fixture
def app(make_app):
    return make_app("minio")


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def auth():
    """Headers for a user: auth("u1", company_id="c1", roles=["admin"])."""
    return bearer
