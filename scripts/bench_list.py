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

After each stage it measures, with wrk on one connection for `--seconds` (median latency, p99 in the table), the
listings below, on each bucket present, and prints them with the ratio to the same listing of the 1k bucket at
stage 1k (goal of issue 10: at most 1.5):
  page 1            recursive listing of the whole bucket, 50 per page (page mode: counts every matching file)
  deep page         the same, at page total_pages - 1 (offset = N - 100)
  folder view       the root with recursive=false (20 files, 10 folder names)
  cursor page 1     keyset pagination from the start (`cursor=`), when the service offers it
  cursor deep page  keyset pagination from a cursor near the end (the `next_cursor` of the page before it)
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from scripts.bench_api import JWT_SECRET, Server, base_env, parse_wrk, prepare_schema, start_gunicorn  # noqa: E402
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


@dataclass
class Figure:
    p50_ms: float
    p99_ms: float


def wrk_latency(url: str, token: str, seconds: int) -> Figure:
    """wrk on one connection: the median and 99th percentile of the request latency."""
    command = [
        "wrk", "--threads", "1", "--connections", "1", "--duration", f"{seconds}s", "--timeout", "30s",
        "--latency", "--header", f"Authorization: Bearer {token}", url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    if done.returncode:
        raise RuntimeError(f"wrk failed:\n{done.stdout}{done.stderr}")
    _, p50, p99, _ = parse_wrk(done.stdout)
    return Figure(p50, p99)


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
        before_deep = get(server, token, {**base, "page": deep_page - 1})
        found += [
            Listing("cursor page 1", {**base, "cursor": ""}),
            Listing("cursor deep page", {**base, "cursor": before_deep["next_cursor"]}),
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
        results: dict[tuple[str, str, str], Figure] = {}
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
                    wrk_latency(url, token, 1)  # warm-up
                    figure = results[stage, bucket_id, listing.name] = wrk_latency(url, token, args.seconds)
                    print(
                        f"[{stage}] {bucket_id:10} {listing.name:17} p50 {figure.p50_ms:8.2f} ms  "
                        f"p99 {figure.p99_ms:8.2f} ms",
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


def report(results: dict[tuple[str, str, str], Figure]) -> None:
    names = list(dict.fromkeys(name for _, _, name in results))
    print()
    print(f"/list latency on one connection, p50 ms (x the 1k bucket at stage 1k; goal <= {GOAL}); p99 in brackets")
    print()
    print("| table | bucket | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 2) + "|")
    for stage, bucket_id in dict.fromkeys((s, b) for s, b, _ in results):
        cells = []
        for name in names:
            figure = results.get((stage, bucket_id, name))
            base = results.get(("1k", "bench-1k", name))
            if figure is None or base is None:
                cells.append("")
                continue
            ratio = figure.p50_ms / base.p50_ms
            mark = "" if ratio <= GOAL else " !"
            cells.append(f"{figure.p50_ms:.1f} (x{ratio:.2f}{mark}) [{figure.p99_ms:.0f}]")
        table = {"1k": "1k files", "100k": "101k files", "1M": "1.1M files"}[stage]
        print(f"| {table} | {re.sub('^bench-', '', bucket_id)} | " + " | ".join(cells) + " |")
    print("\n! = over the goal")


if __name__ == "__main__":
    sys.exit(main())
