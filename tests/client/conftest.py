"""The typed Python client (clients/python) against the real service: gunicorn on a free port with production
settings, over the test database, the S3 server (behind a recording proxy, to see what clients send it) and the fake
project service."""

from __future__ import annotations

import sys

import pytest

from tests.integration.test_two_instances import ROOT, Instance
from tests.support.production_env import production_env
from tests.support.recording_proxy import RecordingProxy
from tests.support.tokens import SECRET

sys.path.insert(0, str(ROOT / "clients" / "python"))  # the client as another service would install it


@pytest.fixture(scope="module")
def store_proxy(seaweed):
    """The S3 server as clients reach it (presigned URLs point here): every request recorded."""
    proxy = RecordingProxy(seaweed.endpoint).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def server(make_app, database_url, seaweed, fake_projects, store_proxy, tmp_path):
    """The service as deployed: gunicorn, production settings, presigned URLs signed for the recording proxy."""
    make_app("minio")  # the buckets exist, and the tables are emptied after the test
    env = production_env(
        database_url,
        seaweed,
        fake_projects,
        SECRET_KEY="client-test-secret-key-0123456789abcdef",
        JWT_SECRET=SECRET,
        WEB_CONCURRENCY="1",
        GUNICORN_THREADS="4",
        LOG_LEVEL="WARNING",
        MULTIPART_PART_SIZE=str(5 * 1024 * 1024),  # S3's smallest part: a few parts make a small test file
        PYTHONPATH=str(ROOT),
    )
    env["MINIO_PUBLIC_ENDPOINT"] = f"http://{store_proxy.endpoint}"
    instance = Instance("client", env, tmp_path / "client-server.log")
    instance.wait_ready()
    store_proxy.clear()
    yield instance
    instance.stop()
