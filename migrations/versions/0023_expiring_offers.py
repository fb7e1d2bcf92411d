"""expiring offers: a freed place is offered to the next person waiting, to claim by a deadline

Revision ID: 0023_expiring_offers
Revises: 0022_calendar_replies
Create Date: 2026-12-03 07:00:00

Off for every event that exists: each keeps confirming the next person outright until an
organiser turns offers on.
"""

import sqlalchemy as sa
from alembic import op

import nclw.dbtypes

# revision identifiers, used by Alembic.
revision = "0023_expiring_offers"
down_revision = "0022_calendar_replies"
branch_labels = None
depends_on = None


def _statuses(*values: str) -> str:
    return "status IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offers_expire", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offer_expires_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("offer_expired_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_constraint(op.f("ck_registrations_registration_status"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_registrations_registration_status"),
            _statuses("confirmed", "offered", "waiting", "cancelled"),
        )
        batch_op.create_check_constraint(
            op.f("ck_registrations_offer_has_deadline"),
            "status != 'offered' OR offer_expires_at IS NOT NULL",
        )


def downgrade():
    # An open offer becomes a confirmed ticket: it already holds its place, so no event is
    # overbooked and nobody loses a place they were offered.
    op.execute(
        "UPDATE registrations SET status = 'confirmed', confirmed_at = updated_at "
        "WHERE status = 'offered'"
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_registrations_offer_has_deadline"), type_="check")
        batch_op.drop_constraint(op.f("ck_registrations_registration_status"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_registrations_registration_status"),
            _statuses("confirmed", "waiting", "cancelled"),
        )
        batch_op.drop_column("offer_expired_at")
        batch_op.drop_column("offer_expires_at")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("offers_expire")
