"""Isolation from a failing project service and from one user's slow transfers, measured on the real server.

    .venv/bin/python scripts/bench_isolation.py                    # local store (make bench-isolation)
    .venv/bin/python scripts/bench_isolation.py --backend minio    # SeaweedFS store

Starts, on loopback only: a fresh PostgreSQL database (TEST_DATABASE_URL, the local server, or a throwaway cluster;
schema from the migrations; dropped at the end), SeaweedFS with `--backend minio`, the fake project service of the
tests (tests/support/fake_project_service.py) in its own process, and the service as production runs it
(`gunicorn --config gunicorn.conf.py --no-control-socket`, FLASK_ENV=production, the service's defaults: 2 workers x
8 threads, breaker after 4 failures, 4 project checks in flight, 4 transfers per user). Each round gets a fresh
server and project service, so no round inherits another's open breaker. The users-bucket client runs in a process
of its own, so the load generator's threads never delay its measurements.

1. baseline: one client lists a users bucket (`GET /list`, 20 files) back to back, alone.
2. the project service answering at once (`deny`), hung, then trickling (one byte every 0.5 s): 50 concurrent
   clients send 200 project-bucket `GET /list` requests while the users-bucket client keeps listing; `--repeat`
   rounds each (default 3), latencies pooled. Goals: 100 % of the project requests denied with 403
   project_service_unavailable, their p99 <= 2.1 s, the users-bucket p99 <= 2x the baseline's. The answering
   round is the reference: what the same load costs the users-bucket client with a healthy project service.
3. forty slow uploads from one user (1 KiB every 0.5 s, 20 KiB each) while another user lists; the uploaders
   either stop sending when an answer (a 429) arrives early, as curl does, or ignore it and trickle to the end
   (gunicorn then drains each refused body for up to 5 s before closing). Goal: the other user's /list p99 <= 2x
   the baseline's.

Prints one table, with the machine's load average (other processes share the CPU: compare the rounds of one run).
Every process it started is stopped at the end, also on failure or Ctrl-C. Takes about 3 minutes.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import math
import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import postgres  # noqa: E402
from tests.support.seaweed import SeaweedServer, start_seaweed  # noqa: E402
from tests.support.tokens import make_token  # noqa: E402

JWT_SECRET = "bench-isolation-" + secrets.token_hex(16)
PROBE_USER, HOG_USER = "lister", "hog"
BOUNDARY = "bench-isolation-boundary"
FAKE = """
import sys
sys.path.insert(0, sys.argv[2])
from tests.support.fake_project_service import FakeProjectService
fake = FakeProjectService(mode=sys.argv[1]).start()
print(fake.live_url, flush=True)
sys.stdin.read()  # until the parent closes our stdin
fake.stop()
"""


# --- processes ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FakeProjects:
    """The tests' fake project service in a child process, in one mode."""

    def __init__(self, mode: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", FAKE, mode, str(ROOT)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.url = self.process.stdout.readline().strip()
        if not self.url.startswith("http://127.0.0.1:"):
            self.stop()
            raise RuntimeError("the fake project service did not start")

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def service_env(database_url: str, backend: str, seaweed: SeaweedServer | None, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN_", "WEB_CONCURRENCY"))}
    # The service's own defaults for everything measured here, whatever the caller's environment says.
    prefixes = ("PROJECT_SERVICE_", "MAX_CONCURRENT_", "RATE_LIMIT", "RATELIMIT_", "REDIS_URL")
    env = {k: v for k, v in env.items() if not k.startswith(prefixes)}
    env.update(
        FLASK_ENV="production",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        JWT_SECRET=JWT_SECRET,
        STORAGE_BACKEND=backend,
        LOCAL_STORAGE_PATH=str(workdir / "objects"),
        PUBLIC_BASE_URL="http://127.0.0.1",
        PYTHONPATH=str(ROOT),
    )
    if seaweed is not None:
        env.update(
            MINIO_ENDPOINT=seaweed.endpoint,
            MINIO_ACCESS_KEY=seaweed.access_key,
            MINIO_SECRET_KEY=seaweed.secret_key,
            MINIO_REGION=seaweed.region,
            MINIO_SECURE="false",
            MINIO_PUBLIC_ENDPOINT=seaweed.url,
        )
    return env


def prepare(env: dict[str, str]) -> None:
    """Schema from the migrations and the store's buckets, with the service's own settings."""
    script = (
        "from flask_migrate import upgrade\n"
        "from app import create_app\n"
        "from app.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    upgrade()\n"
        "    db.engine.dispose()\n"
        "app.extensions['object_store'].ensure_buckets()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env={**env, "LOG_LEVEL": "WARNING"}, cwd=ROOT, capture_output=True, timeout=120
    )
    if done.returncode:
        raise RuntimeError(f"preparing the schema failed:\n{done.stderr.decode(errors='replace')[-3000:]}")


def start_server(env: dict[str, str], projects_url: str, workdir: Path, name: str) -> Server:
    port = free_port()
    log_path = workdir / f"gunicorn-{name}.log"
    env = {**env, "PROJECT_SERVICE_URL": projects_url, "PROMETHEUS_MULTIPROC_DIR": str(workdir / f"metrics-{name}")}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        str(ROOT / "gunicorn.conf.py"),
        "--no-control-socket",
        "--bind",
        f"127.0.0.1:{port}",
        "wsgi:app",
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(process, port, log_path)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"the service did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(OSError):
            if request(port, "GET", "/health")[0] == 200:
                return server
        time.sleep(0.2)


# --- HTTP ----------------------------------------------------------------------------------------------------------


def request(port: int, method: str, path: str, token: str | None = None, body: bytes | None = None, headers=None):
    """One request on a new connection: (status, body, seconds)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        return exchange(connection, method, path, token, body, headers)
    finally:
        connection.close()


def exchange(connection, method, path, token=None, body=None, headers=None):
    headers = dict(headers or {})
    if token:
        headers["Authorization"] = f"Bearer {token}"
    started = time.perf_counter()
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    data = response.read()
    return response.status, data, time.perf_counter() - started


def multipart(fields: dict[str, str], filename: str, content: bytes) -> tuple[bytes, bytes]:
    """(everything before the file's bytes, everything after them)."""
    head = "".join(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    )
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    )
    return head.encode() + content, f"\r\n--{BOUNDARY}--\r\n".encode()


def seed(port: int, files: int = 20) -> None:
    token = make_token(PROBE_USER, secret=JWT_SECRET)
    for i in range(files):
        head, tail = multipart({"bucket": "users", "id": PROBE_USER, "path": f"docs/f{i:02}.txt"}, "f.txt", b"x" * 100)
        status, data, _ = request(
            port,
            "POST",
            "/upload/proxy",
            token,
            head + tail,
            {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        )
        if status != 201:
            raise RuntimeError(f"seeding failed: {status} {data[:300]!r}")


# --- measuring ------------------------------------------------------------------------------------------------------


def p(values: list[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(math.ceil(q * len(ordered)) - 1, 0)] if ordered else float("nan")


class Prober:
    """One client listing a users bucket back to back on a keep-alive connection until stopped. It runs in a process
    of its own, so that the load generator's threads never delay its measurements (one interpreter lock)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.latencies: list[float] = []
        self.failures = 0
        self._process: subprocess.Popen | None = None

    def __enter__(self) -> Prober:
        self._process = subprocess.Popen(
            [sys.executable, __file__, "--probe", str(self.port), "--secret", JWT_SECRET],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout.readline().strip() == "probing"
        return self

    def __exit__(self, *exc_info) -> None:
        out, _ = self._process.communicate("stop\n", timeout=60)
        result = json.loads(out)
        self.latencies, self.failures = result["latencies"], result["failures"]


def probe(port: int, secret: str) -> None:
    """The prober's process: list until a line arrives on stdin, then print the latencies as JSON."""
    token = make_token(PROBE_USER, secret=secret)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    path = f"/list?bucket=users&id={PROBE_USER}&path=docs"
    latencies, failures = [], 0
    print("probing", flush=True)
    while not select.select([sys.stdin], [], [], 0)[0]:
        try:
            status, _, seconds = exchange(connection, "GET", path, token)
        except (OSError, http.client.HTTPException):
            failures += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            continue
        if status == 200:
            latencies.append(seconds)
        else:
            failures += 1
    connection.close()
    print(json.dumps({"latencies": latencies, "failures": failures}), flush=True)


def baseline(port: int, seconds: float) -> Prober:
    with Prober(port) as prober:
        time.sleep(seconds)
    return prober


@dataclass
class ProjectLoad:
    statuses: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    wall: float = 0.0


def project_load(port: int, clients: int, total: int) -> ProjectLoad:
    """`clients` threads, each on its own keep-alive connection, share `total` project-bucket GET /list requests."""
    load = ProjectLoad()
    lock = threading.Lock()
    remaining = [total]
    barrier = threading.Barrier(clients)

    def client(index: int) -> None:
        token = make_token(f"member{index}", secret=JWT_SECRET)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        barrier.wait()
        while True:
            with lock:
                if remaining[0] == 0:
                    break
                remaining[0] -= 1
            try:
                status, data, seconds = exchange(connection, "GET", "/list?bucket=projects&id=p1&path=/", token)
            except (OSError, http.client.HTTPException):
                with lock:
                    load.errors += 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            code = json.loads(data).get("message") if status >= 400 else "ok"
            with lock:
                load.statuses[f"{status} {code}"] += 1
                load.latencies.append(seconds)
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    load.wall = time.perf_counter() - started
    return load


@dataclass
class SlowUploads:
    statuses: Counter = field(default_factory=Counter)
    wall: float = 0.0


def slow_upload(port: int, index: int, chunks: int, interval: float, stubborn: bool) -> str:
    """POST /upload/proxy sending 1 KiB every `interval` seconds; returns the status it got (or what went wrong)."""
    token = make_token(HOG_USER, secret=JWT_SECRET)
    head, tail = multipart({"bucket": "users", "id": HOG_USER, "path": f"slow/{index:02}.bin"}, "s.bin", b"")
    length = len(head) + chunks * 1024 + len(tail)
    request_head = (
        f"POST /upload/proxy HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    ended = ""
    try:
        sock.sendall(request_head + head)
        for _ in range(chunks):
            if stubborn:
                time.sleep(interval)  # keep trickling whatever the server said
            elif select.select([sock], [], [], interval)[0]:
                break  # answered early: stop sending, as curl does
            sock.sendall(b"u" * 1024)
        else:
            sock.sendall(tail)
    except OSError as exc:
        ended = f", then {type(exc).__name__}"  # the server ended the connection: what did it answer first?
    try:
        sock.settimeout(30)
        answer = sock.recv(4096)
    except OSError as exc:
        return f"no answer ({type(exc).__name__})"
    finally:
        sock.close()
    return (answer.split(b" ", 2)[1].decode() if answer.startswith(b"HTTP/1.1 ") else "no answer") + ended


def slow_uploads(port: int, count: int, chunks: int, interval: float, stubborn: bool) -> SlowUploads:
    result = SlowUploads()
    lock = threading.Lock()

    def one(index: int) -> None:
        status = slow_upload(port, index, chunks, interval, stubborn)
        with lock:
            result.statuses[status] += 1

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    result.wall = time.perf_counter() - started
    return result


# --- the run ---------------------------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def verdict(ok: bool, goal: str) -> str:
    return f"{'ok' if ok else 'MISSED'} ({goal})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("local", "minio"), default="local")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3, help="rounds per project-service mode (pooled)")
    parser.add_argument("--uploads", type=int, default=40)
    parser.add_argument("--baseline-seconds", type=float, default=8.0)
    parser.add_argument("--probe", type=int, help=argparse.SUPPRESS)  # internal: run as the prober on this port
    parser.add_argument("--secret", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        probe(args.probe, args.secret)
        return 0

    workdir = Path(tempfile.mkdtemp(prefix="bench-isolation-"))
    seaweed: SeaweedServer | None = None
    drop = None
    started: list = []
    rows: list[tuple[str, str, str, str]] = []
    loads: list[str] = [load_average()]
    try:
        if args.backend == "minio":
            print("starting SeaweedFS ...", flush=True)
            seaweed = start_seaweed(workdir / "seaweed")
        database_url, drop = postgres.create_database(postgres.server_url())
        env = service_env(database_url, args.backend, seaweed, workdir)
        prepare(env)

        def fresh(mode: str, name: str) -> Server:
            fake = FakeProjects(mode)
            started.append(fake)
            server = start_server(env, fake.url, workdir, name)
            started.append(server)
            return server

        def retire() -> None:
            while started:
                started.pop().stop()

        print("baseline: users-bucket /list alone ...", flush=True)
        server = fresh("allow", "baseline")
        seed(server.port)
        baseline(server.port, 1.0)  # warm every worker's connections and caches
        base = baseline(server.port, args.baseline_seconds)
        base_p99 = p(base.latencies, 0.99)
        rows.append(
            (
                "users /list, alone",
                f"{len(base.latencies)} requests",
                f"p50 {ms(p(base.latencies, 0.5))}, p99 {ms(base_p99)}",
                "(the baseline)",
            )
        )
        retire()

        # `deny` answers at once: the same load against a healthy project service, to tell what the load itself costs.
        reference_p99 = None
        for mode in ("deny", "hang", "trickle"):
            project, users, failed, errors, wall = [], [], 0, 0, []
            statuses: Counter = Counter()
            for round_ in range(args.repeat):
                print(f"project service {mode}: {args.clients} clients x {args.requests} requests, round {round_ + 1}")
                server = fresh(mode, f"{mode}-{round_}")
                baseline(server.port, 1.0)
                with Prober(server.port) as prober:
                    time.sleep(0.5)
                    load = project_load(server.port, args.clients, args.requests)
                    time.sleep(0.5)
                loads.append(load_average())
                project += load.latencies
                users += prober.latencies
                failed += prober.failures
                errors += load.errors
                wall.append(load.wall)
                statuses.update(load.statuses)
                retire()
            total = args.requests * args.repeat
            denied = sum(n for status, n in statuses.items() if status.startswith("403"))
            unavailable = statuses.get("403 project_service_unavailable", 0)
            p99 = p(project, 0.99)
            label = "answering at once (deny)" if mode == "deny" else mode
            if mode == "deny":
                goal = "(reference: the same load, healthy service)"
            else:
                goal = verdict(unavailable == total and p99 <= 2.1, "100 % unavailable, p99 <= 2.1 s")
            rows.append(
                (
                    f"project /list, service {label}",
                    f"{args.repeat} x {args.requests} requests, {args.clients} clients, {max(wall):.1f} s max",
                    f"denied {100.0 * denied / total:.0f} % ({100.0 * unavailable / total:.0f} % unavailable), "
                    f"p50 {ms(p(project, 0.5))}, p99 {ms(p99)}, max {ms(max(project, default=0))}"
                    + (f", {errors} errors" if errors else ""),
                    goal,
                )
            )
            users_p99 = p(users, 0.99)
            versus = "" if reference_p99 is None else f", {users_p99 / reference_p99:.2f}x the healthy round's"
            rows.append(
                (
                    "  users /list meanwhile",
                    f"{len(users)} requests" + (f", {failed} failed" if failed else ""),
                    f"p50 {ms(p(users, 0.5))}, p99 {ms(users_p99)} = {users_p99 / base_p99:.2f}x alone{versus}",
                    "" if mode == "deny" else verdict(users_p99 <= 2 * base_p99, "<= 2x alone"),
                )
            )
            if mode == "deny":
                reference_p99 = users_p99

        for stubborn in (False, True):
            label = "ignoring the 429" if stubborn else "stopping on the 429"
            print(f"{args.uploads} slow uploads from one user, {label} ...", flush=True)
            server = fresh("allow", "slow-stubborn" if stubborn else "slow")
            baseline(server.port, 1.0)
            with Prober(server.port) as prober:
                time.sleep(0.5)
                uploads = slow_uploads(server.port, args.uploads, chunks=20, interval=0.5, stubborn=stubborn)
            loads.append(load_average())
            ratio = p(prober.latencies, 0.99) / base_p99
            got = ", ".join(f"{n}x {status}" for status, n in sorted(uploads.statuses.items()))
            rows.append((f"{args.uploads} slow uploads, {label}", f"1 KiB / 0.5 s, {uploads.wall:.1f} s", got, ""))
            rows.append(
                (
                    "  another user's /list meanwhile",
                    f"{len(prober.latencies)} requests" + (f", {prober.failures} failed" if prober.failures else ""),
                    f"p50 {ms(p(prober.latencies, 0.5))}, p99 {ms(p(prober.latencies, 0.99))} = {ratio:.2f}x alone",
                    verdict(ratio <= 2, "<= 2x alone"),
                )
            )
            retire()
    finally:
        while started:
            with contextlib.suppress(Exception):
                started.pop().stop()
        if drop is not None:
            drop()
        if seaweed is not None:
            seaweed.stop()

    header = ("what", "load", "result", "goal")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(4)]
    print()
    print(
        f"isolation, {args.backend} store, gunicorn.conf.py and the service's defaults (2 workers x 8 threads; "
        f"machine load average 1/5/15 min over the run: {loads[0]} ... {loads[-1]})"
    )
    for row in [header, tuple("-" * w for w in widths), *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
