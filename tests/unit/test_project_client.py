"""ProjectClient against a real local fake project service: decisions, forwarding, fail-closed and the deadline."""

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.auth.project_client import BreakerOpen, CircuitBreaker, Decision, ProjectClient
from app.clock import ManualClock
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


def _fails_closed(call, retry_after: str = "7") -> float:
    """Run `call`, assert it raises ProjectServiceUnavailable with Retry-After, return the elapsed seconds."""
    start = time.monotonic()
    with pytest.raises(ProjectServiceUnavailable) as info:
        call()
    elapsed = time.monotonic() - start
    assert info.value.status == 403
    assert info.value.code == "project_service_unavailable"
    assert info.value.headers == {"Retry-After": retry_after}
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
    single = ProjectClient(fake.live_url, timeout=DEADLINE, retry_after=7, max_concurrency=1)
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
    hanging = ProjectClient(fake.live_url, timeout=DEADLINE, retry_after=7, max_concurrency=workers, breaker_failures=0)
    threads_before = threading.active_count()
    workers_before = _worker_threads()  # other clients' idle workers in this process (earlier tests) are not ours
    fds_before = len(os.listdir("/proc/self/fd"))
    fake.mode = "hang"
    barrier = threading.Barrier(burst)

    def one_call(_: int) -> tuple[float, str]:
        barrier.wait()
        start = time.monotonic()
        with pytest.raises(ProjectServiceUnavailable) as info:
            hanging.check("p1", "read", make_token("u1"))
        return time.monotonic() - start, info.value.headers["Retry-After"]

    try:
        start = time.monotonic()
        with ThreadPoolExecutor(burst) as callers:
            elapsed, retry_after = zip(*callers.map(one_call, range(burst)), strict=True)
        assert max(elapsed) <= DEADLINE + SLACK
        # Timed out: the configured Retry-After; over the cap: a slot frees within one deadline (2 s).
        assert sorted(retry_after) == ["2"] * (burst - workers) + ["7"] * workers
        assert time.monotonic() - start <= DEADLINE + 0.5
        assert _worker_threads() - workers_before <= workers
        # Only `workers` calls went out; the others were denied at once and are never sent later.
        sent = len(fake.calls)
        time.sleep(0.3)
        assert len(fake.calls) == sent == workers
        # The aborted connections end the fake's handlers: only the idle workers remain.
        assert _wait_until(lambda: threading.active_count() <= threads_before + workers)
        fake.mode = "allow"
        assert hanging.check("p1", "read", make_token("u1")).allowed
    finally:
        hanging.close()
    assert _wait_until(lambda: threading.active_count() <= threads_before and _worker_threads() <= workers_before)
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


# --- the platform's dialect (contract §9): one batch endpoint, `<action>_files` ------------------------------------


@pytest.fixture
def waterfall():
    with FakeProjectService(dialect="waterfall") as service:
        yield service


@pytest.fixture
def waterfall_client(waterfall):
    project_client = ProjectClient(waterfall.live_url, timeout=DEADLINE, retry_after=7, dialect="waterfall")
    yield project_client
    project_client.close()


def test_waterfall_single_check_is_a_batch_of_one(waterfall, waterfall_client):
    waterfall.mode = "rules"
    waterfall.rules = {("p1", "u1", "lock"): (True, "owner")}
    token = make_token("u1")
    assert waterfall_client.check("p1", "lock", token, file_id="f9") == Decision(True, "owner", None)
    (call,) = waterfall.calls
    assert call.path == "/check-file-access-batch"
    assert call.json == {"checks": [{"project_id": "p1", "action": "lock_files"}]}  # no file_id in this dialect
    assert call.headers["authorization"] == f"Bearer {token}"
    assert call.headers["cookie"] == f"access_token={token}"


def test_waterfall_maps_every_action_and_keeps_order(waterfall, waterfall_client):
    waterfall.mode = "rules"
    waterfall.rules = lambda project, user, action: (True, "member") if action in ("read", "lock") else False
    actions = ["read", "write", "delete", "lock", "validate"]
    decisions = waterfall_client.check_batch([(f"p{i}", a, None) for i, a in enumerate(actions)], make_token("u1"))
    assert [d.allowed for d in decisions] == [True, False, False, True, False]
    assert decisions[1].reason and decisions[0].reason is None
    (call,) = waterfall.calls
    assert call.json == {"checks": [{"project_id": f"p{i}", "action": f"{a}_files"} for i, a in enumerate(actions)]}


def test_waterfall_null_role_and_reason_are_an_answer(waterfall, waterfall_client):
    waterfall.mode = "rules"
    waterfall.rules = lambda *key: {"allowed": True, "role": None, "reason": None}
    assert waterfall_client.check("p1", "read", make_token("u1")) == Decision(True, None, None)


@pytest.mark.parametrize(
    "mode", ["short_batch", "reorder_batch", "non_boolean", "missing_allowed", "garbage", "error500", "hang", "trickle"]
)
def test_waterfall_fails_closed(waterfall, waterfall_client, mode):
    waterfall.mode = mode
    _fails_closed(lambda: waterfall_client.check_batch([("p1", "read", None), ("p2", "write", None)], None))
    if mode != "reorder_batch":  # one result reversed is still in order
        _fails_closed(lambda: waterfall_client.check("p1", "read", None))


@pytest.mark.parametrize("echo", [{"action": "read"}, {"project_id": "p2"}, {"action": None}])
def test_waterfall_result_must_echo_the_check(waterfall, waterfall_client, echo):
    waterfall.mode = "rules"
    waterfall.rules = lambda *key: {"allowed": True, "role": None, "reason": None, **echo}
    _fails_closed(lambda: waterfall_client.check("p1", "read", make_token("u1")))


def test_waterfall_refused_port_fails_closed(waterfall):
    waterfall.mode = "refuse"
    refused = ProjectClient(waterfall.url, timeout=DEADLINE, retry_after=7, dialect="waterfall")
    try:
        _fails_closed(lambda: refused.check("p1", "read", None))
    finally:
        refused.close()


def test_dialects_do_not_understand_each_other(fake, waterfall):
    """Each fake refuses the other dialect's paths (404), as the real services do: never an accidental allow."""
    seed_on_waterfall = ProjectClient(waterfall.live_url, timeout=DEADLINE, retry_after=7)
    waterfall_on_seed = ProjectClient(fake.live_url, timeout=DEADLINE, retry_after=7, dialect="waterfall")
    try:
        _fails_closed(lambda: seed_on_waterfall.check("p1", "read", None))
        _fails_closed(lambda: seed_on_waterfall.check_batch([("p1", "read", None), ("p2", "read", None)], None))
        _fails_closed(lambda: waterfall_on_seed.check("p1", "read", None))
    finally:
        seed_on_waterfall.close()
        waterfall_on_seed.close()
    assert [c.path for c in waterfall.calls] == ["/check-file-access", "/check-file-access/batch"]
    assert [c.path for c in fake.calls] == ["/check-file-access-batch"]


def test_unknown_dialect_is_refused_at_start():
    with pytest.raises(ValueError, match="dialect"):
        ProjectClient("http://127.0.0.1:9", dialect="graphql")


# --- circuit breaker (contract §9 Isolation): driven by a manual clock, no sleeping -------------------------------


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def guarded(fake, clock):
    """A client whose breaker opens after 3 consecutive failures for 10 seconds."""
    project_client = ProjectClient(
        fake.live_url, timeout=0.5, retry_after=7, breaker_failures=3, breaker_reset=10, clock=clock
    )
    yield project_client
    project_client.close()


def _open_breaker(fake, guarded, mode="error500"):
    fake.mode = mode
    for _ in range(3):
        _fails_closed(lambda: guarded.check("p1", "read", None))
    assert guarded.breaker.state == "open"


@pytest.mark.parametrize("mode", ["error500", "garbage", "non_boolean", "short_batch", "hang", "trickle"])
def test_breaker_opens_after_consecutive_failures_and_denies_without_calling(fake, guarded, clock, mode):
    fake.mode = mode
    for _ in range(3):
        _fails_closed(lambda: guarded.check_batch([("p1", "read", None), ("p2", "read", None)], None))
    calls = len(fake.calls)
    fake.mode = "allow"  # even a recovered service is not asked while the breaker is open
    _fails_closed(lambda: guarded.check("p1", "read", None), retry_after="10")
    clock.advance(4.2)
    _fails_closed(lambda: guarded.check("p1", "read", None), retry_after="6")  # the remaining open time, rounded up
    clock.advance(5.7)
    _fails_closed(lambda: guarded.check("p1", "read", None), retry_after="1")  # at least 1
    assert len(fake.calls) == calls


def test_refused_connections_open_the_breaker(fake, clock):
    fake.mode = "refuse"
    refused = ProjectClient(fake.url, timeout=0.5, retry_after=7, breaker_failures=2, breaker_reset=30, clock=clock)
    try:
        _fails_closed(lambda: refused.check("p1", "read", None))
        _fails_closed(lambda: refused.check("p1", "read", None))
        _fails_closed(lambda: refused.check("p1", "read", None), retry_after="30")
    finally:
        refused.close()


def test_half_open_probe_that_succeeds_closes_the_breaker(fake, guarded, clock):
    _open_breaker(fake, guarded)
    clock.advance(10)
    assert guarded.breaker.state == "half_open"
    fake.mode = "allow"
    calls = len(fake.calls)
    assert guarded.check("p1", "read", None).allowed
    assert guarded.breaker.state == "closed"
    assert guarded.check("p2", "read", None).allowed
    assert len(fake.calls) == calls + 2


def test_half_open_probe_that_fails_opens_it_for_another_period(fake, guarded, clock):
    _open_breaker(fake, guarded)
    clock.advance(10)
    calls = len(fake.calls)
    _fails_closed(lambda: guarded.check("p1", "read", None))  # the probe went out, and failed
    assert len(fake.calls) == calls + 1
    _fails_closed(lambda: guarded.check("p1", "read", None), retry_after="10")
    assert len(fake.calls) == calls + 1


def test_only_one_probe_while_half_open(fake, guarded, clock):
    _open_breaker(fake, guarded)
    clock.advance(10)
    fake.mode = "hang"
    calls = len(fake.calls)
    probe = threading.Thread(target=lambda: pytest.raises(ProjectServiceUnavailable, guarded.check, "p1", "read", None))
    probe.start()
    try:
        assert _wait_until(lambda: len(fake.calls) == calls + 1)
        _fails_closed(lambda: guarded.check("p2", "read", None), retry_after="1")  # denied while the probe is out
        _fails_closed(lambda: guarded.check("p3", "read", None), retry_after="1")
        assert len(fake.calls) == calls + 1
    finally:
        probe.join()
    assert guarded.breaker.state == "open"


def test_a_success_resets_the_failure_count(fake, guarded):
    for _ in range(3):
        fake.mode = "error500"
        _fails_closed(lambda: guarded.check("p1", "read", None))
        _fails_closed(lambda: guarded.check("p1", "read", None))
        fake.mode = "allow"
        assert guarded.check("p1", "read", None).allowed
    assert guarded.breaker.state == "closed"


def test_a_clear_denial_is_not_a_failure(fake, guarded):
    fake.mode = "deny"
    for _ in range(10):
        assert guarded.check("p1", "read", make_token("u1")).allowed is False
    assert guarded.breaker.state == "closed"


def test_an_unsendable_token_does_not_count_against_the_service(fake, guarded):
    token = make_token("u1")
    for _ in range(5):
        _fails_closed(lambda: guarded.check("p1", "read", token + "\n"))
    assert guarded.breaker.state == "closed"
    assert guarded.check("p1", "read", token).allowed
    assert fake.calls and all(c.user_id == "u1" for c in fake.calls)


def test_breaker_failures_zero_disables_it(fake, clock):
    unguarded = ProjectClient(fake.live_url, timeout=0.5, retry_after=7, breaker_failures=0, clock=clock)
    try:
        fake.mode = "error500"
        for _ in range(8):
            _fails_closed(lambda: unguarded.check("p1", "read", None))
        assert len(fake.calls) == 8
    finally:
        unguarded.close()


def test_breaker_ignores_a_clock_set_back():
    clock = ManualClock()
    breaker = CircuitBreaker(failures=1, reset=10, clock=clock)
    breaker.record(ok=False, probe=breaker.admit())
    clock.advance(-3600)  # open for one period from now, not for the hour until the clock catches up
    with pytest.raises(BreakerOpen) as info:
        breaker.admit()
    assert info.value.retry_after == 10
    clock.advance(10)
    assert breaker.admit() is True


# --- concurrency cap (bulkhead) -------------------------------------------------------------------------------------


def test_calls_over_the_cap_are_denied_at_once(fake):
    capped = ProjectClient(fake.live_url, timeout=1.0, retry_after=7, max_concurrency=2)
    fake.mode = "hang"
    out = [threading.Thread(target=pytest.raises, args=(ProjectServiceUnavailable, capped.check, "p1", "read", None))]
    out.append(
        threading.Thread(target=pytest.raises, args=(ProjectServiceUnavailable, capped.check, "p2", "read", None))
    )
    try:
        for thread in out:
            thread.start()
        assert _wait_until(lambda: len(fake.calls) == 2)
        # Full: denied without queueing; Retry-After is one deadline, by when a slot is free.
        _fails_closed(lambda: capped.check("p3", "read", None), retry_after="1")
        assert len(fake.calls) == 2
        for thread in out:
            thread.join()
        fake.mode = "allow"
        assert capped.check("p4", "read", None).allowed  # the slots came back
        assert capped.breaker.state == "closed"  # being full is not the service failing
    finally:
        capped.close()


def test_a_busy_healthy_service_is_waited_for_not_denied(fake):
    """Slots that free within the grace are waited for: a full cap of quick calls is no reason to deny."""
    capped = ProjectClient(fake.live_url, timeout=2.0, retry_after=7, max_concurrency=1)
    lock, in_flight, most = threading.Lock(), [0], [0]

    def slow_but_healthy(project, user, action):
        with lock:
            in_flight[0] += 1
            most[0] = max(most[0], in_flight[0])
        time.sleep(0.02)
        with lock:
            in_flight[0] -= 1
        return True, "member"

    fake.mode, fake.rules = "rules", slow_but_healthy
    barrier = threading.Barrier(4)

    def one_call(index: int) -> bool:
        barrier.wait()
        return capped.check(f"p{index}", "read", None).allowed

    try:
        with ThreadPoolExecutor(4) as callers:
            assert list(callers.map(one_call, range(4))) == [True] * 4
    finally:
        capped.close()
    assert len(fake.calls) == 4 and most[0] == 1  # one at a time, as capped
