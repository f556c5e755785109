"""The environment of a production-configured server process started by a test, over the test database and S3."""

from __future__ import annotations

import os


def production_env(database_url: str, seaweed, fake_projects, **settings: str) -> dict[str, str]:
    """This process's environment without Flask/gunicorn settings, plus production settings and `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "GUNICORN_", "WEB_CONCURRENCY"))}
    env.update(
        FLASK_ENV="production",
        DATABASE_URL=database_url,
        STORAGE_BACKEND="minio",
        MINIO_ENDPOINT=seaweed.endpoint,
        MINIO_ACCESS_KEY=seaweed.access_key,
        MINIO_SECRET_KEY=seaweed.secret_key,
        MINIO_REGION=seaweed.region,
        MINIO_PUBLIC_ENDPOINT=seaweed.url,
        PROJECT_SERVICE_URL=fake_projects.url,
        **settings,
    )
    return env
