"""expiring files: files.expires_at (hidden once past, deleted by the worker), the expiry a presigned upload asks for,
and an index for the dead letters of the outbox

Revision ID: 0005_file_expiry
Revises: 0004_outbox_events
Create Date: 2026-12-02 13:30:00

The listing indexes of 0003 are rebuilt to carry expires_at beside is_deleted (INCLUDE), so a listing that skips
expired files still reads the index only. On PostgreSQL each is built CONCURRENTLY under a new name, then swapped in,
so listings keep an index while it builds.
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_file_expiry"
down_revision = "0004_outbox_events"
branch_labels = None
depends_on = None

DEPTH = "(length(logical_path) - length(replace(logical_path, '/', '')))"  # app.models.path_depth renders this
LISTING = {
    "ix_files_listing_keyset": ("bucket_type", "bucket_id", 'logical_path COLLATE "C"', "id"),
    "ix_files_folder_keyset": ("bucket_type", "bucket_id", DEPTH, 'logical_path COLLATE "C"', "id"),
}


def upgrade():
    with op.batch_alter_table("files") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("upload_intents") as batch:
        batch.add_column(sa.Column("file_expires_at", sa.DateTime(timezone=True), nullable=True))
    expiring = sa.text("expires_at IS NOT NULL")
    op.create_index("ix_files_expiry", "files", ["expires_at"], postgresql_where=expiring, sqlite_where=expiring)
    dead = sa.text("status = 'dead'")
    op.create_index("ix_outbox_events_dead", "outbox_events", ["seq"], postgresql_where=dead, sqlite_where=dead)
    if op.get_bind().dialect.name == "postgresql":
        _rebuild_listing(("is_deleted", "expires_at"))


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        _rebuild_listing(("is_deleted",))
    op.drop_index("ix_outbox_events_dead", table_name="outbox_events")
    op.drop_index("ix_files_expiry", table_name="files")
    with op.batch_alter_table("upload_intents") as batch:
        batch.drop_column("file_expires_at")
    with op.batch_alter_table("files") as batch:
        batch.drop_column("expires_at")


def _rebuild_listing(include: tuple[str, ...]) -> None:
    with op.get_context().autocommit_block():  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
        for name, columns in LISTING.items():
            op.execute(sa.text(f"DROP INDEX IF EXISTS {name}_new"))  # an INVALID leftover of an interrupted build
            op.execute(
                sa.text(
                    f"CREATE INDEX CONCURRENTLY {name}_new ON files ({', '.join(columns)}) INCLUDE ({', '.join(include)})"
                )
            )
            op.execute(sa.text(f"DROP INDEX CONCURRENTLY IF EXISTS {name}"))
            op.execute(sa.text(f"ALTER INDEX {name}_new RENAME TO {name}"))
