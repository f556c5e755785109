"""Maintenance: drain the object deletion queue, expire upload intents, abort abandoned incomplete uploads,
reconcile metadata with the store."""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa

from app import observability
from app.extensions import db
from app.models import (
    BucketType,
    File,
    FileVersion,
    IntentStatus,
    ObjectDeletion,
    UploadIntent,
    VersionStatus,
)
from app.services import audit, multipart_uploads
from app.services.common import drain_deletions, now, physical_bucket, queue_deletion, setting, store
from app.services.expiry import expire_due
from app.services.thumbnails import source_key
from app.services.trash import purge_old_trash
from app.storage.base import IncompleteUpload, StorageError

log = logging.getLogger(__name__)


@dataclass
class GcReport:
    expired_intents: int = 0
    deleted_objects: int = 0
    failed_deletions: int = 0
    aborted_uploads: int = 0
    failed_aborts: int = 0
    expired_files: int = 0
    purged_trash: int = 0


def collect_garbage() -> GcReport:
    """Expire pending upload intents past their expiry (queueing their objects), delete files past their expiry
    (app/services/expiry.py), drain the deletion queue, then
    abort incomplete uploads older than RECONCILE_GRACE_SECONDS.

    Objects that cannot be deleted stay queued with `attempts` and `last_error`; an upload that cannot be aborted
    is counted in `failed_aborts` and found again by the next run.
    """
    report = GcReport()
    expired = db.session.scalars(
        sa.select(UploadIntent)
        .where(
            UploadIntent.status == IntentStatus.pending,
            UploadIntent.expires_at < now(),
            # one being completed right now (by a read, the worker or a confirm) is left to its claimant
            sa.or_(UploadIntent.claimed_until.is_(None), UploadIntent.claimed_until <= now()),
        )
        .with_for_update(skip_locked=True)
    ).all()
    for intent in expired:
        intent.status = IntentStatus.expired
        queue_deletion(physical_bucket(intent.bucket_type), intent.object_key, "upload intent expired")
        audit.record(
            None,
            "upload_expire",
            bucket=str(intent.bucket_type),
            bucket_id=intent.bucket_id,
            path=intent.logical_path,
            upload_id=str(intent.id),
        )
    # expired multipart sessions (app/services/multipart_uploads.py): their parts are aborted with them
    sessions = [
        (physical_bucket(i.bucket_type), i.object_key, i.multipart_upload_id) for i in expired if i.multipart_upload_id
    ]
    db.session.commit()
    report.expired_intents = len(expired)
    aborted, failed = multipart_uploads.abort_in_store(sessions)
    report.aborted_uploads, report.failed_aborts = report.aborted_uploads + aborted, report.failed_aborts + failed
    report.expired_files = expire_due()
    report.purged_trash = purge_old_trash()  # files deleted more than TRASH_RETENTION_DAYS ago (app/services/trash.py)
    report.deleted_objects, report.failed_deletions = drain_deletions()
    for bucket, upload in abandoned_uploads():
        try:
            store().abort_upload(bucket, upload.key, upload.upload_id)
        except StorageError:
            report.failed_aborts += 1
        else:
            report.aborted_uploads += 1
    return report


def abandoned_uploads() -> list[tuple[str, IncompleteUpload]]:
    """(physical bucket, upload) for every incomplete upload started before RECONCILE_GRACE_SECONDS ago.

    Such an upload belongs to a process that died or a transfer slower than the grace period: keep the grace
    above the longest upload. An upload whose start the store does not tell counts as abandoned.
    """
    cutoff = now() - timedelta(seconds=setting("RECONCILE_GRACE_SECONDS"))
    live = multipart_uploads.live_store_upload_ids()  # open multipart sessions keep their parts until they expire
    return [
        (bucket, upload)
        for bucket in store().buckets
        for upload in store().incomplete_uploads(bucket)
        if (upload.initiated is None or upload.initiated <= cutoff) and upload.upload_id not in live
    ]


@dataclass
class Drift:
    bucket: str
    object_key: str
    detail: str = ""


@dataclass
class ReconcileReport:
    checked_versions: int = 0
    checked_objects: int = 0
    missing_objects: list[Drift] = field(default_factory=list)  # a version row whose object is gone
    orphan_objects: list[Drift] = field(default_factory=list)  # an object nothing references
    incomplete_uploads: list[Drift] = field(default_factory=list)  # an abandoned incomplete upload
    fixed: bool = False

    @property
    def drift(self) -> bool:
        return bool(self.missing_objects or self.orphan_objects or self.incomplete_uploads)


def reconcile(*, fix: bool = False) -> ReconcileReport:
    """Compare version rows with the objects in each physical bucket.

    Missing: a version (not yet marked `corrupted`) whose object is absent; `fix` marks it `corrupted`.
    Orphan: an object older than RECONCILE_GRACE_SECONDS that is no version's key, no pending upload's key and not
    already queued; `fix` queues and deletes it. Each finding is re-checked before it is reported.
    Incomplete upload: one started before RECONCILE_GRACE_SECONDS ago; `fix` aborts it (as `gc` does).
    """
    report = ReconcileReport(fixed=fix)
    by_bucket: dict[str, list[str]] = defaultdict(list)
    for bucket_type in BucketType:
        by_bucket[physical_bucket(bucket_type)].append(bucket_type.value)
    cutoff = now() - timedelta(seconds=setting("RECONCILE_GRACE_SECONDS"))
    for bucket, bucket_types in by_bucket.items():
        _reconcile_bucket(report, bucket, bucket_types, cutoff)
    uploads = abandoned_uploads()
    report.incomplete_uploads = [
        Drift(bucket, u.key, f"upload {u.upload_id}, started {u.initiated.isoformat() if u.initiated else 'unknown'}")
        for bucket, u in uploads
    ]
    if fix:
        _fix(report)
        for bucket, upload in uploads:
            store().abort_upload(bucket, upload.key, upload.upload_id)
    return report


def _known_keys(bucket: str, bucket_types: list[str]) -> tuple[dict[str, tuple], set[str]]:
    """({version key: (version id, status)}, {keys of pending uploads and queued deletions}) for one bucket."""
    versions = db.session.execute(
        sa.select(FileVersion.object_key, FileVersion.id, FileVersion.status)
        .join(File, File.id == FileVersion.file_id)
        .where(File.bucket_type.in_(bucket_types))
    ).all()
    pending = db.session.scalars(
        sa.select(UploadIntent.object_key).where(
            UploadIntent.bucket_type.in_(bucket_types), UploadIntent.status == IntentStatus.pending
        )
    ).all()
    queued = db.session.scalars(sa.select(ObjectDeletion.object_key).where(ObjectDeletion.bucket == bucket)).all()
    return {key: (version_id, status) for key, version_id, status in versions}, {*pending, *queued}


def _reconcile_bucket(report: ReconcileReport, bucket: str, bucket_types: list[str], cutoff) -> None:
    versions, other = _known_keys(bucket, bucket_types)
    db.session.commit()
    seen: set[str] = set()
    for info in store().list(bucket):
        report.checked_objects += 1
        seen.add(info.key)
        if info.key in versions or info.key in other or source_key(info.key) in versions:
            continue  # a thumbnail belongs to its version's object (app/services/thumbnails.py)
        if info.last_modified is None or info.last_modified >= cutoff:
            continue  # possibly an upload between its bytes and its commit
        if not _referenced(bucket, bucket_types, info.key):
            report.orphan_objects.append(
                Drift(bucket, info.key, f"{info.size} bytes, {info.last_modified.isoformat()}")
            )
    report.checked_versions += len(versions)
    for key, (version_id, status) in versions.items():
        if key in seen or status == VersionStatus.corrupted:
            continue
        if _version_exists(version_id) and not store().exists(bucket, key):
            report.missing_objects.append(Drift(bucket, key, f"version {version_id}"))


def _referenced(bucket: str, bucket_types: list[str], key: str) -> bool:
    """Re-check one key against the database (it may have been committed since the snapshot)."""
    key = source_key(key) or key  # a thumbnail is referenced while its version's object is
    version = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(FileVersion)
        .join(File, File.id == FileVersion.file_id)
        .where(FileVersion.object_key == key, File.bucket_type.in_(bucket_types))
    )
    intent = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(UploadIntent)
        .where(UploadIntent.object_key == key, UploadIntent.status == IntentStatus.pending)
    )
    queued = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ObjectDeletion)
        .where(ObjectDeletion.bucket == bucket, ObjectDeletion.object_key == key)
    )
    db.session.commit()
    return bool(version or intent or queued)


def _version_exists(version_id) -> bool:
    found = db.session.scalar(sa.select(sa.func.count()).select_from(FileVersion).where(FileVersion.id == version_id))
    db.session.commit()
    return bool(found)


def _fix(report: ReconcileReport) -> None:
    """Mark missing versions corrupted and queue the orphans (one commit), then drain the queued orphans."""
    for drift in report.missing_objects:
        version_id = db.session.scalar(sa.select(FileVersion.id).where(FileVersion.object_key == drift.object_key))
        if version_id is None:
            continue
        db.session.execute(
            sa.update(FileVersion).where(FileVersion.id == version_id).values(status=VersionStatus.corrupted)
        )
        version = db.session.get(FileVersion, version_id)
        audit.record(None, "version_corrupted", file=version.file, version=version, reason="reconcile: object missing")
    for drift in report.orphan_objects:
        queue_deletion(drift.bucket, drift.object_key, "reconcile: orphan object")
    db.session.commit()
    drain_deletions((d.bucket, d.object_key) for d in report.orphan_objects)


# ---------------------------------------------------------------------------------------------------- the worker


def run_worker(
    *,
    max_iterations: int | None = None,
    stop: threading.Event | None = None,
    on_pass: Callable[[int, object, GcReport, object], None] | None = None,
) -> int:
    """`flask storage worker`: each pass completes presigned uploads whose object arrived, does what `gc` does, then
    delivers due webhook events.

    Passes start at most every WORKER_INTERVAL seconds, until `stop` is set or `max_iterations` passes ran (returns
    how many). A failing pass (database or store unreachable) is logged and the next one tries again. Several
    workers may run at once: they claim different intents (SKIP LOCKED) and gc's steps tolerate each other.
    """
    from app.services.events import deliver_due
    from app.services.intents import complete_waiting

    stop = stop or threading.Event()
    passes = 0
    while not stop.is_set():
        started = time.monotonic()
        try:
            completion = complete_waiting()
            garbage = collect_garbage()
            deliveries = deliver_due(stop)  # webhooks (app/services/events.py)
        except Exception:
            db.session.rollback()
            log.exception("worker pass failed; retrying after WORKER_INTERVAL")
        else:
            observability.worker_pass(deliveries)  # deliveries by outcome and the time of this pass
            if on_pass is not None:
                on_pass(passes + 1, completion, garbage, deliveries)
        passes += 1
        if max_iterations is not None and passes >= max_iterations:
            break
        stop.wait(max(0.0, setting("WORKER_INTERVAL") - (time.monotonic() - started)))
    return passes
