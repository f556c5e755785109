"""Measure proxy upload/download throughput and the service's memory while it moves one large file.

    .venv/bin/python scripts/bench_transfer.py                 # 1 GiB, both backends
    .venv/bin/python scripts/bench_transfer.py --size-mib 256 --backend minio

Starts its own SeaweedFS (`weed mini`), a fresh PostgreSQL database (TEST_DATABASE_URL, the local server, or a
throwaway cluster; schema from the migrations) and, per backend, the service under gunicorn (gthread, one worker,
`--no-control-socket`) as a subprocess. Then, for each backend:

- streams a generated body (random-ish 1 MiB blocks, never held in memory) as a multipart request with a
  Content-Length (like a browser or `curl -F`; `--chunked` sends it chunked instead) to POST /upload/proxy, and
  reads it back from GET /download/proxy in 1 MiB chunks;
- samples the gunicorn worker's resident set size (VmRSS) every 50 ms during each transfer.

Before every measured transfer it writes back dirty pages (`sync`) and waits for the machine to be idle, so no
transfer pays for the previous one's writeback; each round moves the file through the proxy and directly,
alternating which goes first, and reads one object untimed between the uploads and the downloads (SeaweedFS serves
the first large GET after a burst of writes at about 2/3 of its usual speed, whatever the object). The table shows
each path's median run; `--repeat` sets the number of rounds (default 3).

Baselines on the same machine: the `minio` client used normally, straight to the same SeaweedFS (`put_object` with
the stream and its length, default part size and parallelism; `get_object` streamed in 1 MiB chunks) -- the
ratios are against it; two more upload rows with the client configured otherwise (8 MiB parts x 3 in parallel,
like the service's adapter; 16 MiB sequential parts); and plain file writes/reads of the same bytes on the local
disk. Prints one table of MB/s (1 MB = 10^6 bytes) with proxy/direct ratios, RSS baseline / peak / growth, and the
CPU seconds each process (this client, the gunicorn worker, SeaweedFS) and the whole machine spent per transfer.
Checks sizes and SHA-256 of what was stored. Every process it started is stopped at the end, also on failure or
Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from tests.support import postgres  # noqa: E402
from tests.support.seaweed import SeaweedServer, start_seaweed  # noqa: E402
from tests.support.tokens import make_token  # noqa: E402

MiB = 1024 * 1024
BLOCK = MiB
SEQUENTIAL_PART_SIZE = 16 * MiB
ADAPTER_PART_SIZE, ADAPTER_WORKERS = 8 * MiB, 3  # MinioStore.PART_SIZE, MinioStore.UPLOAD_WORKERS
DIRECT_DEFAULTS = "direct minio client -> SeaweedFS"
DIRECT_DISK = "direct local disk (write+fsync/read)"
BOUNDARY = "----bench-transfer-boundary-5b1c"
JWT_SECRET = "bench-secret-" + uuid.uuid4().hex
USER = "bench"
SAMPLE_SECONDS = 0.05
OTHER_LOAD_LIMIT = 0.25  # CPU of other processes (fraction of one core) above which a measurement is flagged


# --- the payload ------------------------------------------------------------------------------------------------


class Payload:
    """`size` bytes generated block by block: a few random 1 MiB blocks, each stamped with its index."""

    def __init__(self, size: int, seed_blocks: int = 8) -> None:
        self.size = size
        self._seeds = [os.urandom(BLOCK) for _ in range(seed_blocks)]

    def blocks(self) -> Iterator[bytes]:
        remaining, index = self.size, 0
        while remaining > 0:
            seed = self._seeds[index % len(self._seeds)]
            block = index.to_bytes(8, "big") + seed[8:]
            block = block[: min(BLOCK, remaining)]
            remaining -= len(block)
            index += 1
            yield block

    def sha256(self) -> str:
        digest = hashlib.sha256()
        for block in self.blocks():
            digest.update(block)
        return digest.hexdigest()


class BlockReader:
    """A readable over the payload's blocks (for the minio client's put_object)."""

    def __init__(self, blocks: Iterator[bytes]) -> None:
        self._blocks, self._rest = blocks, b""

    def read(self, size: int = -1) -> bytes:
        parts, have = [self._rest] if self._rest else [], len(self._rest)
        while size < 0 or have < size:
            block = next(self._blocks, None)
            if block is None:
                break
            parts.append(block)
            have += len(block)
        data = b"".join(parts)
        if size >= 0:
            data, self._rest = data[:size], data[size:]
        else:
            self._rest = b""
        return data


class MultipartBody:
    """The whole multipart request body, generated block by block: address fields, the file part, the closing
    boundary. Its length is known (requests then sends a Content-Length) unless `chunked`."""

    def __init__(self, payload: Payload, path: str, *, chunked: bool = False) -> None:
        fields = {"bucket": "users", "id": USER, "path": path}
        preamble = "".join(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            for name, value in fields.items()
        )
        preamble += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="{path.rsplit("/", 1)[-1]}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
        self.preamble, self.epilogue = preamble.encode(), f"\r\n--{BOUNDARY}--\r\n".encode()
        self.payload, self.chunked = payload, chunked

    def __iter__(self) -> Iterator[bytes]:
        yield self.preamble
        yield from self.payload.blocks()
        yield self.epilogue

    def body(self) -> object:
        if self.chunked:
            return iter(self)  # no length: requests sends Transfer-Encoding: chunked
        return self  # requests takes the length from __len__ and sends each block as it comes

    def __len__(self) -> int:
        return len(self.preamble) + self.payload.size + len(self.epilogue)


# --- memory sampling --------------------------------------------------------------------------------------------


def rss_bytes(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(entry))
    return found


class RssSampler:
    """Samples a process's VmRSS every 50 ms in a thread while the `with` block runs."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.baseline = rss_bytes(pid) or 0
        self.peak = self.baseline
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            value = rss_bytes(self.pid)
            if value is not None:
                self.peak = max(self.peak, value)
                self.samples += 1
            self._stop.wait(SAMPLE_SECONDS)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._stop.set()
        self._thread.join()
        value = rss_bytes(self.pid)
        if value is not None:
            self.peak = max(self.peak, value)


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process (all its threads), from /proc/<pid>/stat."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime (fields 14 and 15 of stat)


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat (idle and iowait are not busy)."""
    with open("/proc/stat") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    total = sum(values[:8])  # guest time is already counted in user
    return (total - values[3] - values[4]) / CLOCK_TICKS, total / CLOCK_TICKS


class CpuMeter:
    """CPU seconds each named process, and the machine as a whole, spent while the `with` block ran."""

    def __init__(self, pids: dict[str, int]) -> None:
        self.pids = pids
        self.used: dict[str, float] = {}
        self.machine_busy = self.machine_total = 0.0

    def __enter__(self) -> CpuMeter:
        self._start = {name: cpu_seconds(pid) for name, pid in self.pids.items()}
        self._machine = machine_cpu()
        return self

    def __exit__(self, *exc_info: object) -> None:
        busy, total = machine_cpu()
        self.machine_busy, self.machine_total = busy - self._machine[0], total - self._machine[1]
        for name, pid in self.pids.items():
            start, end = self._start[name], cpu_seconds(pid)
            if start is not None and end is not None:
                self.used[name] = end - start


# --- processes --------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Service:
    backend: str
    process: subprocess.Popen
    url: str
    log_path: Path
    worker_pid: int = 0

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def service_env(backend: str, database_url: str, seaweed: SeaweedServer, workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PROJECT_SERVICE_URL",)}
    env.update(
        FLASK_ENV="testing",
        DATABASE_URL=database_url,
        STORAGE_BACKEND=backend,
        MINIO_ENDPOINT=seaweed.endpoint,
        MINIO_ACCESS_KEY=seaweed.access_key,
        MINIO_SECRET_KEY=seaweed.secret_key,
        MINIO_REGION=seaweed.region,
        MINIO_SECURE="false",
        MINIO_PUBLIC_ENDPOINT=seaweed.url,
        JWT_SECRET=JWT_SECRET,
        LOCAL_STORAGE_PATH=str(workdir / "local-objects"),
        MAX_UPLOAD_SIZE=str(64 * 1024**3),
        LOG_LEVEL="WARNING",
        METRICS_ENABLED="false",
        PYTHONPATH=str(ROOT),
    )
    return env


def prepare(env: dict[str, str]) -> None:
    """Schema from the migrations (idempotent) and the buckets of the backend, in a child process."""
    code = (
        "from flask_migrate import upgrade\n"
        "from app import create_app\n"
        "from app.extensions import db\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    upgrade()\n"
        "    db.engine.dispose()\n"
        "app.extensions['object_store'].ensure_buckets()\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True, capture_output=True, timeout=120)


# Starts gunicorn after replacing MinioStore's keyword defaults (the application builds its store with them).
GUNICORN_WITH_STORE_OPTIONS = """
import json, os, sys
from app.storage.minio_store import MinioStore
MinioStore.__init__.__kwdefaults__.update(json.loads(os.environ["BENCH_STORE_OPTIONS"]))
from gunicorn.app.wsgiapp import run
sys.argv[0] = "gunicorn"
sys.exit(run())
"""


def start_service(
    backend: str, env: dict[str, str], workdir: Path, threads: int, store_options: dict[str, int] | None = None
) -> Service:
    port = free_port()
    log_path = workdir / f"gunicorn-{backend}.log"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn), "--worker-class", "gthread", "--workers", "1", "--threads", str(threads),
        "--no-control-socket", "--bind", f"127.0.0.1:{port}", "--timeout", "600", "--graceful-timeout", "10",
        "--log-level", "warning", "wsgi:app",
    ]  # fmt: skip
    if store_options:
        command[0:1] = [sys.executable, "-c", GUNICORN_WITH_STORE_OPTIONS]
        env = {**env, "BENCH_STORE_OPTIONS": json.dumps(store_options)}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    service = Service(backend, process, f"http://127.0.0.1:{port}", log_path)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            service.stop()
            tail = log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"gunicorn ({backend}) did not start:\n{tail}")
        try:
            if requests.get(service.url + "/health", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.2)
    workers = children_of(process.pid)
    if len(workers) != 1:
        service.stop()
        raise RuntimeError(f"expected one gunicorn worker, found {workers}")
    service.worker_pid = workers[0]
    return service


# --- the measurements -------------------------------------------------------------------------------------------


@dataclass
class Result:
    seconds: float
    size: int
    rss: RssSampler | None = None
    cpu: CpuMeter | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def mb_per_s(self) -> float:
        return self.size / self.seconds / 1e6


# The processes whose CPU time is measured during every transfer (filled in as they start).
MEASURED: dict[str, int] = {"client": os.getpid()}


def settle(limit: float = 15.0) -> None:
    """Before a measurement: write back dirty pages (the previous transfer's data) and wait until the machine is
    idle (under 20% busy over half a second), so no transfer pays for the one before it."""
    os.sync()
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        busy, total = machine_cpu()
        time.sleep(0.5)
        busy2, total2 = machine_cpu()
        if total2 > total and (busy2 - busy) / (total2 - total) < 0.2:
            return


def timed(action: Callable[[], int], sampler_pid: int | None = None) -> Result:
    settle()
    sampler = RssSampler(sampler_pid) if sampler_pid else None
    cpu = CpuMeter(dict(MEASURED))
    with sampler or contextlib.nullcontext(), cpu:
        start = time.perf_counter()
        size = action()
        seconds = time.perf_counter() - start
    return Result(seconds, size, sampler, cpu)


def proxy_upload(
    service: Service, token: str, payload: Payload, path: str, expected_sha: str, *, chunked: bool = False
) -> Result:
    def action() -> int:
        response = requests.post(
            f"{service.url}/upload/proxy",
            data=MultipartBody(payload, path, chunked=chunked).body(),
            headers={"Content-Type": f"multipart/form-data; boundary={BOUNDARY}", "Authorization": f"Bearer {token}"},
            timeout=(5, 600),
        )
        if response.status_code != 201:
            raise RuntimeError(f"upload answered {response.status_code}: {response.text[:500]}")
        data = response.json()["data"]
        if data["size"] != payload.size or data["checksum_sha256"] != expected_sha:
            raise RuntimeError(
                f"stored {data['size']} bytes with SHA-256 {data['checksum_sha256']}, "
                f"sent {payload.size} with {expected_sha}"
            )
        return data["size"]

    return timed(action, service.worker_pid)


def proxy_download(service: Service, token: str, path: str, size: int, expected_sha: str) -> Result:
    def action() -> int:
        received = 0
        with requests.get(
            f"{service.url}/download/proxy",
            params={"bucket": "users", "id": USER, "path": path},
            headers={"Authorization": f"Bearer {token}"},
            stream=True,
            timeout=(5, 600),
        ) as response:
            if response.status_code != 200:
                raise RuntimeError(f"download answered {response.status_code}: {response.text[:500]}")
            if response.headers.get("ETag", "").strip('"') != expected_sha:
                raise RuntimeError(f"download ETag {response.headers.get('ETag')} is not the upload's SHA-256")
            for chunk in response.iter_content(BLOCK):
                received += len(chunk)
        if received != size:
            raise RuntimeError(f"downloaded {received} bytes, expected {size}")
        return received

    return timed(action, service.worker_pid)


class DirectMinio:
    """The minio client straight to the same SeaweedFS, outside the service."""

    def __init__(self, seaweed: SeaweedServer, payload: Payload) -> None:
        from minio import Minio

        self.client = Minio(
            seaweed.endpoint, seaweed.access_key, seaweed.secret_key, secure=False, region=seaweed.region
        )
        self.payload, self.bucket = payload, "bench-direct"
        if not self.client.bucket_exists(self.bucket):
            self.client.make_bucket(self.bucket)

    def upload(self, key: str, **options: int) -> Result:
        """put_object with `options`; without any, the client's defaults for a stream of known length."""
        if not options:  # 5 MiB parts (for objects up to 48 GiB), 3 uploads in parallel
            options = {"length": self.payload.size}

        def action() -> int:
            self.client.put_object(self.bucket, key, BlockReader(self.payload.blocks()), **options)  # type: ignore[arg-type]
            return self.payload.size

        return timed(action)

    def download(self, key: str, *, measure: bool = True) -> Result:
        def action() -> int:
            received = 0
            response = self.client.get_object(self.bucket, key)
            try:
                for chunk in response.stream(BLOCK):
                    received += len(chunk)
            finally:
                response.close()
                response.release_conn()
            if received != self.payload.size:
                raise RuntimeError(f"direct download got {received} bytes, expected {self.payload.size}")
            return received

        if not measure:
            return Result(0.0, action())
        return timed(action)

    def remove(self, key: str) -> None:
        with contextlib.suppress(Exception):
            self.client.remove_object(self.bucket, key)


class DirectDisk:
    """Plain 1 MiB writes (with the fsync the local store does) and reads of the same bytes on the same disk."""

    def __init__(self, workdir: Path, payload: Payload) -> None:
        self.path, self.payload = workdir / "direct-disk.bin", payload

    def upload(self) -> Result:
        def write() -> int:
            with open(self.path, "wb") as out:
                for block in self.payload.blocks():
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            return self.payload.size

        return timed(write)

    def download(self) -> Result:
        def read() -> int:
            received = 0
            with open(self.path, "rb") as source:
                while chunk := source.read(BLOCK):
                    received += len(chunk)
            return received

        return timed(read)

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


# --- the report -------------------------------------------------------------------------------------------------


@dataclass
class Runs:
    """Every measured run of one path, each way; the table shows the median run (by throughput)."""

    uploads: list[Result] = field(default_factory=list)
    downloads: list[Result] = field(default_factory=list)

    @staticmethod
    def median(results: list[Result]) -> Result | None:
        if not results:
            return None
        ordered = sorted(results, key=lambda result: result.mb_per_s)
        return ordered[(len(ordered) - 1) // 2]

    @property
    def upload(self) -> Result | None:
        return self.median(self.uploads)

    @property
    def download(self) -> Result | None:
        return self.median(self.downloads)


def mb(value: float) -> str:
    return f"{value / 1e6:8.1f} MB"


def rate(result: Result | None) -> str:
    return f"{result.mb_per_s:.1f}" if result else "-"


def store_settings(overrides: dict[str, int]) -> str:
    from app.storage.minio_store import MinioStore

    settings = {**MinioStore.__init__.__kwdefaults__, **overrides}
    return (
        f"MinioStore: {settings['part_size'] / MiB:g} MiB parts, {settings['upload_workers']} upload workers, "
        f"read-ahead {settings['prefetch_chunks']} chunks" + (" (overridden)" if overrides else " (defaults)")
    )


def report(size: int, rows: dict[str, Runs], chunked: bool, repeat: int, store_options: dict[str, int]) -> None:
    print()
    print(f"bench_transfer: {size / MiB:.0f} MiB file, {os.cpu_count()} CPUs, 1 MB = 10^6 bytes, {repeat} round(s)")
    if any(name.startswith("proxy (minio") for name in rows):
        print(store_settings(store_options))
    print("proxy: size and SHA-256 of the stored file and the download's length and ETag checked; direct disk reads")
    body = "a chunked body" if chunked else "a Content-Length"
    print(f"come from the page cache; proxy uploads are multipart/form-data with {body}; each round moves the file")
    print("through the proxy and directly, alternating which goes first; the table shows each path's median run")
    print()
    print(f"{'path':<44}{'upload MB/s':>12}{'download MB/s':>15}{'upload s':>10}{'download s':>12}")
    for name, runs in rows.items():
        up, down = runs.upload, runs.download
        print(
            f"{name:<44}{rate(up):>12}{rate(down):>15}"
            f"{f'{up.seconds:.2f}' if up else '-':>10}{f'{down.seconds:.2f}' if down else '-':>12}"
        )
    print()
    pairs = [
        ("proxy (minio backend)", DIRECT_DEFAULTS),
        ("proxy (local backend)", DIRECT_DISK),
        ("proxy (local backend)", "proxy (minio backend)"),
    ]
    for proxied, direct in pairs:
        if proxied in rows and direct in rows:
            a, b = rows[proxied], rows[direct]
            up = a.upload.mb_per_s / b.upload.mb_per_s  # type: ignore[union-attr]
            down = a.download.mb_per_s / b.download.mb_per_s  # type: ignore[union-attr]
            rounds = ", ".join(
                f"{u1.mb_per_s / u2.mb_per_s:.2f}/{d1.mb_per_s / d2.mb_per_s:.2f}"
                for u1, u2, d1, d2 in zip(a.uploads, b.uploads, a.downloads, b.downloads, strict=False)
            )
            print(f"ratio {proxied} / {direct}: upload {up:.2f}, download {down:.2f}")
            if len(a.uploads) > 1 and len(b.uploads) == len(a.uploads):
                print(f"    per round (upload/download): {rounds}")
    print()
    print("gunicorn worker RSS (VmRSS sampled every 50 ms; the round with the largest growth):")
    print(f"{'transfer':<44}{'baseline':>12}{'peak':>12}{'growth':>12}{'samples':>9}")
    for name, runs in rows.items():
        if not name.startswith("proxy"):
            continue
        for label, results in (("upload", runs.uploads), ("download", runs.downloads)):
            rss = max((r.rss for r in results if r.rss), key=lambda s: s.peak - s.baseline)
            print(
                f"{name + ' ' + label:<44}{mb(rss.baseline):>12}{mb(rss.peak):>12}"
                f"{mb(rss.peak - rss.baseline):>12}{rss.samples:>9}"
            )
    print()
    print(
        f"CPU seconds of the median runs (and % of one core over the wall time); machine = all {os.cpu_count()} CPUs,"
    )
    print("busy % of their capacity; other = busy time of the machine not spent by these three processes")
    names = ["client", "gunicorn", "seaweedfs"]
    disturbed: list[str] = []
    print(f"{'transfer':<44}{'wall s':>7}" + "".join(f"{n:>15}" for n in names) + f"{'machine':>9}{'other':>14}")
    for name, runs in rows.items():
        for label, result in (("upload", runs.upload), ("download", runs.download)):
            if result is None or result.cpu is None:
                continue
            cpu, wall = result.cpu, result.seconds
            cells = "".join(
                f"{cpu.used[n]:>7.1f} ({cpu.used[n] / wall:>4.0%})" if n in cpu.used else f"{'-':>15}" for n in names
            )
            machine = f"{cpu.machine_busy / cpu.machine_total:>8.0%}" if cpu.machine_total else f"{'-':>8}"
            other = cpu.machine_busy - sum(cpu.used.values())
            title = (name.strip() + " " + label)[:43]
            print(f"{title:<44}{wall:>7.1f}{cells} {machine}{other:>7.1f} ({other / wall:>4.0%})")
            if other / wall > OTHER_LOAD_LIMIT:
                disturbed.append(f"{title} ({other / wall:.0%} of a core)")
    if disturbed:
        print()
        print("WARNING: other work on the machine took CPU during: " + "; ".join(disturbed))
        print("(the kernel's writeback counts as other work too); rerun on an idle machine for clean figures")


# --- main -------------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mib", type=int, default=1024, help="size of the file moved each way (default 1024)")
    parser.add_argument("--backend", choices=["minio", "local", "both"], default="both")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn gthread threads (default 8)")
    parser.add_argument("--repeat", type=int, default=3, help="rounds of proxy and direct transfers (default 3)")
    parser.add_argument("--chunked", action="store_true", help="send the proxy uploads chunked (no Content-Length)")
    parser.add_argument(
        "--store-option",
        action="append",
        default=[],
        metavar="NAME=INT",
        help="override a MinioStore setting in the service: part_size (bytes), upload_workers, prefetch_chunks",
    )
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, objects)")
    args = parser.parse_args()
    backends = ["minio", "local"] if args.backend == "both" else [args.backend]
    size = args.size_mib * MiB
    store_options = {}
    for option in args.store_option:
        name, _, value = option.partition("=")
        if name not in ("part_size", "upload_workers", "prefetch_chunks") or not value.isdigit():
            parser.error(f"--store-option {option!r}: expected part_size, upload_workers or prefetch_chunks=INT")
        store_options[name] = int(value)

    workdir = Path(tempfile.mkdtemp(prefix="bench-transfer-"))
    seaweed: SeaweedServer | None = None
    drop_database: Callable[[], None] | None = None
    services: dict[str, Service] = {}
    rows: dict[str, Runs] = {}
    previous_sigterm = signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        print(f"work directory {workdir}", flush=True)
        payload = Payload(size)
        print("hashing the payload ...", flush=True)
        expected_sha = payload.sha256()
        print("starting SeaweedFS and a fresh database ...", flush=True)
        seaweed = start_seaweed(workdir / "seaweed")
        MEASURED["seaweedfs"] = seaweed.process.pid
        database_url, drop_database = postgres.create_database(postgres.server_url())
        token = make_token(USER, secret=JWT_SECRET, exp_in=6 * 3600)

        for backend in backends:
            env = service_env(backend, database_url, seaweed, workdir)
            prepare(env)
            print(f"[{backend}] starting gunicorn ...", flush=True)
            options = store_options if backend == "minio" else None
            service = services[backend] = start_service(backend, env, workdir, args.threads, options)
            MEASURED["gunicorn"] = service.worker_pid
            # warm up: one small round trip, so the baseline includes imports, pools and first-request work
            small = Payload(MiB)
            proxy_upload(service, token, small, "bench/warmup.bin", small.sha256())
            proxy_download(service, token, "bench/warmup.bin", MiB, small.sha256())
            proxy = rows[f"proxy ({backend} backend)"] = Runs()
            direct = rows[DIRECT_DEFAULTS if backend == "minio" else DIRECT_DISK] = Runs()
            s3 = DirectMinio(seaweed, payload) if backend == "minio" else None
            disk = DirectDisk(workdir, payload)
            for round_number in range(args.repeat):
                path = f"bench/{backend}-{round_number}-{uuid.uuid4().hex[:8]}.bin"
                key = f"direct/{uuid.uuid4().hex}"
                ways = [
                    (
                        "proxy",
                        proxy,
                        partial(proxy_upload, service, token, payload, path, expected_sha, chunked=args.chunked),
                        partial(proxy_download, service, token, path, size, expected_sha),
                    ),
                    (
                        "direct",
                        direct,
                        partial(s3.upload, key) if s3 else disk.upload,
                        partial(s3.download, key) if s3 else disk.download,
                    ),
                ]
                if round_number % 2:
                    ways.reverse()  # who goes first alternates between rounds
                for who, runs, upload, _ in ways:
                    print(f"[{backend}] round {round_number + 1}: {who} upload ...", flush=True)
                    runs.uploads.append(upload())
                if s3:
                    # SeaweedFS serves the first large GET after a burst of writes at about 2/3 of its usual speed
                    # (whatever the object): one untimed read, so that it does not fall on the first timed download.
                    settle()
                    s3.download(key, measure=False)
                for who, runs, _, download in ways:
                    print(f"[{backend}] round {round_number + 1}: {who} download ...", flush=True)
                    runs.downloads.append(download())
                if s3:
                    s3.remove(key)
                disk.remove()
            if s3:  # the client configured otherwise, for comparison (uploads only)
                key = f"direct/{uuid.uuid4().hex}"
                for label, options in (
                    (f"{ADAPTER_PART_SIZE // MiB} MiB parts x {ADAPTER_WORKERS} parallel", ADAPTER_WORKERS),
                    (f"{SEQUENTIAL_PART_SIZE // MiB} MiB parts sequential", 1),
                ):
                    print(f"[{backend}] direct upload, {label} ...", flush=True)
                    part_size = ADAPTER_PART_SIZE if options > 1 else SEQUENTIAL_PART_SIZE
                    result = s3.upload(key, length=-1, part_size=part_size, num_parallel_uploads=options)
                    rows[f"  client, {label}"] = Runs(uploads=[result])
                    s3.remove(key)
            service.stop()
            del MEASURED["gunicorn"]
            if backend == "local":
                shutil.rmtree(workdir / "local-objects", ignore_errors=True)

        order = ["proxy (minio backend)", DIRECT_DEFAULTS]
        order += [name for name in rows if name.startswith("  client")]
        order += ["proxy (local backend)", DIRECT_DISK]
        report(size, {name: rows[name] for name in order if name in rows}, args.chunked, args.repeat, store_options)
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous_sigterm)
        for service in services.values():
            service.stop()
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
