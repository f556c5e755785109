"""share links: public links to one file version, stored by the hash of their token

Revision ID: 0006_share_links
Revises: 0008_quotas_trash
Create Date: 2026-12-02 14:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0006_share_links"
down_revision = "0008_quotas_trash"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "share_links",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.Uuid(), nullable=False),
        sa.Column("version_id", sa.Uuid(), nullable=False),
        sa.Column("created_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("max_downloads", sa.Integer(), nullable=True),
        sa.Column("download_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(["file_id"], ["files.id"], name="fk_share_links_file_id_files", ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["version_id"], ["file_versions.id"], name="fk_share_links_version_id_file_versions", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_share_links"),
        sa.UniqueConstraint("token_hash", name="uq_share_links_token_hash"),
    )
    op.create_index("ix_share_links_file_id", "share_links", ["file_id"])
    op.create_index("ix_share_links_creator", "share_links", ["created_by", "created_at"])


def downgrade():
    op.drop_index("ix_share_links_creator", table_name="share_links")
    op.drop_index("ix_share_links_file_id", table_name="share_links")
    op.drop_table("share_links")
