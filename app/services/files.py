"""Files: listing a folder, reading and updating metadata, logical and physical deletion."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditLog,
    File,
    FileLock,
    FileStatus,
    FileVersion,
    IntentStatus,
    UploadIntent,
    code_point_order,
    path_depth,
)
from app.schemas.address import FileRef
from app.schemas.requests import DeleteCommand, ListCursor, ListQuery, MetadataQuery
from app.schemas.resources import FileSchema, LockSchema
from app.services import audit, intents
from app.services.common import (
    address_target,
    drain_deletions,
    ensure_unlocked,
    load_authorized,
    load_for_read,
    now,
    policy,
    purge,
    target_of,
)
from app.services.context import Caller
from app.services.expiry import NOW, deadline, unexpired

AUDIT_ROWS_SHOWN = 100


def _position_of_slash(text):
    """1-based position of the first `/` in a SQL string expression (0 when absent), on PostgreSQL and SQLite."""
    if db.engine.dialect.name == "postgresql":
        return sa.func.strpos(text, "/")
    return sa.func.instr(text, "/")


ordered_path = code_point_order(File.logical_path)  # listings go by code point: a folder is one range of the indexes


def _folder_range(prefix: str) -> tuple[str, str]:
    """The paths under the folder `prefix` (which ends with `/`) are [start, end): its `/` replaced by `0` ends it."""
    return prefix, prefix[:-1] + "0"


def _subtree(prefix: str) -> list:
    """Conditions for the paths under the folder `prefix` (none at the root of a bucket id)."""
    if not prefix:
        return []
    start, end = _folder_range(prefix)
    return [ordered_path >= start, ordered_path < end]


@dataclass(frozen=True)
class _Shape:
    """What makes two listings run different statements; everything else is a bound value (`_values`)."""

    dialect: str
    in_folder: bool  # below the root of the bucket id
    include_deleted: bool
    status: bool
    category: bool
    recursive: bool
    by_cursor: bool
    after: bool

    @classmethod
    def of(cls, query: ListQuery) -> _Shape:
        return cls(
            db.engine.dialect.name,
            bool(query.folder.path),
            query.include_deleted,
            query.status is not None,
            query.category is not None,
            query.recursive,
            query.by_cursor,
            query.after is not None,
        )


@dataclass(frozen=True)
class _Listing:
    """A listing's statements, built once per shape: a request binds values and runs them."""

    count: sa.Select | None  # with whether presigned uploads wait under the folder (page/offset only)
    recount: sa.Select | None
    pending: sa.Select
    page: sa.Select
    folders: sa.Select | None


def _param(name: str, type_=None) -> sa.BindParameter:
    return sa.bindparam(name, type_=type_ or sa.String())


@functools.cache
def _listing(shape: _Shape) -> _Listing:
    place = [File.bucket_type == _param("bucket_type", File.bucket_type.type), File.bucket_id == _param("bucket_id")]
    if shape.in_folder:
        place += [ordered_path >= _param("folder_start"), ordered_path < _param("folder_end")]
    filters = [unexpired()]
    if not shape.include_deleted:
        filters.append(File.is_deleted.is_(False))
    if shape.status:
        filters.append(File.status == _param("status", File.status.type))
    if shape.category:
        filters.append(File.current_version.has(FileVersion.category == _param("category")))
    depth = path_depth(File.logical_path) == _param("depth", sa.Integer())
    shown = [*place, *filters] if shape.recursive else [*place, *filters, depth]
    pending = _pending_uploads_under(shape.in_folder)
    counted = sa.select(sa.func.count()).select_from(File).where(*shown)
    return _Listing(
        count=None if shape.by_cursor else counted.add_columns(pending),
        recount=None if shape.by_cursor else counted,
        pending=sa.select(pending),
        page=_page_statement(shown, shape.after),
        folders=None if shape.recursive else _folders_statement([*place, *filters]),
    )


def _values(query: ListQuery) -> dict:
    """The bound values of a listing's statements."""
    address = query.folder
    prefix = f"{address.path}/" if address.path else ""
    start, end = _folder_range(prefix)
    values = {
        "bucket_type": address.bucket,
        "bucket_id": address.bucket_id,
        "folder_start": start,
        "folder_end": end,
        "prefix_length": len(prefix),
        "now": now(),
        "status": query.status,
        "category": query.category,
        "depth": prefix.count("/"),
        "offset": query.offset,
        "limit": query.limit + 1,  # one more tells whether a next page exists
    }
    if query.after is not None:
        values.update(after_path=query.after.path, after_id=query.after.file_id)
    return values


def list_files(caller: Caller, query: ListQuery) -> dict:
    """A page of the files under a folder, ordered by path (code point, then id), with their active locks.

    `recursive=false` gives the direct children and the names of the sub-folders. Paged by offset (with the total
    count) or by cursor (keyset: no count; a page costs the same however deep). One authorization decision
    (`read` on the bucket address). Raises the 400s of §1, AccessDenied, ProjectServiceUnavailable.
    """
    address = query.folder
    policy().require(caller.principal, address_target(address), "read")
    listing, values = _listing(_Shape.of(query)), _values(query)
    total = None
    if query.by_cursor:
        pending = db.session.scalar(listing.pending, values)
    else:
        total, pending = db.session.execute(listing.count, values).one()
    completed = pending and intents.complete_under(caller, address)  # presigned uploads nobody confirmed (§9)
    if completed and total is not None:
        total = db.session.scalar(listing.recount, values)
    files, next_cursor = _page(listing.page, values, query.limit)
    if query.by_cursor:
        result = {"files": files, "pagination": {"limit": query.limit}, "next_cursor": next_cursor}
    else:
        pages = math.ceil(total / query.limit)
        pagination = {"page": query.page, "limit": query.limit, "total_items": total, "total_pages": pages}
        result = {"files": files, "pagination": pagination}
    if listing.folders is not None:
        result["folders"] = sorted(db.session.scalars(listing.folders, values))
    return result


def _pending_uploads_under(in_folder: bool) -> sa.Exists:
    """Whether presigned uploads wait for completion anywhere under the folder (see intents.complete_under)."""
    conditions = [
        UploadIntent.bucket_type == _param("bucket_type", UploadIntent.bucket_type.type),
        UploadIntent.bucket_id == _param("bucket_id"),
    ]
    if in_folder:
        conditions.append(
            sa.func.substr(UploadIntent.logical_path, 1, _param("prefix_length", sa.Integer()))
            == _param("folder_start")
        )
    return sa.exists().where(
        UploadIntent.status == IntentStatus.pending, UploadIntent.multipart_upload_id.is_(None), *conditions
    )


# What a listed file shows (the File representation): its row, its current version's fields, its active lock.
_FILE_COLUMNS = [column for column in File.__table__.c if column.key in FileSchema._declared_fields]
_VERSION_COLUMNS = {
    "current_version_number": FileVersion.version_number,
    "size": FileVersion.size,
    "mime_type": FileVersion.mime_type,
    "category": FileVersion.category,
    "checksum_sha256": FileVersion.checksum_sha256,
}
_LOCK_COLUMNS = [column for column in FileLock.__table__.c if column.key in LockSchema._declared_fields]


def _page_statement(shown: list, after: bool) -> sa.Select:
    """The page's ids come first, from the index alone, then their rows, versions and locks in the same statement:
    a deep OFFSET skips index entries, not joined rows."""
    ids = sa.select(File.id).where(*shown)
    if after:
        after_id = _param("after_id", File.id.type)
        ids = ids.where(sa.tuple_(ordered_path, File.id) > sa.tuple_(_param("after_path"), after_id))
    limits = _param("offset", sa.Integer()), _param("limit", sa.Integer())
    ids = ids.order_by(ordered_path, File.id).offset(limits[0]).limit(limits[1]).subquery()
    active = sa.and_(FileLock.file_id == File.id, FileLock.released_at.is_(None), FileLock.expires_at > NOW)
    return (
        sa.select(
            *_FILE_COLUMNS,
            *(column.label(name) for name, column in _VERSION_COLUMNS.items()),
            *(column.label(f"lock_{column.key}") for column in _LOCK_COLUMNS),
        )
        .select_from(File)
        .join(ids, File.id == ids.c.id)
        .outerjoin(FileVersion, FileVersion.id == File.current_version_id)
        .outerjoin(FileLock, active)
        .order_by(ordered_path, File.id)
    )


def _page(statement: sa.Select, values: dict, limit: int) -> tuple[list[dict], str | None]:
    """The page's files (as the values FileSchema shows, with their active locks), and the cursor after it (None on
    the last page). Plain rows, not ORM objects: a page is read, never changed."""
    rows = db.session.execute(statement, values).mappings().all()
    files = []
    for row in rows[:limit]:
        file = {column.key: row[column.key] for column in _FILE_COLUMNS}
        file.update((name, row[name]) for name in _VERSION_COLUMNS)
        has_lock = row["lock_id"] is not None
        file["lock"] = {column.key: row[f"lock_{column.key}"] for column in _LOCK_COLUMNS} if has_lock else None
        files.append(file)
    more = len(rows) > limit
    return files, ListCursor(files[-1]["logical_path"], files[-1]["id"]).encode() if more else None


def _folders_statement(conditions: list) -> sa.Select:
    """Distinct names of the next path segment of the deeper files matching the same conditions.

    A skip scan: from the start of the folder, the first deeper file names a sub-folder, then the search goes on
    after that sub-folder's range (its path with `/` replaced by `0`); one index probe per sub-folder, whatever
    the number of files under them.
    """
    deeper = path_depth(File.logical_path) > _param("depth", sa.Integer())

    def first_deeper(start):
        return (
            sa.select(File.logical_path)
            .where(*conditions, ordered_path >= start, deeper)
            .order_by(ordered_path)
            .limit(1)
            .scalar_subquery()
        )

    def name_in(path):  # the sub-folder a deeper path is in
        rest = sa.func.substr(path, _param("prefix_length", sa.Integer()) + 1)
        return sa.func.substr(rest, 1, _position_of_slash(rest) - 1)

    start = _param("folder_start")
    walk = sa.select(first_deeper(start).label("path")).cte("walk", recursive=True)
    previous = walk.alias("previous")
    after_previous = start.op("||")(name_in(previous.c.path)).op("||")(sa.literal("0", sa.String))
    walk = walk.union_all(sa.select(first_deeper(after_previous)).where(previous.c.path.is_not(None)))
    return sa.select(name_in(walk.c.path)).where(walk.c.path.is_not(None))


def get_metadata(caller: Caller, query: MetadataQuery) -> dict:
    """The live file, its current version and optionally versions, lock history and audit rows.

    Raises the 400s of §1, AccessDenied, FileNotFound (also for a logically deleted file).
    """
    file = load_for_read(caller, query.ref)  # with its lock; completes presigned uploads nobody confirmed (§9)
    result = {"file": file, "current_version": file.current_version}
    if query.include_versions:
        result["versions"] = list(
            db.session.scalars(
                sa.select(FileVersion).where(FileVersion.file_id == file.id).order_by(FileVersion.version_number.desc())
            )
        )
    if query.include_locks:
        result["locks"] = list(
            db.session.scalars(
                sa.select(FileLock).where(FileLock.file_id == file.id).order_by(FileLock.created_at.desc())
            )
        )
    if query.include_audit:
        result["audit_logs"] = list(
            db.session.scalars(
                sa.select(AuditLog)
                .where(AuditLog.file_id == file.id)
                .order_by(AuditLog.created_at.desc())
                .limit(AUDIT_ROWS_SHOWN)
            )
        )
    return result


def update_metadata(caller: Caller, ref: FileRef, updated: dict) -> dict:
    """Replace the tags, set the description and/or the expiry. Raises AccessDenied, FileNotFound, FileLocked,
    InvalidExpiry."""
    file = load_authorized(caller, ref, "write", for_update=True)
    ensure_unlocked(file, caller)
    updated = dict(updated)
    expiry = updated.pop("expiry", None)
    for name, value in updated.items():
        setattr(file, name, value)
    if expiry is not None:  # shown as the moment it names (null: never)
        file.expires_at = deadline(expiry)
        if file.expires_at is not None:  # an expiry deletes the file: it takes the right to delete it
            policy().require(caller.principal, target_of(file), "delete")
        updated["expires_at"] = file.expires_at.isoformat() if file.expires_at is not None else None
    file.updated_at = now()
    audit.record(caller, "metadata_update", file=file, updated_fields=sorted(updated))
    db.session.commit()
    return {"file_id": file.id, "updated_fields": updated}


def archive(caller: Caller, file: File) -> None:
    """Delete the file logically (it goes to the trash, restorable); its locks end with it. Does not commit."""
    file.is_deleted, file.status = True, FileStatus.archived
    file.deleted_at, file.deleted_by, file.updated_at = now(), caller.user_id, now()
    db.session.execute(  # the caller's own lease ends with the file
        sa.update(FileLock)
        .where(FileLock.file_id == file.id, FileLock.released_at.is_(None))
        .values(released_at=now(), released_by=caller.user_id, release_reason="file deleted")
    )


def delete_file(caller: Caller, command: DeleteCommand) -> dict:
    """Archive the file (logical), or remove its metadata and, after the commit, every version's object (physical).

    A physical delete by `file_id` also purges an already archived file. Objects that cannot be removed now stay
    queued for `flask storage gc`. Raises the 400s of §1, AccessDenied, FileNotFound, FileLocked.
    """
    ref, physical = command.ref, command.physical
    file = load_authorized(caller, ref, "delete", include_deleted=physical and ref.file_id is not None, for_update=True)
    ensure_unlocked(file, caller)
    file_id = file.id
    audit.record(caller, "delete", file=file, physical=physical, was_deleted=file.is_deleted or None)
    if not physical:
        archive(caller, file)
        db.session.commit()
        return {"file_id": file_id, "logical_delete": True, "physical_delete": False}
    queued = purge(file, "file deleted")
    db.session.commit()
    drain_deletions(queued)
    return {"file_id": file_id, "logical_delete": True, "physical_delete": True}
