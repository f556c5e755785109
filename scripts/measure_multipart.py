"""Measure a resumable multipart upload against one presigned PUT of the same file, on SeaweedFS.

    .venv/bin/python scripts/measure_multipart.py                      # 200 MiB, 16 MiB parts, 1 and 4 threads
    .venv/bin/python scripts/measure_multipart.py --mib 512 --threads 1 2 4 8 --part-mib 8

Creates a fresh PostgreSQL database (schema from the migrations; dropped at the end) on the test server
(TEST_DATABASE_URL, default 127.0.0.1:5432) and starts a SeaweedFS of its own. The service runs in this process (the
Flask test client): only session requests go through it, the parts go straight to the S3 server as a client's would.
Prints, per thread count, the seconds and MiB/s of sending the parts, and the seconds of the completion (the store
joins the parts; the service copies the object to the version's key and reads it once for its SHA-256), beside one
presigned PUT of the whole file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from tests.support.postgres import create_database, server_url  # noqa: E402
from tests.support.seaweed import start_seaweed  # noqa: E402
from tests.support.tokens import SECRET, bearer  # noqa: E402

MIB = 1024 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=200, help="file size in MiB")
    parser.add_argument("--part-mib", type=int, default=16, help="MULTIPART_PART_SIZE in MiB")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 4], help="parallel part uploads")
    args = parser.parse_args()
    url, drop = create_database(server_url())
    s3 = start_seaweed(Path(tempfile.mkdtemp(prefix="measure-multipart-")))
    try:
        app = create_app(
            "testing",
            SQLALCHEMY_DATABASE_URI=url,
            JWT_SECRET=SECRET,
            STORAGE_BACKEND="minio",
            MINIO_ENDPOINT=s3.endpoint,
            MINIO_ACCESS_KEY=s3.access_key,
            MINIO_SECRET_KEY=s3.secret_key,
            MINIO_REGION=s3.region,
            MINIO_PUBLIC_ENDPOINT=s3.url,
            MULTIPART_PART_SIZE=args.part_mib * MIB,
            MAX_UPLOAD_SIZE=max(args.mib * MIB, 5 * 1024 * MIB),
            RATE_LIMITS_ENABLED=False,
        )
        with app.app_context():
            upgrade()
        app.extensions["object_store"].ensure_buckets()
        run(app, args)
    finally:
        s3.stop()
        drop()


def run(app, args) -> None:
    client, headers, size = app.test_client(), bearer("u1"), args.mib * MIB
    block = bytes(range(256)) * (MIB // 256)  # the parts are slices of a repeated MiB: no generation cost measured

    def part(length: int) -> bytes:
        return (block * (-(-length // MIB)))[:length]

    answer = client.post("/upload/presign", json={"bucket": "users", "id": "u1", "path": "m/put.bin"}, headers=headers)
    started = time.perf_counter()
    requests.put(answer.get_json()["url"], data=part(size), timeout=600).raise_for_status()
    single = time.perf_counter() - started
    print(f"{args.mib} MiB, parts of {args.part_mib} MiB")
    print(f"one presigned PUT        {single:7.2f} s  {args.mib / single:7.1f} MiB/s")
    for threads in args.threads:
        body = {"bucket": "users", "id": "u1", "path": f"m/parts-{threads}.bin", "size": size}
        session = client.post("/upload/multipart", json=body, headers=headers).get_json()["data"]
        numbers = list(range(1, session["part_count"] + 1))
        urls = client.post(
            f"/upload/multipart/{session['upload_id']}/parts", json={"part_numbers": numbers}, headers=headers
        ).get_json()["parts"]

        def send(entry: dict) -> None:
            requests.put(entry["url"], data=part(entry["size"]), timeout=600).raise_for_status()

        started = time.perf_counter()
        with ThreadPoolExecutor(threads) as pool:
            list(pool.map(send, urls))
        sent = time.perf_counter() - started
        started = time.perf_counter()
        response = client.post(f"/upload/multipart/{session['upload_id']}/complete", headers=headers)
        completed = time.perf_counter() - started
        assert response.status_code == 201, response.get_json()
        print(
            f"parts, {threads} thread(s)     {sent:7.2f} s  {args.mib / sent:7.1f} MiB/s"
            f"   complete {completed:6.2f} s ({session['part_count']} parts)"
        )


if __name__ == "__main__":
    main()
