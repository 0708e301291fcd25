"""admins.locale: the language an admin reads the admin pages in (none: the browser's)

Revision ID: 9d3c6a0f4e21
Revises: d7a3c9e1f2b4
Create Date: 2026-12-02 01:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "9d3c6a0f4e21"
down_revision = "d7a3c9e1f2b4"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("admins") as batch:
        batch.add_column(sa.Column("locale", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("admins") as batch:
        batch.drop_column("locale")
