"""admins.session_generation: signing out or removal refuses the admin's older session cookies

Revision ID: 5b8d2f1e7c90
Revises: a630467d3387
Create Date: 2026-12-01 23:10:00

"""

import sqlalchemy as sa
from alembic import op

revision = "5b8d2f1e7c90"
down_revision = "a630467d3387"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("admins") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("admins") as batch:
        batch.drop_column("session_generation")
