"""A fake project service that really listens on 127.0.0.1, with switchable behaviours (allow, deny, hang, ...)."""

from __future__ import annotations

import contextlib
import json
import select
import socket
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt

SINGLE, BATCH = "/check-file-access", "/check-file-access/batch"  # the seed dialect (contract §3)
WATERFALL_BATCH = "/check-file-access-batch"  # the platform's dialect (contract §9): every decision is a batch
WATERFALL_ACTIONS = {f"{a}_files": a for a in ("read", "write", "delete", "lock", "validate")}
DIALECTS = {"seed": (SINGLE, BATCH), "waterfall": (WATERFALL_BATCH,)}
MODES = (
    "allow",  # allowed, role "member"
    "deny",  # allowed false with a reason
    "hang",  # reads the request, never answers (gives up after HANG_SECONDS)
    "trickle",  # a valid 200 allow answer, status line and headers included, one byte every TRICKLE_INTERVAL
    "refuse",  # `url` points to a closed port; a request reaching the live port is reset
    "error500",
    "garbage",  # 200 with a non-JSON body
    "non_boolean",  # "allowed": "true"
    "missing_allowed",  # no "allowed" key
    "short_batch",  # a batch answer with one result too few
    "reorder_batch",  # a batch answer in reverse order
    "rules",  # decided by `rules` per (project_id, user_id, action)
)
HANG_SECONDS = 10.0
TRICKLE_INTERVAL = 0.5

# rules: a callable (project_id, user_id, action) -> verdict, or a dict {(project_id, user_id, action): verdict};
# a verdict is a bool, (allowed, role), or a dict or list sent verbatim as the answer; a missing dict key denies.
# `action` is always ours (read, write, ...): in the waterfall dialect `read_files` is looked up as `read`.
Rules = Callable[[Any, "str | None", Any], Any] | dict[tuple[Any, "str | None", Any], Any]


@dataclass
class Call:
    """One request the fake received."""

    path: str
    json: Any
    headers: dict[str, str]  # names lower-cased
    user_id: str | None  # `sub` of the forwarded JWT, unverified


class FakeProjectService:
    """The project service on a free local port; set `mode` (and `rules`) to change behaviour.

    `dialect` "seed" serves the seed's two endpoints; "waterfall" serves only the platform's batch endpoint, with
    `<action>_files` action names, and answers 404 on the seed's paths (as the platform's service does) and 422 on
    an action it does not know.
    """

    def __init__(self, mode: str = "allow", rules: Rules | None = None, dialect: str = "seed") -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"unknown dialect {dialect!r}; one of {', '.join(DIALECTS)}")
        self.mode = mode
        self.rules = rules
        self.dialect = dialect
        self.calls: list[Call] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._connections: set[socket.socket] = set()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._closed_port: socket.socket | None = None

    @property
    def mode(self) -> str:
        return self._mode

    @mode.setter
    def mode(self, value: str) -> None:
        if value not in MODES:
            raise ValueError(f"unknown mode {value!r}; one of {', '.join(MODES)}")
        self._mode = value

    @property
    def live_url(self) -> str:
        """The URL of the listening server, whatever the mode."""
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def refused_url(self) -> str:
        """A URL whose port is bound but not listening, so connecting is refused."""
        assert self._closed_port is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._closed_port.getsockname()[1]}"

    @property
    def url(self) -> str:
        """The base URL to configure: the closed port in `refuse` mode, the live server otherwise."""
        return self.refused_url if self.mode == "refuse" else self.live_url

    def start(self) -> FakeProjectService:
        """Listen on a free port and serve in a daemon thread."""
        self._stopping.clear()
        # Bound but never listening: the kernel refuses connections and no other process can take the port.
        self._closed_port = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._closed_port.bind(("127.0.0.1", 0))
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.fake = self
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-project-service", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop promptly: hanging and trickling handlers give up and open connections are shut down."""
        self._stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        with self._lock:
            connections = list(self._connections)
        for conn in connections:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._closed_port is not None:
            self._closed_port.close()
        self._server = self._thread = self._closed_port = None

    def reset(self) -> None:
        """Back to `allow`, no rules, no recorded calls."""
        self.mode = "allow"
        self.rules = None
        with self._lock:
            self.calls.clear()

    def __enter__(self) -> FakeProjectService:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def _decide(self, check: Any, user_id: str | None) -> Any:
        check = check if isinstance(check, dict) else {}
        if self.mode == "rules":
            rules = self.rules or {}
            action = check.get("action")
            if self.dialect == "waterfall":
                action = WATERFALL_ACTIONS.get(action, action)
            key = (check.get("project_id"), user_id, action)
            verdict = rules(*key) if callable(rules) else rules.get(key, False)
            if isinstance(verdict, dict | list):
                return verdict  # type: ignore[return-value]
            allowed, role = verdict if isinstance(verdict, tuple) else (bool(verdict), None)
        else:
            allowed = self.mode != "deny"
            role = "member" if allowed else None
        answer: dict[str, Any] = {"allowed": allowed}
        if role is not None or self.dialect == "waterfall":  # the platform's answers always carry role and reason
            answer["role"] = role
        if not allowed or self.dialect == "waterfall":
            answer["reason"] = None if allowed else "not allowed by the fake project service"
        if self.mode == "non_boolean":
            answer["allowed"] = "true"
        elif self.mode == "missing_allowed":
            del answer["allowed"]
        return answer

    def refused(self, path: str, body: Any) -> tuple[int, dict] | None:
        """The error a real service of this dialect would answer before deciding anything, if any."""
        if path not in DIALECTS[self.dialect]:
            return 404, {"error": "not found"}
        if self.dialect == "waterfall":
            checks = body.get("checks") if isinstance(body, dict) else None
            if not isinstance(checks, list) or any(
                not isinstance(c, dict) or c.get("action") not in WATERFALL_ACTIONS for c in checks
            ):
                return 422, {"detail": "checks: a list of {project_id, action: <read|write|...>_files}"}
        return None

    def _answer(self, path: str, body: Any, user_id: str | None) -> dict:
        if path == SINGLE:
            return self._decide(body, user_id)
        checks = body.get("checks") if isinstance(body, dict) else None
        results = []
        for check in checks if isinstance(checks, list) else []:
            echo = {k: check[k] for k in ("project_id", "action", "file_id") if isinstance(check, dict) and k in check}
            results.append({**echo, **self._decide(check, user_id)})
        if self.mode == "short_batch":
            results = results[:-1]
        elif self.mode == "reorder_batch":
            results.reverse()
        return {"results": results}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # stop() releases handlers itself; never wait for a hanging one
    fake: FakeProjectService


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real service, so client connection reuse is exercised
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle plus delayed ACK adds ~40 ms per answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with self.server.fake._lock:
            self.server.fake._connections.add(self.connection)

    def finish(self) -> None:
        with self.server.fake._lock:
            self.server.fake._connections.discard(self.connection)
        super().finish()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        fake = self.server.fake
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        headers = {name.lower(): value for name, value in self.headers.items()}
        user_id = _user_id(headers)
        fake._record(Call(self.path, body, headers, user_id))
        mode = fake.mode
        if (refusal := fake.refused(self.path, body)) is not None:
            return self._send(*refusal)
        if mode == "refuse":
            # Linger 0 turns close into a reset: the closest a live port gets to a refused connection.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
        elif mode == "hang":
            self._wait_or_gone(HANG_SECONDS)
            self.close_connection = True
        elif mode == "trickle":
            self._trickle(fake._answer(self.path, body, user_id))
        elif mode == "error500":
            self._send(500, {"error": "internal error"})
        elif mode == "garbage":
            self._send(200, b"<html>this is not JSON", "text/html")
        else:
            self._send(200, fake._answer(self.path, body, user_id))

    def _send(self, status: int, payload: Any, content_type: str = "application/json") -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _trickle(self, answer: dict) -> None:
        data = json.dumps(answer).encode()
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        self.close_connection = True
        for byte in head.encode() + data:
            if self._wait_or_gone(TRICKLE_INTERVAL):
                return
            try:
                self.wfile.write(bytes([byte]))
            except OSError:
                return

    def _wait_or_gone(self, seconds: float) -> bool:
        """Wait up to `seconds`; True as soon as the fake stops or the client closes the connection."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.server.fake._stopping.is_set():
                return True
            readable, _, _ = select.select([self.connection], [], [], 0.05)
            if readable:
                try:
                    if not self.connection.recv(4096):
                        return True
                except OSError:
                    return True
        return False


def _user_id(headers: dict[str, str]) -> str | None:
    """The forwarded JWT's subject, decoded without verification (the fake trusts its caller)."""
    auth = headers.get("authorization", "")
    token = auth[7:] if auth.lower().startswith("bearer ") else None
    if token is None:
        cookies = dict(part.strip().split("=", 1) for part in headers.get("cookie", "").split(";") if "=" in part)
        token = cookies.get("access_token")
    if not token:
        return None
    try:
        claims = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        return None
    subject = claims.get("sub", claims.get("user_id"))
    return str(subject) if subject is not None else None
