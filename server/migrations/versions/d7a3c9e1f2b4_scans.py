"""scans: cookie scan records (queued, running, done) with their immutable result

Revision ID: d7a3c9e1f2b4
Revises: 5b8d2f1e7c90
Create Date: 2026-12-02 00:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "d7a3c9e1f2b4"
down_revision = "5b8d2f1e7c90"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "scans",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=254), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("progress", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("policy_version", sa.Integer(), nullable=True),
        sa.Column("browser_version", sa.String(length=100), nullable=False),
        sa.Column("verdict", sa.String(length=16), nullable=True),
        sa.Column("pages", sa.Integer(), nullable=False),
        sa.Column("offences", sa.Integer(), nullable=False),
        sa.Column("result", sa.Text(), nullable=True),
        sa.Column("result_sha256", sa.String(length=64), nullable=True),
        sa.Column("error", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_scans_site_created", "scans", ["site_id", "id"], unique=False)


def downgrade():
    op.drop_index("ix_scans_site_created", table_name="scans")
    op.drop_table("scans")
