"""booking for others: a professional books places for several young people they support

Revision ID: 0025_booking_for_others
Revises: 0024_messages_that_wait
Create Date: 2026-12-03 07:10:00

A booking keeps who booked (name, email, organisation, role) and the hash of the link to its
page; each ticket it made points at it. Existing tickets were booked by nobody.
"""

import sqlalchemy as sa
from alembic import op

import nclw.dbtypes

# revision identifiers, used by Alembic.
revision = "0025_booking_for_others"
down_revision = "0024_messages_that_wait"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "bookings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("organisation", sa.String(length=160), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=False),
        sa.Column("link_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_bookings_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("link_hash", name=op.f("uq_bookings_link_hash")),
    )
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bookings_event_id"), ["event_id"], unique=False)
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("booking_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_registrations_booking_id"), ["booking_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_registrations_booking_id_bookings"),
            "bookings",
            ["booking_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_registrations_booking_id_bookings"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_registrations_booking_id"))
        batch_op.drop_column("booking_id")
    with op.batch_alter_table("bookings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bookings_event_id"))
    op.drop_table("bookings")
