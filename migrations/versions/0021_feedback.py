"""feedback survey: an event's questions, who was sent it, and the anonymous answers

Revision ID: 0021_feedback
Revises: 0020_discreet
Create Date: 2026-12-03 00:25:44

Three new tables and nothing else changed, so an older database keeps every row. The answers
hold no registration and only the day: see nclw/feedback/models.py for why.
"""

import sqlalchemy as sa
from alembic import op

import nclw.dbtypes

# revision identifiers, used by Alembic.
revision = "0021_feedback"
down_revision = "0020_discreet"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "feedback_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "rating",
                "text",
                name="feedback_question_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.CheckConstraint(
            "position BETWEEN 1 AND 5", name=op.f("ck_feedback_questions_position_1_to_5")
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_feedback_questions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_questions")),
        sa.UniqueConstraint("event_id", "position", name=op.f("uq_feedback_questions_event_id")),
    )
    op.create_index(
        op.f("ix_feedback_questions_event_id"), "feedback_questions", ["event_id"], unique=False
    )

    op.create_table(
        "feedback_answers",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("answered_on", sa.Date(), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=1000), nullable=True),
        sa.CheckConstraint(
            "(rating IS NULL) <> (text IS NULL)", name=op.f("ck_feedback_answers_rating_or_text")
        ),
        sa.CheckConstraint(
            "rating BETWEEN 1 AND 5", name=op.f("ck_feedback_answers_rating_1_to_5")
        ),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["feedback_questions.id"],
            name=op.f("fk_feedback_answers_question_id_feedback_questions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_answers")),
    )
    op.create_index(
        op.f("ix_feedback_answers_question_id"), "feedback_answers", ["question_id"], unique=False
    )

    op.create_table(
        "feedback_invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=True),
        sa.Column("sent_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=True),
        sa.Column("opted_out", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("answered", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_feedback_invitations_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_invitations")),
        sa.UniqueConstraint(
            "registration_id", name=op.f("uq_feedback_invitations_registration_id")
        ),
        sa.UniqueConstraint("token_hash", name=op.f("uq_feedback_invitations_token_hash")),
    )


def downgrade():
    op.drop_table("feedback_invitations")
    op.drop_index(op.f("ix_feedback_answers_question_id"), table_name="feedback_answers")
    op.drop_table("feedback_answers")
    op.drop_index(op.f("ix_feedback_questions_event_id"), table_name="feedback_questions")
    op.drop_table("feedback_questions")
