"""Measure what one read of the queue gauges of /metrics costs as the outbox grows (app/observability.py).

    .venv/bin/python scripts/measure_queue_metrics.py            # about a minute
    .venv/bin/python scripts/measure_queue_metrics.py --runs 50

Creates a fresh PostgreSQL database (schema from the migrations; dropped at the end) on the test server
(TEST_DATABASE_URL, default 127.0.0.1:5432), fills it with bulk SQL in stages, ANALYZEs, then times the one statement
a scrape runs at most every QUEUE_CACHE_SECONDS per process, and prints the median and the slowest of `--runs` reads.

Stages (cumulative):
  empty     nothing
  100k      100,000 delivered events
  1M        + 900,000 delivered events (7 days at ~1.5 events a second), 1,000 dead letters, 10,000 pending events,
            10,000 pending presigned uploads beside 90,000 settled ones, 1,000 queued deletions
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

from app import create_app  # noqa: E402
from app.observability import QUEUE_CACHE_SECONDS, _queue_figures  # noqa: E402
from tests.support.postgres import create_database, server_url  # noqa: E402

EVENTS = """
INSERT INTO outbox_events (event_id, subscription, type, file_id, payload, status, attempts, next_attempt_at,
                           created_at, delivered_at)
SELECT gen_random_uuid(), 'https://hooks.example.com/storage', 'file.uploaded', gen_random_uuid(),
       '{"type": "file.uploaded"}'::jsonb, :status, 1, now(), now() - (n || ' seconds')::interval,
       CASE WHEN :status = 'delivered' THEN now() END
FROM generate_series(1, :count) AS n
"""
INTENTS = """
INSERT INTO upload_intents (id, bucket_type, bucket_id, logical_path, object_key, user_id, method, status,
                            created_at, expires_at)
SELECT gen_random_uuid(), 'users', 'u' || (n % 1000), 'docs/' || n || '.txt', 'k/' || gen_random_uuid(), 'u1', 'PUT',
       :status, now() - (n || ' seconds')::interval, now() + interval '1 hour'
FROM generate_series(1, :count) AS n
"""
DELETIONS = """
INSERT INTO object_deletions (id, bucket, object_key, reason, attempts, created_at)
SELECT gen_random_uuid(), 'users', 'gone/' || n, 'measure', 0, now() FROM generate_series(1, :count) AS n
"""
STAGES = {
    "empty": [],
    "100k": [(EVENTS, "delivered", 100_000)],
    "1M": [
        (EVENTS, "delivered", 900_000),
        (EVENTS, "dead", 1_000),
        (EVENTS, "pending", 10_000),
        (INTENTS, "pending", 10_000),
        (INTENTS, "confirmed", 90_000),
        (DELETIONS, None, 1_000),
    ],
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20, help="reads timed per stage")
    args = parser.parse_args()
    url, drop = create_database(server_url())
    try:
        app = create_app("testing", SQLALCHEMY_DATABASE_URI=url, STORAGE_BACKEND="local", LOG_LEVEL="WARNING")
        with app.app_context():
            from flask_migrate import upgrade

            from app.extensions import db

            upgrade()
            print(f"one read of the queue gauges (at most one every {QUEUE_CACHE_SECONDS:g} s per process)")
            print(f"{'stage':<8} {'median ms':>10} {'slowest ms':>11}  figures")
            for stage, inserts in STAGES.items():
                with db.engine.begin() as connection:
                    for statement, status, count in inserts:
                        connection.execute(sa.text(statement), {"status": status, "count": count})
                with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                    connection.execute(sa.text("VACUUM ANALYZE"))  # as autovacuum leaves a settled table
                _queue_figures(datetime.now(UTC))  # warm the pool and the cache of the server
                timings = []
                for _ in range(args.runs):
                    started = time.perf_counter()
                    figures = _queue_figures(datetime.now(UTC))
                    timings.append((time.perf_counter() - started) * 1000)
                shown = {
                    **figures,
                    "oldest_event": round(figures["oldest_event"]),
                    "oldest_intent": round(figures["oldest_intent"]),
                }
                print(f"{stage:<8} {statistics.median(timings):>10.1f} {max(timings):>11.1f}  {shown}")
            db.engine.dispose()
    finally:
        drop()


if __name__ == "__main__":
    main()
