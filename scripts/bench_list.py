"""Measure `GET /list` as the files table grows: 1,000 files, then 100,000 in one bucket id, then 1,000,000 more rows.

    .venv/bin/python scripts/bench_list.py                   # about 4 minutes
    .venv/bin/python scripts/bench_list.py --seconds 2 --code /tmp/older-checkout

Starts, on loopback only, a fresh PostgreSQL database (schema from the migrations of `--code`; dropped at the end),
a fake project service and the service under the production gunicorn settings (like scripts/bench_api.py, local
store: listing reads no objects). Rows are written with bulk SQL (tests/support/bulk_files.py: `INSERT ... SELECT
FROM generate_series`), not through the API; every file has one current version. In a bucket of N files, the files
sit in `dept-D/team-TT/doc-NNNNNNN.txt` (10 departments x 20 teams) plus 20 files at the root, so the root's folder
view is the same 20 files and 10 folders at every size.

Stages, each followed by ANALYZE:
  1k     a bucket id with 1,000 files (the table holds nothing else)
  100k   + a bucket id with 100,000 files
  1M     + 1,000,000 rows across 10,000 other bucket ids

After each stage it drives each listing below with wrk on one connection for `--seconds`, on each bucket present,
and prints the CPU milliseconds per request the service's workers and its PostgreSQL backend spent (what other load
on a shared machine disturbs least) and the median latency, each with its ratio to the same listing of the 1k bucket
at stage 1k (goal of issue 10: at most 1.5):
  page 1            recursive listing of the whole bucket, 50 per page (page mode: counts every matching file)
  deep page         the same, at page total_pages - 1 (offset = N - 100)
  folder view       the root with recursive=false (20 files, 10 folder names)
  cursor page 1     keyset pagination from the start (`cursor=`), when the service offers it
  cursor deep page  keyset pagination from a cursor near the end (after the last file of page total_pages - 2)
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import signal
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from scripts.bench_api import (  # noqa: E402
    JWT_SECRET,
    Run,
    Scene,
    Server,
    base_env,
    drive,
    prepare_schema,
    sa_url_database,
    start_gunicorn,
)
from tests.support import postgres  # noqa: E402
from tests.support.bulk_files import ROOT_FILES, insert_files, vacuum_analyze  # noqa: E402
from tests.support.fake_project_service import FakeProjectService  # noqa: E402
from tests.support.tokens import make_token  # noqa: E402

PAGE = 50
GOAL = 1.5


def seed(engine: sa.Engine, bucket_ids: list[str], count: int) -> float:
    """Insert `count` files (each with a version) into every bucket id given, then VACUUM ANALYZE; seconds taken."""
    start = time.perf_counter()
    insert_files(engine, bucket_ids, count)
    vacuum_analyze(engine)
    return time.perf_counter() - start


@dataclass(frozen=True)
class Listing:
    name: str
    params: dict


def listings(server: Server, token: str, bucket_id: str, size: int) -> list[Listing]:
    """The listings measured on one bucket; cursor ones only when the service answers with `next_cursor`."""
    base = {"bucket": "users", "id": bucket_id, "limit": PAGE}
    deep_page = max(-(-size // PAGE) - 1, 1)
    found = [
        Listing("page 1", {**base, "page": 1}),
        Listing("deep page", {**base, "page": deep_page}),
        Listing("folder view", {**base, "recursive": "false"}),
    ]
    first = get(server, token, {**base, "cursor": ""}, probe=True)
    if first is not None and "next_cursor" in first:
        from app.schemas.requests import ListCursor

        last = get(server, token, {**base, "page": deep_page - 1})["files"][-1]
        deep_cursor = ListCursor(last["logical_path"], uuid.UUID(last["id"])).encode()
        found += [
            Listing("cursor page 1", {**base, "cursor": ""}),
            Listing("cursor deep page", {**base, "cursor": deep_cursor}),
        ]
    return found


def get(server: Server, token: str, params: dict, *, probe: bool = False) -> dict | None:
    """GET /list; with `probe`, None when the service refuses the parameters (400) instead of an error."""
    response = requests.get(
        f"{server.url}/list", params=params, headers={"Authorization": f"Bearer {token}"}, timeout=120
    )
    if probe and response.status_code == 400:
        return None
    if response.status_code != 200:
        raise RuntimeError(f"/list {params}: {response.status_code} {response.text[:300]}")
    return response.json()


def check(body: dict, listing: Listing, size: int) -> None:
    """The page holds what it should: 50 files (20 and 10 folders for the folder view), the right total."""
    files = body["files"]
    if listing.name == "folder view":
        ok = len(files) == ROOT_FILES and len(body.get("folders", [])) == 10
    else:
        ok = len(files) == PAGE
    total = body.get("pagination", {}).get("total_items")
    if listing.name.startswith(("page", "deep")) and total != size:
        ok = False
    if not ok:
        raise RuntimeError(f"{listing.name}: unexpected page {len(files)} files, total {total}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=3, help="wrk seconds per listing (default 3)")
    parser.add_argument("--code", type=Path, default=ROOT, help="run the service from this directory (see bench_api)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply the 100k and 1M stages (e.g. 0.1 for a quick check)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed: apt-get install -y wrk (or make bench-list)")
    code = args.code.resolve()
    workdir = Path(tempfile.mkdtemp(prefix="bench-list-"))
    projects = FakeProjectService()
    drop_database: Callable[[], None] | None = None
    server: Server | None = None
    previous_sigterm = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        projects.start()
        database_url, drop_database = postgres.create_database(postgres.server_url())
        env = base_env(database_url, "local", None, projects.url, workdir)
        env["LOG_LEVEL"] = "WARNING"
        prepare_schema(env, code)
        engine = sa.create_engine(database_url)
        server = start_gunicorn("app", "wsgi:app", env, workdir, "/health", code=code, config=code)
        big = round(100_000 * args.scale)
        buckets = {"bench-1k": 1_000, "bench-100k": big}
        stages = [
            ("1k", [("bench-1k", 1_000)]),
            ("100k", [("bench-100k", big)]),
            ("1M", [(f"other-{k:05d}", 100) for k in range(round(10_000 * args.scale))]),
        ]
        scene = Scene(server.workers, sa_url_database(database_url), None, frozenset({os.getpid(), server.process.pid}))
        results: dict[tuple[str, str, str], Run] = {}
        rows, present = 0, set()
        for stage, additions in stages:
            present.update(bucket_id for bucket_id, _ in additions)
            by_count: dict[int, list[str]] = {}
            for bucket_id, count in additions:
                by_count.setdefault(count, []).append(bucket_id)
            for count, bucket_ids in by_count.items():
                rows += count * len(bucket_ids)
                print(f"[{stage}] seeding {count:,} files in {len(bucket_ids):,} bucket id(s) ...", flush=True)
                print(f"[{stage}]   {seed(engine, bucket_ids, count):.1f} s; the table holds {rows:,} files")
            for bucket_id, size in buckets.items():
                if bucket_id not in present:
                    continue
                token = make_token(bucket_id, secret=JWT_SECRET, exp_in=6 * 3600)
                for listing in listings(server, token, bucket_id, size):
                    check(get(server, token, listing.params), listing, size)
                    url = f"{server.url}/list?{urlencode(listing.params)}"
                    drive(url, token, 1, 1, scene)  # warm-up
                    run = results[stage, bucket_id, listing.name] = drive(url, token, args.seconds, 1, scene)
                    print(
                        f"[{stage}] {bucket_id:10} {listing.name:17} p50 {run.p50_ms:8.2f} ms  "
                        f"p99 {run.p99_ms:8.2f} ms  CPU {cost(run):6.2f} ms/req  other load {run.other_cores:.2f}",
                        flush=True,
                    )
        report(results)
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
        if server is not None:
            server.stop()
        projects.stop()
        if drop_database is not None:
            with contextlib.suppress(Exception):
                drop_database()
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def cost(run: Run) -> float:
    """CPU milliseconds per request of the service's workers and its PostgreSQL backend."""
    return run.server_cpu_ms + run.postgres_cpu_ms


def report(results: dict[tuple[str, str, str], Run]) -> None:
    names = list(dict.fromkeys(name for _, _, name in results))
    print()
    print(
        "/list on one connection: CPU ms per request (service workers + PostgreSQL) and p50 latency ms, each x the "
        f"1k bucket at stage 1k (goal <= {GOAL}; ! = over it). CPU is what other load on the machine disturbs least."
    )
    print()
    print("| table | bucket | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 2) + "|")
    for stage, bucket_id in dict.fromkeys((s, b) for s, b, _ in results):
        cells = []
        for name in names:
            run, base = results.get((stage, bucket_id, name)), results.get(("1k", "bench-1k", name))
            if run is None or base is None:
                cells.append("")
                continue
            cpu, latency = cost(run) / cost(base), run.p50_ms / base.p50_ms
            cells.append(
                f"CPU {cost(run):.1f} (x{cpu:.2f}{' !' if cpu > GOAL else ''}), "
                f"p50 {run.p50_ms:.1f} (x{latency:.2f}{' !' if latency > GOAL else ''})"
            )
        table = {"1k": "1k files", "100k": "101k files", "1M": "1.1M files"}[stage]
        print(f"| {table} | {re.sub('^bench-', '', bucket_id)} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    sys.exit(main())
