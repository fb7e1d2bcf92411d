"""audit entries know their event, for the audit page's event filter

Revision ID: 0016_audit_event
Revises: 0015_door_staff
Create Date: 2026-12-03 10:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016_audit_event"
down_revision = "0015_door_staff"
branch_labels = None
depends_on = None

# Older entries get their event from the row they were about, while it is still there: an
# event itself, or a ticket, question or email that belongs to one. A proposal has an event
# only once approved, so only its approval is counted (as record_action does from now on).
_FROM_EVENT = sa.text(
    "UPDATE audit_entries SET event_id = target_id"
    " WHERE target_type = 'Event' AND target_id IN (SELECT id FROM events)"
)
_FROM_OWNER = (
    "UPDATE audit_entries SET event_id ="
    " (SELECT owner.event_id FROM {table} AS owner WHERE owner.id = audit_entries.target_id)"
    " WHERE target_type = '{target_type}'{also}"
)
_OWNERS = (
    ("registrations", "Registration", ""),
    ("questions", "Question", ""),
    ("outbox_messages", "OutboxMessage", ""),
    ("proposals", "Proposal", " AND action = 'proposal.approved'"),
)


def upgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("event_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_audit_entries_event_id_events"),
            "events",
            ["event_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index("ix_audit_entries_event_at", ["event_id", "at"], unique=False)
        batch_op.create_index("ix_audit_entries_actor_at", ["actor_id", "at"], unique=False)
    op.execute(_FROM_EVENT)
    for table, target_type, also in _OWNERS:
        op.execute(_FROM_OWNER.format(table=table, target_type=target_type, also=also))


def downgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_actor_at")
        batch_op.drop_index("ix_audit_entries_event_at")
        batch_op.drop_constraint(batch_op.f("fk_audit_entries_event_id_events"), type_="foreignkey")
        batch_op.drop_column("event_id")
