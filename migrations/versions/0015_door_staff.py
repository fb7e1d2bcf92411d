"""door staff: a role that checks people in at the events it is given

Revision ID: 0015_door_staff
Revises: 0014_ages_and_safeguarding
Create Date: 2026-12-04 10:00:00

"""

import sqlalchemy as sa
from alembic import op

import nclw.dbtypes

# revision identifiers, used by Alembic.
revision = "0015_door_staff"
down_revision = "0014_ages_and_safeguarding"
branch_labels = None
depends_on = None


def _roles(*values: str) -> str:
    return "role IN (" + ", ".join(f"'{value}'" for value in values) + ")"


def _replace_role_checks(*values: str) -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_users_user_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_users_user_role"), _roles(*values))
    with op.batch_alter_table("account_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_account_tokens_token_role"), type_="check")
        batch_op.create_check_constraint(op.f("ck_account_tokens_token_role"), _roles(*values))


def upgrade():
    _replace_role_checks("organiser", "partner", "door_staff")
    op.create_table(
        "event_door_staff",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["assigned_by_id"],
            ["users.id"],
            name=op.f("fk_event_door_staff_assigned_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_door_staff_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_door_staff_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "user_id", name=op.f("pk_event_door_staff")),
    )
    with op.batch_alter_table("event_door_staff", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_event_door_staff_user_id"), ["user_id"], unique=False
        )


def downgrade():
    door_staff = op.get_bind().scalar(
        sa.text("SELECT COUNT(*) FROM users WHERE role = 'door_staff'")
    )
    if door_staff:
        raise RuntimeError(
            f"{door_staff} accounts are door staff, a role this version does not have. "
            "Give them another role, or remove them, before downgrading."
        )
    with op.batch_alter_table("event_door_staff", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_door_staff_user_id"))
    op.drop_table("event_door_staff")
    op.execute("DELETE FROM account_tokens WHERE role = 'door_staff'")
    _replace_role_checks("organiser", "partner")
