"""account tokens may be one-time sign-in links

Revision ID: 0009_sign_in_links
Revises: 0008_ticket_links
Create Date: 2026-12-02 14:30:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0009_sign_in_links"
down_revision = "0008_ticket_links"
branch_labels = None
depends_on = None


def _purposes(*values: str) -> str:
    return "purpose IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def upgrade():
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_account_tokens_token_purpose"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_account_tokens_token_purpose"),
            _purposes("invite", "password_reset", "sign_in"),
        )


def downgrade():
    # Sign-in links last a quarter of an hour: none is worth keeping across a downgrade.
    op.execute("DELETE FROM account_tokens WHERE purpose = 'sign_in'")
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_account_tokens_token_purpose"), type_="check")
        batch_op.create_check_constraint(
            op.f("ck_account_tokens_token_purpose"), _purposes("invite", "password_reset")
        )
