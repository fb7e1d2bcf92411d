"""sign-up questions: the questions an event asks when people sign up, and their answers

Revision ID: 0029_sign_up_questions
Revises: 0028_time_slots
Create Date: 2026-12-03 07:00:00

Two new tables and nothing else changed, so an older database keeps every row.
"""

import sqlalchemy as sa
from alembic import op

import nclw.dbtypes

# revision identifiers, used by Alembic.
revision = "0029_sign_up_questions"
down_revision = "0028_time_slots"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "sign_up_questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "short_text",
                "long_text",
                "one_choice",
                "several_choices",
                "yes_no",
                name="sign_up_question_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("help_text", sa.String(length=300), nullable=False),
        sa.Column("why_we_ask", sa.String(length=300), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("choices", sa.String(length=2000), nullable=False),
        sa.Column("hidden", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("sensitive_reason", sa.String(length=300), nullable=True),
        sa.Column("created_at", nclw.dbtypes.UTCDateTime(), nullable=False),
        sa.Column("awaiting_review", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("proposed_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposed_by_id"],
            ["users.id"],
            name=op.f("fk_sign_up_questions_proposed_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_sign_up_questions_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_up_questions")),
    )
    op.create_index(
        "ix_sign_up_questions_event_position",
        "sign_up_questions",
        ["event_id", "position"],
        unique=False,
    )
    op.create_table(
        "sign_up_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["question_id"],
            ["sign_up_questions.id"],
            name=op.f("fk_sign_up_answers_question_id_sign_up_questions"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_sign_up_answers_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sign_up_answers")),
        sa.UniqueConstraint(
            "registration_id", "question_id", name=op.f("uq_sign_up_answers_registration_id")
        ),
    )
    op.create_index(
        op.f("ix_sign_up_answers_question_id"), "sign_up_answers", ["question_id"], unique=False
    )
    op.create_index(
        op.f("ix_sign_up_answers_registration_id"),
        "sign_up_answers",
        ["registration_id"],
        unique=False,
    )


def downgrade():
    op.drop_index(op.f("ix_sign_up_answers_registration_id"), table_name="sign_up_answers")
    op.drop_index(op.f("ix_sign_up_answers_question_id"), table_name="sign_up_answers")
    op.drop_table("sign_up_answers")
    op.drop_index("ix_sign_up_questions_event_position", table_name="sign_up_questions")
    op.drop_table("sign_up_questions")
