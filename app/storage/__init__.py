"""Object storage: the port (base.py) and its adapters; `build_store` picks one from the configuration."""

from __future__ import annotations

from collections.abc import Mapping

from app.clock import Clock
from app.storage.base import ObjectStore


def build_store(config: Mapping, clock: Clock | None = None) -> ObjectStore:
    """The adapter STORAGE_BACKEND names ("minio" or "local"); `clock` dates the local store's signatures."""
    buckets = [config["BUCKET_USERS"], config["BUCKET_COMPANIES"], config["BUCKET_PROJECTS"]]
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
            public_url=config["PUBLIC_BASE_URL"],
            secret=config["SECRET_KEY"],
            clock=clock,
        )
    raise ValueError(f"unknown STORAGE_BACKEND {backend!r}; expected 'minio' or 'local'")
