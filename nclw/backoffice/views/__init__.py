"""The organisers' back office: run the week. One module per screen.

The blueprint lives in `_blueprint` so the screens can import it without importing this
package's `__init__` half-way through; the factory imports `bp` from here.
"""

from __future__ import annotations

# Imported for their side effect: each module's routes register on `bp` as it is imported.
# Listed by hand, so every screen the back office has is named here.
from nclw.backoffice.views import (  # noqa: F401
    attendee,
    attendee_bulk,
    attendees,
    audit_log,
    check_in,
    dashboard,
    door_staff,
    downloads,
    event_messages,
    events,
    mail_log,
    message_templates,
    messages,
    organisations,
    people,
    printouts,
    reports,
    sign_up_questions,
    slots,
    weeks,
)
from nclw.backoffice.views._blueprint import bp

__all__ = ["bp"]
