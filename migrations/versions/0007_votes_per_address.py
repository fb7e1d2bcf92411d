"""votes without a ticket remember a keyed hash of the voter's address

Revision ID: 0007_votes_per_address
Revises: 0006_audit_actions_past_tense
Create Date: 2026-12-09 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007_votes_per_address"
down_revision = "0006_audit_actions_past_tense"
branch_labels = None
depends_on = None


def upgrade():
    # Votes already cast have no address key: they simply do not count against the bound.
    with op.batch_alter_table("question_votes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address_key", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_question_votes_question_address", ["question_id", "address_key"], unique=False
        )


def downgrade():
    with op.batch_alter_table("question_votes", schema=None) as batch_op:
        batch_op.drop_index("ix_question_votes_question_address")
        batch_op.drop_column("address_key")
