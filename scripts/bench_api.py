"""Measure the fixed cost of a request: the service's hot read endpoints against a bare Flask floor, with wrk.

    .venv/bin/python scripts/bench_api.py                        # 3 rounds x 10 s per endpoint, SeaweedFS store
    .venv/bin/python scripts/bench_api.py --duration 5 --rounds 2 --backend local
    .venv/bin/python scripts/bench_api.py --profile metadata     # also: where a /metadata goes (needs py-spy)
    .venv/bin/python scripts/bench_api.py --compare DIR          # and the service of another checkout, same rounds

Starts, on loopback only: SeaweedFS (`weed mini`) unless `--backend local`, a fresh PostgreSQL database (schema
from the migrations; dropped at the end), a fake project service, and two servers under the production settings
(`gunicorn --config gunicorn.conf.py --no-control-socket`, FLASK_ENV=production, default logging, metrics on,
rate limits counted in the local Redis when it answers, with budgets no run reaches, and the per-user cap on
concurrent transfers raised: the one user of the benchmark stands for many):

- the service (`wsgi:app`), and with `--compare DIR` a second one from DIR (its own database and gunicorn.conf.py:
  e.g. `git archive REV | tar -x -C DIR`), measured in the same rounds so both see the same machine;
- the floor: a bare Flask app with Flask-SQLAlchemy and two endpoints, `/hello` (a JSON constant) and `/row` (one
  row of `files`, looked up by primary key in the same database, as JSON).

It uploads through the API one 4 KiB file and 50 files in one folder, then drives each endpoint with wrk
(8 connections, one wrk thread, every request with the same bearer token) for `--duration` seconds: first an
untimed warm-up of each, then `--rounds` rounds in which the order of the endpoints alternates. Before each run it
waits (up to 5 s) for the machine to go idle. Prints, per endpoint, the median over the rounds of req/s, p50 and p99
latency, the CPU milliseconds the gunicorn workers and PostgreSQL spent per request, the ratios to both floor
endpoints and the p99 ratio to the one-row floor, with the goals of issue 10. A run during which other processes
used more than a quarter of a core is marked with `*`; each run's line shows how the workers shared the CPU (a
keep-alive connection stays with the worker that accepted it). Any non-2xx answer or socket error fails the run.
`--workers`/`--threads` set WEB_CONCURRENCY/GUNICORN_THREADS for every server.

wrk (`apt-get install wrk`, done by `make bench-api`) is the load generator: a C event loop that costs a few percent
of one core at these rates, so the client does not compete with the servers for the 2 cores the way a Python client
would (its CPU per request is printed too).
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from scripts.bench_transfer import children_of, cpu_seconds, free_port, machine_cpu  # noqa: E402
from tests.support import postgres  # noqa: E402
from tests.support.fake_project_service import FakeProjectService  # noqa: E402
from tests.support.seaweed import SeaweedServer, start_seaweed  # noqa: E402
from tests.support.tokens import make_token  # noqa: E402

USER = "bench"
JWT_SECRET = secrets.token_urlsafe(48)
LIST_FOLDER, LIST_SIZE = "list50", 50
ONE_FILE = "one/file-4k.bin"
OTHER_LOAD_LIMIT = 0.25  # cores used by processes outside the measurement above which a run is marked


# --- the floor: a bare Flask app under the same gunicorn settings ------------------------------------------------


def create_floor_app():
    """Bare Flask + Flask-SQLAlchemy: `/hello`, and `/row?id=` (one row of `files` by primary key) as JSON."""
    import sqlalchemy as sa
    from flask import Flask, jsonify, request
    from flask_sqlalchemy import SQLAlchemy

    from app.config import database_url

    app = Flask("floor")
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(os.environ["DATABASE_URL"])  # the service's driver
    db = SQLAlchemy(app)
    query = sa.text(
        "SELECT id, bucket_type, bucket_id, logical_path, filename, owner_id, status, current_version_id, tags,"
        " created_at, updated_at FROM files WHERE id = :id"
    )

    @app.get("/hello")
    def hello():
        return jsonify(status="ok", message="hello")

    @app.get("/row")
    def row():
        found = db.session.execute(query, {"id": request.args["id"]}).mappings().one()
        return jsonify(dict(found))

    return app


# --- processes ---------------------------------------------------------------------------------------------------


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    url: str
    log_path: Path
    workers: list[int] = field(default_factory=list)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_gunicorn(
    name: str, target: str, env: dict[str, str], workdir: Path, ready_path: str, *, code: Path, config: Path
) -> Server:
    """gunicorn with the production config file, on a free loopback port, running `target` from the `code`
    directory; waits until `ready_path` answers 200."""
    port = free_port()
    log_path = workdir / f"{name}.log"
    env = {**env, "PROMETHEUS_MULTIPROC_DIR": str(workdir / f"metrics-{name}"), "PYTHONPATH": str(code)}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--config",
        str(config / "gunicorn.conf.py"),
        "--no-control-socket",
        "--bind",
        f"127.0.0.1:{port}",
        target,
    ]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=code, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Server(name, process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            raise RuntimeError(f"{name} did not start:\n{log_path.read_text(errors='replace')[-3000:]}")
        with contextlib.suppress(requests.RequestException):
            if requests.get(server.url + ready_path, timeout=2).status_code == 200:
                break
        time.sleep(0.2)
    server.workers = children_of(process.pid)
    return server


def base_env(database_url: str, backend: str, seaweed: SeaweedServer | None, projects_url: str, workdir: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN_", "WEB_CONCURRENCY"))}
    env.update(
        FLASK_ENV="production",
        DATABASE_URL=database_url,
        SECRET_KEY=secrets.token_urlsafe(48),
        JWT_SECRET=JWT_SECRET,
        STORAGE_BACKEND=backend,
        PROJECT_SERVICE_URL=projects_url,
        LOCAL_STORAGE_PATH=str(workdir / "objects"),
        PUBLIC_BASE_URL="http://127.0.0.1",
        METRICS_ENABLED="true",  # a deployment that is scraped pays for its metrics on every request
        # One user stands for many here: their concurrent proxy transfers are not capped at a user's 4.
        MAX_CONCURRENT_TRANSFERS_PER_USER="64",
        # Rate limits on, counted in Redis as in production, with budgets no benchmark reaches (one user here).
        RATE_LIMIT_KEY_PREFIX=f"bench-{secrets.token_hex(4)}",
        **{f"RATE_LIMIT_{family}": "1000000000/minute" for family in RATE_LIMITED},
    )
    if redis_reachable():
        env["REDIS_URL"] = REDIS_URL
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


RATE_LIMITED = ("UPLOADS", "DOWNLOADS", "READS", "DELETES", "WRITES")
REDIS_URL = "redis://127.0.0.1:6379/0"


def redis_reachable() -> bool:
    """Whether Redis answers on 127.0.0.1:6379 (else the service counts rate limits in memory; said in the report)."""
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def prepare_schema(env: dict[str, str], code: Path) -> None:
    """Schema from the migrations and the store's buckets, in a child process with the service's settings."""
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
        [sys.executable, "-c", script],
        env={**env, "LOG_LEVEL": "WARNING", "PYTHONPATH": str(code)},
        cwd=code,
        capture_output=True,
        timeout=120,
    )
    if done.returncode:
        raise RuntimeError(f"preparing the schema failed:\n{done.stderr.decode(errors='replace')[-3000:]}")


def sa_url_database(url: str) -> str:
    return url.rsplit("/", 1)[-1].split("?")[0]


def all_processes() -> dict[int, str]:
    """pid -> command line of every process on the machine."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError), open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                found[int(entry)] = cmdline.read().replace(b"\0", b" ").decode(errors="replace")
    return found


# --- seeding -----------------------------------------------------------------------------------------------------


def upload(url: str, token: str, path: str, content: bytes) -> dict:
    response = requests.post(
        f"{url}/upload/proxy",
        data={"bucket": "users", "id": USER, "path": path},
        files={"file": (path.rsplit("/", 1)[-1], content, "application/octet-stream")},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    if response.status_code != 201:
        raise RuntimeError(f"seeding {path}: {response.status_code} {response.text[:300]}")
    return response.json()["data"]


def seed(url: str, token: str) -> str:
    """One 4 KiB file and a folder of LIST_SIZE small files; returns the 4 KiB file's id."""
    file_id = upload(url, token, ONE_FILE, os.urandom(4096))["file_id"]
    for k in range(LIST_SIZE):
        upload(url, token, f"{LIST_FOLDER}/doc-{k:03d}.txt", f"file {k}\n".encode())
    return file_id


# --- wrk ---------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    key: str
    label: str
    server: str  # "floor", "app", or "base" (the --compare service)
    path: str
    goal: float | None = None  # req/s as a fraction of the one-row floor

    @property
    def kind(self) -> str:
        return self.key.rsplit(":", 1)[-1]


def floor_endpoints(file_id: str) -> list[Endpoint]:
    return [
        Endpoint("hello", "floor: Flask hello", "floor", "/hello"),
        Endpoint("row", "floor: Flask + one row", "floor", f"/row?id={file_id}"),
    ]


def endpoints(file_id: str, server: str = "app", tag: str = "") -> list[Endpoint]:
    """The service's endpoints; `tag` names another service's rows (e.g. "before")."""
    key, label = (f"{tag}:", f"{tag}: ") if tag else ("", "")
    return [
        Endpoint(f"{key}metadata", f"{label}GET /metadata", server, f"/metadata?file_id={file_id}", 0.6),
        Endpoint(f"{key}presign", f"{label}GET /download/presign", server, f"/download/presign?file_id={file_id}", 0.6),
        Endpoint(
            f"{key}list",
            f"{label}GET /list ({LIST_SIZE} files)",
            server,
            f"/list?bucket=users&id={USER}&path={LIST_FOLDER}&limit={LIST_SIZE}",
            0.3,
        ),
        Endpoint(
            f"{key}proxy", f"{label}GET /download/proxy (4 KiB)", server, f"/download/proxy?file_id={file_id}", 0.5
        ),
    ]


@dataclass
class Run:
    rps: float
    p50_ms: float
    p99_ms: float
    server_cpu_ms: float  # gunicorn workers, per request
    postgres_cpu_ms: float  # the PostgreSQL backends of the benchmark's database, per request
    s3_cpu_ms: float  # the S3 server, per request
    client_cpu_ms: float  # wrk, per request
    other_cores: float  # CPU of every other process that existed when the run started, in cores
    worker_shares: list[float] = field(default_factory=list)  # each worker's part of the workers' CPU


UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * UNITS[unit]


def parse_wrk(output: str) -> tuple[float, float, float, int]:
    """(req/s, p50 ms, p99 ms, requests) from wrk --latency output; raises on errors or non-2xx answers."""
    problems = re.findall(r"(Non-2xx or 3xx responses: \d+|Socket errors: .*)", output)
    if problems:
        raise RuntimeError(f"wrk reported {problems}:\n{output}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    count = int(re.search(r"(\d+) requests in", output).group(1))
    return rps, p50, p99, count


def cpu_of(pids: list[int]) -> dict[int, float]:
    return {pid: value for pid in pids if (value := cpu_seconds(pid)) is not None}


def settle(limit: float = 5.0) -> None:
    """Wait (at most `limit` seconds) until the machine is under 20% busy over a quarter of a second."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        busy, total = machine_cpu()
        time.sleep(0.25)
        busy2, total2 = machine_cpu()
        if total2 > total and (busy2 - busy) / (total2 - total) < 0.2:
            return


@dataclass(frozen=True)
class Scene:
    """The processes of one measured server: its workers, the database its backends serve, the S3 server, and
    the benchmark's own processes (not counted as other load)."""

    workers: list[int]
    database: str
    s3: int | None
    own: frozenset[int]


def drive(url: str, token: str, seconds: float, connections: int, scene: Scene) -> Run:
    """One wrk run against `url`, with the CPU spent by the server's workers, the PostgreSQL backends serving its
    database, the S3 server, wrk, and every other process."""
    settle()
    processes = all_processes()
    backends = [p for p, command in processes.items() if command.startswith("postgres:") and scene.database in command]
    before = cpu_of([p for p in processes if p not in scene.own])
    command = [
        "wrk", "--threads", "1", "--connections", str(connections), "--duration", f"{round(seconds)}s",
        "--timeout", "10s", "--latency", "--header", f"Authorization: Bearer {token}", url,
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    client = 0.0
    with contextlib.suppress(OSError):  # wrk's own CPU, read just before it exits
        while process.poll() is None:
            client = cpu_seconds(process.pid) or client
            time.sleep(0.2)
    output = process.communicate(timeout=seconds + 30)[0]
    if process.returncode:
        raise RuntimeError(f"wrk failed ({process.returncode}):\n{output}")
    rps, p50, p99, count = parse_wrk(output)
    after = cpu_of(list(before))
    used = {pid: after[pid] - before[pid] for pid in after}
    server = sum(used.get(pid, 0.0) for pid in scene.workers)
    postgres = sum(used.get(pid, 0.0) for pid in backends)
    s3 = used.get(scene.s3, 0.0)
    other = sum(used.values()) - server - postgres - s3
    per = 1000 / max(count, 1)
    shares = [used.get(pid, 0.0) / server if server else 0.0 for pid in scene.workers]
    return Run(rps, p50, p99, server * per, postgres * per, s3 * per, client * per, other / seconds, shares)


# --- report ------------------------------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def report(points: list[Endpoint], runs: dict[str, list[Run]], args: argparse.Namespace) -> None:
    summary = {
        e.key: {
            "rps": median([r.rps for r in runs[e.key]]),
            "p50": median([r.p50_ms for r in runs[e.key]]),
            "p99": median([r.p99_ms for r in runs[e.key]]),
        }
        for e in points
    }
    hello, row = summary["hello"], summary["row"]
    print()
    print(
        f"{args.rounds} rounds x {args.duration:g} s per endpoint, wrk {args.connections} connections; "
        f"store {args.backend}; rate limits counted in {'Redis' if redis_reachable() else 'memory'}; medians over the "
        "rounds (req/s range in brackets); * = other load > "
        f"{OTHER_LOAD_LIMIT} core during a run"
    )
    print()
    header = (
        "| endpoint | req/s [range] | p50 ms | p99 ms | CPU ms/req: workers / PostgreSQL / S3 / wrk "
        "| vs hello | vs one row (goal) | p99 / one-row p99 (goal ≤ 2) |"
    )
    print(header)
    print("|---" * (header.count("|") - 1) + "|")
    for e in points:
        rs, s = runs[e.key], summary[e.key]
        marks = "*" if any(r.other_cores > OTHER_LOAD_LIMIT for r in rs) else ""
        spread = f"[{min(r.rps for r in rs):,.0f}–{max(r.rps for r in rs):,.0f}]"
        cpu = " / ".join(
            f"{median([getattr(r, name) for r in rs]):.2f}"
            for name in ("server_cpu_ms", "postgres_cpu_ms", "s3_cpu_ms", "client_cpu_ms")
        )
        vs_row, p99_ratio = s["rps"] / row["rps"], s["p99"] / row["p99"]
        goal = "" if e.goal is None else f" (≥ {e.goal:g}: {'met' if vs_row >= e.goal else 'NOT met'})"
        p99_goal = "" if e.server == "floor" else f" ({'met' if p99_ratio <= 2 else 'NOT met'})"
        print(
            f"| {e.label}{marks} | {s['rps']:,.0f} {spread} | {s['p50']:.1f} | {s['p99']:.1f} | {cpu} "
            f"| {s['rps'] / hello['rps']:.2f} | {vs_row:.2f}{goal} | {p99_ratio:.2f}{p99_goal} |"
        )


# --- profile -----------------------------------------------------------------------------------------------------


def _where(frame: str, code: Path) -> tuple[str, str]:
    """(package, function) of a py-spy frame `function (/full/path.py:line)`."""
    function, _, location = frame.rpartition(" (")
    path = location.rsplit(":", 1)[0]
    if path.startswith(f"{code}/"):
        relative = path[len(str(code)) + 1 :]
        return "the service's code (" + relative.split("/")[0] + "/)", f"{function} ({relative})"
    if "/site-packages/" in path:
        package = path.split("/site-packages/", 1)[1].split("/")[0].removesuffix(".py")
        return package, f"{function} ({package})"
    return "python stdlib: " + Path(path).stem, f"{function} ({Path(path).name})"


def profile(
    server: Server, scene: Scene, url: str, token: str, seconds: float, connections: int, workdir: Path, code: Path
) -> None:
    """Sample the service's workers with py-spy while wrk drives `url`; print where the CPU time goes."""
    spy = Path(sys.executable).parent / "py-spy"
    if not spy.exists():
        raise SystemExit("--profile needs py-spy in the virtualenv: .venv/bin/pip install py-spy")
    outputs = {pid: workdir / f"profile-{pid}.txt" for pid in server.workers}
    spies = [
        subprocess.Popen(
            [str(spy), "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "200",
             "--format", "raw", "--full-filenames", "--nonblocking", "--output", str(out)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for pid, out in outputs.items()
    ]  # fmt: skip
    time.sleep(1)  # py-spy attaches
    run = drive(url, token, seconds - 2, connections, scene)
    for spy_process in spies:
        spy_process.wait(seconds + 30)
    stacks: collections.Counter[str] = collections.Counter()
    per_worker = {}
    for pid, out in outputs.items():
        lines = out.read_text().splitlines() if out.exists() else []
        for line in lines:
            stack, _, count = line.rpartition(" ")
            stacks[stack] += int(count)
        per_worker[pid] = sum(int(line.rpartition(" ")[2]) for line in lines)
    total = sum(stacks.values())
    if not total:
        raise SystemExit("py-spy collected no samples (is ptrace permitted?)")
    cost = run.server_cpu_ms / total  # ms of worker CPU per request that one sample stands for
    leaves: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    for stack, count in stacks.items():
        frames = [_where(frame, code) for frame in stack.split(";")]
        leaves[frames[-1][0]] += count
        for function in {function for package, function in frames if package.startswith("the service's")}:
            inclusive[function] += count
    print(
        f"\nprofile of {url.split('?')[0]}: {total} samples of busy threads (per worker: {per_worker}); "
        f"{run.rps:,.0f} req/s under py-spy; {run.server_cpu_ms:.2f} ms of worker CPU per request"
    )
    print("where the CPU was (the innermost frame's package):")
    for name, count in leaves.most_common(14):
        print(f"  {count / total:6.1%}  {count * cost:5.2f} ms  {name}")
    print("the service's functions, inclusive:")
    for function, count in inclusive.most_common(30):
        print(f"  {count / total:6.1%}  {count * cost:5.2f} ms  {function}")


# --- main --------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10.0, help="seconds per wrk run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="measured rounds over every endpoint (default 3)")
    parser.add_argument("--connections", type=int, default=8, help="wrk connections (default 8)")
    parser.add_argument("--backend", choices=["minio", "local"], default="minio", help="object store (default minio)")
    parser.add_argument("--only", action="append", default=[], help="measure only these endpoint keys (repeatable)")
    parser.add_argument("--profile", metavar="ENDPOINT", help="then profile one endpoint with py-spy (e.g. metadata)")
    parser.add_argument(
        "--code",
        type=Path,
        default=ROOT,
        help="run the service (and its gunicorn.conf.py) from this directory, e.g. an exported older commit "
        "(`git archive REV | tar -x -C DIR`); default: this checkout",
    )
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="DIR",
        help="also run the service from DIR (its own database and gunicorn.conf.py) and measure it in the same "
        "rounds, rows marked `before:`",
    )
    parser.add_argument("--workers", type=int, help="WEB_CONCURRENCY for every server (default: the config file's)")
    parser.add_argument("--threads", type=int, help="GUNICORN_THREADS for every server (default: the config file's)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, profiles)")
    args = parser.parse_args()
    code = args.code.resolve()
    if shutil.which("wrk") is None:
        parser.error("wrk is not installed: apt-get install -y wrk (or make bench-api)")

    workdir = Path(tempfile.mkdtemp(prefix="bench-api-"))
    seaweed: SeaweedServer | None = None
    projects = FakeProjectService()
    drops: list[Callable[[], None]] = []
    servers: dict[str, Server] = {}
    previous_sigterm = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        print(f"work directory {workdir}", flush=True)
        if args.backend == "minio":
            print("starting SeaweedFS ...", flush=True)
            seaweed = start_seaweed(workdir / "seaweed")
        projects.start()
        services = {"app": code, **({"base": args.compare.resolve()} if args.compare else {})}
        databases, file_ids = {}, {}
        token = make_token(USER, secret=JWT_SECRET, exp_in=6 * 3600)
        for name, directory in services.items():
            database_url, drop = postgres.create_database(postgres.server_url())
            drops.append(drop)
            env = base_env(database_url, args.backend, seaweed, projects.url, workdir)
            env.update({"WEB_CONCURRENCY": str(args.workers)} if args.workers else {})
            env.update({"GUNICORN_THREADS": str(args.threads)} if args.threads else {})
            prepare_schema(env, directory)
            print(f"starting the service from {directory} under its gunicorn.conf.py ...", flush=True)
            servers[name] = start_gunicorn(name, "wsgi:app", env, workdir, "/health", code=directory, config=directory)
            databases[name] = sa_url_database(database_url)
            file_ids[name] = seed(servers[name].url, token)
            if name == "app":
                servers["floor"] = start_gunicorn(
                    "floor", "scripts.bench_api:create_floor_app()", env, workdir, "/hello", code=ROOT, config=code
                )
                databases["floor"] = databases["app"]
        own = frozenset({os.getpid(), *(server.process.pid for server in servers.values())})
        scenes = {
            name: Scene(server.workers, databases[name], seaweed.process.pid if seaweed else None, own)
            for name, server in servers.items()
        }
        points = floor_endpoints(file_ids["app"])
        mine = endpoints(file_ids["app"])
        theirs = endpoints(file_ids["base"], "base", "before") if "base" in servers else []
        for pair in zip(mine, theirs or mine, strict=True):
            points += list(dict.fromkeys(pair))
        if args.only:
            points = [e for e in points if e.kind in {"hello", "row", *args.only}]
        for e in points:  # every endpoint answers 200 before it is measured
            response = requests.get(servers[e.server].url + e.path, headers={"Authorization": f"Bearer {token}"})
            if response.status_code != 200:
                raise RuntimeError(f"{e.label}: {response.status_code} {response.text[:300]}")
        print(", ".join(f"{name} workers {server.workers}" for name, server in servers.items()) + "; warming up ...")
        for e in points:
            server = servers[e.server]
            drive(server.url + e.path, token, min(args.duration, 3), args.connections, scenes[e.server])
        runs: dict[str, list[Run]] = {e.key: [] for e in points}
        for number in range(args.rounds):
            order = points if number % 2 == 0 else points[::-1]
            for e in order:
                server = servers[e.server]
                run = drive(server.url + e.path, token, args.duration, args.connections, scenes[e.server])
                runs[e.key].append(run)
                print(
                    f"round {number + 1}: {e.label:36} {run.rps:8,.0f} req/s  p50 {run.p50_ms:6.1f} ms  "
                    f"p99 {run.p99_ms:6.1f} ms  worker {run.server_cpu_ms:5.2f} ms/req  "
                    f"other load {run.other_cores:.2f} core  worker split "
                    + "/".join(f"{share:.0%}" for share in run.worker_shares),
                    flush=True,
                )
        report(points, runs, args)
        if args.profile:
            e = next(e for e in points if e.key == args.profile)
            server = servers[e.server]
            seconds = max(args.duration, 10) + 2
            scene = scenes[e.server]
            profile(server, scene, server.url + e.path, token, seconds, args.connections, workdir, code)
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
        for server in servers.values():
            server.stop()
        projects.stop()
        if seaweed is not None:
            seaweed.stop()
        for drop in drops:
            with contextlib.suppress(Exception):
                drop()
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
