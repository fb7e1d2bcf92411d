"""messages that wait: organisers' messages kept with their emails, and saved templates

Revision ID: 0024_messages_that_wait
Revises: 0023_expiring_offers
Create Date: 2026-12-03 06:23:32

Three new tables and nothing else changed. Messages sent before this upgrade are not in an
event's history: the outbox never said which emails made one message.
"""

from alembic import op
import sqlalchemy as sa

import nclw.dbtypes


# revision identifiers, used by Alembic.
revision = "0024_messages_that_wait"
down_revision = "0023_expiring_offers"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "message_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("subject", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_message_templates_name")),
    )
    op.create_table(
        "event_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "audience",
            sa.Enum(
                "confirmed",
                "waiting",
                "checked_in",
                "all",
                name="message_audience",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("to_chosen", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("subject", sa.String(length=150), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "scheduled",
                "sent",
                "cancelled",
                name="event_message_state",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("send_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "state != 'scheduled' OR send_at IS NOT NULL",
            name=op.f("ck_event_messages_scheduled_has_send_at"),
        ),
        sa.CheckConstraint(
            "recipients >= 0", name=op.f("ck_event_messages_recipients_not_negative")
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["users.id"],
            name=op.f("fk_event_messages_author_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_messages_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_messages")),
    )
    with op.batch_alter_table("event_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_messages_event_id"), ["event_id"], unique=False)
        batch_op.create_index("ix_event_messages_state_send_at", ["state", "send_at"], unique=False)

    op.create_table(
        "event_message_emails",
        sa.Column("event_message_id", sa.Integer(), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_message_id"],
            ["event_messages.id"],
            name=op.f("fk_event_message_emails_event_message_id_event_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_event_message_emails_outbox_message_id_outbox_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "event_message_id", "outbox_message_id", name=op.f("pk_event_message_emails")
        ),
    )
    with op.batch_alter_table("event_message_emails", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_message_emails_outbox_message_id"),
            ["outbox_message_id"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("event_message_emails", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_message_emails_outbox_message_id"))

    op.drop_table("event_message_emails")
    with op.batch_alter_table("event_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_event_messages_state_send_at")
        batch_op.drop_index(batch_op.f("ix_event_messages_event_id"))

    op.drop_table("event_messages")
    op.drop_table("message_templates")
