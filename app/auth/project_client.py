"""Client for the project service's file-access checks: hard per-call deadline, fail-closed, never cached,
behind a circuit breaker and a concurrency cap, in the seed's or the platform's (waterfall) dialect."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import logging
import math
import re
import socket
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from app import observability
from app.clock import Clock
from app.errors import ProjectServiceUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_BODY = 1 << 20  # a decision is tiny; a huge answer is garbage, not something to buffer
# With every slot taken and no answer for this share of the deadline, the calls in flight look stuck (see Bulkhead).
PATIENCE = 0.125
# One lock orders attach, release and abort, so an abort never shuts down a connection another call now owns.
_LOCK = threading.Lock()
_local = threading.local()
_COOKIE_VALUE = re.compile(r"[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+")  # RFC 6265 cookie-octets


@dataclass(frozen=True)
class Decision:
    """The project service's answer to one check."""

    allowed: bool
    role: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Dialect:
    """How decisions are asked: the paths, the action names and whether a file id travels with a check."""

    name: str
    batch_path: str
    single_path: str | None = None  # None: a single decision is a batch of one
    actions: Mapping[str, str] = field(default_factory=dict)  # ours -> theirs; empty: sent as they are
    sends_file_id: bool = True

    def check(self, project_id: str, action: str, file_id: str | None = None) -> dict:
        """One check in this dialect's words."""
        if self.actions and action not in self.actions:
            raise ValueError(f"no {self.name} action for {action!r}")
        item = {"project_id": project_id, "action": self.actions.get(action, action)}
        if file_id is not None and self.sends_file_id:
            item["file_id"] = file_id
        return item


DIALECTS = {
    # contract §3: the seed's two endpoints, our action names, the file id when known
    "seed": Dialect("seed", "/check-file-access/batch", "/check-file-access"),
    # contract §9: the platform's permission service; one batch endpoint for every decision
    "waterfall": Dialect(
        "waterfall",
        "/check-file-access-batch",
        actions={a: f"{a}_files" for a in ("read", "write", "delete", "lock", "validate")},
        sends_file_id=False,
    ),
}


class BreakerOpen(Exception):
    """The breaker refuses calls for `retry_after` more seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"circuit open for {retry_after}s")
        self.retry_after = retry_after


class CircuitBreaker:
    """Opens after `failures` consecutive failures; after `reset` seconds lets one probe through, whose success closes
    it and whose failure opens it again.

    Written here rather than taken from PyPI: pybreaker holds one lock for the whole protected call (every project
    check would wait for the one before it, defeating the concurrency cap) and reads the wall clock itself;
    circuitbreaker reads time.monotonic itself and lets every caller through once half-open. Neither takes the
    injectable clock the tests drive.
    """

    def __init__(self, failures: int, reset: float, clock: Clock) -> None:
        self.failures = failures
        self.reset = reset
        self.clock = clock
        self._lock = threading.Lock()
        self._count = 0  # consecutive failures while closed
        self._opened_at: datetime | None = None  # when it last opened; None while closed
        self._probing = False

    @property
    def state(self) -> str:
        """`closed`, `open`, or `half_open` (the reset time has passed: the next call is a probe)."""
        with self._lock:
            if self._opened_at is None:
                return "closed"
            return "open" if self._remaining() > 0 or self._probing else "half_open"

    def admit(self) -> bool:
        """Let a call go out (True when it is the half-open probe) or raise BreakerOpen."""
        with self._lock:
            if self._opened_at is None:
                return False
            remaining = self._remaining()
            if remaining > 0 or self._probing:
                raise BreakerOpen(max(1, math.ceil(remaining)))
            self._probing = True
            return True

    def record(self, ok: bool, probe: bool) -> str | None:
        """Count a call's outcome; the new state when this outcome changed it."""
        with self._lock:
            if probe:
                self._probing = False
                self._count = 0
                self._opened_at = None if ok else self.clock.now()
                return "closed" if ok else "open"
            if self._opened_at is not None:
                return None  # a call that started before the breaker opened: only the probe decides
            self._count = 0 if ok else self._count + 1
            if self._count >= self.failures > 0:
                self._opened_at = self.clock.now()
                return "open"
            return None

    def _remaining(self) -> float:
        now = self.clock.now()
        if now < self._opened_at:  # the clock was set back: count from now, not until it catches up
            self._opened_at = now
        return max(self.reset - (now - self._opened_at).total_seconds(), 0.0)


class Bulkhead:
    """At most `limit` calls in flight. When all slots are taken, a caller waits for one while the project service
    shows progress (an answer came, or the oldest call in flight started, less than `patience` seconds ago) and
    until its own deadline; when it shows none, the calls in flight look stuck and the caller is refused at once."""

    def __init__(self, limit: int, patience: float) -> None:
        if limit < 1:
            raise ValueError("the concurrency cap must be at least 1")
        self.limit = limit
        self.patience = patience
        self._changed = threading.Condition()
        self._started: dict[object, float] = {}  # slot -> when its call started (monotonic)
        self._answered_at = float("-inf")  # when a call last came back with an answer

    def acquire(self, deadline: float) -> object | None:
        """A slot to give back with release(), or None when none frees while the service shows progress."""
        with self._changed:
            while len(self._started) >= self.limit:
                progress = max(self._answered_at, min(self._started.values()))
                wait = min(progress + self.patience, deadline) - time.monotonic()
                if wait <= 0:
                    return None
                self._changed.wait(wait)
            slot = object()
            self._started[slot] = time.monotonic()
            return slot

    def release(self, slot: object, answered: bool) -> None:
        """Give the slot back; `answered`: the call came back with an answer (progress), not a failure."""
        with self._changed:
            del self._started[slot]
            if answered:
                self._answered_at = time.monotonic()
            self._changed.notify()


class _Malformed(Exception):
    """The project service answered something that cannot be trusted."""


class _Call:
    """One HTTP exchange, run by a worker, that the waiting caller can abort at its deadline."""

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.cancelled = False
        self.conn: _AbortableMixin | None = None

    def remaining(self) -> float:
        """Seconds left before the deadline (may be negative)."""
        return self.deadline - time.monotonic()

    def abort(self) -> None:
        """Cancel the exchange; shutting the socket down wakes a worker blocked in connect, send or recv."""
        with _LOCK:
            self.cancelled = True
            conn = self.conn
            sock = conn.sock if conn is not None and conn.owner is self else None
            if sock is not None:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


class _AbortableMixin:
    """A urllib3 connection that registers with the worker's current call before any I/O."""

    owner: _Call | None = None
    sock: Any

    def _attach(self) -> None:
        call: _Call | None = getattr(_local, "call", None)
        if call is None:
            return
        with _LOCK:
            if call.cancelled:
                self.close()  # type: ignore[attr-defined]
                raise ConnectionAbortedError("project service call cancelled at its deadline")
            self.owner = call
            call.conn = self

    def connect(self) -> None:
        self._attach()
        super().connect()  # type: ignore[misc]
        self._attach()  # the caller may have given up while DNS or the handshake ran

    def request(self, *args: Any, **kwargs: Any) -> None:
        self._attach()  # a reused keep-alive connection skips connect()
        super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_AbortableMixin, HTTPConnection):
    pass


class _HTTPSConnection(_AbortableMixin, HTTPSConnection):
    pass


class _ReleasingMixin:
    """A pool that detaches a connection from its call before anyone else can take it."""

    def _put_conn(self, conn: Any) -> None:
        if isinstance(conn, _AbortableMixin):
            with _LOCK:
                conn.owner = None
        super()._put_conn(conn)  # type: ignore[misc]


class _HTTPPool(_ReleasingMixin, HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(_ReleasingMixin, HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _AbortableAdapter(HTTPAdapter):
    """An adapter whose connections the caller can abort."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}

    def close(self) -> None:
        # urllib3 2.8's PoolManager.clear() leaves pooled sockets open until the pools are garbage collected.
        pools = self.poolmanager.pools
        for key in pools.keys():  # noqa: SIM118 -- RecentlyUsedContainer refuses plain iteration
            pool = pools.get(key)
            if pool is not None:
                pool.close()
        super().close()


class ProjectClient:
    """Asks the project service for file-access decisions; every failure raises ProjectServiceUnavailable.

    At most `max_concurrency` calls are in flight: one more waits for a slot while the service shows progress, and is
    denied at once when the calls in flight look stuck (see Bulkhead) instead of queueing towards its deadline.
    After `breaker_failures` consecutive failures calls are denied at once for `breaker_reset` seconds.
    """

    def __init__(
        self,
        base_url: str,
        timeout: float = 2.0,
        retry_after: int = 5,
        max_concurrency: int = 4,
        *,
        dialect: str = "seed",
        breaker_failures: int = 4,
        breaker_reset: float = 10.0,
        clock: Clock | None = None,
    ) -> None:
        if dialect not in DIALECTS:
            raise ValueError(f"unknown project service dialect {dialect!r}; one of {', '.join(DIALECTS)}")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry_after = retry_after
        self.dialect = DIALECTS[dialect]
        self.breaker = CircuitBreaker(breaker_failures, breaker_reset, clock or Clock())
        self.bulkhead = Bulkhead(max_concurrency, PATIENCE * timeout)
        self._session = requests.Session()
        # The caller's JWT must reach only base_url: no proxy or netrc credentials from the environment.
        self._session.trust_env = False
        # A cookie set in one user's answer must never ride along on another user's check.
        self._session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        adapter = _AbortableAdapter(pool_connections=1, pool_maxsize=max_concurrency, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._executor = ThreadPoolExecutor(max_workers=max_concurrency, thread_name_prefix="project-client")
        self._inflight: set[_Call] = set()

    def check(self, project_id: str, action: str, token: str | None, file_id: str | None = None) -> Decision:
        """One decision; raises ProjectServiceUnavailable when no trustworthy answer arrives in time."""
        if self.dialect.single_path is None:
            return self.check_batch([(project_id, action, file_id)], token)[0]
        item = self.dialect.check(project_id, action, file_id)
        return self._call(self.dialect.single_path, item, token, _decision)

    def check_batch(self, checks: list[tuple[str, str, str | None]], token: str | None) -> list[Decision]:
        """Decisions for several (project_id, action, file_id) checks in one call, in the same order."""
        if not checks:
            return []
        items = [self.dialect.check(*c) for c in checks]
        return self._call(self.dialect.batch_path, {"checks": items}, token, lambda body: _decisions(body, items))

    def close(self) -> None:
        """Abort calls in flight, stop the workers and close pooled connections."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        with _LOCK:
            inflight = list(self._inflight)
        for call in inflight:
            call.abort()
        self._session.close()

    def _call(self, path: str, payload: dict, token: str | None, parse: Callable[[Any], T]) -> T:
        if token and not _COOKIE_VALUE.fullmatch(token):
            # The caller's fault, not the service's: refused before the breaker counts anything. Checked here
            # because requests' own error would quote the token into the log.
            raise self._denial(path, "the token cannot be sent as a cookie or header value", self.retry_after)
        deadline = time.monotonic() + self.timeout  # waiting for a slot counts against the call's deadline
        slot = self.bulkhead.acquire(deadline)
        if slot is None:
            observability.project_rejected("concurrency")
            # A slot frees within one deadline: every call in flight ends by then.
            raise self._denial(path, "too many calls in flight", max(1, math.ceil(self.timeout)), log=False)
        ok = False
        try:
            try:
                probe = self.breaker.admit()
            except BreakerOpen as exc:
                observability.project_rejected("breaker_open")
                raise self._denial(path, str(exc), exc.retry_after, log=False) from None
            try:
                result = self._exchange_within_deadline(deadline, path, payload, token, parse)
                ok = True
                return result
            finally:
                if (state := self.breaker.record(ok, probe)) is not None:
                    logger.warning("project service circuit %s", state)
        finally:
            self.bulkhead.release(slot, answered=ok)

    def _denial(self, path: str, reason: str, retry_after: int, *, log: bool = True) -> ProjectServiceUnavailable:
        if log:  # rejections by the breaker or the cap are counted in metrics, not logged one by one
            logger.warning("project service %s failed, denying access: %s", path, reason)
        return ProjectServiceUnavailable(headers={"Retry-After": str(retry_after)})

    def _exchange_within_deadline(
        self, deadline: float, path: str, payload: dict, token: str | None, parse: Callable[[Any], T]
    ) -> T:
        call = _Call(deadline)
        with _LOCK:
            self._inflight.add(call)
        outcome = "error"
        try:
            future = self._executor.submit(self._exchange, call, path, payload, token)
            try:
                result = parse(future.result(timeout=max(call.remaining(), 0)))
                outcome = "ok"
                return result
            except TimeoutError:
                outcome = "timeout"
                future.cancel()
                call.abort()
                reason = f"no complete answer within {self.timeout}s"
        except Exception as exc:  # fail closed: whatever went wrong, the access is not confirmed
            reason = f"{type(exc).__name__}: {exc}"
        finally:
            observability.project_call(outcome, self.timeout - call.remaining())
            with _LOCK:
                self._inflight.discard(call)
        raise self._denial(path, reason, self.retry_after)

    def _exchange(self, call: _Call, path: str, payload: dict, token: str | None) -> Any:
        """Worker side: POST and read the whole body; the caller aborts it at the deadline."""
        _local.call = call
        try:
            remaining = call.remaining()
            if remaining <= 0:
                raise _Malformed("deadline passed before the request started")
            headers = {"Authorization": f"Bearer {token}", "Cookie": f"access_token={token}"} if token else {}
            with self._session.post(
                self.base_url + path,
                json=payload,
                headers=headers,
                timeout=(remaining, remaining),
                stream=True,
                allow_redirects=False,
            ) as response:
                if response.status_code != 200:
                    raise _Malformed(f"HTTP {response.status_code}")
                body = bytearray()
                for chunk in response.iter_content(16384):
                    body += chunk
                    if len(body) > MAX_BODY:
                        raise _Malformed("answer too large")
            try:
                return json.loads(body)
            except ValueError:
                raise _Malformed("answer is not JSON") from None
        finally:
            _local.call = None


def _decision(answer: Any) -> Decision:
    if not isinstance(answer, dict):
        raise _Malformed("answer is not a JSON object")
    allowed = answer.get("allowed")
    if type(allowed) is not bool:  # 1, "true" and null are not a decision
        raise _Malformed(f"'allowed' is {type(allowed).__name__}, not a boolean")
    role = answer.get("role")
    if role is not None and not isinstance(role, str):
        raise _Malformed("'role' is not a string")
    reason = answer.get("reason")
    return Decision(allowed, role, reason if isinstance(reason, str) else None)


def _decisions(answer: Any, items: list[dict]) -> list[Decision]:
    results = answer.get("results") if isinstance(answer, dict) else None
    if not isinstance(results, list) or len(results) != len(items):
        raise _Malformed(f"expected {len(items)} results in order")
    for result, item in zip(results, items, strict=True):
        if not isinstance(result, dict) or any(_differs(result, item, key) for key in ("project_id", "action")):
            raise _Malformed("results do not match the checks in order")
        if "file_id" in item and result.get("file_id") is not None and _differs(result, item, "file_id"):
            raise _Malformed("results do not match the checks in order")
    return [_decision(result) for result in results]


def _differs(result: dict, item: dict, key: str) -> bool:
    # Compared as text: a service may echo a numeric id as a number.
    return key not in result or str(result[key]) != str(item[key])
