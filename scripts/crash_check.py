"""Crash the S3 server and the service's worker in the middle of uploads, then check that gc and reconcile leave
nothing behind and that no client was told an upload succeeded when it did not.

    .venv/bin/python scripts/crash_check.py --runs 10

Starts its own SeaweedFS, a fresh PostgreSQL database (TEST_DATABASE_URL, the local server, or a throwaway
cluster) and the service under gunicorn (one gthread worker, STORAGE_BACKEND=minio, RECONCILE_GRACE_SECONDS=0),
then runs, `--runs` times each:

- s3-killed: a proxy upload of `--size` MiB (multipart: several 8 MiB parts) during which SeaweedFS gets SIGKILL
  (at a random byte of the body, or just after the body was sent); SeaweedFS restarts on its data;
- worker-killed: the same, but the gunicorn worker gets SIGKILL (its master starts a new one);
- confirm-killed: a presigned PUT straight to SeaweedFS, then `/upload/confirm`, during which the worker gets
  SIGKILL; the client retries the confirm once the service is back, as a client whose request failed does.

Then `flask storage gc` and `flask storage reconcile --fix` run, and the script prints what is left: version rows
without their object, objects no version or pending upload references, incomplete multipart uploads, and 2xx
answers for uploads that are not there (the object of the version the answer named is missing or has other
bytes). All four must be 0: exit status 1 otherwise.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.support import postgres  # noqa: E402
from tests.support.seaweed import SeaweedServer, free_ports, start_seaweed  # noqa: E402
from tests.support.tokens import SECRET, make_token  # noqa: E402

MiB = 1024 * 1024
SCENARIOS = ("s3-killed", "worker-killed", "confirm-killed")


@dataclass
class Answer:
    """What one client was told."""

    scenario: str
    status: int | None  # None: the connection broke
    data: dict | None = None  # the version a 2xx named
    sha256: str = ""  # of the bytes the client sent


@dataclass
class CrashReport:
    answers: list[Answer] = field(default_factory=list)
    incomplete_before_gc: int = 0
    rows_without_objects: list[str] = field(default_factory=list)
    objects_without_rows: list[str] = field(default_factory=list)
    incomplete_uploads: list[str] = field(default_factory=list)
    false_successes: list[str] = field(default_factory=list)
    maintenance_output: str = ""

    @property
    def clean(self) -> bool:
        return not (
            self.rows_without_objects or self.objects_without_rows or self.incomplete_uploads or self.false_successes
        )

    def lines(self) -> list[str]:
        out = []
        for scenario in SCENARIOS:
            answers = [a for a in self.answers if a.scenario == scenario]
            if answers:
                counts = Counter("connection broken" if a.status is None else str(a.status) for a in answers)
                summary = ", ".join(f"{name} x{n}" for name, n in sorted(counts.items()))
                out.append(f"{scenario}: {len(answers)} runs; clients were told: {summary}")
        out += [
            f"incomplete uploads left by the crashes (before gc): {self.incomplete_before_gc}",
            f"rows without objects: {len(self.rows_without_objects)}",
            f"objects without rows: {len(self.objects_without_rows)}",
            f"incomplete uploads: {len(self.incomplete_uploads)}",
            f"2xx for an upload that is not there: {len(self.false_successes)}",
        ]
        for name, found in (
            ("row without object", self.rows_without_objects),
            ("object without row", self.objects_without_rows),
            ("incomplete upload", self.incomplete_uploads),
            ("false success", self.false_successes),
        ):
            out += [f"  {name}: {item}" for item in found]
        return out


# --- processes --------------------------------------------------------------------------------------------------


def children_of(pid: int) -> list[int]:
    """Live children (a killed worker stays a zombie until its master reaps it)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    state, parent = stat.read().rsplit(")", 1)[1].split()[:2]
                if int(parent) == pid and state != "Z":
                    found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


class Service:
    """gunicorn with the production settings file, one gthread worker, on a free port."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.port = free_ports(1)[0]
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "gunicorn.log"
        self.killed_pid: int | None = None
        command = [
            str(Path(sys.executable).parent / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py"),
            "--workers", "1", "--threads", "4", "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning",
            "wsgi:app",
        ]  # fmt: skip
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.worker_pid = self.wait_ready()

    def wait_ready(self, timeout: float = 60.0) -> int:
        """Wait until a worker answers /health; its pid."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"gunicorn is not serving:\n{self.log_path.read_text(errors='replace')[-3000:]}")
            workers = [pid for pid in children_of(self.process.pid) if pid != self.killed_pid]
            try:
                if len(workers) == 1 and requests.get(self.url + "/health", timeout=2).status_code == 200:
                    return workers[0]
            except requests.RequestException:
                pass
            time.sleep(0.2)

    def kill_worker(self) -> None:
        self.killed_pid = self.worker_pid
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.worker_pid, signal.SIGKILL)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def service_env(database_url: str, seaweed: SeaweedServer, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MINIO_", "BUCKET_", "PROJECT_SERVICE"))}
    env.update(
        FLASK_ENV="testing",
        FLASK_APP="wsgi.py",
        DATABASE_URL=database_url,
        STORAGE_BACKEND="minio",
        MINIO_ENDPOINT=seaweed.endpoint,
        MINIO_ACCESS_KEY=seaweed.access_key,
        MINIO_SECRET_KEY=seaweed.secret_key,
        MINIO_REGION=seaweed.region,
        MINIO_SECURE="false",
        MINIO_PUBLIC_ENDPOINT=seaweed.url,
        JWT_SECRET=SECRET,
        RECONCILE_GRACE_SECONDS="0",
        LOG_LEVEL="WARNING",
        METRICS_ENABLED="false",
        PROMETHEUS_MULTIPROC_DIR=str(workdir / "metrics"),
        PYTHONPATH=str(ROOT),
    )
    return env


def flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(Path(sys.executable).parent / "flask"), *args], env=env, cwd=ROOT, capture_output=True, text=True
    )
    return f"$ flask {' '.join(args)}  (exit {done.returncode})\n{done.stdout}{done.stderr}"


def prepare(env: dict[str, str]) -> None:
    """Schema from the migrations and the buckets, in a child process (as the entrypoint does)."""
    output = flask(env, "db", "upgrade") + flask(env, "storage", "init")
    if "(exit 0)" not in output.split("$ flask storage init")[1]:
        raise RuntimeError(output)


# --- one run ----------------------------------------------------------------------------------------------------


class Body:
    """A multipart/form-data body for /upload/proxy, sent in 1 MiB chunks; `at(n, action)` runs action once n
    bytes of the file were sent; `after_end(delay, action)` runs it `delay` seconds after the last byte."""

    def __init__(self, bucket_id: str, path: str, size: int, rng: random.Random) -> None:
        self.boundary = uuid.uuid4().hex
        self.content = rng.randbytes(size)
        self.sha256 = hashlib.sha256(self.content).hexdigest()
        fields = {"bucket": "users", "id": bucket_id, "path": path}
        head = "".join(
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields.items()
        )
        head += (
            f'--{self.boundary}\r\nContent-Disposition: form-data; name="file"; filename="crash.bin"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        self.head, self.tail = head.encode(), f"\r\n--{self.boundary}--\r\n".encode()
        self.trigger: tuple[int, Callable[[], None]] | None = None
        self.later: tuple[float, Callable[[], None]] | None = None

    def at(self, offset: int, action: Callable[[], None]) -> None:
        self.trigger = (offset, action)

    def after_end(self, delay: float, action: Callable[[], None]) -> None:
        self.later = (delay, action)

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        for start in range(0, len(self.content), MiB):
            if self.trigger is not None and start >= self.trigger[0]:
                self.trigger[1]()
                self.trigger = None
            yield self.content[start : start + MiB]
        yield self.tail
        if self.later is not None:
            threading.Timer(*self.later).start()

    def __len__(self) -> int:  # requests then sends a Content-Length, not chunks
        return len(self.head) + len(self.content) + len(self.tail)


def post_upload(service: Service, token: str, body: Body) -> tuple[int | None, dict | None]:
    headers = {
        "Authorization": f"Bearer {token}",
        "Content-Type": f"multipart/form-data; boundary={body.boundary}",
    }
    try:
        response = requests.post(f"{service.url}/upload/proxy", data=body, headers=headers, timeout=(5, 120))
    except requests.RequestException:
        return None, None
    try:
        answer = response.json()
    except ValueError:
        answer = {"message": response.text[:200]}
    return response.status_code, answer.get("data") if response.ok else answer


def killing(body: Body, rng: random.Random, kill: Callable[[], None]) -> None:
    """Kill at a random byte of the body (2 runs in 3), or up to 1.5 s after its last byte (while the last parts
    travel, the upload completes and the version commits, or just after the answer)."""
    if rng.random() < 2 / 3:
        body.at(rng.randrange(MiB, len(body.content)), kill)
    else:
        body.after_end(rng.uniform(0, 1.5), kill)


def proxy_upload_run(
    scenario: str, service: Service, seaweed: SeaweedServer, token: str, uid: str, size: int, rng: random.Random
) -> Answer:
    body = Body(uid, f"crash/{uuid.uuid4().hex[:8]}.bin", size, rng)
    killing(body, rng, seaweed.kill if scenario == "s3-killed" else service.kill_worker)
    status, data = post_upload(service, token, body)
    time.sleep(1.6)  # a kill scheduled after the body lands before the restart
    if scenario == "s3-killed":
        seaweed.restart()
    service.worker_pid = service.wait_ready()
    return Answer(scenario, status, data, body.sha256)


def confirm_run(service: Service, token: str, uid: str, size: int, rng: random.Random) -> Answer:
    headers = {"Authorization": f"Bearer {token}"}
    presigned = requests.post(
        f"{service.url}/upload/presign",
        json={"bucket": "users", "id": uid, "path": f"crash/{uuid.uuid4().hex[:8]}.bin"},
        headers=headers,
        timeout=10,
    ).json()
    content = rng.randbytes(size)
    assert requests.put(presigned["url"], data=content, headers=presigned["headers"], timeout=60).ok
    timer = threading.Timer(rng.uniform(0, 0.4), service.kill_worker)  # during the copy or the hashing
    timer.start()
    url, body = f"{service.url}/upload/confirm", {"upload_id": presigned["upload_id"]}
    try:
        response = requests.post(url, json=body, headers=headers, timeout=(5, 120))
    except requests.RequestException:
        response = None
    timer.join()
    service.worker_pid = service.wait_ready()
    if response is None or response.status_code >= 500:  # the client retries a request that failed
        try:
            response = requests.post(url, json=body, headers=headers, timeout=(5, 120))
        except requests.RequestException:
            response = None
    data = response.json().get("data") if response is not None and response.ok else None
    return Answer("confirm-killed", response.status_code if response is not None else None, data,
                  hashlib.sha256(content).hexdigest())  # fmt: skip


# --- the check --------------------------------------------------------------------------------------------------


def inspect(env: dict[str, str], report: CrashReport) -> None:
    """Count what gc and reconcile left, in this process, straight from the database and the store."""
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db
    from app.models import FileVersion, IntentStatus, UploadIntent

    names = ("STORAGE_BACKEND", "MINIO_ENDPOINT", "MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "MINIO_REGION", "JWT_SECRET")
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=env["DATABASE_URL"], **{name: env[name] for name in names})
    store = app.extensions["object_store"]
    bucket = app.config["BUCKET_USERS"]
    with app.app_context():
        versions = dict(db.session.execute(sa.select(FileVersion.object_key, FileVersion.id)).all())
        pending = set(
            db.session.scalars(sa.select(UploadIntent.object_key).where(UploadIntent.status == IntentStatus.pending))
        )
        db.engine.dispose()
    objects = {info.key: info for info in store.list(bucket)}
    report.rows_without_objects = sorted(f"{bucket}/{key}" for key in versions if key not in objects)
    report.objects_without_rows = sorted(
        f"{bucket}/{key}" for key in objects if key not in versions and key not in pending
    )
    report.incomplete_uploads = [f"{bucket}/{u.key} ({u.upload_id})" for u in store.incomplete_uploads(bucket)]
    for answer in report.answers:
        if answer.status is None or not 200 <= answer.status < 300:
            continue
        key = answer.data.get("object_key")
        if key not in versions or key not in objects:
            report.false_successes.append(f"{answer.scenario}: {answer.data}")
            continue
        stream = store.open(bucket, key)
        try:
            digest = hashlib.sha256(b"".join(stream)).hexdigest()
        finally:
            stream.close()
        if digest != answer.sha256 or answer.data.get("checksum_sha256") != answer.sha256:
            report.false_successes.append(f"{answer.scenario}: {key} holds other bytes than the client sent")


def run_check(
    runs: int, size_mib: int = 40, seed: int | None = None, log: Callable[[str], None] = print
) -> CrashReport:
    """Crash `runs` times in each scenario, run gc and reconcile --fix, and report what is left."""
    rng = random.Random(seed)
    workdir = Path(tempfile.mkdtemp(prefix="crash-check-"))
    seaweed = start_seaweed(workdir / "s3")
    url, drop = postgres.create_database(postgres.server_url())
    env = service_env(url, seaweed, workdir)
    service = None
    report = CrashReport()
    try:
        prepare(env)
        service = Service(env, workdir)
        uid = "crash" + uuid.uuid4().hex[:8]
        token = make_token(uid, exp_in=24 * 3600)
        size = size_mib * MiB
        for scenario in SCENARIOS:
            for number in range(1, runs + 1):
                if scenario == "confirm-killed":
                    answer = confirm_run(service, token, uid, size, rng)
                else:
                    answer = proxy_upload_run(scenario, service, seaweed, token, uid, size, rng)
                report.answers.append(answer)
                told = "connection broken" if answer.status is None else answer.status
                detail = "" if answer.status is None or answer.status < 300 else f" {answer.data}"
                log(f"{scenario} run {number}: {told}{detail}")
        service.stop()
        from minio import Minio

        client = Minio(seaweed.endpoint, seaweed.access_key, seaweed.secret_key, secure=False, region=seaweed.region)
        report.incomplete_before_gc = len(client._list_multipart_uploads("users", max_uploads=1000).uploads)
        report.maintenance_output = flask(env, "storage", "gc") + flask(env, "storage", "reconcile", "--fix")
        log(report.maintenance_output)
        inspect(env, report)
    finally:
        if service is not None:
            service.stop()
        seaweed.stop()
        drop()
        shutil.rmtree(workdir, ignore_errors=True)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="crashes per scenario (default 10)")
    parser.add_argument("--size", type=int, default=40, help="MiB per upload (default 40: five S3 parts)")
    parser.add_argument("--seed", type=int, default=None, help="random seed, to repeat a sequence of crashes")
    args = parser.parse_args()
    report = run_check(args.runs, args.size, args.seed)
    print("\n".join(report.lines()))
    return 0 if report.clean else 1


if __name__ == "__main__":
    sys.exit(main())
