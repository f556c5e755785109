"""Observability: one JSON log line per request, Prometheus metrics at /metrics, counters the services bump."""

from __future__ import annotations

import functools
import hmac
import json
import logging
import re
import sys
import time
from datetime import UTC, datetime

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask.logging import default_handler
from prometheus_client import CollectorRegistry, Counter, GCCollector, Histogram, PlatformCollector, ProcessCollector
from prometheus_flask_exporter import PrometheusMetrics
from werkzeug.wsgi import ClosingIterator

from app.errors import Unauthorized

access_log = logging.getLogger("app.access")

# Whatever a message quotes, a credential never reaches the log: JWTs, bearer values, signed-URL parameters.
_SECRETS = (
    (re.compile(r"eyJ[\w-]+\.[\w-]+\.[\w-]*"), "<jwt>"),
    (re.compile(r"(?i)\b(bearer\s+)[^\s,;\"']+"), r"\1<redacted>"),
    (
        re.compile(r"(?i)\b((?:x-amz-(?:signature|credential|security-token)|signature|\w*token)=)[^&\s\"']+"),
        r"\1<redacted>",
    ),
)
_RECORD_ATTRS = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


def redact(text: str) -> str:
    """The text with tokens and URL signatures replaced."""
    for pattern, replacement in _SECRETS:
        text = pattern.sub(replacement, text)
    return text


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id and any `extra` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        if has_request_context() and g.get("request_id"):
            entry["request_id"] = g.request_id
        entry.update({k: v for k, v in record.__dict__.items() if k not in _RECORD_ATTRS and not k.startswith("_")})
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, default=str)


class TextFormatter(logging.Formatter):
    """The classic one-line format, redacted, for reading logs in a terminal."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        context = " ".join(f"{k}={getattr(record, k)}" for k in ("user_id", "request_id") if hasattr(record, k))
        return redact(super().format(record) + (f" {context}" if context else ""))


class StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is when a record arrives (servers and test harnesses may swap it)."""

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class Metrics:
    """The application's own metrics, in the app's registry next to prometheus-flask-exporter's HTTP metrics."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.uploaded = Counter("storage_uploaded_bytes", "Bytes received into the object store", registry=registry)
        self.downloaded = Counter("storage_downloaded_bytes", "Bytes served from the object store", registry=registry)
        self.project_calls = Histogram(
            "storage_project_service_call_duration_seconds",
            "Project-service access checks by outcome (ok, timeout, error)",
            ["outcome"],
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0),
            registry=registry,
        )
        self.lock_conflicts = Counter(
            "storage_lock_conflicts", "Requests refused because another user holds the lock", registry=registry
        )
        # Isolation (contract §9): project checks denied without calling the project service.
        self.project_rejections = Counter(
            "storage_project_service_rejections",
            "Project-service checks denied at once, by reason (breaker_open, concurrency)",
            ["reason"],
            registry=registry,
        )
        # Rate limits (app/api/rate_limits.py)
        self.rate_limited = Counter(
            "storage_rate_limited", "Requests refused by a rate limit, by route family", ["family"], registry=registry
        )
        self.rate_limit_fallback = Counter(
            "storage_rate_limit_fallback",
            "Requests counted in the worker's memory because the rate-limit storage was unreachable",
            registry=registry,
        )


def init_app(app: Flask) -> None:
    """Configure log formatting, the per-request log line and (when METRICS_ENABLED) /metrics."""
    _configure_handlers(app.config["LOG_FORMAT"])
    app.logger.removeHandler(default_handler)  # the "app" logger propagates to ours: no second, plain copy
    _register_request_log(app)
    if not app.config["METRICS_ENABLED"]:
        app.extensions["metrics"] = None
        return
    registry = CollectorRegistry()  # one per app: several apps in a process (tests) do not collide
    for collector in (ProcessCollector, PlatformCollector, GCCollector):
        collector(registry=registry)
    PrometheusMetrics(
        app,
        registry=registry,
        group_by=route,
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
        default_labels={"endpoint": lambda: request.endpoint or "unmatched"},
        metrics_decorator=_scrape_guard(app.config["METRICS_TOKEN"]),
    )
    app.extensions["metrics"] = Metrics(registry)


def _scrape_guard(token: str | None):
    """With METRICS_TOKEN, /metrics answers only `Authorization: Bearer <token>` (401 otherwise)."""

    def guard(view):
        if not token:
            return view

        @functools.wraps(view)
        def guarded(*args, **kwargs):
            scheme, _, given = request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), token.encode()):
                raise Unauthorized("A valid metrics token is required.", headers={"WWW-Authenticate": "Bearer"})
            return view(*args, **kwargs)

        return guarded

    return guard


def route(req) -> str:
    """The URL rule a request matched (bounded cardinality, unlike the raw path)."""
    return req.url_rule.rule if req.url_rule is not None else "unmatched"


def _configure_handlers(log_format: str) -> None:
    # Plain StreamHandlers on the root logger are basicConfig's or ours; a test harness's handlers are subclasses.
    root = logging.getLogger()
    handlers = [h for h in root.handlers if type(h) in (logging.StreamHandler, StderrHandler)]
    if not handlers:
        handlers = [StderrHandler()]
        root.addHandler(handlers[0])
    formatter = JsonFormatter() if log_format == "json" else TextFormatter()
    for handler in handlers:
        handler.setFormatter(formatter)


def _register_request_log(app: Flask) -> None:
    @app.before_request
    def start_timer():
        g.request_started = time.perf_counter()

    @app.after_request
    def log_request(response):
        principal = g.get("principal")
        fields = {
            "method": request.method,
            "path": request.path,  # never the query string: it may carry a signature
            "status": response.status_code,
            "user_id": getattr(principal, "user_id", None),
            "request_id": g.get("request_id"),
            "remote_addr": request.remote_addr,
        }
        started = g.get("request_started", time.perf_counter())
        if response.is_streamed:
            # A streamed body (a download) is logged when the server closes it, after the last byte. Wrapping the
            # body itself works for direct_passthrough responses too, whose Response.close() is never called.
            response.response = ClosingIterator(response.response, lambda: _emit(fields, started))
        else:
            _emit(fields, started)
        return response


def _emit(fields: dict, started: float) -> None:
    duration_ms = round((time.perf_counter() - started) * 1000, 2)
    message = f"{fields['method']} {fields['path']} {fields['status']} {duration_ms}ms"
    access_log.info(message, extra={**fields, "duration_ms": duration_ms})


def _metrics() -> Metrics | None:
    return current_app.extensions.get("metrics") if has_app_context() else None


def bytes_uploaded(n: int) -> None:
    """Count bytes stored by an upload (proxy or confirmed presigned)."""
    if (metrics := _metrics()) is not None and n > 0:
        metrics.uploaded.inc(n)


def bytes_downloaded(n: int) -> None:
    """Count bytes served by a download."""
    if (metrics := _metrics()) is not None and n > 0:
        metrics.downloaded.inc(n)


def project_call(outcome: str, seconds: float) -> None:
    """Record one project-service call: outcome `ok`, `timeout` or `error`, and how long it took."""
    if (metrics := _metrics()) is not None:
        metrics.project_calls.labels(outcome=outcome).observe(seconds)


def project_rejected(reason: str) -> None:
    """Count a project check denied without a call: `breaker_open` or `concurrency` (the cap was full)."""
    if (metrics := _metrics()) is not None:
        metrics.project_rejections.labels(reason=reason).inc()


def lock_conflict() -> None:
    """Count a request refused because another user holds the lock."""
    if (metrics := _metrics()) is not None:
        metrics.lock_conflicts.inc()


def rate_limited(family: str) -> None:
    """Count a request refused by the rate limit of `family`."""
    if (metrics := _metrics()) is not None:
        metrics.rate_limited.labels(family=family).inc()


def rate_limit_fallback() -> None:
    """Count a request whose rate limit was counted in memory because the shared storage was unreachable."""
    if (metrics := _metrics()) is not None:
        metrics.rate_limit_fallback.inc()
