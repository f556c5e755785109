"""SQLAlchemy models: files, versions, locks, upload intents, audit log, object deletion queue, event outbox."""

import enum
import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")


class UTCDateTime(sa.TypeDecorator):
    """`timestamptz` on PostgreSQL; always hands back timezone-aware UTC datetimes (SQLite stores naive)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime")
        return value.astimezone(UTC) if value is not None and dialect.name != "postgresql" else value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class code_point_order(sa.sql.functions.GenericFunction):  # noqa: N801 (used like a SQL function)
    """A text column compared and sorted by code point: `COLLATE "C"` on PostgreSQL, whatever the database's
    collation (SQLite already compares bytes). A folder's subtree is then one range of paths, in index order."""

    type = sa.String()
    inherit_cache = True


@compiles(code_point_order)
def _code_point_order(element, compiler, **kw):
    return compiler.process(element.clauses, **kw)


@compiles(code_point_order, "postgresql")
def _code_point_order_postgresql(element, compiler, **kw):
    return f'{compiler.process(element.clauses, **kw)} COLLATE "C"'


def path_depth(path):
    """How many `/` a path holds: 0 at the root of a bucket id. Spelled as the index ix_files_folder_keyset has it
    (constants inlined: a bound parameter would not match the index expression)."""
    return sa.func.length(path) - sa.func.length(
        sa.func.replace(path, sa.literal_column("'/'"), sa.literal_column("''"))
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


class BucketType(enum.StrEnum):
    users = "users"
    companies = "companies"
    projects = "projects"


class FileStatus(enum.StrEnum):
    draft = "draft"
    pending_validation = "pending_validation"
    validated = "validated"
    archived = "archived"


class VersionStatus(enum.StrEnum):
    draft = "draft"
    pending_validation = "pending_validation"
    validated = "validated"
    rejected = "rejected"
    corrupted = "corrupted"


class LockType(enum.StrEnum):
    edit = "edit"
    review = "review"
    admin = "admin"


class IntentStatus(enum.StrEnum):
    pending = "pending"
    confirmed = "confirmed"
    failed = "failed"
    expired = "expired"


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    return sa.Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
    )


class File(db.Model):
    __tablename__ = "files"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    bucket_type: Mapped[BucketType] = mapped_column(_enum(BucketType, "bucket_type"))
    bucket_id: Mapped[str] = mapped_column(sa.String(64))
    logical_path: Mapped[str] = mapped_column(sa.String(1024))
    filename: Mapped[str] = mapped_column(sa.String(255))
    owner_id: Mapped[str] = mapped_column(sa.String(255))
    status: Mapped[FileStatus] = mapped_column(_enum(FileStatus, "file_status"), default=FileStatus.draft)
    status_before_pending: Mapped[FileStatus | None] = mapped_column(_enum(FileStatus, "file_prior_status"))
    current_version_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("file_versions.id", use_alter=True, ondelete="SET NULL")
    )
    tags: Mapped[dict] = mapped_column(JSONType, default=dict)
    description: Mapped[str | None] = mapped_column(sa.Text)
    source_file_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("files.id", ondelete="SET NULL"))
    base_version_number: Mapped[int | None] = mapped_column(sa.Integer)
    # The newest version number of any status; commits advance it with one conditional UPDATE.
    latest_version_number: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    is_deleted: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deleted_by: Mapped[str | None] = mapped_column(sa.String(255))
    # Once past, the file is gone for every request; the worker then deletes it physically (app/services/expiry.py).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    current_version: Mapped["FileVersion | None"] = relationship(
        foreign_keys=[current_version_id], post_update=True, lazy="joined"
    )

    # The active lock, attached by the service that loads the file (None when not looked up or not locked).
    lock = None

    def _current(self, name: str):
        return getattr(self.current_version, name) if self.current_version is not None else None

    @property
    def current_version_number(self) -> int | None:
        return self._current("version_number")

    @property
    def size(self) -> int | None:
        return self._current("size")

    @property
    def mime_type(self) -> str | None:
        return self._current("mime_type")

    @property
    def category(self) -> str | None:
        return self._current("category")

    @property
    def checksum_sha256(self) -> str | None:
        return self._current("checksum_sha256")

    __table_args__ = (
        # One live file per address: logically deleted (archived) files step aside.
        sa.Index(
            "uq_files_live_address",
            "bucket_type",
            "bucket_id",
            "logical_path",
            unique=True,
            postgresql_where=sa.text("NOT is_deleted"),
            sqlite_where=sa.text("NOT is_deleted"),
        ),
        sa.Index("ix_files_listing", "bucket_type", "bucket_id", "logical_path"),
        # GET /list: pages in (path, id) order by code point, folders as ranges (migration 0003 builds them).
        sa.Index(
            "ix_files_listing_keyset",
            "bucket_type",
            "bucket_id",
            code_point_order(sa.text("logical_path")),
            "id",
            postgresql_include=["is_deleted", "expires_at"],
        ),
        sa.Index(
            "ix_files_folder_keyset",
            "bucket_type",
            "bucket_id",
            path_depth(sa.text("logical_path")),
            code_point_order(sa.text("logical_path")),
            "id",
            postgresql_include=["is_deleted", "expires_at"],
        ),
        sa.Index(
            "ix_files_expiry",
            "expires_at",
            postgresql_where=sa.text("expires_at IS NOT NULL"),
            sqlite_where=sa.text("expires_at IS NOT NULL"),
        ),
        # The worker's trash purge: logically deleted files by deletion time (migration 0008).
        sa.Index(
            "ix_files_trash",
            "deleted_at",
            postgresql_where=sa.text("is_deleted"),
            sqlite_where=sa.text("is_deleted"),
        ),
    )


class FileVersion(db.Model):
    __tablename__ = "file_versions"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    file_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("files.id", ondelete="CASCADE"), index=True)
    version_number: Mapped[int] = mapped_column(sa.Integer)
    object_key: Mapped[str] = mapped_column(sa.String(512), unique=True)
    size: Mapped[int] = mapped_column(sa.BigInteger)
    mime_type: Mapped[str] = mapped_column(sa.String(255))
    category: Mapped[str] = mapped_column(sa.String(32))
    checksum_sha256: Mapped[str] = mapped_column(sa.String(64))
    status: Mapped[VersionStatus] = mapped_column(_enum(VersionStatus, "version_status"))
    changelog: Mapped[str | None] = mapped_column(sa.Text)
    base_version_number: Mapped[int | None] = mapped_column(sa.Integer)
    created_by: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    validated_by: Mapped[str | None] = mapped_column(sa.String(255))
    validated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    validation_comment: Mapped[str | None] = mapped_column(sa.Text)

    file: Mapped[File] = relationship(foreign_keys=[file_id])

    __table_args__ = (sa.UniqueConstraint("file_id", "version_number"),)


class FileLock(db.Model):
    __tablename__ = "file_locks"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    file_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("files.id", ondelete="CASCADE"), index=True)
    locked_by: Mapped[str] = mapped_column(sa.String(255))
    lock_type: Mapped[LockType] = mapped_column(_enum(LockType, "lock_type"), default=LockType.edit)
    reason: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    released_by: Mapped[str | None] = mapped_column(sa.String(255))
    release_reason: Mapped[str | None] = mapped_column(sa.Text)
    forced: Mapped[bool] = mapped_column(sa.Boolean, default=False)

    file: Mapped[File] = relationship(foreign_keys=[file_id])

    __table_args__ = (
        # At most one unreleased lock per file; an expired one is released in the same statement that replaces it.
        sa.Index(
            "uq_file_locks_active",
            "file_id",
            unique=True,
            postgresql_where=sa.text("released_at IS NULL"),
            sqlite_where=sa.text("released_at IS NULL"),
        ),
    )


class UploadIntent(db.Model):
    __tablename__ = "upload_intents"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    bucket_type: Mapped[BucketType] = mapped_column(_enum(BucketType, "intent_bucket_type"))
    bucket_id: Mapped[str] = mapped_column(sa.String(64))
    logical_path: Mapped[str] = mapped_column(sa.String(1024))
    object_key: Mapped[str] = mapped_column(sa.String(512), unique=True)
    user_id: Mapped[str] = mapped_column(sa.String(255))
    method: Mapped[str] = mapped_column(sa.String(8))
    content_type: Mapped[str | None] = mapped_column(sa.String(255))
    declared_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    declared_checksum: Mapped[str | None] = mapped_column(sa.String(64))
    status: Mapped[IntentStatus] = mapped_column(_enum(IntentStatus, "intent_status"), default=IntentStatus.pending)
    file_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    file_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the file's expiry the upload asked for

    # -- completion without /upload/confirm (app/services/intents.py) --
    # The version the upload became (its bytes were copied to a fresh key: the upload's key is not the version's).
    version_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    # Until when a reader, a worker or a confirm is checking the object (others skip it); once released, when it
    # was last checked, so workers check the least recently checked first.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # -- resumable multipart uploads (app/services/multipart_uploads.py; method "PARTS") --
    # The store's upload id (S3 UploadId) while parts arrive, and the size of every part but the last.
    multipart_upload_id: Mapped[str | None] = mapped_column(sa.String(1024))
    part_size: Mapped[int | None] = mapped_column(sa.BigInteger)

    __table_args__ = (
        # Reads look for pending uploads at an address or under a folder; workers take the least recently checked.
        sa.Index(
            "ix_upload_intents_pending_address",
            "bucket_type",
            "bucket_id",
            "logical_path",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        ),
        sa.Index(
            "ix_upload_intents_pending_claim",
            "claimed_until",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        ),
    )


class AuditLog(db.Model):
    __tablename__ = "audit_logs"

    # No foreign keys: the trail outlives the files it describes.
    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[str | None] = mapped_column(sa.String(255))
    action: Mapped[str] = mapped_column(sa.String(64))
    outcome: Mapped[str] = mapped_column(sa.String(16), default="success")
    file_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid, index=True)
    version_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    bucket_type: Mapped[str | None] = mapped_column(sa.String(32))
    bucket_id: Mapped[str | None] = mapped_column(sa.String(64))
    logical_path: Mapped[str | None] = mapped_column(sa.String(1024))
    request_id: Mapped[str | None] = mapped_column(sa.String(64))
    client_ip: Mapped[str | None] = mapped_column(sa.String(64))
    details: Mapped[dict] = mapped_column(JSONType, default=dict)


class ObjectDeletion(db.Model):
    __tablename__ = "object_deletions"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    bucket: Mapped[str] = mapped_column(sa.String(128))
    object_key: Mapped[str] = mapped_column(sa.String(512))
    reason: Mapped[str | None] = mapped_column(sa.String(255))
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (sa.UniqueConstraint("bucket", "object_key"),)


class OutboxStatus(enum.StrEnum):
    pending = "pending"  # waiting for its first delivery or a retry
    delivered = "delivered"  # a subscriber answered 2xx
    dead = "dead"  # WEBHOOK_MAX_ATTEMPTS failed, or its subscription is gone: a dead letter


class OutboxEvent(db.Model):
    """One event for one subscription (app/services/events.py), written in the transaction of the change it reports."""

    __tablename__ = "outbox_events"

    # The order events were written in: a subscription gets one file's events in this order.
    seq: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True, autoincrement=True
    )
    event_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)  # `webhook-id`: the same for every subscription and retry
    subscription: Mapped[str] = mapped_column(sa.String(2048))  # the subscriber's URL (WEBHOOK_URLS)
    type: Mapped[str] = mapped_column(sa.String(64))
    file_id: Mapped[uuid.UUID | None] = mapped_column(sa.Uuid)
    payload: Mapped[dict] = mapped_column(JSONType)
    status: Mapped[OutboxStatus] = mapped_column(_enum(OutboxStatus, "outbox_status"), default=OutboxStatus.pending)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)  # counted when claimed (a crash counts too)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # A worker's lease: until then no other worker delivers this event (it outlasts the HTTP deadline).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    claimed_by: Mapped[str | None] = mapped_column(sa.String(255))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        sa.UniqueConstraint("event_id", "subscription"),
        # Workers look for due events, and for an earlier undelivered event of the same file and subscription.
        sa.Index(
            "ix_outbox_events_due",
            "next_attempt_at",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        ),
        sa.Index(
            "ix_outbox_events_chain",
            "subscription",
            "file_id",
            "seq",
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        ),
        sa.Index(
            "ix_outbox_events_delivered",
            "delivered_at",
            postgresql_where=sa.text("status = 'delivered'"),
            sqlite_where=sa.text("status = 'delivered'"),
        ),
        sa.Index(  # `flask storage events` and the metrics read the dead letters
            "ix_outbox_events_dead",
            "seq",
            postgresql_where=sa.text("status = 'dead'"),
            sqlite_where=sa.text("status = 'dead'"),
        ),
    )


class BucketUsage(db.Model):
    """What one bucket address (users/u1, projects/p7 ...) holds, kept with every version written or file purged.

    Quotas (app/services/quotas.py) are checked by one conditional UPDATE of this row in the transaction that
    records a version, so concurrent uploads to one bucket queue on the row and cannot both pass under the limit.
    """

    __tablename__ = "bucket_usage"

    bucket_type: Mapped[BucketType] = mapped_column(_enum(BucketType, "usage_bucket_type"), primary_key=True)
    bucket_id: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    # Bytes of every version's object of every file (trash included: its bytes stay stored until purged)
    bytes_used: Mapped[int] = mapped_column(sa.BigInteger, default=0, server_default="0")
    files_used: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    # An administrator's limits for this bucket (PUT /usage); None: QUOTA_DEFAULT_BYTES / QUOTA_DEFAULT_FILES
    max_bytes: Mapped[int | None] = mapped_column(sa.BigInteger)
    max_files: Mapped[int | None] = mapped_column(sa.Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ShareLink(db.Model):
    """A public link to one file version (app/services/sharing.py): only the SHA-256 of its token is kept."""

    __tablename__ = "share_links"

    id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # The link goes with its file or version when they are purged (a logically deleted file's links stop serving).
    file_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("files.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("file_versions.id", ondelete="CASCADE"))
    created_by: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    max_downloads: Mapped[int | None] = mapped_column(sa.Integer)
    # Counted by the conditional UPDATE that serves a download, so a limit holds under concurrent requests.
    download_count: Mapped[int] = mapped_column(sa.Integer, default=0, server_default="0")
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(sa.String(255))

    __table_args__ = (sa.Index("ix_share_links_creator", "created_by", "created_at"),)
