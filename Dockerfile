# syntax=docker/dockerfile:1
# storage_service image. Build: `docker build -t storage-service .` (or `make docker-build`).
# Run: `docker run --env-file .env -p 8000:8000 storage-service`; migrate first with
# `docker run --rm --env-file .env storage-service flask db upgrade` (migrations never run implicitly).
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
COPY requirements-dev.txt /tmp/requirements-dev.txt
RUN pip install -r /tmp/requirements-dev.txt
WORKDIR /src
COPY . .
CMD ["pytest", "tests"]

# --- runtime: only what runs, as an unprivileged user ---
FROM python:${PYTHON_VERSION}-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    FLASK_APP=wsgi.py \
    FLASK_ENV=production \
    PORT=8000
RUN groupadd --system --gid 10001 storage \
    && useradd --system --uid 10001 --gid storage --home-dir /app --no-create-home --shell /usr/sbin/nologin storage
COPY --from=builder /opt/venv /opt/venv
WORKDIR /app
COPY requirements.txt wsgi.py gunicorn.conf.py ./
COPY migrations/ migrations/
COPY app/ app/
USER storage:storage
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['PORT'] + '/health', timeout=4)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py", "wsgi:app"]
