"""discreet emails: a neutral calendar title grows into discreet emails and invites

Revision ID: 0020_discreet
Revises: 0019_access
Create Date: 2026-12-02 19:20:00

Everyone who asked for a neutral calendar title keeps it, and now gets discreet emails too:
they asked not to be seen, and the email was the part still showing.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020_discreet"
down_revision = "0019_access"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column(
            "neutral_calendar_title",
            new_column_name="discreet",
            existing_type=sa.Boolean(),
            existing_nullable=False,
            existing_server_default=sa.false(),
        )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sender_name", sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("sender_name")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column(
            "discreet",
            new_column_name="neutral_calendar_title",
            existing_type=sa.Boolean(),
            existing_nullable=False,
            existing_server_default=sa.false(),
        )
