"""outbox language: the language a message written when it is sent is written in

A password reset or sign-in link is written by the sender, after the request that asked for
it: the row keeps the language of the page it was asked from. Rows from before are English.

Revision ID: 0033_outbox_language
Revises: 0032_welsh_event_text
Create Date: 2026-12-03 13:35:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0033_outbox_language"
down_revision = "0032_welsh_event_text"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("language")
