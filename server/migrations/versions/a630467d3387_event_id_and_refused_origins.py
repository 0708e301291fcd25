"""consent_records.event_id, unique per site; refused_origins

Revision ID: a630467d3387
Revises: 2e40b483a5d0
Create Date: 2026-12-01 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "a630467d3387"
down_revision = "2e40b483a5d0"
branch_labels = None
depends_on = None


def upgrade():
    # Batch mode: SQLite adds a constraint by copying the table; PostgreSQL alters it in place.
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.String(length=36), nullable=True))
        batch_op.create_unique_constraint("uq_consent_records_site_event", ["site_id", "event_id"])

    op.create_table(
        "refused_origins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("origin", sa.String(length=200), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("site_id", "origin"),
    )


def downgrade():
    op.drop_table("refused_origins")
    with op.batch_alter_table("consent_records", schema=None) as batch_op:
        batch_op.drop_constraint("uq_consent_records_site_event", type_="unique")
        batch_op.drop_column("event_id")
