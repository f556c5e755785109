"""Quotas: the bytes and files each bucket address (a user's, a company's, a project's space) may hold.

What counts: every version's bytes of every file, and every file, trash included (a logically deleted file's bytes
stay stored until it is purged, by `DELETE /delete` with `physical` or by the worker after TRASH_RETENTION_DAYS).
Restoring a file from the trash therefore never needs room; restoring an old version copies its bytes, which count.

The usage row of a bucket (`bucket_usage`) changes in the same transaction as what it counts: `charge` runs inside
`record_version` and the other version writers, after the file row is locked, and takes the usage row's lock with it
(SELECT ... FOR UPDATE), so two concurrent uploads to one bucket queue on that row and the second sees the first's
bytes. Lock order is always file, then usage row: no deadlock with deletions, which lock in the same order.
"""

from __future__ import annotations

import sqlalchemy as sa

from app.errors import AccessDenied, QuotaExceeded
from app.extensions import db
from app.models import BucketUsage
from app.schemas.address import Address
from app.schemas.requests import QuotaLimits
from app.services import audit
from app.services.common import address_target, dialect_insert, now, policy, setting
from app.services.context import Caller


def _row(bucket_type: str, bucket_id: str, *, for_update: bool = False) -> BucketUsage:
    """The usage row, created (empty) when the bucket holds nothing yet; locked for this transaction when asked."""
    statement = dialect_insert(BucketUsage).values(
        bucket_type=str(bucket_type), bucket_id=bucket_id, bytes_used=0, files_used=0, updated_at=now()
    )
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["bucket_type", "bucket_id"]))
    query = sa.select(BucketUsage).where(
        BucketUsage.bucket_type == str(bucket_type), BucketUsage.bucket_id == bucket_id
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return db.session.scalars(query).one()


def _limits(row: BucketUsage) -> tuple[int | None, int | None]:
    """(max bytes, max files) in force for the row: its own, else the defaults; None is unlimited."""
    max_bytes = row.max_bytes if row.max_bytes is not None else setting("QUOTA_DEFAULT_BYTES")
    max_files = row.max_files if row.max_files is not None else setting("QUOTA_DEFAULT_FILES")
    return max_bytes, max_files


def charge(bucket_type: str, bucket_id: str, *, size: int, new_file: bool) -> None:
    """Count a new version's bytes (and its file when new) against the bucket; QuotaExceeded when over a limit.

    Does not commit: the caller's transaction records the version and the usage together, or neither.
    """
    row = _row(bucket_type, bucket_id, for_update=True)
    _require_room(row, size, new_file)
    row.bytes_used += size
    row.files_used += 1 if new_file else 0
    row.updated_at = now()


def ensure_room(address: Address, size: int, *, new_file: bool) -> None:
    """Refuse early (QuotaExceeded), before any byte is sent, what cannot fit now: a declared size, or a new file in
    a bucket whose file count is reached. Unlocked: the charge in the version's transaction decides."""
    row = db.session.get(BucketUsage, (address.bucket, address.bucket_id))
    if row is not None or setting("QUOTA_DEFAULT_BYTES") is not None or setting("QUOTA_DEFAULT_FILES") is not None:
        empty = BucketUsage(bucket_type=address.bucket, bucket_id=address.bucket_id, bytes_used=0, files_used=0)
        _require_room(row or empty, size, new_file)


def _require_room(row: BucketUsage, size: int, new_file: bool) -> None:
    max_bytes, max_files = _limits(row)
    if max_bytes is not None and row.bytes_used + size > max_bytes:
        raise QuotaExceeded(
            f"The bucket holds {row.bytes_used} of its {max_bytes} bytes: {size} more do not fit.",
            bytes_used=row.bytes_used,
            max_bytes=max_bytes,
        )
    if new_file and max_files is not None and row.files_used + 1 > max_files:
        raise QuotaExceeded(
            f"The bucket holds {row.files_used} of its {max_files} files: no new file fits.",
            files_used=row.files_used,
            max_files=max_files,
        )


def release(bucket_type: str, bucket_id: str, *, size: int, files: int) -> None:
    """Uncount purged files and their versions' bytes (one UPDATE, which locks the row). Does not commit."""
    db.session.execute(
        sa.update(BucketUsage)
        .where(BucketUsage.bucket_type == str(bucket_type), BucketUsage.bucket_id == bucket_id)
        .values(bytes_used=BucketUsage.bytes_used - size, files_used=BucketUsage.files_used - files, updated_at=now())
    )


def in_lock_order(files: list) -> list:
    """Files to purge in one transaction, ordered so their buckets' usage rows are locked in (bucket type, bucket
    id) order, the order `transfer` locks two rows in: two purges, or a purge and a move, never wait for each other
    in a cycle (each purge locks its bucket's row)."""
    return sorted(files, key=lambda file: (str(file.bucket_type), file.bucket_id))


def lock_rows(*buckets: tuple[str, str]) -> None:
    """Lock these buckets' usage rows in (bucket type, bucket id) order, the order every writer of several takes
    them in (`in_lock_order`). Does not commit."""
    for bucket_type, bucket_id in sorted({(str(bucket_type), bucket_id) for bucket_type, bucket_id in buckets}):
        _row(bucket_type, bucket_id, for_update=True)


def transfer(source: tuple[str, str], target: tuple[str, str], file_id) -> None:
    """A file moved from one bucket address to another: its versions' bytes and the file now count in the target
    (QuotaExceeded when they do not fit), no longer in the source. Both rows are locked in one order, so two moves in
    opposite directions wait for each other instead of deadlocking. Does not commit."""
    from app.models import FileVersion

    source, target = (str(source[0]), source[1]), (str(target[0]), target[1])
    if source == target:
        return
    lock_rows(source, target)
    size = db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(FileVersion.size), 0)).where(FileVersion.file_id == file_id)
    )
    charge(*target, size=int(size), new_file=True)
    release(*source, size=int(size), files=1)


def usage(caller: Caller, bucket: Address) -> dict:
    """GET /usage: what the bucket address holds and its limits (None: unlimited). Raises AccessDenied."""
    policy().require(caller.principal, address_target(bucket), "read")
    row = db.session.get(BucketUsage, (bucket.bucket, bucket.bucket_id))
    return _shown(row or BucketUsage(bucket_type=bucket.bucket, bucket_id=bucket.bucket_id, bytes_used=0, files_used=0))


def set_limits(caller: Caller, bucket: Address, limits: QuotaLimits) -> dict:
    """PUT /usage: an administrator (ADMIN_ROLE) sets the bucket's own limits. Raises AccessDenied."""
    if not caller.principal.is_admin:
        raise AccessDenied("Only an administrator may set quotas.")
    row = _row(bucket.bucket, bucket.bucket_id, for_update=True)
    row.max_bytes, row.max_files, row.updated_at = limits.max_bytes, limits.max_files, now()
    audit.record(
        caller,
        "quota_update",
        bucket=bucket.bucket,
        bucket_id=bucket.bucket_id,
        max_bytes=limits.max_bytes,
        max_files=limits.max_files,
    )
    db.session.commit()
    return _shown(row)


def _shown(row: BucketUsage) -> dict:
    max_bytes, max_files = _limits(row)
    return {
        "bucket_type": str(row.bucket_type),
        "bucket_id": row.bucket_id,
        "bytes_used": row.bytes_used,
        "files_used": row.files_used,
        "max_bytes": max_bytes,
        "max_files": max_files,
        "limits": "bucket" if row.max_bytes is not None or row.max_files is not None else "default",
    }
