"""ProjectClient against a real local fake project service: decisions, forwarding, fail-closed and the deadline."""

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.auth.project_client import Decision, ProjectClient
from app.errors import ProjectServiceUnavailable
from tests.support.fake_project_service import FakeProjectService
from tests.support.tokens import make_token

DEADLINE = 2.0
SLACK = 0.1  # the spec's bound: a failed call returns within 2.1 s of its start


@pytest.fixture
def fake():
    with FakeProjectService() as service:
        yield service


@pytest.fixture
def client(fake):
    project_client = ProjectClient(fake.live_url, timeout=DEADLINE, retry_after=7)
    yield project_client
    project_client.close()


def _fails_closed(call) -> float:
    """Run `call`, assert it raises ProjectServiceUnavailable with Retry-After, return the elapsed seconds."""
    start = time.monotonic()
    with pytest.raises(ProjectServiceUnavailable) as info:
        call()
    elapsed = time.monotonic() - start
    assert info.value.status == 403
    assert info.value.code == "project_service_unavailable"
    assert info.value.headers == {"Retry-After": "7"}
    return elapsed


def _worker_threads() -> int:
    return sum(t.name.startswith("project-client") for t in threading.enumerate())


def _wait_until(predicate, seconds: float = 3.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_allowed_decision_carries_role(fake, client):
    fake.mode = "rules"
    fake.rules = {("p1", "u1", "lock"): (True, "owner")}
    assert client.check("p1", "lock", make_token("u1")) == Decision(True, "owner", None)


def test_denied_decision_is_an_answer_not_a_failure(fake, client):
    fake.mode = "deny"
    decision = client.check("p1", "read", make_token("u1"))
    assert decision.allowed is False
    assert decision.reason


def test_token_forwarded_as_cookie_and_bearer(fake, client):
    token = make_token("u1")
    client.check("p1", "write", token, file_id="f9")
    (call,) = fake.calls
    assert call.path == "/check-file-access"
    assert call.json == {"project_id": "p1", "action": "write", "file_id": "f9"}
    assert call.headers["authorization"] == f"Bearer {token}"
    assert call.headers["cookie"] == f"access_token={token}"
    assert call.user_id == "u1"


def test_without_token_no_credentials_and_no_file_id(fake, client):
    client.check("p1", "read", None)
    (call,) = fake.calls
    assert call.json == {"project_id": "p1", "action": "read"}
    assert "authorization" not in call.headers
    assert "cookie" not in call.headers


def test_decisions_are_never_cached(fake, client):
    token = make_token("u1")
    assert client.check("p1", "read", token).allowed
    fake.mode = "deny"
    assert not client.check("p1", "read", token).allowed
    assert len(fake.calls) == 2


def test_batch_is_one_call_and_keeps_order(fake, client):
    fake.mode = "rules"
    fake.rules = lambda project, user, action: (project in ("p2", "p4"), "viewer") if user == "u2" else False
    checks = [("p1", "read", None), ("p2", "read", "f2"), ("p3", "read", None), ("p4", "delete", "f4")]
    decisions = client.check_batch(checks, make_token("u2"))
    assert [d.allowed for d in decisions] == [False, True, False, True]
    assert decisions[1].role == "viewer"
    (call,) = fake.calls
    assert call.path == "/check-file-access/batch"
    assert call.json == {
        "checks": [
            {"project_id": "p1", "action": "read"},
            {"project_id": "p2", "action": "read", "file_id": "f2"},
            {"project_id": "p3", "action": "read"},
            {"project_id": "p4", "action": "delete", "file_id": "f4"},
        ]
    }


def test_empty_batch_makes_no_call(fake, client):
    assert client.check_batch([], make_token("u1")) == []
    assert fake.calls == []


@pytest.mark.parametrize("mode", ["error500", "garbage", "non_boolean", "missing_allowed", "hang", "trickle"])
def test_single_check_fails_closed(fake, client, mode):
    fake.mode = mode
    elapsed = _fails_closed(lambda: client.check("p1", "read", make_token("u1")))
    assert elapsed <= DEADLINE + SLACK
    assert len(fake.calls) == 1


@pytest.mark.parametrize("answer", [{"allowed": 1}, {"allowed": 0}, {"allowed": None}, {"allowed": "false"}, {}, []])
def test_allowed_must_be_a_real_boolean(fake, client, answer):
    fake.mode = "rules"
    fake.rules = lambda *key: answer
    _fails_closed(lambda: client.check("p1", "read", make_token("u1")))


@pytest.mark.parametrize("mode", ["short_batch", "reorder_batch", "non_boolean", "garbage", "error500", "trickle"])
def test_batch_fails_closed(fake, client, mode):
    fake.mode = mode
    checks = [("p1", "read", None), ("p2", "write", None), ("p3", "read", None)]
    elapsed = _fails_closed(lambda: client.check_batch(checks, make_token("u1")))
    assert elapsed <= DEADLINE + SLACK


def test_refused_connection_fails_closed(fake):
    fake.mode = "refuse"
    refused = ProjectClient(fake.url, timeout=DEADLINE, retry_after=7)
    try:
        assert _fails_closed(lambda: refused.check("p1", "read", make_token("u1"))) < 1.0
    finally:
        refused.close()
    assert fake.calls == []


def test_reset_on_the_live_port_fails_closed(fake, client):
    fake.mode = "refuse"  # a client already configured with the live URL gets its connection reset
    _fails_closed(lambda: client.check("p1", "read", make_token("u1")))


def test_unresolvable_host_fails_closed():
    unresolvable = ProjectClient("http://project-service.invalid", timeout=DEADLINE, retry_after=7)
    try:
        assert _fails_closed(lambda: unresolvable.check("p1", "read", None)) <= DEADLINE + SLACK
    finally:
        unresolvable.close()


@pytest.mark.parametrize("mode", ["hang", "trickle"])
def test_deadline_bounds_the_whole_call(fake, client, mode):
    fake.mode = mode
    elapsed = _fails_closed(lambda: client.check("p1", "read", make_token("u1")))
    assert DEADLINE - 0.05 <= elapsed <= DEADLINE + SLACK


def test_trickling_call_releases_its_worker(fake):
    # One worker: if the trickled answer (a minute long) kept it, the next check would queue past its deadline.
    single = ProjectClient(fake.live_url, timeout=DEADLINE, retry_after=7, max_workers=1)
    try:
        fake.mode = "trickle"
        _fails_closed(lambda: single.check("p1", "read", make_token("u1")))
        fake.mode = "allow"
        start = time.monotonic()
        assert single.check("p1", "read", make_token("u1")).allowed
        assert time.monotonic() - start < 0.5
    finally:
        single.close()


def test_burst_of_hanging_calls_is_bounded(fake):
    burst, workers = 20, 4
    hanging = ProjectClient(fake.live_url, timeout=DEADLINE, retry_after=7, max_workers=workers)
    threads_before = threading.active_count()
    fds_before = len(os.listdir("/proc/self/fd"))
    fake.mode = "hang"
    barrier = threading.Barrier(burst)

    def one_call(_: int) -> float:
        barrier.wait()
        return _fails_closed(lambda: hanging.check("p1", "read", make_token("u1")))

    try:
        start = time.monotonic()
        with ThreadPoolExecutor(burst) as callers:
            elapsed = list(callers.map(one_call, range(burst)))
        assert max(elapsed) <= DEADLINE + SLACK
        assert time.monotonic() - start <= DEADLINE + 0.5
        assert _worker_threads() <= workers
        # Calls still queued at their deadline are dropped, never sent later.
        sent = len(fake.calls)
        time.sleep(0.3)
        assert len(fake.calls) == sent < burst
        # The aborted connections end the fake's handlers: only the idle workers remain.
        assert _wait_until(lambda: threading.active_count() <= threads_before + workers)
        fake.mode = "allow"
        assert hanging.check("p1", "read", make_token("u1")).allowed
    finally:
        hanging.close()
    assert _wait_until(lambda: threading.active_count() <= threads_before and _worker_threads() == 0)
    assert _wait_until(lambda: len(os.listdir("/proc/self/fd")) <= fds_before)


def test_close_aborts_calls_in_flight(fake):
    closing = ProjectClient(fake.live_url, timeout=DEADLINE, retry_after=7)
    fake.mode = "hang"
    threading.Timer(0.2, closing.close).start()
    assert _fails_closed(lambda: closing.check("p1", "read", None)) < 1.0


def test_failure_is_logged_without_the_token(fake, client, caplog):
    token = make_token("u1")
    fake.mode = "error500"
    with caplog.at_level(logging.WARNING, logger="app.auth.project_client"):
        _fails_closed(lambda: client.check("p1", "read", token))
        _fails_closed(lambda: client.check("p1", "read", token + "\n"))  # cannot be a header value
        _fails_closed(lambda: client.check("p1", "read", token + "; other=1"))  # would smuggle a cookie
    assert "HTTP 500" in caplog.text
    assert len(caplog.records) == 3
    assert token not in caplog.text
    assert len(fake.calls) == 1
