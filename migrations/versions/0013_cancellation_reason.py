"""an organiser's reason for cancelling someone's ticket

Revision ID: 0013_cancellation_reason
Revises: 0009_sign_in_links
Create Date: 2026-12-02 17:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0013_cancellation_reason"
down_revision = "0009_sign_in_links"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancellation_reason", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("cancellation_reason")
