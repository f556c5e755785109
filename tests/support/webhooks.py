"""Webhook tests' real components: a subscriber listening on 127.0.0.1 that records every delivery, answers planned
statuses, can hold a request (to kill its sender mid-delivery) or trickle its answer, and notices one event delivered
twice at once; and `flask storage worker` run as a child process."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SECRET = "whsec_" + base64.b64encode(b"webhook test secret, 32 bytes!!").decode()
TRICKLE_INTERVAL = 0.2


@dataclass
class Delivery:
    headers: dict[str, str]  # names in lower case
    body: bytes
    status: int  # the status planned for it
    answered: bool = False  # the whole answer was written (its sender was still there to read it)

    @property
    def id(self) -> str:
        return self.headers.get("webhook-id", "")

    @property
    def event(self) -> dict:
        return json.loads(self.body)


def signature(secret: str, msg_id: str, timestamp: str, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256 of id.timestamp.body>`, written from the Standard Webhooks text, not the library."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class Receiver:
    """The subscriber. `statuses` are answered in turn (then 200); `hold_next` makes the next request wait until
    `release` is set (`held` tells it arrived); `trickle` sends the answer one byte every TRICKLE_INTERVAL."""

    def __init__(self) -> None:
        self.deliveries: list[Delivery] = []
        self.statuses: list[int] = []
        self.status_of = None  # optional callable(event dict) -> status, consulted when `statuses` is empty
        self.delay = 0.0
        self.trickle = False
        self.hold_next = False
        self.held, self.release = threading.Event(), threading.Event()
        self.overlaps: list[str] = []  # ids that arrived while the same id was still in flight
        self._in_flight: Counter[str] = Counter()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.receiver = self
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/storage-events"

    def start(self) -> Receiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def idle(self) -> bool:
        """No request is being answered."""
        with self._lock:
            return not any(self._in_flight.values())

    def answered_ids(self) -> list[str]:
        with self._lock:
            return [d.id for d in self.deliveries if d.answered and 200 <= d.status < 300]

    def _arrive(self, headers: dict[str, str], body: bytes) -> tuple[Delivery, bool]:
        with self._lock:
            event_id = headers.get("webhook-id", "")
            if self._in_flight[event_id]:
                self.overlaps.append(event_id)
            self._in_flight[event_id] += 1
            if self.statuses:
                status = self.statuses.pop(0)
            else:
                status = self.status_of(json.loads(body)) if self.status_of else 200
            hold, self.hold_next = self.hold_next, False
            delivery = Delivery(headers, body, status)
            self.deliveries.append(delivery)
            return delivery, hold

    def _leave(self, delivery: Delivery) -> None:
        with self._lock:
            self._in_flight[delivery.id] -= 1


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802 (http.server's naming)
        receiver: Receiver = self.server.receiver
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        delivery, hold = receiver._arrive({k.lower(): v for k, v in self.headers.items()}, body)
        try:
            if hold:
                receiver.held.set()
                receiver.release.wait(120)
            if receiver.delay:
                time.sleep(receiver.delay)
            answer = f"HTTP/1.1 {delivery.status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()
            if receiver.trickle:
                for byte in answer:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(TRICKLE_INTERVAL)
            else:
                self.wfile.write(answer)
                self.wfile.flush()
            delivery.answered = True
        except OSError:
            pass  # the sender gave up or died
        finally:
            self.close_connection = True
            receiver._leave(delivery)

    def log_message(self, *args) -> None:
        pass


def worker_process(
    database_url: str, storage_path: str, subscriptions: list[dict], *, timeout: float, interval: float = 0.2
) -> subprocess.Popen:
    """`flask storage worker` in a child process against the test database, polling every `interval` seconds."""
    env = {
        **os.environ,
        "FLASK_ENV": "testing",
        "DATABASE_URL": database_url,
        "STORAGE_BACKEND": "local",
        "LOCAL_STORAGE_PATH": storage_path,
        "WEBHOOK_URLS": json.dumps(subscriptions),
        "WEBHOOK_TIMEOUT": str(timeout),
        "WORKER_INTERVAL": str(interval),
        "LOG_LEVEL": "ERROR",
        "PYTHONPATH": str(REPO),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi.py", "storage", "worker"],
        cwd=REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop_process(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
