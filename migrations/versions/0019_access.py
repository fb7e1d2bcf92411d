"""what events offer for access, and the listed needs people ask for

Revision ID: 0019_access
Revises: 0018_two_step
Create Date: 2026-12-02 19:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019_access"
down_revision = "0018_two_step"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("events", "proposals"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "access_features", sa.String(length=200), server_default="", nullable=False
                )
            )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("access_requests", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("access_requests")
    for table in ("proposals", "events"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("access_features")
