"""welsh event text: a title, summary and description in Welsh for events and proposals

Each is empty until someone writes it, and a Welsh page shows the English text until then.

Revision ID: 0032_welsh_event_text
Revises: 0031_ticket_language
Create Date: 2026-12-03 12:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0032_welsh_event_text"
down_revision = "0031_ticket_language"
branch_labels = None
depends_on = None

# Events and partners' proposals keep the same details (events.models.EventDetailsColumns).
TABLES = ("events", "proposals")


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("title_cy", sa.String(length=160), server_default="", nullable=False)
            )
            batch_op.add_column(
                sa.Column("summary_cy", sa.String(length=300), server_default="", nullable=False)
            )
            batch_op.add_column(
                sa.Column("description_cy", sa.Text(), server_default="", nullable=False)
            )


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("description_cy")
            batch_op.drop_column("summary_cy")
            batch_op.drop_column("title_cy")
