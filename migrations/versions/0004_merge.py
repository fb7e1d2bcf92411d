"""merge questions and partners

Revision ID: 0004_merge
Revises: 0002_questions, 0003_partners
Create Date: 2026-11-25 13:07:58.465384

"""
from alembic import op
import sqlalchemy as sa

import nclw.dbtypes


# revision identifiers, used by Alembic.
revision = '0004_merge'
down_revision = ('0002_questions', '0003_partners')
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
