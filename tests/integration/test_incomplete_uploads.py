"""`flask storage gc` aborts, and `reconcile` reports, incomplete uploads older than RECONCILE_GRACE_SECONDS."""

from __future__ import annotations

import pytest

from app.clock import ManualClock
from tests.support.killed_writes import kill_stalled_write, local_spec, minio_spec

pytestmark = pytest.mark.integration

MiB = 1024 * 1024
PART = 8 * MiB  # MinioStore.PART_SIZE, what the app uses


def run(app, *args):
    return app.test_cli_runner().invoke(args=["storage", *args])


def killed_upload(app, key: str) -> str:
    """Leave an incomplete upload of key in the users bucket, as a worker killed mid-upload does; the bucket."""
    store, config = app.extensions["object_store"], app.config
    if config["STORAGE_BACKEND"] == "local":
        spec = local_spec(str(store.root), store.buckets)
    else:
        spec = minio_spec(
            config["MINIO_ENDPOINT"],
            config["MINIO_ACCESS_KEY"],
            config["MINIO_SECRET_KEY"],
            config["MINIO_REGION"],
            store.buckets,
            PART,
        )
    bucket = config["BUCKET_USERS"]
    kill_stalled_write(store, spec, bucket, key, PART + MiB)
    return bucket


def incomplete(app, bucket: str) -> list[str]:
    return [upload.key for upload in app.extensions["object_store"].incomplete_uploads(bucket)]


def test_gc_aborts_incomplete_uploads_only_once_older_than_the_grace(make_app, backend):
    clock = ManualClock()
    app = make_app(backend, clock=clock, RECONCILE_GRACE_SECONDS=3600)
    bucket = killed_upload(app, "u1/killed")

    result = run(app, "gc")
    assert result.exit_code == 0, result.output
    assert "aborted incomplete uploads: 0" in result.output
    assert incomplete(app, bucket) == ["u1/killed"]  # it may still be running

    clock.advance(3700)  # the clock was read before the upload started
    result = run(app, "gc")
    assert result.exit_code == 0, result.output
    assert "aborted incomplete uploads: 1" in result.output
    assert incomplete(app, bucket) == []
    assert "aborted incomplete uploads: 0" in run(app, "gc").output


def test_reconcile_reports_incomplete_uploads_and_fix_aborts_them(make_app, backend):
    app = make_app(backend, RECONCILE_GRACE_SECONDS=0)
    bucket = killed_upload(app, "u1/killed")

    result = run(app, "reconcile")
    assert result.exit_code == 1, result.output
    assert f"incomplete upload: {bucket}/u1/killed (upload " in result.output
    assert "[incomplete]" in result.output
    assert "incomplete uploads: 1" in result.output.splitlines()[-1]  # (objects other tests left are orphans)
    assert incomplete(app, bucket) == ["u1/killed"]  # reporting changes nothing

    result = run(app, "reconcile", "--fix")
    assert result.exit_code == 0, result.output
    assert "[aborted]" in result.output
    assert incomplete(app, bucket) == []
    result = run(app, "reconcile")
    assert result.exit_code == 0, result.output
    assert "missing: 0, orphans: 0, incomplete uploads: 0" in result.output  # --fix removed the orphans too
