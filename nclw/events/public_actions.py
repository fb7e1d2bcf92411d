"""What the public pages offer to do with an event, beyond signing up.

One place decides, so the event page, the ticket page and the calendar files agree.
"""

from __future__ import annotations

from datetime import datetime

from nclw.events.models import Event


def calendar_offered(event: Event, *, now: datetime) -> bool:
    """Whether to offer "Add to your calendar" (file, Google, Outlook) for an event.

    Not once it is over, and never once it is cancelled: a calendar entry for an event that
    will not happen sends people to a door that stays shut.
    """
    return not event.is_cancelled and event.ends_at > now
