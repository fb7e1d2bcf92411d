"""What an action on many tickets says: each sentence whole, with its count, to translate."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext


def doing(action: str, count: int) -> str:
    """'check in 3 people': what confirming will do, to finish a question or a button."""
    if action == "check_in":
        return ngettext("check in %(num)d person", "check in %(num)d people", count)
    if action == "message":
        return ngettext(
            "send a message to %(num)d person", "send a message to %(num)d people", count
        )
    if action == "cancel":
        return ngettext(
            "cancel the tickets of %(num)d person", "cancel the tickets of %(num)d people", count
        )
    return ngettext("give %(num)d person a place", "give %(num)d people a place", count)


def done(action: str, count: int) -> str:
    """'3 people are checked in.': what happened."""
    if action == "check_in":
        return ngettext("%(num)d person is checked in.", "%(num)d people are checked in.", count)
    if action == "message":
        return ngettext(
            "Your message is on its way to %(num)d person.",
            "Your message is on its way to %(num)d people.",
            count,
        )
    if action == "cancel":
        return ngettext(
            "%(num)d person is cancelled. We are emailing them your reason.",
            "%(num)d people are cancelled. We are emailing them your reason.",
            count,
        )
    return ngettext(
        "%(num)d person has a place now. We are emailing them.",
        "%(num)d people have a place now. We are emailing them.",
        count,
    )


def left_out(why: str, count: int) -> str:
    """'2 are already checked in': how many the action leaves alone, and why."""
    if why == "checked_in":
        return ngettext("%(num)d is already checked in", "%(num)d are already checked in", count)
    if why == "waiting":
        return ngettext("%(num)d is on the waiting list", "%(num)d are on the waiting list", count)
    if why == "cancelled":
        return ngettext("%(num)d is cancelled", "%(num)d are cancelled", count)
    if why == "has_place":
        return ngettext("%(num)d already has a place", "%(num)d already have a place", count)
    if why == "no_place":
        return ngettext(
            "%(num)d cannot get a place: there are not enough free places",
            "%(num)d cannot get a place: there are not enough free places",
            count,
        )
    return ngettext(
        "%(num)d has had their details deleted", "%(num)d have had their details deleted", count
    )


def not_done(person: str, reason: str) -> str:
    """'Sam (NCLW-7K3Q9P) could not be done: <the rule's own words>'."""
    return _("%(person)s could not be done: %(reason)s", person=person, reason=reason)
