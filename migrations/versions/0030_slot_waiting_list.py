"""slot waiting list: an organiser may give each time slot a waiting list of its own

A setting on the event (off: one waiting list for the event, as before) and the time each
waiting ticket waits for.

Revision ID: 0030_slot_waiting_list
Revises: 0029_sign_up_questions
Create Date: 2026-12-03 07:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0030_slot_waiting_list"
down_revision = "0029_sign_up_questions"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "waiting_list_per_slot", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )

    op.create_table(
        "slot_waits",
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("slot_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_slot_waits_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["event_slots.id"],
            name=op.f("fk_slot_waits_slot_id_event_slots"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_slot_waits")),
    )
    with op.batch_alter_table("slot_waits", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_slot_waits_slot_id"), ["slot_id"], unique=False)


def downgrade():
    with op.batch_alter_table("slot_waits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slot_waits_slot_id"))
    op.drop_table("slot_waits")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("waiting_list_per_slot")
