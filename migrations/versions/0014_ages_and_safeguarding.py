"""age rules on events and proposals; safeguarding answers a draft may leave for later

Revision ID: 0014_ages_and_safeguarding
Revises: 0013_cancellation_reason
Create Date: 2026-12-02 18:10:00

A proposal's "May under-18s attend?" becomes its age rule: a "No" is "18 and over", so the
two can never disagree again.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014_ages_and_safeguarding"
down_revision = "0013_cancellation_reason"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_age", sa.Integer(), server_default="16", nullable=False))
        batch_op.add_column(sa.Column("max_age", sa.Integer(), nullable=True))
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("min_age", sa.Integer(), server_default="16", nullable=False))
        batch_op.add_column(sa.Column("max_age", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("safeguarding_note", sa.Text(), nullable=True))
        batch_op.alter_column("staff_dbs_checked", existing_type=sa.Boolean(), nullable=True)
    proposals = sa.table(
        "proposals", sa.column("min_age", sa.Integer), sa.column("under_18s_allowed", sa.Boolean)
    )
    op.execute(
        proposals.update()
        .where(proposals.c.under_18s_allowed.is_(sa.false()))
        .values(min_age=18)
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_column("under_18s_allowed")


def downgrade():
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("under_18s_allowed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    proposals = sa.table(
        "proposals",
        sa.column("min_age", sa.Integer),
        sa.column("under_18s_allowed", sa.Boolean),
        sa.column("staff_dbs_checked", sa.Boolean),
    )
    op.execute(proposals.update().where(proposals.c.min_age < 18).values(under_18s_allowed=True))
    op.execute(
        proposals.update()
        .where(proposals.c.staff_dbs_checked.is_(None))
        .values(staff_dbs_checked=False)
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.alter_column("staff_dbs_checked", existing_type=sa.Boolean(), nullable=False)
        batch_op.drop_column("safeguarding_note")
        batch_op.drop_column("max_age")
        batch_op.drop_column("min_age")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("max_age")
        batch_op.drop_column("min_age")
