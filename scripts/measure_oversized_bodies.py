"""Oversized and hostile bodies against the real server: when does the refusal come, and what does it cost?

    .venv/bin/python scripts/measure_oversized_bodies.py

Starts the service under gunicorn (gthread, 1 worker x 4 threads, `--no-control-socket`) on a free loopback port,
with the local store and a throwaway SQLite file (none of the refusals measured here touches the database or the
store), MAX_UPLOAD_SIZE = MAX_JSON_BODY = 1 MiB. For each case a raw socket client announces a 1 GiB body, sends
as fast as it can (or slowly) while watching for the answer, and prints:

- the status that came back and how many bytes the client had sent when it came (the server reads little more
  than the limit; the rest sits in socket buffers);
- whether the server then closed the connection, and how many more bytes the kernel accepted before it did;
- the worker's peak RSS growth.

Then the CPU time of the JSON checks (`app.api.limits.check_json`) on pathological 1 MiB bodies.
Nothing is asserted: these are figures. gunicorn is stopped at the end, also on failure or Ctrl-C.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from app.auth.tokens import encode_token  # noqa: E402

MiB = 1024 * 1024
LIMIT = MiB
TOTAL = 1024 * MiB  # what each client offers to send
SECRET = "measure-oversized-bodies-secret-0123456789"
BOUNDARY = "----measure-boundary"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workdir: Path) -> subprocess.Popen:
    env = {
        **os.environ,
        "FLASK_ENV": "development",
        "DATABASE_URL": f"sqlite:///{workdir / 'storage.db'}",
        "JWT_SECRET": SECRET,
        "STORAGE_BACKEND": "local",
        "LOCAL_STORAGE_PATH": str(workdir / "objects"),
        "MAX_UPLOAD_SIZE": str(LIMIT),
        "MAX_JSON_BODY": str(LIMIT),
        "METRICS_ENABLED": "false",
        "LOG_LEVEL": "ERROR",
    }
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--worker-class", "gthread"]
    command += ["--workers", "1", "--threads", "4", "--no-control-socket", "wsgi:app"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit("gunicorn did not start")
        with contextlib.suppress(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server
        time.sleep(0.1)
    raise SystemExit("gunicorn did not listen within 30 s")


def worker_rss_kib(server: subprocess.Popen) -> int:
    """Peak RSS (VmHWM) of gunicorn's worker, the master's child."""
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    for line in Path(f"/proc/{children[0]}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def request_head(path: str, content_type: str, length: int | None) -> bytes:
    framing = "Transfer-Encoding: chunked" if length is None else f"Content-Length: {length}"
    token = encode_token({"sub": "u1", "exp": int(time.time()) + 3600}, SECRET)
    return (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: {content_type}\r\n{framing}\r\n\r\n"
    ).encode()


def send(port: int, head: bytes, first: bytes, *, chunked: bool, total: int, pause: float = 0.0) -> dict:
    """Send `head` and `first`, then filler towards `total` bytes, until the answer comes; then keep sending to see
    whether the server closes the connection or reads on."""
    piece = b"z" * (64 * 1024)
    frame = (lambda data: b"%x\r\n%s\r\n" % (len(data), data)) if chunked else (lambda data: data)
    chunk = frame(piece)
    started = time.monotonic()
    result = {"status": "none", "sent_at_answer": 0, "seconds": 0.0, "accepted_after": 0, "closed": False}
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head + frame(first))
        sent = len(first)
        while sent < total:
            readable, writable, _ = select.select([sock], [sock], [], 30)
            if readable or not writable:
                break
            try:
                sock.sendall(chunk)
                sent += len(piece)
            except OSError:
                break
            if pause:
                time.sleep(pause)
        result["seconds"] = time.monotonic() - started
        result["sent_at_answer"] = sent
        with contextlib.suppress(OSError):
            answer = sock.recv(65536)
            result["status"] = answer.split(b"\r\n", 1)[0].decode(errors="replace")
        sock.settimeout(10)
        after = 0
        try:
            while after < 512 * MiB:
                after += sock.send(chunk)
        except OSError:
            result["closed"] = True
        result["accepted_after"] = after
    return result


def json_check_figures() -> list[tuple[str, float, float]]:
    from app.api.limits import check_json
    from app.errors import ValidationError

    bodies = {
        "1 MiB of '['": b"[" * MiB,
        "1 MiB of '[]' pairs": b"[" + b"[]," * (MiB // 3 - 1) + b"[]]",
        "1 MiB of small strings": b"[" + b'"ab",' * (MiB // 5 - 1) + b'"ab"]',
        "1 MiB of small integers": b"[" + b"1," * (MiB // 2 - 1) + b"1]",
        "one 1 MiB string of escapes": b'["' + b"\\n" * (MiB // 2 - 2) + b'"]',
        'unterminated "\\" x 512 Ki': b'"' + b'\\"' * (MiB // 2),
        "1 MiB of backslash pairs": b'"' + b"\\\\" * (MiB // 2 - 1) + b'"',
    }
    figures = []
    for name, body in bodies.items():
        started = time.process_time()
        with contextlib.suppress(ValidationError):
            check_json(body)
        checked = time.process_time() - started
        started = time.process_time()
        with contextlib.suppress(ValueError, RecursionError):
            json.loads(body)  # what webargs does with the body anyway
        figures.append((name, checked, time.process_time() - started))
    return figures


def main() -> None:
    multipart = f"multipart/form-data; boundary={BOUNDARY}"
    file_first = f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.bin"\r\n\r\n'.encode()
    json_start = b'{"bucket": "users", "id": "u1", "path": "a.txt", "reason": "'
    cases = [  # name, path, content type, first bytes, Content-Length (None: chunked), bytes offered, pause
        ("multipart, Content-Length 1 GiB", "/upload/proxy", multipart, file_first, TOTAL, TOTAL, 0.0),
        ("multipart, Content-Length 9 MiB", "/upload/proxy", multipart, file_first, 9 * MiB, 9 * MiB, 0.0),
        ("multipart, chunked", "/upload/proxy", multipart, file_first, None, TOTAL, 0.0),
        ("multipart, chunked, 64 KiB every 20 ms", "/upload/proxy", multipart, file_first, None, TOTAL, 0.02),
        ("JSON, Content-Length 1 GiB", "/lock", "application/json", json_start, TOTAL, TOTAL, 0.0),
        ("JSON, chunked", "/lock", "application/json", json_start, None, TOTAL, 0.0),
        ("JSON, chunked, 64 KiB every 20 ms", "/lock", "application/json", json_start, None, TOTAL, 0.02),
    ]
    with tempfile.TemporaryDirectory(prefix="oversized-") as workdir:
        port = free_port()
        server = start_server(port, Path(workdir))
        try:
            send(port, request_head("/lock", "application/json", 2), b"{}", chunked=False, total=2)  # warm-up
            print(f"gunicorn gthread 1x4 on 127.0.0.1:{port}; MAX_UPLOAD_SIZE = MAX_JSON_BODY = 1 MiB")
            print(f"worker peak RSS after a warm-up request: {worker_rss_kib(server) / 1024:.0f} MiB")
            print(
                f"{'case':40} {'answer':>5} {'sent when answered':>19} {'accepted after':>15} {'then':>7}"
                f" {'seconds':>8} {'peak RSS':>9}"
            )
            for name, path, content_type, first, length, total, pause in cases:
                head = request_head(path, content_type, length)
                result = send(port, head, first, chunked=length is None, total=total, pause=pause)
                then = "closed" if result["closed"] else "open"
                print(
                    f"{name:40} {result['status'][9:12]:>5} {result['sent_at_answer'] / MiB:15.2f} MiB"
                    f" {result['accepted_after'] / MiB:11.2f} MiB {then:>7} {result['seconds']:8.2f}"
                    f" {worker_rss_kib(server) / 1024:5.0f} MiB"
                )
        finally:
            server.terminate()
            server.wait(30)
    print()
    print("CPU time on pathological 1 MiB bodies: check_json (it parses once too) | json.loads alone (webargs' parse)")
    for name, checked, parsed in json_check_figures():
        print(f"  {name:34} {checked * 1000:7.1f} ms | {parsed * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
