"""admins.must_change_password: a password handed out once must be replaced at first sign-in

Revision ID: 2e40b483a5d0
Revises: c4e1a9d27b3f
Create Date: 2026-11-29 22:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "2e40b483a5d0"
down_revision = "c4e1a9d27b3f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("admins") as batch_op:
        batch_op.add_column(
            sa.Column(
                "must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade():
    with op.batch_alter_table("admins") as batch_op:
        batch_op.drop_column("must_change_password")
