# syntax=docker/dockerfile:1
# storage_service image. Build: `docker build -t storage-service .` (or `make docker-build`); the platform's
# compose builds `target: development`, which is the same image with development defaults.
# Run: `docker run --env-file .env -p 5000:5000 storage-service` (listens on PORT, default 5000). The entrypoint
# (scripts/docker-entrypoint.sh) waits for the database with WAIT_FOR_DB=true, migrates with RUN_MIGRATIONS=true,
# creates missing buckets, then runs the command.
ARG PYTHON_VERSION=3.11

# --- builder: a virtualenv with the pinned runtime dependencies (all wheels; no compiler needed) ---
FROM python:${PYTHON_VERSION}-slim AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
COPY requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt

# --- test: the runtime dependencies plus the test tools and the whole repository (docker-compose.test.yml) ---
FROM builder AS test
# PgBouncer: tests/integration/test_two_instances.py runs the service through it in transaction pooling mode.
RUN apt-get update && apt-get install -y --no-install-recommends pgbouncer && rm -rf /var/lib/apt/lists/*
COPY requirements-dev.txt /tmp/requirements-dev.txt
RUN pip install -r /tmp/requirements-dev.txt
WORKDIR /src
COPY . .
CMD ["pytest", "tests"]

# --- base: what runs, as an unprivileged user; the two stages below only choose defaults ---
FROM python:${PYTHON_VERSION}-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    FLASK_APP=wsgi.py \
    FLASK_ENV=production \
    PORT=5000
RUN groupadd --system --gid 10001 storage \
    && useradd --system --uid 10001 --gid storage --home-dir /app --no-create-home --shell /usr/sbin/nologin storage \
    && mkdir -p /app/instance && chown storage:storage /app/instance
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY requirements.txt wsgi.py gunicorn.conf.py ./
COPY migrations/ migrations/
COPY app/ app/
COPY scripts/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER storage:storage
EXPOSE 5000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '5000') + '/health', timeout=4)"]
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]

# --- development: `docker run` with no settings serves on embedded defaults (SQLite + files in /app/instance);
# the platform's environment (FLASK_ENV=staging, DATABASE_URL, MINIO_*, ...) overrides them ---
FROM base AS development
ENV FLASK_ENV=development \
    RUN_MIGRATIONS=true

# --- runtime (the default target): FLASK_ENV=production refuses to start until the required settings are given ---
FROM base AS runtime
