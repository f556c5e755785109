"""upload intents complete without /upload/confirm: version link, claim, pending indexes

Revision ID: 0002_intent_completion
Revises: 0001
Create Date: 2026-12-02 05:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0002_intent_completion"
down_revision = "0001"
branch_labels = None
depends_on = None

PENDING = "status = 'pending'"


def upgrade():
    with op.batch_alter_table("upload_intents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            "ix_upload_intents_pending_address",
            ["bucket_type", "bucket_id", "logical_path"],
            unique=False,
            postgresql_where=sa.text(PENDING),
            sqlite_where=sa.text(PENDING),
        )
        batch_op.create_index(
            "ix_upload_intents_pending_claim",
            ["claimed_until"],
            unique=False,
            postgresql_where=sa.text(PENDING),
            sqlite_where=sa.text(PENDING),
        )


def downgrade():
    with op.batch_alter_table("upload_intents", schema=None) as batch_op:
        batch_op.drop_index("ix_upload_intents_pending_claim")
        batch_op.drop_index("ix_upload_intents_pending_address")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("version_id")
