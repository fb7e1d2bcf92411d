"""change notices: PostgreSQL tells each worker when a table a kept page reads has changed

Each table a page's stamp reads gets a statement-level trigger that sends a notice on the
`nclw_changes` channel; workers listen and read a stamp again only after one (see
nclw/change_notices.py). SQLite has its own signal (`PRAGMA data_version`): nothing to do.

The tables are named here, not imported: a migration stays as it was written.

Revision ID: 0034_change_notices
Revises: 0033_outbox_language
Create Date: 2026-12-03 22:40:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0034_change_notices"
down_revision = "0033_outbox_language"
branch_labels = None
depends_on = None

TABLES = ("editions", "events", "organisations", "event_slots", "sign_up_questions", "questions")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE OR REPLACE FUNCTION nclw_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('nclw_changes', '');
            RETURN NULL;
        END $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER nclw_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
            f" ON {table} FOR EACH STATEMENT EXECUTE FUNCTION nclw_notify_change()"
        )
        # Also when replication or a bulk restore turns ordinary triggers off.
        op.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER nclw_notify_change")


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS nclw_notify_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS nclw_notify_change()")
