"""outbox messages may be written when they are sent

Revision ID: 0005_compose_when_sent
Revises: 0004_merge
Create Date: 2026-11-25 15:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0005_compose_when_sent"
down_revision = "0004_merge"
branch_labels = None
depends_on = None


def upgrade():
    # A sign-up queues its email with no subject or body yet: the sender writes them.
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("subject", existing_type=sa.String(length=200), nullable=True)
        batch_op.alter_column("text_body", existing_type=sa.Text(), nullable=True)


def downgrade():
    op.execute("UPDATE outbox_messages SET subject = '', text_body = '' WHERE text_body IS NULL")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.alter_column("text_body", existing_type=sa.Text(), nullable=False)
        batch_op.alter_column("subject", existing_type=sa.String(length=200), nullable=False)
