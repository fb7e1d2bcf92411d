"""calendar replies: a reply address per ticket, the last calendar answer, how places were freed

Revision ID: 0022_calendar_replies
Revises: 0021_feedback
Create Date: 2026-12-03 06:30:00

New columns only, all empty (or false) for existing tickets: their invites keep the old
organiser address until the next invite they are sent, and no past release is guessed at.
"""

import sqlalchemy as sa
from alembic import op

import nclw.dbtypes

# revision identifiers, used by Alembic.
revision = "0022_calendar_replies"
down_revision = "0021_feedback"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("rsvp_code", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column(
                "calendar_answer",
                sa.Enum(
                    "accepted",
                    "tentative",
                    "declined",
                    name="calendar_answer",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("calendar_answered_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column(
                "released_via",
                sa.Enum(
                    "ticket_page",
                    "reminder",
                    "calendar_reply",
                    "organiser",
                    "expired_offer",
                    name="release_route",
                    native_enum=False,
                    create_constraint=True,
                    length=32,
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "place_taken_again", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_registrations_rsvp_code"), ["rsvp_code"]
        )


def downgrade():
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_registrations_rsvp_code"), type_="unique")
        batch_op.drop_constraint(op.f("ck_registrations_release_route"), type_="check")
        batch_op.drop_constraint(op.f("ck_registrations_calendar_answer"), type_="check")
        batch_op.drop_column("place_taken_again")
        batch_op.drop_column("released_via")
        batch_op.drop_column("calendar_answered_at")
        batch_op.drop_column("calendar_answer")
        batch_op.drop_column("rsvp_code")
