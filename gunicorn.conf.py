"""Gunicorn settings: threaded workers sized for long streamed transfers, metrics shared across workers.

Process-level variables (read here, not by the application): PORT, WEB_CONCURRENCY, GUNICORN_THREADS,
PROMETHEUS_MULTIPROC_DIR. Anything else can be overridden with GUNICORN_CMD_ARGS, e.g. "--timeout 600".
"""

import os
import shutil
import tempfile

bind = f"0.0.0.0:{os.environ.get('PORT', '5000')}"
worker_class = "gthread"  # a slow client holds one thread, not a whole process
# Two processes per core: a request spends most of its time in Python holding its process's GIL, so with one process
# per core a core idles whenever its process waits, and a few keep-alive connections (each stays with the worker that
# accepted it) can pile onto one process. On 2 cores 4 workers served /list 1.4-1.6x and /metadata 1.1x the requests
# of 2 (scripts/bench_api.py, docs/scaling.md); 8 threads per worker stay above PROJECT_SERVICE_MAX_CONCURRENCY.
workers = int(os.environ.get("WEB_CONCURRENCY", "4"))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))

# gthread workers heartbeat from their main loop, so a transfer lasting minutes in a worker thread is not
# mistaken for a hung worker; `timeout` only catches a worker whose main loop is stuck.
timeout = 120
graceful_timeout = 120  # on restart, in-flight uploads and downloads get this long to finish
keepalive = 75  # longer than a typical load balancer idle timeout (60 s), so it never reuses a closed connection
limit_request_line = 8190  # a 1024-byte path percent-encoded three times over still fits

control_socket_disable = True  # several instances may share a home directory (gunicorn 27 opens one by default)
# Heartbeat files (created with mkstemp) in memory: fchmod on a slow disk can stall a worker.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
accesslog = None  # the application writes one JSON line per request itself
errorlog = "-"
capture_output = True

# prometheus_client aggregates metrics from every worker through files in this directory. It must be set
# before the workers import prometheus_client, and is emptied when the server starts.
multiproc_dir = os.environ.setdefault(
    "PROMETHEUS_MULTIPROC_DIR", os.path.join(tempfile.gettempdir(), "storage-service-metrics")
)


def on_starting(server):
    shutil.rmtree(multiproc_dir, ignore_errors=True)
    os.makedirs(multiproc_dir, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
