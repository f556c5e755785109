"""Request log lines, request ids and Prometheus metrics, through the real app."""

from __future__ import annotations

import json
import logging
import re

import pytest

from app import observability
from app.observability import JsonFormatter, redact
from tests.support.files_api import upload

LIST_USERS = "/list?bucket=users&id=u1&path=/"


def _access_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "app.access"]


def _sample(metrics_text: str, name: str, **labels) -> float | None:
    """The value of one sample in Prometheus text format, labels matched exactly (any order)."""
    for line in metrics_text.splitlines():
        match = re.fullmatch(r"([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)", line)
        if not match or match[1] != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match[2] or ""))
        if found == {k: str(v) for k, v in labels.items()}:
            return float(match[3])
    return None


@pytest.fixture
def app(make_app):
    return make_app("local")


def test_one_json_line_per_request_with_the_fields(app, auth, caplog):
    caplog.set_level(logging.INFO, logger="app.access")
    response = app.test_client().get(LIST_USERS, headers={**auth("u1"), "X-Request-ID": "req-42"})
    assert response.status_code == 200
    (line,) = _access_lines(caplog)
    assert line["method"] == "GET" and line["path"] == "/list" and line["status"] == 200
    assert line["user_id"] == "u1" and line["request_id"] == "req-42"
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["level"] == "INFO" and line["time"].endswith("+00:00")


def test_a_streamed_download_is_logged_once_its_body_is_closed(app, auth, caplog):
    caplog.set_level(logging.INFO, logger="app.access")
    client = app.test_client()
    upload(client, auth("u1"), path="big.bin", content=b"x" * 300_000)
    address = "bucket=users&id=u1&path=big.bin"
    with client.get(f"/download/proxy?{address}", headers={**auth("u1"), "X-Request-ID": "dl-1"}) as response:
        assert response.status_code == 200 and len(response.get_data()) == 300_000
    with client.get(f"/download/proxy?{address}", headers={**auth("u1"), "Range": "bytes=0-9"}) as response:
        assert response.status_code == 206
    lines = [line for line in _access_lines(caplog) if line["path"] == "/download/proxy"]
    assert [(line["status"], line["user_id"]) for line in lines] == [(200, "u1"), (206, "u1")]
    assert lines[0]["request_id"] == "dl-1"


def test_failed_requests_are_logged_too(app, caplog):
    caplog.set_level(logging.INFO, logger="app.access")
    client = app.test_client()
    assert client.get(LIST_USERS).status_code == 401
    assert client.get("/no-such-endpoint").status_code == 404
    lines = _access_lines(caplog)
    assert [(line["path"], line["status"], line["user_id"]) for line in lines] == [
        ("/list", 401, None),
        ("/no-such-endpoint", 404, None),
    ]


def test_credentials_and_signatures_never_reach_the_log(app, auth, caplog):
    caplog.set_level(logging.DEBUG)
    client = app.test_client()
    headers = auth("u1")
    token = headers["Authorization"].split()[1]
    client.get(LIST_USERS, headers=headers)
    client.set_cookie("access_token", token)
    client.get(LIST_USERS)
    client.delete_cookie("access_token")
    client.get(LIST_USERS, headers={"Authorization": "Bearer " + token[:-4] + "AAAA"})  # bad signature
    client.get("/local-store/users/some/key?expires=1&signature=s3cr3t-signature-value")
    formatter = JsonFormatter()
    everything = "\n".join(formatter.format(record) for record in caplog.records)
    assert len(_access_lines(caplog)) == 4
    assert token not in everything and token[-20:] not in everything
    assert "s3cr3t-signature-value" not in everything


def test_request_id_is_echoed_or_generated(app):
    client = app.test_client()
    assert client.get("/health", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"] == "abc-123"
    generated = client.get("/health").headers["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    unsafe = client.get("/health", headers={"X-Request-ID": "bad id\twith spaces"}).headers["X-Request-ID"]
    assert unsafe != "bad id\twith spaces" and re.fullmatch(r"[0-9a-f]{32}", unsafe)


def test_root_handler_writes_json(app):
    handlers = [
        h for h in logging.getLogger().handlers if type(h) in (logging.StreamHandler, observability.StderrHandler)
    ]
    assert handlers and all(isinstance(h.formatter, JsonFormatter) for h in handlers)


def test_metrics_count_requests_by_endpoint_and_status(app, auth):
    client = app.test_client()
    client.get("/health")
    client.get(LIST_USERS)  # 401
    client.get(LIST_USERS, headers=auth("u1"))
    text = client.get("/metrics").get_data(as_text=True)
    assert _sample(text, "flask_http_request_total", method="GET", status="200", endpoint="system.health") == 1
    with app.test_request_context(LIST_USERS):
        from flask import request

        listing = {"method": "GET", "endpoint": request.url_rule.endpoint}
    assert _sample(text, "flask_http_request_total", status="401", **listing) == 1
    assert _sample(text, "flask_http_request_total", status="200", **listing) == 1
    assert _sample(text, "flask_http_request_duration_seconds_count", status="200", route="/list", **listing) == 1


def test_metrics_expose_transfer_lock_and_project_counters(app):
    with app.app_context():
        observability.bytes_uploaded(1000)
        observability.bytes_downloaded(250)
        observability.lock_conflict()
    text = app.test_client().get("/metrics").get_data(as_text=True)
    assert _sample(text, "storage_uploaded_bytes_total") == 1000
    assert _sample(text, "storage_downloaded_bytes_total") == 250
    assert _sample(text, "storage_lock_conflicts_total") == 1
    assert "# TYPE storage_project_service_call_duration_seconds histogram" in text


@pytest.mark.parametrize(
    ("mode", "outcome"), [("allow", "ok"), ("deny", "ok"), ("error500", "error"), ("hang", "timeout")]
)
def test_project_service_calls_are_measured(make_app, fake_projects, auth, mode, outcome):
    app = make_app("local", PROJECT_SERVICE_TIMEOUT=0.5)
    fake_projects.mode = mode
    client = app.test_client()
    try:
        response = client.get("/list?bucket=projects&id=p1&path=/", headers=auth("u1"))
        text = client.get("/metrics").get_data(as_text=True)
    finally:
        app.extensions["project_client"].close()  # no worker thread outlives the test
    assert response.status_code == (200 if mode == "allow" else 403)
    assert _sample(text, "storage_project_service_call_duration_seconds_count", outcome=outcome) == 1
    total = _sample(text, "storage_project_service_call_duration_seconds_sum", outcome=outcome)
    assert total < 2 and (outcome != "timeout" or total >= 0.5)


def test_metrics_can_be_switched_off(make_app):
    app = make_app("local", METRICS_ENABLED=False)
    assert app.test_client().get("/metrics").status_code == 404
    with app.app_context():
        observability.bytes_uploaded(10)  # a no-op, not an error


def test_redact_hides_tokens_and_signatures():
    text = redact(
        "Authorization: Bearer abc.def.ghi url=http://s3/b/k?X-Amz-Credential=AK%2F1&X-Amz-Signature=f00d "
        "cookie access_token=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1MSJ9.c2ln"
    )
    assert "abc.def.ghi" not in text and "f00d" not in text and "AK%2F1" not in text
    assert "eyJzdWIiOiJ1MSJ9" not in text
