"""Object storage: the port (base.py) and its adapters; `build_store` picks one from the configuration."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from app.clock import Clock
from app.storage.base import ObjectStore

DEFAULT_BASE_URL = "http://localhost:5000"  # the seed's `docker run -p 5000:5000`, outside any request


def build_store(
    config: Mapping, clock: Clock | None = None, base_url: Callable[[], str | None] | None = None
) -> ObjectStore:
    """The adapter STORAGE_BACKEND names ("minio" or "local").

    `clock` dates the local store's signatures. `base_url` gives the local store's public URL when
    PUBLIC_BASE_URL is unset (the app passes one that answers the current request's own base URL, else None).
    """
    # Logical buckets may share one physical bucket (MINIO_BUCKET_NAME): each physical bucket is listed once.
    buckets = list(dict.fromkeys([config["BUCKET_USERS"], config["BUCKET_COMPANIES"], config["BUCKET_PROJECTS"]]))
    backend = config["STORAGE_BACKEND"]
    if backend == "minio":
        from app.storage.minio_store import MinioStore  # imported lazily: the local backend needs no minio

        return MinioStore(
            config["MINIO_ENDPOINT"],
            config["MINIO_ACCESS_KEY"],
            config["MINIO_SECRET_KEY"],
            buckets=buckets,
            secure=config["MINIO_SECURE"],
            region=config["MINIO_REGION"],
            public_endpoint=config["MINIO_PUBLIC_ENDPOINT"],
        )
    if backend == "local":
        from app.storage.local_store import LocalStore

        return LocalStore(
            config["LOCAL_STORAGE_PATH"],
            buckets,
            public_url=_local_base_url(config.get("PUBLIC_BASE_URL"), base_url),
            secret=config["SECRET_KEY"],
            clock=clock,
        )
    raise ValueError(f"unknown STORAGE_BACKEND {backend!r}; expected 'minio' or 'local'")


def _local_base_url(configured: str | None, current: Callable[[], str | None] | None) -> str | Callable[[], str]:
    """PUBLIC_BASE_URL when set; otherwise whatever `current` answers, else DEFAULT_BASE_URL."""
    if configured:
        return configured
    if current is None:
        return DEFAULT_BASE_URL
    return lambda: current() or DEFAULT_BASE_URL
