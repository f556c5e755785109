"""Client for the project service's file-access checks: hard per-call deadline, fail-closed, never cached."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import logging
import re
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from app import observability
from app.errors import ProjectServiceUnavailable

logger = logging.getLogger(__name__)

T = TypeVar("T")
MAX_BODY = 1 << 20  # a decision is tiny; a huge answer is garbage, not something to buffer
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
    """Asks the project service for file-access decisions; every failure raises ProjectServiceUnavailable."""

    def __init__(self, base_url: str, timeout: float = 2.0, retry_after: int = 5, max_workers: int = 16) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retry_after = retry_after
        self._session = requests.Session()
        # The caller's JWT must reach only base_url: no proxy or netrc credentials from the environment.
        self._session.trust_env = False
        # A cookie set in one user's answer must never ride along on another user's check.
        self._session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        adapter = _AbortableAdapter(pool_connections=1, pool_maxsize=max_workers, max_retries=0)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._executor = ThreadPoolExecutor(max_workers=max_workers, thread_name_prefix="project-client")
        self._inflight: set[_Call] = set()

    def check(self, project_id: str, action: str, token: str | None, file_id: str | None = None) -> Decision:
        """One decision; raises ProjectServiceUnavailable when no trustworthy answer arrives in time."""
        return self._call("/check-file-access", _check(project_id, action, file_id), token, _decision)

    def check_batch(self, checks: list[tuple[str, str, str | None]], token: str | None) -> list[Decision]:
        """Decisions for several (project_id, action, file_id) checks in one call, in the same order."""
        if not checks:
            return []
        items = [_check(*c) for c in checks]
        return self._call("/check-file-access/batch", {"checks": items}, token, lambda body: _decisions(body, items))

    def close(self) -> None:
        """Abort calls in flight, stop the workers and close pooled connections."""
        self._executor.shutdown(wait=False, cancel_futures=True)
        with _LOCK:
            inflight = list(self._inflight)
        for call in inflight:
            call.abort()
        self._session.close()

    def _call(self, path: str, payload: dict, token: str | None, parse: Callable[[Any], T]) -> T:
        call = _Call(time.monotonic() + self.timeout)
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
        logger.warning("project service %s failed, denying access: %s", path, reason)
        raise ProjectServiceUnavailable(headers={"Retry-After": str(self.retry_after)})

    def _exchange(self, call: _Call, path: str, payload: dict, token: str | None) -> Any:
        """Worker side: POST and read the whole body; the caller aborts it at the deadline."""
        _local.call = call
        try:
            remaining = call.remaining()
            if remaining <= 0:
                raise _Malformed("deadline passed before the request started")
            if token and not _COOKIE_VALUE.fullmatch(token):
                # Checked here because requests' own error would quote the token into the log.
                raise _Malformed("the token cannot be sent as a cookie or header value")
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


def _check(project_id: str, action: str, file_id: str | None = None) -> dict:
    item = {"project_id": project_id, "action": action}
    if file_id is not None:
        item["file_id"] = file_id
    return item


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
