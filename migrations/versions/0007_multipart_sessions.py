"""resumable multipart uploads: an upload intent may be a multipart session (its store upload id and part size)

Revision ID: 0007_multipart_sessions
Revises: 0006_share_links
Create Date: 2026-12-02 13:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007_multipart_sessions"
down_revision = "0006_share_links"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("upload_intents") as batch:
        batch.add_column(sa.Column("multipart_upload_id", sa.String(length=1024), nullable=True))
        batch.add_column(sa.Column("part_size", sa.BigInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("upload_intents") as batch:
        batch.drop_column("part_size")
        batch.drop_column("multipart_upload_id")
