"""A supporter who comes with a young person: a place of their own, tied to the ticket."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from nclw.dbtypes import UTCDateTime, enum_column
from nclw.extensions import db
from nclw.registrations.models import Registration
from nclw.timezones import utcnow


class SupporterRole(enum.StrEnum):
    """Who the supporter is to the young person: a fixed list, so nothing personal is typed."""

    PERSONAL_ADVISER = "personal_adviser"
    CARER = "carer"
    INTERPRETER = "interpreter"
    FRIEND = "friend"

    @property
    def label(self) -> str:
        """The role in the page's (or the email's) language."""
        return str(ROLE_LABELS[self.value])


# Lazy, so a form's choices built at import still read in each page's language.
ROLE_LABELS = {
    "personal_adviser": _l("Personal adviser"),
    "carer": _l("Carer"),
    "interpreter": _l("Interpreter"),
    "friend": _l("Friend"),
}


class Supporter(db.Model):
    """One supporter on one ticket. They hold a place of their own while the ticket does.

    The supporter lives and dies with the ticket: it waits, is offered, confirmed and
    cancelled with it, so a pair is never split. They give no email; their first name is
    removed with the young person's details.
    """

    __tablename__ = "supporters"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registrations.id", ondelete="CASCADE"), unique=True
    )
    # Emptied when the young person's details are removed.
    first_name: Mapped[str | None] = mapped_column(sa.String(80))
    role: Mapped[SupporterRole] = mapped_column(enum_column(SupporterRole, "supporter_role"))
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    registration: Mapped[Registration] = relationship(
        backref=backref("supporter", uselist=False, lazy="selectin", passive_deletes=True)
    )

    @property
    def name_and_role(self) -> str:
        """'Sam (carer)', or just the role once the name is removed."""
        role = self.role.label
        if not self.first_name:
            return role
        return _("%(name)s (%(role)s)", name=self.first_name, role=role.lower())


def places_for(registration: Registration) -> int:
    """How many places a ticket holds, or waits for: two with a supporter, else one."""
    return 2 if registration.supporter is not None else 1
