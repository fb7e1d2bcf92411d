"""supporters: an event can let a young person bring one supporter, who takes a place too

Revision ID: 0026_supporters
Revises: 0025_booking_for_others
Create Date: 2026-12-03 07:00:00

Off for every event that exists. A supporter is a row of their own tied to one ticket.
"""

import sqlalchemy as sa
from alembic import op

import nclw.dbtypes

# revision identifiers, used by Alembic.
revision = "0026_supporters"
down_revision = "0025_booking_for_others"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("supporters_allowed", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.create_table(
        "supporters",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("first_name", sa.String(length=80), nullable=True),
        sa.Column(
            "role",
            sa.Enum(
                "personal_adviser",
                "carer",
                "interpreter",
                "friend",
                name="supporter_role",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("checked_in_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_supporters_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supporters")),
        sa.UniqueConstraint("registration_id", name=op.f("uq_supporters_registration_id")),
    )


def downgrade():
    # A supporter's place goes back: the counter counts the young people only again.
    op.execute(
        "UPDATE events SET confirmed_count = confirmed_count - ("
        "SELECT COUNT(*) FROM supporters JOIN registrations "
        "ON registrations.id = supporters.registration_id "
        "WHERE registrations.event_id = events.id "
        "AND registrations.status IN ('confirmed', 'offered'))"
    )
    op.drop_table("supporters")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("supporters_allowed")
