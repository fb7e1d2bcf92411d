"""ticket links are kept only as hashes, one per email

Revision ID: 0008_ticket_links
Revises: 0007_votes_per_address
Create Date: 2026-12-02 14:00:00

"""

import hashlib
import hmac

import sqlalchemy as sa
from alembic import op
from flask import current_app

import nclw.dbtypes

# revision identifiers, used by Alembic.
revision = "0008_ticket_links"
down_revision = "0007_votes_per_address"
branch_labels = None
depends_on = None


# The rules as they stand at this revision, written out so the migration keeps working
# whatever later code does: nclw.tokens.hash_token and questions.services.keys.
def _hash_token(raw: str, config) -> str:
    key = config.get("TOKEN_HASH_KEY")
    if key:
        return hmac.new(key.encode(), raw.encode(), hashlib.sha256).hexdigest()
    return hashlib.sha256(raw.encode()).hexdigest()


def _asker_key(config) -> str:
    return config.get("QUESTION_ASKER_KEY") or config.get("TOKEN_HASH_KEY") or config["SECRET_KEY"]


def _keys_questions_may_have_been_made_with(config) -> list[str]:
    # This release requires QUESTION_ASKER_KEY in production; a site that ran without one
    # made its keys with TOKEN_HASH_KEY or SECRET_KEY, so those are recognised too.
    keys = [config.get("QUESTION_ASKER_KEY"), config.get("TOKEN_HASH_KEY"), config["SECRET_KEY"]]
    return list(dict.fromkeys(key for key in keys if key))


def _asker_hash(secret: str, key: str) -> str:
    return hmac.new(key.encode(), f"ticket:{secret}".encode(), hashlib.sha256).hexdigest()


def upgrade():
    op.create_table(
        "ticket_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", nclw.dbtypes.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_ticket_links_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_ticket_links_token_hash")),
    )
    with op.batch_alter_table("ticket_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_links_registration_id"), ["registration_id"], unique=False
        )

    config = current_app.config
    connection = op.get_bind()
    tickets = connection.execute(
        sa.text(
            "SELECT id, manage_token, created_at FROM registrations WHERE anonymised_at IS NULL"
        )
    ).all()
    links = sa.table(
        "ticket_links",
        sa.column("registration_id", sa.Integer),
        sa.column("token_hash", sa.String),
        # As read: a SQLite text timestamp is copied as it is, in the format it was written.
        sa.column("created_at"),
    )
    # Every link already emailed keeps working: its token becomes the ticket's first link.
    if tickets:
        op.bulk_insert(
            links,
            [
                {
                    "registration_id": ticket.id,
                    "token_hash": _hash_token(ticket.manage_token, config),
                    "created_at": ticket.created_at,
                }
                for ticket in tickets
            ],
        )
    # Questions and votes made from a ticket were keyed by its token; they are now keyed by
    # the ticket's number, so their askers still find them from any link.
    rekey_questions = sa.text("UPDATE questions SET asker_key = :new WHERE asker_key = :old")
    rekey_votes = sa.text("UPDATE question_votes SET voter_key = :new WHERE voter_key = :old")
    new_key = _asker_key(config)
    old_keys = _keys_questions_may_have_been_made_with(config)
    for ticket in tickets:
        for old_key in old_keys:
            keys = {
                "old": _asker_hash(ticket.manage_token, old_key),
                "new": _asker_hash(str(ticket.id), new_key),
            }
            connection.execute(rekey_questions, keys)
            connection.execute(rekey_votes, keys)

    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("uq_registrations_manage_token"), type_="unique")
        batch_op.drop_column("manage_token")


def downgrade():
    # The tokens themselves were never kept, so links sent before cannot come back: each
    # ticket gets a token no link carries, and its holder can ask for the ticket email again.
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("manage_token", sa.String(length=64), nullable=True))
    op.execute("UPDATE registrations SET manage_token = 'lost-' || CAST(id AS VARCHAR(20))")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.alter_column("manage_token", existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(
            op.f("uq_registrations_manage_token"), ["manage_token"]
        )
    with op.batch_alter_table("ticket_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_links_registration_id"))
    op.drop_table("ticket_links")
