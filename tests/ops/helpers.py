"""Shared by the operators' tests: a database marked as migrated to this code's head."""

from __future__ import annotations

import sqlalchemy as sa

from nclw.extensions import db
from nclw.ops.health import migration_heads


def mark_migrated(revisions=None) -> None:
    """Write alembic's version table as `flask db upgrade` would (the test schema comes from
    create_all, which does not)."""
    db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    db.session.execute(sa.text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
    for revision in migration_heads() if revisions is None else revisions:
        db.session.execute(
            sa.text("INSERT INTO alembic_version (version_num) VALUES (:r)"), {"r": revision}
        )
    db.session.commit()
