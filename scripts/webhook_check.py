"""Write webhook events, kill `flask storage worker` in the middle of deliveries, restart it, and print what arrived.

    .venv/bin/python scripts/webhook_check.py --events 300 --kills 3

Uses a fresh PostgreSQL database (the local server, or a throwaway cluster), the local object store and a real
subscriber on 127.0.0.1. Writes the events through the API (uploads, then lock and unlock rounds on several files),
then runs a worker subprocess; `--kills` times, the subscriber holds one request while the worker is SIGKILLed and a
new worker is started. Prints events written, delivered, duplicates (deliveries beyond the first of an event: allowed,
at-least-once), lost (must be 0), order violations per file and overlapping deliveries of one event (both must be 0);
exits 1 otherwise.
"""

from __future__ import annotations

import argparse
import io
import logging
import signal
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from tests.support import postgres  # noqa: E402
from tests.support.tokens import SECRET as JWT_SECRET  # noqa: E402
from tests.support.tokens import bearer  # noqa: E402
from tests.support.webhooks import SECRET, Receiver, stop_process, worker_process  # noqa: E402

TIMEOUT = 2.0  # WEBHOOK_TIMEOUT of the workers: a killed worker's leases end 7 s after its claim


def build_app(database_url: str, storage_path: str, receiver: Receiver):
    from flask_migrate import upgrade

    from app import create_app
    from app.extensions import db

    app = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=database_url,
        STORAGE_BACKEND="local",
        LOCAL_STORAGE_PATH=storage_path,
        JWT_SECRET=JWT_SECRET,
        WEBHOOK_URLS=[{"url": receiver.url, "secret": SECRET}],
        LOG_LEVEL="WARNING",
        METRICS_ENABLED=False,
        RATE_LIMITS_ENABLED=False,
    )
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return app


def write_events(app, events: int, files: int) -> None:
    """An upload per file, then lock/unlock rounds on the files in turn, until `events` events are written."""
    client, headers, written, ids = app.test_client(), bearer("u1"), 0, []
    for number in range(files):
        form = {"bucket": "users", "id": "u1", "path": f"check/{number}.txt", "file": (io.BytesIO(b"x"), "f.txt")}
        response = client.post("/upload/proxy", data=form, content_type="multipart/form-data", headers=headers)
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["data"]["file_id"])
        written += 1
    while written < events:
        file_id = ids[written % files]
        for url in ("/lock", "/unlock"):
            response = client.post(url, json={"file_id": file_id}, headers=headers)
            assert response.status_code == 200, response.get_json()
            written += 1


def outbox(engine) -> list[sa.Row]:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT seq, event_id, file_id, status FROM outbox_events ORDER BY seq")).all()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300, help="events to write (default 300)")
    parser.add_argument("--files", type=int, default=10, help="files they are spread over (default 10)")
    parser.add_argument("--kills", type=int, default=3, help="workers killed mid-delivery (default 3)")
    parser.add_argument("--delay", type=float, default=0.005, help="seconds the subscriber takes per answer")
    args = parser.parse_args()
    logging.disable(logging.WARNING)

    database_url, drop_database = postgres.create_database(postgres.server_url())
    receiver = Receiver().start()
    receiver.delay = args.delay
    storage = tempfile.mkdtemp(prefix="webhook-check-")
    engine = sa.create_engine(database_url)
    worker = None
    try:
        app = build_app(database_url, storage, receiver)
        write_events(app, args.events, args.files)
        written = outbox(engine)
        print(f"events written: {len(written)} on {args.files} files", flush=True)
        subscriptions = [{"url": receiver.url, "secret": SECRET}]
        started = time.monotonic()
        worker = worker_process(database_url, storage, subscriptions, timeout=TIMEOUT)
        for kill in range(1, args.kills + 1):
            target = len(written) * kill // (args.kills + 1)
            while len(receiver.deliveries) < target:  # let this worker deliver its share first
                if worker.poll() is not None:
                    raise SystemExit(f"the worker exited: {worker.stderr.read()[-2000:]}")
                time.sleep(0.01)
            receiver.held.clear()
            receiver.release.clear()
            receiver.hold_next = True
            if not receiver.held.wait(60):
                raise SystemExit("no delivery arrived to hold")
            worker.send_signal(signal.SIGKILL)
            worker.wait()
            receiver.release.set()
            print(f"kill {kill}: worker killed while delivering, after {len(receiver.deliveries)} requests", flush=True)
            worker = worker_process(database_url, storage, subscriptions, timeout=TIMEOUT)
        deadline = time.monotonic() + 120 + 10 * args.kills
        while any(row.status != "delivered" for row in outbox(engine)):
            if time.monotonic() > deadline:
                print("gave up waiting for every event to be delivered", flush=True)
                break
            time.sleep(0.2)
        elapsed = time.monotonic() - started
    finally:
        if worker is not None:
            stop_process(worker)
        receiver.stop()

    rows = outbox(engine)
    engine.dispose()
    drop_database()
    written_ids = {str(row.event_id) for row in rows}
    answered = receiver.answered_ids()
    received = [d.id for d in receiver.deliveries]
    lost = written_ids - set(answered)
    order_violations = 0
    first_arrival = list(dict.fromkeys(answered))
    by_file = defaultdict(list)
    for row in rows:
        by_file[row.file_id].append(str(row.event_id))
    for expected in by_file.values():
        wanted = set(expected)
        if [i for i in first_arrival if i in wanted] != expected:
            order_violations += 1
    print(f"events written:     {len(written_ids)}")
    print(f"delivered (2xx):    {len(set(answered) & written_ids)}")
    print(f"requests received:  {len(received)} in {elapsed:.1f} s with {args.kills} workers killed")
    print(f"duplicates:         {len(received) - len(set(received))}")
    print(f"lost:               {len(lost)}")
    print(f"files out of order: {order_violations}")
    print(f"overlapping:        {len(receiver.overlaps)} (one event in flight twice at once)")
    return 1 if lost or order_violations or receiver.overlaps else 0


if __name__ == "__main__":
    sys.exit(main())
