"""Observability: one JSON log line per request, Prometheus metrics at /metrics, counters the services bump."""

from __future__ import annotations

import functools
import hmac
import json
import logging
import os
import re
import sys
import threading
import time
from datetime import UTC, datetime
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import sqlalchemy as sa
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask.logging import default_handler
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    make_wsgi_app,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import choose_encoder
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
    queues = QueueCollector(app)
    registry.register(queues)
    _Exporter(
        app,
        queues,
        registry=registry,
        group_by=route,
        buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300),
        default_labels={"endpoint": lambda: request.endpoint or "unmatched"},
        metrics_decorator=_scrape_guard(app.config["METRICS_TOKEN"]),
    )
    app.extensions["metrics"] = Metrics(registry)


class _Exporter(PrometheusMetrics):
    """prometheus-flask-exporter, with the queue gauges under gunicorn too: its multiprocess scrape builds a fresh
    registry from the workers' files, which would leave out a collector that reads live state."""

    def __init__(self, app: Flask, live: QueueCollector, **kwargs) -> None:
        self._live = live
        super().__init__(app, **kwargs)

    def generate_metrics(self, accept_header=None, names=None):
        if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
            return super().generate_metrics(accept_header, names)
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(self._live)
        if names:
            registry = registry.restricted_registry(names)
        encode, content_type = choose_encoder(accept_header)
        return encode(registry).decode("utf-8"), content_type


def _scrape_guard(token: str | None):
    """With METRICS_TOKEN, /metrics answers only `Authorization: Bearer <token>` (401 otherwise)."""

    def guard(view):
        if not token:
            return view

        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if not bearer_token_matches(request.headers.get("Authorization", ""), token):
                raise Unauthorized("A valid metrics token is required.", headers={"WWW-Authenticate": "Bearer"})
            return view(*args, **kwargs)

        return guarded

    return guard


def bearer_token_matches(authorization: str, token: str) -> bool:
    scheme, _, given = authorization.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


# --- Queues and worker lag, read from the database at scrape time (docs/operations.md, "Running the worker") ---

QUEUE_CACHE_SECONDS = 10.0  # a scrape within this long of the last one in the same process reuses its figures


class QueueCollector:
    """The outbox, pending upload intents and the deletion queue, counted in the database when /metrics is scraped.

    The worker is another process and gunicorn runs several, so these figures come from the database, which any
    process can read: one statement at most every QUEUE_CACHE_SECONDS (app clock) per process, however often it is
    scraped. When the database does not answer, the scrape goes on without them (logged).
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()  # concurrent scrapes wait for one read and share it
        self._read_at: datetime | None = None
        self._figures: dict | None = None

    def describe(self) -> list[GaugeMetricFamily]:
        return _queue_families(None)

    def collect(self) -> list[GaugeMetricFamily]:
        with self._lock:
            moment = self.app.extensions["clock"].now()
            if self._read_at is None or not 0 <= (moment - self._read_at).total_seconds() < QUEUE_CACHE_SECONDS:
                try:
                    with self.app.app_context():
                        self._figures = _queue_figures(moment)
                except sa.exc.SQLAlchemyError:
                    logging.getLogger(__name__).warning("queue metrics: the database did not answer", exc_info=True)
                    self._figures = None
                self._read_at = moment
            return _queue_families(self._figures)


def _queue_figures(moment: datetime) -> dict:
    """Counts and oldest ages in one statement; each subquery reads only pending rows through a partial index, but
    for the dead letters (few) and the deletion queue (short)."""
    from app.extensions import db
    from app.models import IntentStatus, ObjectDeletion, OutboxEvent, OutboxStatus, UploadIntent

    def scalar(column, model, *where):
        return sa.select(column).select_from(model).where(*where).scalar_subquery()

    pending_event = OutboxEvent.status == OutboxStatus.pending
    pending_intent = UploadIntent.status == IntentStatus.pending
    statement = sa.select(
        *(scalar(sa.func.count(), OutboxEvent, OutboxEvent.status == status) for status in OutboxStatus),
        scalar(sa.func.min(OutboxEvent.created_at), OutboxEvent, pending_event),
        scalar(sa.func.count(), UploadIntent, pending_intent),
        scalar(sa.func.min(UploadIntent.created_at), UploadIntent, pending_intent),
        scalar(sa.func.count(), ObjectDeletion),
    )
    with db.engine.connect() as connection:
        *events, oldest_event, intents, oldest_intent, deletions = connection.execute(statement).one()

    def age(oldest: datetime | None) -> float:
        return max(0.0, (moment - oldest).total_seconds()) if oldest is not None else 0.0

    return {
        "events": dict(zip([status.value for status in OutboxStatus], events, strict=True)),
        "oldest_event": age(oldest_event),
        "intents": intents,
        "oldest_intent": age(oldest_intent),
        "deletions": deletions,
    }


def _queue_families(figures: dict | None) -> list[GaugeMetricFamily]:
    events = GaugeMetricFamily(
        "storage_outbox_events",
        "Webhook events in the outbox by status (pending, delivered: kept 7 days, dead: dead letters)",
        labels=["status"],
    )
    families = [
        GaugeMetricFamily(
            "storage_outbox_oldest_pending_age_seconds", "Age of the oldest pending webhook event (0: none)"
        ),
        GaugeMetricFamily(
            "storage_upload_intents_pending", "Presigned uploads not yet confirmed, completed or expired"
        ),
        GaugeMetricFamily(
            "storage_upload_intents_oldest_pending_age_seconds", "Age of the oldest pending presigned upload (0: none)"
        ),
        GaugeMetricFamily("storage_object_deletions_queued", "Objects waiting in the deletion queue"),
    ]
    if figures is not None:
        for status, count in figures["events"].items():
            events.add_metric([status], count)
        for family, key in zip(families, ("oldest_event", "intents", "oldest_intent", "deletions"), strict=True):
            family.add_metric([], figures[key])
    return [events, *families]


# --- The worker's own metrics (WORKER_METRICS_PORT): what only the worker process knows ---


class WorkerMetrics:
    """Webhook deliveries and the last completed pass of one `flask storage worker` process."""

    OUTCOMES = ("delivered", "retried", "dead")

    def __init__(self, registry: CollectorRegistry) -> None:
        self.deliveries = Counter(
            "storage_webhook_deliveries",
            "Webhook deliveries this worker attempted, by outcome (delivered, retried: failed and tried again later, "
            "dead: failed for the last time)",
            ["outcome"],
            registry=registry,
        )
        for outcome in self.OUTCOMES:
            self.deliveries.labels(outcome=outcome)  # every series exists from the start, at 0
        self.last_pass = Gauge(
            "storage_worker_last_pass_timestamp_seconds",
            "Unix time this worker last completed a pass (0: not yet)",
            registry=registry,
        )


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:  # scrapes are not worth a log line each
        pass


def serve_worker_metrics(app: Flask) -> WSGIServer | None:
    """With WORKER_METRICS_PORT and METRICS_ENABLED, serve this worker's metrics over HTTP on that port (any path,
    e.g. /metrics) from a background thread, behind METRICS_TOKEN as /metrics is; the server, or None."""
    port = app.config["WORKER_METRICS_PORT"]
    if not port:
        return None
    if not app.config["METRICS_ENABLED"]:
        app.logger.warning("WORKER_METRICS_PORT is set but METRICS_ENABLED is false: no worker metrics are served")
        return None
    registry = CollectorRegistry()
    for collector in (ProcessCollector, PlatformCollector, GCCollector):
        collector(registry=registry)
    app.extensions["worker_metrics"] = WorkerMetrics(registry)
    exporter, token = make_wsgi_app(registry), app.config["METRICS_TOKEN"]

    def application(environ, start_response):
        if token and not bearer_token_matches(environ.get("HTTP_AUTHORIZATION", ""), token):
            body = json.dumps(Unauthorized("A valid metrics token is required.").to_dict()).encode()
            start_response(
                "401 Unauthorized",
                [
                    ("Content-Type", "application/json"),
                    ("Content-Length", str(len(body))),
                    ("WWW-Authenticate", "Bearer"),
                ],
            )
            return [body]
        return exporter(environ, start_response)

    # Every interface, as gunicorn listens: Prometheus reaches the worker's container from outside.
    server = make_server("0.0.0.0", port, application, _ThreadingWSGIServer, _QuietHandler)  # noqa: S104
    threading.Thread(target=server.serve_forever, name="worker-metrics", daemon=True).start()
    return server


def worker_pass(deliveries) -> None:
    """Record a completed worker pass: its webhook deliveries by outcome (an events.DeliveryReport), and its end."""
    metrics = current_app.extensions.get("worker_metrics") if has_app_context() else None
    if metrics is None:
        return
    for outcome in WorkerMetrics.OUTCOMES:
        metrics.deliveries.labels(outcome=outcome).inc(getattr(deliveries, outcome))
    metrics.last_pass.set_to_current_time()


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
            "path": _logged_path(),  # never the query string: it may carry a signature
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


def _logged_path() -> str:
    """The path, with a share link's token replaced by `<token>`: the token alone downloads the file."""
    token = (request.view_args or {}).get("token")
    return request.path.replace(token, "<token>") if isinstance(token, str) and token else request.path


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
