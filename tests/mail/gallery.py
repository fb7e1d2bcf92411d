"""One email of every kind the site sends about tickets, bookings and partners' sessions.

The ticket emails come from the real message builders; the partners' and the booking summary
are composed from their templates with stand-in objects (their services need a whole review
or booking behind them, and only the words and the links matter here).
"""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import sqlalchemy as sa

from nclw.accounts import messages as accounts_messages
from nclw.events.models import EventFormat
from nclw.extensions import db
from nclw.feedback.sending import survey_email
from nclw.mail.outbox import ComposedEmail, compose_email
from nclw.registrations import bookings, messages
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.slot_messages import time_changed
from nclw.registrations.supporter_models import Supporter
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration

# Where each email's one button goes, found in its plain-text twin after these words (which
# the button says too). None: the email has no button (its news is that something ended).
MAIN_ACTIONS: dict[str, str | None] = {
    "ticket_confirmed": "Manage or cancel your ticket",
    "ticket_confirmed_online": "Manage or cancel your ticket",
    "ticket_confirmed_discreet": "Manage or cancel your ticket",
    "ticket_confirmed_booked": "Manage or cancel your ticket",
    "promoted": "Manage or cancel your ticket",
    "ticket_resent": "Manage or cancel your ticket",
    "address_changed_new": "Manage or cancel your ticket",
    "time_changed": "Manage or cancel your ticket",
    "waiting_list": "Manage or cancel your place on the waiting list",
    "waiting_list_pair": "Manage or cancel your place on the waiting list",
    "event_changed": "Manage or cancel your ticket",
    "event_changed_offered": "Manage or cancel your place on the waiting list",
    "reminder_day_before": "Manage or cancel your ticket",
    "reminder_day_before_online": "Join online",
    "reminder_hour_before": "Join online",
    "place_offered": "Claim your place by",
    "event_cancelled": "See other events this week",
    "feedback_survey": "Answer the questions",
    "booking_summary": "See or cancel the tickets sent to you",
    "proposal_submitted": "Review it",
    "session_change_requested": "Review it",
    "changes_requested": "Change your proposal and send it again",
    "declined": "See your proposal",
    "session_change_approved": "See your session",
    "session_change_declined": "See your session",
    # The plain text says "See it:" where the button says "See it on the site".
    "approved": "See it",
    # Account emails: the plain text puts the link on the line after these words.
    "account_invite": "Choose your password",
    "password_reset": "Choose a new password",
    "sign_in_link": "Sign in",
    "offer_declined": None,
    "offer_expired": None,
    "cancelled_by_attendee": None,
    "cancelled_by_organisers": None,
    "cancelled_in_calendar": None,
    "attendee_message": None,
    "address_changed_old": None,
}


def in_person_event(**overrides):
    return make_event(
        format=EventFormat.IN_PERSON,
        venue_name="Town Hall",
        address="1 High Street, Luton",
        online_url=None,
        title="Cooking on a budget",
        **overrides,
    )


def ticket_emails() -> dict[str, ComposedEmail]:
    """Every kind of email about a ticket, as a person would get it."""
    hall = in_person_event(
        capacity=20, supporters_allowed=True, qa_enabled=True, offers_expire=True
    )
    online = make_event(title="Money and your first flat", format=EventFormat.ONLINE)
    person = make_registration(hall, first_name="Sam")
    viewer = make_registration(online, first_name="Ali")
    quiet = make_registration(hall, first_name="Kai", discreet=True)
    waiting = make_registration(hall, first_name="Rae", status=RegistrationStatus.WAITING)
    pair = make_registration(hall, first_name="Mo", status=RegistrationStatus.WAITING)
    db.session.add(Supporter(registration=pair, first_name="Jo", role="carer"))
    offered = make_registration(
        hall,
        first_name="Lou",
        status=RegistrationStatus.OFFERED,
        offer_expires_at=utcnow() + timedelta(days=1),
    )
    db.session.commit()
    cancelled = make_registration(hall, first_name="Bo", status=RegistrationStatus.CANCELLED)
    adviser = bookings.Professional(
        name="Jo Bell", email="jo@example.gov.uk", organisation="Luton", role="Personal adviser"
    )
    bookings.book_for_young_people(
        hall, adviser, [bookings.YoungPerson("Amir")], declared=True, now=utcnow()
    )
    db.session.commit()
    booked = db.session.scalar(sa.select(Registration).where(Registration.first_name == "Amir"))
    return {
        "ticket_confirmed": messages.ticket_confirmed(person),
        "ticket_confirmed_online": messages.ticket_confirmed(viewer),
        "ticket_confirmed_discreet": messages.ticket_confirmed(quiet),
        # To the professional who booked it: it opens with whom the ticket is for.
        "ticket_confirmed_booked": messages.ticket_confirmed(booked),
        "promoted": messages.promoted_from_waiting_list(person),
        "ticket_resent": messages.ticket_resent(person),
        "address_changed_new": messages.address_changed_new(person),
        "address_changed_old": messages.address_changed_old(person, old_address="x@example.com"),
        "time_changed": time_changed(person),
        "waiting_list": messages.waiting_list_place(waiting),
        "waiting_list_pair": messages.waiting_list_place(pair),
        "event_changed": messages.event_changed(person),
        "event_changed_offered": messages.event_changed(offered),
        "reminder_day_before": messages.reminder_day_before(person),
        "reminder_day_before_online": messages.reminder_day_before(viewer),
        "reminder_hour_before": messages.reminder_hour_before(viewer),
        "place_offered": messages.place_offered(offered),
        "offer_declined": messages.offer_declined(offered),
        "offer_expired": messages.offer_expired(offered),
        "cancelled_by_attendee": messages.cancelled_by_attendee(cancelled),
        "cancelled_by_organisers": messages.cancelled_by_organisers(
            cancelled, reason="Signed up <twice>", cancelled_by="Sam Patel"
        ),
        "cancelled_in_calendar": messages.cancelled_in_calendar(cancelled),
        "event_cancelled": messages.event_cancelled(person, "The hall flooded."),
        "attendee_message": messages.attendee_message(
            viewer, "Hi", "Bring a <b>pen</b> & a smile.\n\nSee you there."
        ),
        "feedback_survey": survey_email(person, "raw-survey-token"),
    }


def stand_in_proposal(**details) -> SimpleNamespace:
    """A partner's proposal, with what the partners' emails read of it."""
    return SimpleNamespace(
        **{
            "id": 3,
            "title": "Interview skills",
            "reviewer_comments": "Please add the room.",
            "decline_reason": "The week is full.",
            "audience": SimpleNamespace(label="Care-experienced young people"),
            "safeguarding_lead": "Sam Lead",
            "safeguarding_contact": "sam@example.org",
            "age_rule": "18 to 25",
            "staff_dbs_checked": True,
            **details,
        }
    )


def other_emails() -> dict[str, ComposedEmail]:
    """The booking summary and the partners' emails, from their templates."""
    event = SimpleNamespace(title="Interview skills", slug="interview-skills", id=7)
    proposal = stand_in_proposal(reviewer_comments="Please add the room.\nAnd the ages.")
    session = {
        "event": event,
        "organisation": SimpleNamespace(name="Accenture"),
        "when": "Tuesday 27 October, 4pm to 5:30pm",
        "rows": [("Start", "4pm", "5pm")],
        "change": SimpleNamespace(decline_reason="Too late in the week."),
        "review_url": "http://nclw.test/admin/proposals/changes/1",
        "session_url": "http://nclw.test/partner/sessions/7",
        "told": 2,
    }
    proposed = {
        "proposal": proposal,
        "organisation": SimpleNamespace(name="Accenture"),
        "when": "Tuesday 27 October, 4pm to 5:30pm",
        "partner_url": "http://nclw.test/partner/proposals/3",
        "review_url": "http://nclw.test/admin/proposals/3",
        "event_url": "http://nclw.test/events/interview-skills",
        "version": SimpleNamespace(number=2),
    }
    emails = {
        name: compose_email(name, "to@example.org", name, f"partners/mail/{name}", **proposed)
        for name in ("proposal_submitted", "changes_requested", "approved", "declined")
    }
    for name in ("session_change_requested", "session_change_approved", "session_change_declined"):
        emails[name] = compose_email(
            name, "to@example.org", name, f"partners/mail/{name}", **session
        )
    emails["booking_summary"] = compose_email(
        "booking_summary",
        "adviser@example.org",
        "Your booking",
        "mail/booking_summary",
        booking=SimpleNamespace(name="Pat"),
        event=event,
        result=SimpleNamespace(
            held=[SimpleNamespace(first_name="Amir", reference="AB12CD", status=_Confirmed)],
            waiting=1,
            sent_to_own_email=2,
        ),
        booking_url="http://nclw.test/bookings/secret",
    )
    return emails


_Confirmed = SimpleNamespace(label="Confirmed")


def account_emails() -> dict[str, ComposedEmail]:
    """The emails about signing in: an invitation, a password reset, a sign-in link."""
    link = "http://nclw.test/account/link/abc123"
    expires = "Wednesday 28 October at 4pm (UK time)"
    return {
        "account_invite": accounts_messages.invitation(
            "new@example.org", link=link, role_label="an organiser", inviter="Sam", expires=expires
        ),
        "password_reset": accounts_messages.password_reset(
            "sam@example.org", link=link, expires=expires
        ),
        "sign_in_link": accounts_messages.sign_in_link(
            "sam@example.org", link=link, expires=expires
        ),
    }


def every_email() -> dict[str, ComposedEmail]:
    return {**ticket_emails(), **other_emails(), **account_emails()}
