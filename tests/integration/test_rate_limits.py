"""Rate limits per user and route family (contract §7) on the real Redis at 127.0.0.1:6379.

Each test spends budgets under a key prefix of its own, so runs and tests sharing the Redis never meet. Budgets are
per hour in these tests: a window never ends in the middle of one.
"""

from __future__ import annotations

import logging
import re
import subprocess
import time
import uuid

import pytest
import redis
import requests

from app.config import ConfigError
from tests.integration.test_observability import _sample
from tests.integration.test_two_instances import ROOT, Instance
from tests.support.files_api import error, proxy_upload
from tests.support.production_env import production_env
from tests.support.seaweed import free_ports
from tests.support.tokens import SECRET, bearer

REDIS_URL = "redis://127.0.0.1:6379/0"
FAMILIES = ("uploads", "downloads", "reads", "deletes", "writes")
SETTING = {family: f"RATE_LIMIT_{family.upper()}" for family in FAMILIES}
SYSTEM_ROUTES = ("/health", "/version", "/config", "/metrics", "/openapi.json", "/docs")


@pytest.fixture(scope="module")
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5)
    client.ping()  # no Redis is a failure, not a skip: .ci/run starts it
    yield client
    client.close()


@pytest.fixture
def prefix(redis_client):
    """A key prefix of this test's own; its keys are removed afterwards."""
    prefix = f"ratelimit-test-{uuid.uuid4().hex}"
    yield prefix
    keys = list(redis_client.scan_iter(match=f"*{prefix}*"))
    if keys:
        redis_client.delete(*keys)


@pytest.fixture
def limited(make_app, prefix):
    """make_app with the counters in the real Redis under this test's prefix."""

    def build(backend="local", **settings):
        return make_app(backend, RATELIMIT_STORAGE_URI=REDIS_URL, RATE_LIMIT_KEY_PREFIX=prefix, **settings)

    return build


def spend(client, family, headers):
    """One cheap request of `family` (the view may refuse it: the budget is spent before the view runs)."""
    missing = {"bucket": "users", "id": "u1", "path": "missing.txt"}
    if family == "uploads":
        return client.post("/upload/confirm", json={"upload_id": str(uuid.uuid4())}, headers=headers)
    if family == "downloads":
        return client.get("/download/presign", query_string=missing, headers=headers)
    if family == "reads":
        return client.get("/list", query_string={"bucket": "users", "id": "u1"}, headers=headers)
    if family == "deletes":
        return client.delete("/delete", json={"file_id": str(uuid.uuid4())}, headers=headers)
    return client.post("/lock", json={"file_id": str(uuid.uuid4())}, headers=headers)


def limit_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k.startswith("RateLimit-") or k == "Retry-After"}


def test_a_user_over_the_limit_does_not_slow_another(limited, auth):
    app = limited(RATE_LIMIT_UPLOADS="3/hour")
    client = app.test_client()
    for n in range(3):
        proxy_upload(client, auth("u1"), {"bucket": "users", "id": "u1", "path": f"f{n}.txt"}, b"x")
    refused = proxy_upload(client, auth("u1"), {"bucket": "users", "id": "u1", "path": "f3.txt"}, b"x", expect=429)
    assert refused["message"] == "rate_limited"
    names = {f["filename"] for f in client.get("/list?bucket=users&id=u1", headers=auth("u1")).get_json()["files"]}
    assert names == {"f0.txt", "f1.txt", "f2.txt"}  # the refused upload stored nothing
    proxy_upload(client, auth("u2"), {"bucket": "users", "id": "u2", "path": "g.txt"}, b"y")  # u2's own budget


def test_each_family_has_its_own_budget(limited, auth):
    app = limited(**{SETTING[family]: "2/hour" for family in FAMILIES})
    client = app.test_client()
    for family in FAMILIES:
        first = spend(client, family, auth("u1"))
        assert first.status_code != 429 and first.headers["RateLimit-Remaining"] == "1", (family, first.headers)
        assert spend(client, family, auth("u1")).status_code != 429, family
        error(spend(client, family, auth("u1")), 429, "rate_limited")


# Which budget each API route spends (distinct amounts per family tell them apart in RateLimit-Limit).
ROUTE_FAMILIES = [
    ("POST", "/upload/presign", "uploads"),
    ("POST", "/upload/confirm", "uploads"),
    ("POST", "/upload/proxy", "uploads"),
    ("GET", "/download/presign", "downloads"),
    ("POST", "/download/presign", "downloads"),
    ("GET", "/download/proxy", "downloads"),
    ("GET", "/list", "reads"),
    ("GET", "/metadata", "reads"),
    ("GET", "/locks", "reads"),
    ("GET", "/versions", "reads"),
    ("DELETE", "/delete", "deletes"),
    ("PATCH", "/metadata", "writes"),
    ("POST", "/copy", "writes"),
    ("POST", "/lock", "writes"),
    ("POST", "/unlock", "writes"),
    ("POST", "/versions/commit", "writes"),
    ("POST", f"/versions/{uuid.uuid4()}/approve", "writes"),
    ("POST", f"/versions/{uuid.uuid4()}/reject", "writes"),
]


def test_every_route_spends_its_familys_budget(limited, auth):
    amounts = {family: 11 + n for n, family in enumerate(FAMILIES)}
    app = limited(**{SETTING[family]: f"{amounts[family]}/hour" for family in FAMILIES})
    client = app.test_client()
    for method, path, family in ROUTE_FAMILIES:
        response = client.open(path, method=method, headers=auth("u1"))
        assert response.headers.get("RateLimit-Limit") == str(amounts[family]), (method, path, response.status_code)


def test_the_429_answer(limited, auth):
    app = limited(RATE_LIMIT_READS="2/hour")
    client = app.test_client()
    first = spend(client, "reads", auth("u1"))
    assert first.status_code == 200
    assert "Retry-After" not in first.headers  # only a refusal says when to come back
    assert first.headers["RateLimit-Limit"] == "2" and first.headers["RateLimit-Remaining"] == "1"
    assert 3590 <= int(first.headers["RateLimit-Reset"]) <= 3600
    assert spend(client, "reads", auth("u1")).headers["RateLimit-Remaining"] == "0"
    refused = spend(client, "reads", auth("u1"))
    body = error(refused, 429, "rate_limited")
    assert "reads" in body["detail"] and "2 per 1 hour" in body["detail"]
    assert 3590 <= int(refused.headers["Retry-After"]) <= 3600
    assert refused.headers["RateLimit-Limit"] == "2" and refused.headers["RateLimit-Remaining"] == "0"
    metrics = client.get("/metrics").get_data(as_text=True)
    assert _sample(metrics, "storage_rate_limited_total", family="reads") == 1


def test_browsers_may_read_the_limit_headers(limited, auth):
    app = limited(RATE_LIMIT_READS="1/hour", CORS_ORIGINS=["https://app.example"])
    client = app.test_client()
    spend(client, "reads", auth("u1"))
    refused = client.get("/list?bucket=users&id=u1", headers={**auth("u1"), "Origin": "https://app.example"})
    assert refused.status_code == 429
    exposed = {h.strip().lower() for h in refused.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"} <= exposed


def test_unauthenticated_requests_spend_the_client_address_budget(limited, auth):
    app = limited(RATE_LIMIT_READS="2/hour")
    client = app.test_client()
    error(client.get("/list?bucket=users&id=u1"), 401, "missing_jwt_token")
    error(client.get("/list?bucket=users&id=u1", headers=auth("u1", secret="x" * 40)), 401, "unauthorized")
    error(client.get("/list?bucket=users&id=u1"), 429, "rate_limited")  # a flood of bad credentials is throttled
    assert spend(client, "reads", auth("u1")).status_code == 200  # the same address, a user's own budget


def test_system_routes_are_never_limited(limited, auth, redis_client, prefix):
    app = limited(**{SETTING[family]: "1/hour" for family in FAMILIES})
    client = app.test_client()
    for _ in range(5):
        for path in SYSTEM_ROUTES:
            response = client.get(path, headers=auth("u1"))
            assert response.status_code != 429 and not limit_headers(response), (path, response.status_code)
    assert list(redis_client.scan_iter(match=f"*{prefix}*")) == []  # nothing was even counted
    spend(client, "reads", auth("u1"))
    error(spend(client, "reads", auth("u1")), 429, "rate_limited")
    assert client.get("/health").status_code == 200  # with the user's budget spent


def test_generous_default_profile(limited, auth):
    client = limited().test_client()
    expected = {"uploads": "600", "downloads": "3000", "reads": "3000", "deletes": "600", "writes": "1200"}
    assert {family: spend(client, family, auth("u1")).headers["RateLimit-Limit"] for family in FAMILIES} == expected
    for _ in range(48):  # a few dozen requests in a few seconds are never throttled (contract §7)
        assert spend(client, "uploads", auth("u2")).status_code != 429


def test_seed_profile_and_overrides(limited, auth):
    client = limited(RATE_LIMIT_PROFILE="seed").test_client()
    expected = {"uploads": "10", "downloads": "3000", "reads": "100", "deletes": "50", "writes": "1200"}
    assert {family: spend(client, family, auth("u1")).headers["RateLimit-Limit"] for family in FAMILIES} == expected
    for _ in range(9):
        assert spend(client, "uploads", auth("u1")).status_code != 429
    error(spend(client, "uploads", auth("u1")), 429, "rate_limited")  # the 11th upload in a minute

    client = limited(RATE_LIMIT_PROFILE="seed", RATE_LIMIT_DELETES="4/hour").test_client()
    assert spend(client, "deletes", auth("u3")).headers["RateLimit-Limit"] == "4"
    assert spend(client, "reads", auth("u3")).headers["RateLimit-Limit"] == "100"


def test_limits_switched_off(limited, auth, redis_client, prefix):
    app = limited(RATE_LIMITS_ENABLED=False, **{SETTING[family]: "1/hour" for family in FAMILIES})
    client = app.test_client()
    for family in FAMILIES:
        for _ in range(3):
            response = spend(client, family, auth("u1"))
            assert response.status_code != 429 and not limit_headers(response), family
    assert list(redis_client.scan_iter(match=f"*{prefix}*")) == []


@pytest.mark.parametrize(
    ("settings", "named"),
    [
        ({"RATE_LIMIT_PROFILE": "strict"}, "RATE_LIMIT_PROFILE"),
        ({"RATE_LIMIT_READS": "lots"}, "RATE_LIMIT_READS"),
        ({"RATE_LIMIT_UPLOADS": "10 per fortnight"}, "RATE_LIMIT_UPLOADS"),
    ],
)
def test_unusable_limits_stop_the_start(limited, settings, named):
    with pytest.raises(ConfigError, match=named):
        limited(**settings)


def test_an_unknown_counter_storage_stops_the_start(make_app):
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI"):
        make_app("local", RATELIMIT_STORAGE_URI="mongodb://127.0.0.1/limits")


def test_counting_returns_to_redis_once_it_answers(make_app, auth, caplog, tmp_path):
    """A worker that fell back to memory tries Redis again after a second, and counts there once it answers."""
    (port,) = free_ports(1)
    app = make_app("local", RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}/0", RATE_LIMIT_READS="5/hour")
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="app.api.rate_limits"):
        assert spend(client, "reads", auth("u1")).headers["RateLimit-Remaining"] == "4"  # counted in memory
        server = subprocess.Popen(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--dir", str(tmp_path)],
            stdout=subprocess.DEVNULL,
        )
        try:
            started = redis.Redis(port=port, socket_timeout=5)
            deadline = time.monotonic() + 10
            while not _answers(started) and time.monotonic() < deadline:
                time.sleep(0.05)
            time.sleep(1.1)  # the first retry comes a second after the failure
            response = spend(client, "reads", auth("u1"))
            assert response.headers["RateLimit-Remaining"] == "4"  # a new count, in Redis: memory's is not carried
            keys = started.keys("*")
            assert len(keys) == 1 and started.get(keys[0]) == b"1" and 3590_000 <= started.pttl(keys[0]) <= 3600_000
        finally:
            server.terminate()
            server.wait(10)
    messages = [r.getMessage() for r in caplog.records if r.name == "app.api.rate_limits"]
    assert any("unreachable" in m for m in messages) and "Rate limit storage recovered" in messages


def _answers(client: redis.Redis) -> bool:
    try:
        return client.ping()
    except redis.ConnectionError:
        return False


def test_redis_unreachable_fails_open(make_app, auth, caplog):
    """Requests are served; each worker counts in its own memory meanwhile, logged and counted in the metrics."""
    (closed_port,) = free_ports(1)
    app = make_app("local", RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{closed_port}/0", RATE_LIMIT_READS="3/hour")
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="app.api.rate_limits"):
        for _ in range(3):
            response = spend(client, "reads", auth("u1"))
            assert response.status_code == 200, response.get_json()
    assert response.headers["RateLimit-Remaining"] == "0"
    error(spend(client, "reads", auth("u1")), 429, "rate_limited")  # still limited, per worker
    assert any("unreachable" in r.getMessage() for r in caplog.records if r.name == "app.api.rate_limits")
    metrics = client.get("/metrics").get_data(as_text=True)
    assert _sample(metrics, "storage_rate_limit_fallback_total") == 4


# --- Two gunicorn workers, one budget -------------------------------------------------------------------------

ACCESS_LINE = re.compile(r"rate-limit-access pid=<(\d+)> status=(\d+) path=/list$", re.MULTILINE)
BUDGET = 4


@pytest.fixture
def two_workers(make_app, database_url, seaweed, fake_projects, tmp_path, prefix):
    """One production-configured gunicorn with two worker processes; gunicorn's access log names the worker."""
    make_app("minio")  # buckets, and the tables emptied afterwards
    env = production_env(
        database_url,
        seaweed,
        fake_projects,
        SECRET_KEY="rate-limit-test-secret-key-0123456789abcdef",
        JWT_SECRET=SECRET,
        RATELIMIT_STORAGE_URI=REDIS_URL,
        RATE_LIMIT_KEY_PREFIX=prefix,
        RATE_LIMIT_READS=f"{BUDGET}/hour",
        WEB_CONCURRENCY="2",
        GUNICORN_THREADS="2",
        GUNICORN_CMD_ARGS="--access-logfile - --access-logformat 'rate-limit-access pid=%(p)s status=%(s)s path=%(U)s'",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "metrics"),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    server = Instance("two-workers", env, tmp_path / "gunicorn.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def _answers_by_worker(server, expected: int) -> dict[str, list[int]]:
    """Statuses per worker pid from gunicorn's access log, once it shows all `expected` requests."""
    deadline = time.monotonic() + 30
    while True:
        answers: dict[str, list[int]] = {}
        for pid, status in ACCESS_LINE.findall(server.log_path.read_text(errors="replace")):
            answers.setdefault(pid, []).append(int(status))
        if sum(map(len, answers.values())) >= expected or time.monotonic() > deadline:
            return answers
        time.sleep(0.1)


def test_two_gunicorn_workers_share_one_budget(two_workers):
    """Each request on a new connection, so the kernel hands them to either worker; requests go on until both
    workers have refused one. Counted per worker, each would allow BUDGET: the two together allow exactly BUDGET."""
    statuses: list[int] = []
    answers: dict[str, list[int]] = {}
    while len(statuses) < 200 and not (len(answers) == 2 and all(429 in s for s in answers.values())):
        for _ in range(10):
            response = requests.get(
                f"{two_workers.url}/list",
                params={"bucket": "users", "id": "u1"},
                headers={**bearer("u1"), "Connection": "close"},
                timeout=10,
            )
            statuses.append(response.status_code)
        answers = _answers_by_worker(two_workers, len(statuses))
    assert len(answers) == 2, f"one worker served all {len(statuses)} requests: {answers}"
    assert all(429 in worker for worker in answers.values()), answers
    assert statuses.count(200) == BUDGET and statuses.count(429) == len(statuses) - BUDGET, answers
