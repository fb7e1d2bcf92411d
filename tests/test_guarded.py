"""A guarded UPDATE changes a row once, however many try."""

from __future__ import annotations

from nclw.events.models import Organisation, OrganisationKind
from nclw.extensions import db
from nclw.guarded import guarded_update


def test_only_the_first_of_two_racing_updates_changes_the_row(app):
    organisation = Organisation(name="Catch22", kind=OrganisationKind.CHARITY)
    db.session.add(organisation)
    db.session.flush()

    def rename(to: str) -> bool:
        still = (Organisation.id == organisation.id, Organisation.name == "Catch22")
        return guarded_update(Organisation, *still, name=to)

    assert rename("Become") is True
    assert rename("Luton") is False
    assert organisation.name == "Catch22"  # loaded objects are left as they were
    db.session.refresh(organisation)
    assert organisation.name == "Become"
