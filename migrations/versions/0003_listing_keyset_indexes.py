"""listing indexes: keyset order by path (code-point order) and direct children of a folder

Revision ID: 0003_listing_keyset
Revises: 0002_intent_completion
Create Date: 2026-12-02 06:00:00

`GET /list` pages in (logical_path, id) order and selects a folder by a range of paths, so that a page costs the
same in a bucket of 1,000 or 1,000,000 files:

- ix_files_listing_keyset (bucket_type, bucket_id, logical_path COLLATE "C", id): a subtree is one contiguous
  range of the index in code-point order whatever the database's collation, and a cursor (the last path and id
  of a page) starts the next page without OFFSET;
- ix_files_folder_keyset (bucket_type, bucket_id, <number of "/" in the path>, logical_path COLLATE "C", id): the
  direct children of a folder are the files of its range one level deeper, again one range of the index.

Both carry is_deleted (INCLUDE), so counting a folder's live files reads the index only. On PostgreSQL they are
built CONCURRENTLY (uploads keep going on a large table); SQLite (development) gets the same key columns in its own
byte order.
"""

import sqlalchemy as sa
from alembic import op

revision = "0003_listing_keyset"
down_revision = "0002_intent_completion"
branch_labels = None
depends_on = None

DEPTH = "(length(logical_path) - length(replace(logical_path, '/', '')))"  # app.models.path_depth renders this
INDEXES = {
    "ix_files_listing_keyset": ("bucket_type", "bucket_id", "logical_path {collate}", "id"),
    "ix_files_folder_keyset": ("bucket_type", "bucket_id", DEPTH, "logical_path {collate}", "id"),
}


def upgrade():
    postgresql = op.get_bind().dialect.name == "postgresql"
    collate = 'COLLATE "C"' if postgresql else ""
    statements = [
        f"CREATE INDEX {'CONCURRENTLY ' if postgresql else ''}IF NOT EXISTS {name} ON files "
        f"({', '.join(column.format(collate=collate).strip() for column in columns)})"
        + (" INCLUDE (is_deleted)" if postgresql else "")
        for name, columns in INDEXES.items()
    ]
    if not postgresql:
        for statement in statements:
            op.execute(sa.text(statement))
        return
    with op.get_context().autocommit_block():  # CREATE INDEX CONCURRENTLY cannot run inside a transaction
        for name, statement in zip(INDEXES, statements, strict=True):
            op.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))  # an INVALID leftover of an interrupted build
            op.execute(sa.text(statement))


def downgrade():
    for name in INDEXES:
        op.execute(sa.text(f"DROP INDEX IF EXISTS {name}"))
