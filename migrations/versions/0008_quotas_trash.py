"""quotas and trash: usage per bucket address (backfilled), trash purge by deletion time

Revision ID: 0008_quotas_trash
Revises: 0005_file_expiry
Create Date: 2026-12-02 13:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0008_quotas_trash"
down_revision = "0005_file_expiry"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bucket_usage",
        sa.Column(
            "bucket_type",
            sa.Enum(
                "users",
                "companies",
                "projects",
                name="usage_bucket_type",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("bucket_id", sa.String(length=64), nullable=False),
        sa.Column("bytes_used", sa.BigInteger(), server_default="0", nullable=False),
        sa.Column("files_used", sa.Integer(), server_default="0", nullable=False),
        sa.Column("max_bytes", sa.BigInteger(), nullable=True),
        sa.Column("max_files", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("bucket_type", "bucket_id", name=op.f("pk_bucket_usage")),
    )
    # What every bucket address holds already: every file (trash included) and every version's bytes.
    op.execute(
        """
        INSERT INTO bucket_usage (bucket_type, bucket_id, bytes_used, files_used, updated_at)
        SELECT f.bucket_type, f.bucket_id,
               COALESCE(SUM(v.bytes), 0), COUNT(*), CURRENT_TIMESTAMP
        FROM files f
        LEFT JOIN (SELECT file_id, SUM(size) AS bytes FROM file_versions GROUP BY file_id) v ON v.file_id = f.id
        GROUP BY f.bucket_type, f.bucket_id
        """
    )
    with op.batch_alter_table("files", schema=None) as batch_op:
        # The worker's purge looks for trash deleted before the retention period.
        batch_op.create_index(
            "ix_files_trash",
            ["deleted_at"],
            unique=False,
            postgresql_where=sa.text("is_deleted"),
            sqlite_where=sa.text("is_deleted"),
        )


def downgrade():
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_index("ix_files_trash")
    op.drop_table("bucket_usage")
