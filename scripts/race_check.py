"""Run the collaboration races many times against a real stack and print how many trials had exactly one winner.

    .venv/bin/python scripts/race_check.py --trials 200

Starts its own SeaweedFS, a fresh PostgreSQL database (TEST_DATABASE_URL, the local server, or a throwaway
cluster), the fake project service and the app (served by werkzeug in a thread), then runs, for each race,
N trials of concurrent HTTP requests released together: 32 POST /lock on one file, 32 commits on one base,
8 approve/reject on one pending version. Exits 1 when any trial had no winner, several, or an unexpected answer.
"""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support import postgres  # noqa: E402
from tests.support.fake_project_service import FakeProjectService  # noqa: E402
from tests.support.races import ENGINE_OPTIONS, RACES, Races, ServedApp  # noqa: E402
from tests.support.seaweed import start_seaweed  # noqa: E402
from tests.support.tokens import SECRET  # noqa: E402


def build_app(database_url: str, seaweed, project_service_url: str):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        SQLALCHEMY_ENGINE_OPTIONS=ENGINE_OPTIONS,
        JWT_SECRET=SECRET,
        STORAGE_BACKEND="minio",
        MINIO_ENDPOINT=seaweed.endpoint,
        MINIO_ACCESS_KEY=seaweed.access_key,
        MINIO_SECRET_KEY=seaweed.secret_key,
        MINIO_REGION=seaweed.region,
        MINIO_PUBLIC_ENDPOINT=seaweed.url,
        PROJECT_SERVICE_URL=project_service_url,
        LOG_LEVEL="WARNING",
        METRICS_ENABLED=False,
    )
    with app.app_context():
        upgrade()  # the schema from the migrations, as `flask db upgrade` builds it
        db.engine.dispose()
    app.extensions["object_store"].ensure_buckets()
    return app


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=200, help="trials of each race (default 200)")
    parser.add_argument(
        "--race", choices=[name for name, _ in RACES], action="append", help="run only this race (repeatable)"
    )
    parser.add_argument("--verbose", action="store_true", help="log the app's requests")
    args = parser.parse_args()
    if not args.verbose:
        logging.disable(logging.WARNING)  # access and werkzeug request lines; errors still show in the counts

    started = time.monotonic()
    seaweed = start_seaweed(Path(tempfile.mkdtemp(prefix="race-s3-")))
    database_url, drop_database = postgres.create_database(postgres.server_url())
    projects = FakeProjectService(mode="allow").start()  # everyone may do everything in the race project
    reports = []
    try:
        app = build_app(database_url, seaweed, projects.url)
        with ServedApp(app) as served:
            races = Races(served.url)
            print(f"stack ready in {time.monotonic() - started:.1f} s; {args.trials} trials per race", flush=True)
            for name, concurrency in RACES:
                if args.race and name not in args.race:
                    continue
                report = races.run(name, args.trials, concurrency)
                reports.append(report)
                print(report.line(), flush=True)
                for failure in report.failures()[:10]:
                    print(f"  {failure}", flush=True)
        with app.app_context():
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()
    finally:
        projects.stop()
        drop_database()
        seaweed.stop()
    ok = all(report.ok for report in reports)
    print(
        f"{'OK' if ok else 'FAILED'}: {sum(r.good for r in reports)}/{sum(len(r.trials) for r in reports)} trials "
        f"with exactly one winner in {time.monotonic() - started:.0f} s"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
