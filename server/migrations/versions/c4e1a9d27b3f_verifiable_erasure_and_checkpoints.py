"""verifiable erasure (subject digest) and signed checkpoints

Revision ID: c4e1a9d27b3f
Revises: 8783edcc1bac
Create Date: 2026-12-01 22:40:00

Existing records keep their digest (a chain is never rewritten): each chain's
erasable_from_seq starts after its current head, so only new records carry a subject digest.
"""

import sqlalchemy as sa
from alembic import op

revision = "c4e1a9d27b3f"
down_revision = "8783edcc1bac"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("consent_records") as batch:
        batch.add_column(sa.Column("subject_digest", sa.String(length=64), nullable=True))
    with op.batch_alter_table("chain_heads") as batch:
        batch.add_column(
            sa.Column("erasable_from_seq", sa.BigInteger(), nullable=False, server_default="1")
        )
    op.execute("UPDATE chain_heads SET erasable_from_seq = seq + 1")
    op.create_table(
        "checkpoints",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("signature", sa.String(length=128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_checkpoints_site_seq", "checkpoints", ["site_id", "id"])


def downgrade():
    op.drop_index("ix_checkpoints_site_seq", table_name="checkpoints")
    op.drop_table("checkpoints")
    with op.batch_alter_table("chain_heads") as batch:
        batch.drop_column("erasable_from_seq")
    with op.batch_alter_table("consent_records") as batch:
        batch.drop_column("subject_digest")
