"""pocket ticket: an email can carry its ticket's QR code inside it

Revision ID: 0027_pocket_ticket
Revises: 0026_supporters
Create Date: 2026-12-03 06:40:00

One new nullable column on the outbox: the text the QR code is drawn from when the message is
built. Rows already queued have none and go out as before.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0027_pocket_ticket"
down_revision = "0026_supporters"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qr_text", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_column("qr_text")
