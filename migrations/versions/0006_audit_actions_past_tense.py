"""audit actions are named in the past tense

Revision ID: 0006_audit_actions_past_tense
Revises: 0005_compose_when_sent
Create Date: 2026-12-02 11:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0006_audit_actions_past_tense"
down_revision = "0005_compose_when_sent"
branch_labels = None
depends_on = None

# Every action says what happened ("registration.cancelled"); older entries keep their
# meaning under the new name, so a search of the log finds them with the new ones.
RENAMED = {
    "proposal.create": "proposal.created",
    "proposal.edit": "proposal.edited",
    "proposal.submit": "proposal.submitted",
    "proposal.request_changes": "proposal.changes_requested",
    "proposal.decline": "proposal.declined",
    "proposal.approve": "proposal.approved",
    "registration.no_show": "registration.marked_no_show",
    "mail.retry": "mail.retried",
    "event.qa_settings": "event.qa_settings_changed",
}

_RENAME = sa.text("UPDATE audit_entries SET action = :new WHERE action = :old")


def upgrade():
    for old, new in RENAMED.items():
        op.execute(_RENAME.bindparams(old=old, new=new))


def downgrade():
    for old, new in RENAMED.items():
        op.execute(_RENAME.bindparams(old=new, new=old))
