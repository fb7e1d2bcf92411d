"""A guarded UPDATE: change a row only while what was checked still holds, and say whether
it did.

Two requests racing to do the same thing (two reviewers, two tabs, the sender and an
organiser) both run it; the database lets exactly one of them change the row, so nothing
read a moment before has to be true still.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from nclw.extensions import db


def guarded_update(model: type, *where: Any, **values: Any) -> bool:
    """Set `values` on the row of `model` that `where` picks, if it still matches; whether
    exactly one row changed.

    Objects already loaded are left as they were: refresh one, or set what changed on it.
    """
    result = db.session.execute(
        sa.update(model).where(*where).values(**values).execution_options(synchronize_session=False)
    )
    return result.rowcount == 1
