"""Writes of a process killed mid-upload: what a crashed worker leaves in an object store (tests only)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from app.storage.base import ObjectStore

# Run in a child process: build the same store and write to it from a source that stalls after `before` bytes.
STALLED_WRITER = """
import json, sys, time
from app.storage.local_store import LocalStore
from app.storage.minio_store import MinioStore

spec = json.loads(sys.argv[1])
if spec["kind"] == "local":
    store = LocalStore(spec["root"], spec["buckets"], "http://127.0.0.1", "killed-writer")
else:
    store = MinioStore(
        spec["endpoint"], spec["access_key"], spec["secret_key"], buckets=spec["buckets"], region=spec["region"],
        part_size=spec["part_size"],
    )


class Stalling:
    def __init__(self, size):
        self.left = size

    def read(self, size=-1):
        if self.left <= 0:
            print("stalled", flush=True)
            time.sleep(3600)
        chunk = b"x" * min(size if size > 0 else 1 << 20, self.left)
        self.left -= len(chunk)
        return chunk


store.put_stream(spec["bucket"], spec["key"], Stalling(spec["before"]))
"""

REPO = str(Path(__file__).resolve().parents[2])


def local_spec(root: str, buckets: list[str]) -> dict:
    return {"kind": "local", "root": root, "buckets": buckets}


def minio_spec(endpoint: str, access_key: str, secret_key: str, region: str, buckets: list[str], part_size: int):
    return {
        "kind": "minio",
        "endpoint": endpoint,
        "access_key": access_key,
        "secret_key": secret_key,
        "region": region,
        "buckets": buckets,
        "part_size": part_size,
    }


def kill_stalled_write(store: ObjectStore, spec: dict, bucket: str, key: str, before: int) -> None:
    """A child process writes key through the store `spec` describes, stalls after `before` bytes, and is
    SIGKILLed once `store` lists the write as incomplete (on S3 `before` must exceed the part size)."""
    child = subprocess.Popen(
        [sys.executable, "-c", STALLED_WRITER, json.dumps({**spec, "bucket": bucket, "key": key, "before": before})],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": REPO},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "stalled", "the writer failed before stalling"
        deadline = time.monotonic() + 10
        while key not in [upload.key for upload in store.incomplete_uploads(bucket)]:
            assert time.monotonic() < deadline, "the stalled write never showed as an incomplete upload"
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
