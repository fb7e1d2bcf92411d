"""Paper for the door: a sign-in sheet and name badges, each a page made for printing."""

from __future__ import annotations

from flask import render_template

from nclw.backoffice.views._blueprint import bp
from nclw.backoffice.views._helpers import load_event
from nclw.registrations.queries import confirmed_by_name


@bp.get("/events/<int:event_id>/register")
def attendee_register(event_id: int):
    """A sign-in sheet: everyone with a confirmed ticket by name, with a box to tick."""
    event = load_event(event_id)
    return render_template("backoffice/register.html", event=event, people=confirmed_by_name(event))


@bp.get("/events/<int:event_id>/badges")
def attendee_badges(event_id: int):
    """Name badges for everyone with a confirmed ticket: first names only."""
    event = load_event(event_id)
    return render_template("backoffice/badges.html", event=event, people=confirmed_by_name(event))
