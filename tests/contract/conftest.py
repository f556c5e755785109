"""Fixtures for the ObjectStore contract: every adapter behind one `store` fixture, real servers, no mocks."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask, jsonify
from werkzeug.serving import make_server

from app.api.local_objects import blp as local_objects
from app.clock import ManualClock
from app.errors import AppError
from app.storage.base import ObjectStore
from app.storage.local_store import LocalStore
from app.storage.minio_store import MinioStore
from tests.support.killed_writes import kill_stalled_write, local_spec, minio_spec

UPLOAD_LIMIT = 64 * 1024  # MAX_UPLOAD_SIZE of the local store's HTTP endpoints in these tests
PART_SIZE = 5 * 1024 * 1024  # S3's minimum, so multipart uploads happen with small test objects
PREFETCH_CHUNKS = 4  # the `minio_store` fixture reads ahead (optional, off in the default configuration)


class LocalServer:
    """A Flask app with only the local store's blueprint, served by werkzeug in a thread."""

    def __init__(self) -> None:
        self.app = Flask("local-store-contract")
        self.app.config["MAX_UPLOAD_SIZE"] = UPLOAD_LIMIT
        self.app.register_blueprint(local_objects)
        self.app.register_error_handler(AppError, lambda e: (jsonify(e.to_dict()), e.status, e.headers))
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.thread.join()


@pytest.fixture(scope="session")
def local_server() -> Iterator[LocalServer]:
    server = LocalServer()
    yield server
    server.stop()


def local_store_for(server: LocalServer, root: Path, buckets: list[str]) -> LocalStore:
    """A LocalStore with a manual clock, made the store the test server answers for."""
    store = LocalStore(root, buckets, server.url, "contract-secret", clock=ManualClock())
    server.app.extensions["object_store"] = store
    return store


@pytest.fixture(params=["local", "minio"])
def make_store(request, tmp_path) -> Callable[..., ObjectStore]:
    """make_store(buckets=None, ensure=True): a store of this test's adapter; fresh bucket names by default."""
    prefix = f"ct-{uuid.uuid4().hex[:12]}"

    def build(buckets: list[str] | None = None, ensure: bool = True) -> ObjectStore:
        names = buckets or [f"{prefix}-a", f"{prefix}-b"]
        if request.param == "local":
            store = local_store_for(request.getfixturevalue("local_server"), tmp_path / "objects", names)
        else:
            s3 = request.getfixturevalue("seaweed")  # session-scoped, from tests/conftest.py
            store = MinioStore(
                s3.endpoint,
                s3.access_key,
                s3.secret_key,
                buckets=names,
                region=s3.region,
                public_endpoint=s3.url,
                part_size=PART_SIZE,
            )
        if ensure:
            store.ensure_buckets()
        return store

    return build


@pytest.fixture
def minio_store(seaweed) -> MinioStore:
    """A MinioStore alone (S3 test part size, read-ahead on, fresh buckets), for the S3 adapter's own behaviour."""
    prefix = f"ct-{uuid.uuid4().hex[:12]}"
    store = MinioStore(
        seaweed.endpoint,
        seaweed.access_key,
        seaweed.secret_key,
        buckets=[f"{prefix}-a"],
        region=seaweed.region,
        public_endpoint=seaweed.url,
        part_size=PART_SIZE,
        prefetch_chunks=PREFETCH_CHUNKS,
    )
    store.ensure_buckets()
    return store


@pytest.fixture
def local_store(local_server, tmp_path) -> LocalStore:
    """A LocalStore alone, for the behaviour of its own HTTP endpoints and filesystem."""
    store = local_store_for(local_server, tmp_path / "objects", ["users", "projects"])
    store.ensure_buckets()
    return store


@pytest.fixture
def store(make_store) -> ObjectStore:
    return make_store()


@pytest.fixture
def bucket(store) -> str:
    return store.buckets[0]


@pytest.fixture
def expire(store) -> Callable[[], None]:
    """expire(): let presigned URLs made with expires=1 run out (moves the local clock, or waits for the S3 server)."""

    def run() -> None:
        if isinstance(store, LocalStore):
            store.clock.advance(2)
        else:
            time.sleep(2.1)  # SigV4 dates have one-second resolution

    return run


@pytest.fixture
def leftovers(store) -> Callable[[str], list[str]]:
    """leftovers(bucket): traces of failed writes (incomplete multipart uploads, or any file in the bucket dir)."""

    def find(bucket: str) -> list[str]:
        if isinstance(store, MinioStore):
            return [upload.key for upload in store.incomplete_uploads(bucket)]
        return [str(path) for path in (store.root / bucket).rglob("*") if not path.is_dir()]

    return find


# -- writes of a killed process ------------------------------------------------------------------------------------


@pytest.fixture
def killed_write(request, store) -> Callable[[str, str, int], None]:
    """killed_write(bucket, key, before): a child process writes key, stalls after `before` bytes and is SIGKILLed
    once the store shows the write in progress, as when the service's worker dies mid-upload."""
    if isinstance(store, LocalStore):
        spec = local_spec(str(store.root), store.buckets)
    else:
        s3 = request.getfixturevalue("seaweed")
        spec = minio_spec(s3.endpoint, s3.access_key, s3.secret_key, s3.region, store.buckets, PART_SIZE)
    return lambda bucket, key, before: kill_stalled_write(store, spec, bucket, key, before)
