"""ticket language: the language a person signed up in, for every later email

Every ticket from before there were languages was made in English.

Revision ID: 0031_ticket_language
Revises: 0030_slot_waiting_list
Create Date: 2026-12-03 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0031_ticket_language"
down_revision = "0030_slot_waiting_list"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("language", sa.String(length=8), server_default="en", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_column("language")
