"""Isolation from the project service over HTTP (contract §9): the circuit breaker and the concurrency cap deny at once
with 403 project_service_unavailable and Retry-After; users and companies buckets never wait on the project service;
an unfiltered GET /locks leaves out the project locks it cannot confirm. Time is a ManualClock, never a sleep."""

from __future__ import annotations

import threading
import time

import pytest

from app.clock import ManualClock
from tests.support.files_api import EVERYTHING, add_lock, error, proxy_upload, use_rules

PROJECT = {"bucket": "projects", "id": "p1", "path": "/"}
RESET = 30


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def app(make_app, clock):
    return make_app(
        "local",
        clock=clock,
        PROJECT_SERVICE_TIMEOUT=0.5,
        PROJECT_SERVICE_BREAKER_FAILURES=3,
        PROJECT_SERVICE_BREAKER_RESET=RESET,
    )


def list_project(client, auth, user="u1"):
    return client.get("/list", query_string=PROJECT, headers=auth(user))


def rejections(app, reason: str) -> float:
    """storage_project_service_rejections_total{reason} as the app's metrics hold it."""
    [family] = app.extensions["metrics"].project_rejections.collect()
    return sum(s.value for s in family.samples if s.name.endswith("_total") and s.labels == {"reason": reason})


def open_breaker(client, auth, fake_projects, mode="error500"):
    fake_projects.mode = mode
    for _ in range(3):
        response = list_project(client, auth)
        error(response, 403, "project_service_unavailable")
        assert response.headers["Retry-After"] == "5"  # PROJECT_SERVICE_RETRY_AFTER: the service failed


@pytest.mark.parametrize("mode", ["error500", "hang", "garbage"])
def test_open_breaker_denies_at_once_with_its_remaining_time(app, client, auth, fake_projects, clock, mode):
    open_breaker(client, auth, fake_projects, mode)
    asked = len(fake_projects.calls)
    fake_projects.mode = "allow"
    response = list_project(client, auth)
    error(response, 403, "project_service_unavailable")
    assert response.headers["Retry-After"] == str(RESET)
    clock.advance(RESET - 12.5)
    assert list_project(client, auth).headers["Retry-After"] == "13"
    upload = client.post(
        "/upload/presign", json={**PROJECT, "path": "a.txt", "filename": "a.txt"}, headers=auth("u1")
    )  # every project endpoint goes through the same breaker
    error(upload, 403, "project_service_unavailable")
    assert len(fake_projects.calls) == asked  # not asked while open
    assert rejections(app, "breaker_open") == 3

    clock.advance(12.5)  # half-open: one probe, which succeeds and closes the breaker
    assert list_project(client, auth).status_code == 200
    assert list_project(client, auth).status_code == 200
    assert len(fake_projects.calls) == asked + 2


def test_failed_probe_opens_it_again(app, client, auth, fake_projects, clock):
    open_breaker(client, auth, fake_projects)
    clock.advance(RESET)
    error(list_project(client, auth), 403, "project_service_unavailable")  # the probe, refused by the service
    response = list_project(client, auth)
    assert response.headers["Retry-After"] == str(RESET)


def test_users_and_companies_never_touch_the_project_service(app, client, auth, fake_projects):
    fake_projects.mode = "hang"
    open_breaker(client, auth, fake_projects, "hang")
    fake_projects.calls.clear()
    for space in ({"bucket": "users", "id": "u1"}, {"bucket": "companies", "id": "c1"}):
        address = {**space, "path": "notes/a.txt"}
        headers = auth("u1", company_id="c1")
        proxy_upload(client, headers, address, b"private")
        assert client.get("/list", query_string={**space, "path": "notes"}, headers=headers).status_code == 200
        assert client.get("/metadata", query_string=address, headers=headers).status_code == 200
        assert client.get("/download/proxy", query_string=address, headers=headers).data == b"private"
        assert client.post("/lock", json=address, headers=headers).status_code == 200
        assert client.get("/locks", query_string=space, headers=headers).get_json()["total"] == 1
    assert fake_projects.calls == []
    assert app.extensions["project_client"].breaker.state == "open"


def test_calls_over_the_concurrency_cap_are_denied_at_once(make_app, auth, fake_projects):
    app = make_app("local", PROJECT_SERVICE_MAX_CONCURRENCY=1, PROJECT_SERVICE_TIMEOUT=1.0)
    fake_projects.mode = "hang"
    first = threading.Thread(target=lambda: list_project(app.test_client(), auth, "u1"))
    first.start()
    try:
        deadline = time.monotonic() + 5
        while not fake_projects.calls and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(fake_projects.calls) == 1
        response = list_project(app.test_client(), auth, "u2")
        error(response, 403, "project_service_unavailable")
        assert response.headers["Retry-After"] == "1"  # a slot frees within one deadline
        assert len(fake_projects.calls) == 1
        assert rejections(app, "concurrency") == 1
    finally:
        first.join()


# --- GET /locks ---------------------------------------------------------------------------------------------------


@pytest.fixture
def locks(app, client, auth, fake_projects):
    """u1 holds a lock on a file of their own; o1 holds one in project p1, where u1 has no access."""
    use_rules(fake_projects, {("p1", "o1"): ("owner", EVERYTHING)})
    mine = proxy_upload(client, auth("u1"), {"bucket": "users", "id": "u1", "path": "a.txt"}, b"a")["data"]
    theirs = proxy_upload(client, auth("o1"), {"bucket": "projects", "id": "p1", "path": "b.txt"}, b"b")["data"]
    add_lock(app, mine["file_id"], "u1")
    add_lock(app, theirs["file_id"], "o1")
    fake_projects.calls.clear()
    return mine, theirs


def addresses(response):
    assert response.status_code == 200, response.get_json()
    return [(row["bucket_type"], row["bucket_id"], row["logical_path"]) for row in response.get_json()["locks"]]


@pytest.mark.parametrize("mode", ["hang", "error500", "refuse"])  # refuse: a connection reset on the live port
def test_unfiltered_locks_leave_out_what_the_project_service_cannot_confirm(
    app, client, auth, locks, fake_projects, mode
):
    fake_projects.mode = mode
    assert addresses(client.get("/locks", headers=auth("u1"))) == [("users", "u1", "a.txt")]
    # Narrowed to the project or to its file, the caller asked about it: 403, as for any other project request.
    for query in ({"bucket": "projects", "id": "p1"}, {"file_id": locks[1]["file_id"]}):
        response = client.get("/locks", query_string=query, headers=auth("u1"))
        error(response, 403, "project_service_unavailable")
        assert int(response.headers["Retry-After"]) >= 1


def test_unfiltered_locks_with_the_breaker_open_do_not_ask(app, client, auth, locks, fake_projects):
    open_breaker(client, auth, fake_projects)
    asked = len(fake_projects.calls)
    assert addresses(client.get("/locks", headers=auth("u1"))) == [("users", "u1", "a.txt")]
    assert addresses(client.get("/locks", query_string={"mine": "true"}, headers=auth("o1"))) == []
    assert len(fake_projects.calls) == asked


def test_unfiltered_locks_still_show_confirmed_project_locks(app, client, auth, locks, fake_projects):
    assert addresses(client.get("/locks", headers=auth("o1"))) == [("projects", "p1", "b.txt")]
    assert addresses(client.get("/locks", headers=auth("u1"))) == [("users", "u1", "a.txt")]
