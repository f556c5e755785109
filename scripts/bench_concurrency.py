"""Many transfers at once: 16 concurrent 100 MiB proxy uploads and downloads through one gunicorn with 2 workers.

    .venv/bin/python scripts/bench_concurrency.py                      # both backends, 16 x 100 MiB
    .venv/bin/python scripts/bench_concurrency.py --backend local --clients 8 --size-mib 50

Starts, on loopback only, SeaweedFS (`weed mini`) for the minio backend, a fresh PostgreSQL database (schema from
the migrations; dropped at the end), a fake project service and, per backend, the service under the production
settings (`gunicorn --config gunicorn.conf.py --no-control-socket`, WEB_CONCURRENCY=2, the config's threads per
worker). Every client is a different user writing to their own users bucket (the per-user transfer cap does not
apply across users), each in its own thread with its own connection; bodies are generated block by block and never
held in memory (see scripts/bench_transfer.py).

Per backend, after a warm-up of every client with a 1 MiB file:
  one        one upload, then one download of the file, alone
  together   all the clients upload at once (released by a barrier), then all download at once
Prints the aggregate throughput (all bytes / wall time from the release to the last byte) against the single
transfer, the slowest and median transfer, the resident set size of each gunicorn worker (VmRSS sampled every 50 ms:
before, peak, growth), and the CPU of the client, the workers and SeaweedFS. Uploads are checked by the SHA-256 the
service computed, downloads by their length and ETag (`--verify` also hashes every downloaded byte, at a CPU cost
the client then takes from the servers).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import os
import shutil
import signal
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from scripts.bench_api import JWT_SECRET, Server, base_env, prepare_schema, start_gunicorn  # noqa: E402
from scripts.bench_transfer import BLOCK, BOUNDARY, CpuMeter, MiB, Payload, RssSampler, rss_bytes  # noqa: E402
from tests.support import postgres  # noqa: E402
from tests.support.fake_project_service import FakeProjectService  # noqa: E402
from tests.support.seaweed import SeaweedServer, start_seaweed  # noqa: E402
from tests.support.tokens import make_token  # noqa: E402

TIMEOUT = (900, 900)  # a request may wait for a free worker thread as long as a transfer takes (sending blocks)


class UserBody:
    """The multipart body of one upload into `user`'s bucket, generated block by block, with a known length."""

    def __init__(self, payload: Payload, user: str, path: str) -> None:
        fields = {"bucket": "users", "id": user, "path": path}
        head = "".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        )
        head += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{path.rsplit("/", 1)[-1]}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        self.head, self.tail, self.payload = head.encode(), f"\r\n--{BOUNDARY}--\r\n".encode(), payload

    def __iter__(self) -> Iterator[bytes]:
        yield self.head
        yield from self.payload.blocks()
        yield self.tail

    def __len__(self) -> int:
        return len(self.head) + self.payload.size + len(self.tail)


@dataclass
class Transfer:
    seconds: float
    size: int


class Client:
    """One user with their own connection."""

    def __init__(self, server: Server, user: str) -> None:
        self.server, self.user = server, user
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {make_token(user, secret=JWT_SECRET, exp_in=6 * 3600)}"

    def upload(self, payload: Payload, path: str, sha: str) -> Transfer:
        start = time.perf_counter()
        response = self.session.post(
            f"{self.server.url}/upload/proxy",
            data=UserBody(payload, self.user, path),
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
            timeout=TIMEOUT,
        )
        seconds = time.perf_counter() - start
        if response.status_code != 201:
            raise RuntimeError(f"{self.user} upload: {response.status_code} {response.text[:300]}")
        data = response.json()["data"]
        if (data["size"], data["checksum_sha256"]) != (payload.size, sha):
            raise RuntimeError(f"{self.user} stored {data['size']} bytes, SHA-256 {data['checksum_sha256']}")
        return Transfer(seconds, payload.size)

    def download(self, path: str, size: int, sha: str, *, verify: bool) -> Transfer:
        start = time.perf_counter()
        digest, received = hashlib.sha256(), 0
        with self.session.get(
            f"{self.server.url}/download/proxy",
            params={"bucket": "users", "id": self.user, "path": path},
            stream=True,
            timeout=TIMEOUT,
        ) as response:
            if response.status_code != 200 or response.headers.get("ETag", "").strip('"') != sha:
                raise RuntimeError(f"{self.user} download: {response.status_code} {response.headers.get('ETag')}")
            for chunk in response.iter_content(BLOCK):
                received += len(chunk)
                if verify:
                    digest.update(chunk)
        seconds = time.perf_counter() - start
        if received != size or (verify and digest.hexdigest() != sha):
            raise RuntimeError(f"{self.user} downloaded {received} bytes (expected {size}) or wrong bytes")
        return Transfer(seconds, size)


@dataclass
class Phase:
    name: str
    transfers: list[Transfer]
    wall: float
    rss: dict[int, RssSampler]
    cpu: CpuMeter

    @property
    def aggregate(self) -> float:
        return sum(t.size for t in self.transfers) / self.wall / 1e6

    def rates(self) -> list[float]:
        return sorted(t.size / t.seconds / 1e6 for t in self.transfers)


def together(name: str, actions: list[Callable[[], Transfer]], watched: dict[str, int]) -> Phase:
    """Run the actions at once (released by a barrier), sampling RSS of the workers and CPU of `watched`."""
    barrier = threading.Barrier(len(actions) + 1)

    def run(action: Callable[[], Transfer]) -> Transfer:
        barrier.wait(60)
        return action()

    workers = {pid: RssSampler(pid) for label, pid in watched.items() if label.startswith("worker")}
    with ThreadPoolExecutor(len(actions)) as pool, contextlib.ExitStack() as stack:
        for sampler in workers.values():
            stack.enter_context(sampler)
        cpu = stack.enter_context(CpuMeter(dict(watched)))
        futures = [pool.submit(run, action) for action in actions]
        barrier.wait(60)
        start = time.perf_counter()
        transfers = [future.result() for future in futures]
        wall = time.perf_counter() - start
    return Phase(name, transfers, wall, workers, cpu)


def run_backend(
    backend: str, server: Server, watched: dict[str, int], clients: int, payload: Payload, sha: str, verify: bool
) -> list[Phase]:
    users = [Client(server, f"load-{k:02d}") for k in range(clients)]
    small = Payload(MiB)
    small_sha = small.sha256()
    run_id = uuid.uuid4().hex[:6]
    print(f"[{backend}] warm-up: every client uploads and downloads 1 MiB ...", flush=True)
    together("warm-up up", [lambda c=c: c.upload(small, f"warm/{run_id}.bin", small_sha) for c in users], watched)
    warm_down = [lambda c=c: c.download(f"warm/{run_id}.bin", MiB, small_sha, verify=False) for c in users]
    together("warm-up down", warm_down, watched)
    phases = []
    one, path = users[0], f"one/{run_id}.bin"
    print(f"[{backend}] one upload, one download ...", flush=True)
    phases.append(together("one upload", [lambda: one.upload(payload, path, sha)], watched))
    phases.append(together("one download", [lambda: one.download(path, payload.size, sha, verify=verify)], watched))
    print(f"[{backend}] {clients} uploads at once, then {clients} downloads at once ...", flush=True)
    path = f"many/{run_id}.bin"
    phases.append(together(f"{clients} uploads", [lambda c=c: c.upload(payload, path, sha) for c in users], watched))
    phases.append(
        together(
            f"{clients} downloads",
            [lambda c=c: c.download(path, payload.size, sha, verify=verify) for c in users],
            watched,
        )
    )
    return phases


def report(results: dict[str, list[Phase]], size: int, clients: int, workers: int) -> None:
    print()
    print(
        f"bench_concurrency: {size / MiB:.0f} MiB per transfer, {clients} clients, gunicorn {workers} workers; "
        "MB = 10^6 bytes"
    )
    print()
    print("| backend | transfers | aggregate MB/s | x one transfer | per transfer MB/s: slowest / median | wall s |")
    print("|---|---|---|---|---|---|")
    for backend, phases in results.items():
        by_name = {p.name: p for p in phases}
        for phase in phases:
            single = by_name["one upload" if "upload" in phase.name else "one download"]
            rates = phase.rates()
            print(
                f"| {backend} | {phase.name} | {phase.aggregate:,.0f} | {phase.aggregate / single.aggregate:.2f} "
                f"| {rates[0]:,.0f} / {statistics.median(rates):,.0f} | {phase.wall:.1f} |"
            )
    print()
    print("gunicorn workers' RSS (VmRSS, MB): before -> peak (growth), per worker")
    for backend, phases in results.items():
        for phase in phases:
            cells = ", ".join(
                f"{s.baseline / 1e6:.0f} -> {s.peak / 1e6:.0f} (+{(s.peak - s.baseline) / 1e6:.0f})"
                for s in phase.rss.values()
            )
            print(f"  {backend:6} {phase.name:14} {cells}")
    print()
    print("CPU seconds during each phase (share of one core over the wall time)")
    for backend, phases in results.items():
        for phase in phases:
            cells = ", ".join(f"{name} {used:.1f} ({used / phase.wall:.0%})" for name, used in phase.cpu.used.items())
            busy = phase.cpu.machine_busy / phase.cpu.machine_total if phase.cpu.machine_total else 0
            print(f"  {backend:6} {phase.name:14} {cells}; machine {busy:.0%} busy")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=100, help="size of every transfer (default 100)")
    parser.add_argument("--clients", type=int, default=16, help="concurrent transfers (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2)")
    parser.add_argument("--backend", choices=["minio", "local", "both"], default="both")
    parser.add_argument("--verify", action="store_true", help="hash every downloaded byte (costs client CPU)")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, objects)")
    args = parser.parse_args()
    backends = ["minio", "local"] if args.backend == "both" else [args.backend]
    workdir = Path(tempfile.mkdtemp(prefix="bench-concurrency-"))
    seaweed: SeaweedServer | None = None
    projects = FakeProjectService()
    drop_database: Callable[[], None] | None = None
    servers: list[Server] = []
    previous_sigterm = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        payload = Payload(args.size_mib * MiB)
        sha = payload.sha256()
        if "minio" in backends:
            seaweed = start_seaweed(workdir / "seaweed")
        projects.start()
        database_url, drop_database = postgres.create_database(postgres.server_url())
        results: dict[str, list[Phase]] = {}
        for backend in backends:
            env = base_env(database_url, backend, seaweed, projects.url, workdir)
            env.update(WEB_CONCURRENCY=str(args.workers), LOG_LEVEL="WARNING", MAX_UPLOAD_SIZE=str(64 * 1024**3))
            prepare_schema(env, ROOT)
            server = start_gunicorn(backend, "wsgi:app", env, workdir, "/health", code=ROOT, config=ROOT)
            servers.append(server)
            watched = {"client": os.getpid()}
            watched.update({f"worker {pid}": pid for pid in server.workers})
            if seaweed is not None and backend == "minio":
                watched["seaweedfs"] = seaweed.process.pid
            print(f"[{backend}] workers {server.workers}, RSS {[rss_bytes(p) for p in server.workers]}", flush=True)
            results[backend] = run_backend(backend, server, watched, args.clients, payload, sha, args.verify)
            server.stop()
            shutil.rmtree(workdir / "objects", ignore_errors=True)
        report(results, payload.size, args.clients, args.workers)
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
        for server in servers:
            server.stop()
        projects.stop()
        if seaweed is not None:
            seaweed.stop()
        if drop_database is not None:
            with contextlib.suppress(Exception):
                drop_database()
        if args.keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
