"""The demo week made ready for the screenshot tour: accounts to sign in with, and the links
people would have had by email (a ticket's, a booking's, a survey's, an invitation's...).

Links are kept only as hashes, so the tour makes new ones on its own copy of the database.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from nclw import create_app
from nclw.accounts.models import AccountToken, DoorStaffAssignment, Role, TokenPurpose
from nclw.accounts.services import create_user
from nclw.events.models import Organisation
from nclw.extensions import db
from nclw.registrations.ticket_links import new_ticket_link
from nclw.timezones import utcnow
from nclw.tokens import hash_token, new_link_token

ORGANISER_EMAIL = "tour-organiser@example.org"
PARTNER_EMAIL = "tour-partner@example.org"
DOOR_EMAIL = "tour-door@example.org"
PASSWORD = "tour-password-long-enough-42"


@contextmanager
def demo_app(env: Mapping[str, str]) -> Iterator[Flask]:
    """The app on the demo database, as the server will run it (`env` as the server's)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        app = create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"]})
        with app.app_context():
            yield app
            db.session.remove()
            # Closing the last connection folds SQLite's write-ahead log into the file, so a
            # copy of the file has everything written here.
            db.engine.dispose()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _first(sql: str, **params) -> str:
    """The first column of the first row, as text; "" when there is no row."""
    value = db.session.execute(sa.text(sql), params).scalar()
    return "" if value is None else str(value)


def _account_link(purpose: TokenPurpose, user_id: int, email: str, **extra) -> str:
    raw = new_link_token()
    now = utcnow()
    db.session.add(
        AccountToken(
            purpose=purpose,
            token_hash=hash_token(raw),
            email=email,
            user_id=user_id,
            created_at=now,
            expires_at=now + timedelta(days=2),
            **extra,
        )
    )
    return raw


def prepare(mail_folder: Path) -> dict[str, str]:
    """Add the tour's accounts and links to the demo week; the values that fill the routes."""
    now = utcnow()
    event_id = _first(
        "SELECT e.id FROM events e JOIN registrations r ON r.event_id = e.id "
        "WHERE e.status = 'published' GROUP BY e.id ORDER BY count(r.id) DESC"
    )
    values = {
        "event_id": event_id,
        "slug": _first("SELECT slug FROM events WHERE id = :id", id=event_id),
        "year": _first("SELECT year FROM editions ORDER BY starts_on DESC"),
        "week_id": _first("SELECT id FROM editions ORDER BY starts_on DESC"),
        "registration_id": _first(
            "SELECT id FROM registrations WHERE event_id = :id AND status = 'confirmed' "
            "ORDER BY id",
            id=event_id,
        ),
        "organisation_id": _first("SELECT host_id FROM events WHERE id = :id", id=event_id),
        "proposal_id": _first("SELECT id FROM proposals ORDER BY id"),
        "change_id": _first("SELECT id FROM session_changes ORDER BY id"),
        "template_id": _first("SELECT id FROM message_templates ORDER BY id"),
        "slot_id": _first("SELECT id FROM event_slots ORDER BY id"),
        "sign_up_question_id": _first("SELECT id FROM sign_up_questions ORDER BY id"),
        "qa_question_id": _first("SELECT id FROM questions ORDER BY id"),
        "event_message_id": _first("SELECT id FROM event_messages ORDER BY id"),
        "qa_slug": _first("SELECT slug FROM events WHERE qa_enabled AND status = 'published'"),
        "young_people_slug": _first(
            "SELECT slug FROM events WHERE status = 'published' AND audience != 'professionals' "
            "AND starts_at > :now ORDER BY starts_at",
            now=now,
        ),
    }
    values["slot_event_id"] = _first(
        "SELECT event_id FROM event_slots WHERE id = :id", id=values["slot_id"] or 0
    )
    values["message_event_id"] = _first(
        "SELECT event_id FROM event_messages WHERE id = :id", id=values["event_message_id"] or 0
    )
    values["qa_event_id"] = _first(
        "SELECT event_id FROM questions WHERE id = :id", id=values["qa_question_id"] or 0
    )
    values.update(_people_and_links(values, now=now))
    values["mail_name"] = next((p.name for p in sorted(mail_folder.glob("*.eml"))), "")
    db.session.commit()
    return values


def _people_and_links(values: dict[str, str], *, now) -> dict[str, str]:
    organiser = create_user(
        ORGANISER_EMAIL, PASSWORD, role=Role.ORGANISER, name="Tour", actor=None, now=now
    )
    # The partner belongs to the host of a session with a change waiting, if there is one.
    partner_event = _first("SELECT event_id FROM session_changes ORDER BY id") or _first(
        "SELECT e.id FROM events e JOIN organisations o ON o.id = e.host_id WHERE o.is_partner"
    )
    partner_org = _first("SELECT host_id FROM events WHERE id = :id", id=partner_event or 0)
    organisation = db.session.get(Organisation, int(partner_org)) if partner_org else None
    if organisation is not None:
        create_user(
            PARTNER_EMAIL,
            PASSWORD,
            role=Role.PARTNER,
            organisation=organisation,
            name="Tour partner",
            actor=None,
            now=now,
        )
    db.session.flush()
    links = {
        # Whose role the organiser may change: anyone's but their own.
        "user_id": _first("SELECT id FROM users WHERE id != :me ORDER BY id", me=organiser.id),
        "partner_event_id": partner_event,
        "partner_proposal_id": _first(
            "SELECT id FROM proposals WHERE organisation_id = :org", org=partner_org or 0
        ),
        "token:invite": _account_link(
            TokenPurpose.INVITE,
            None,
            "new-person@example.org",
            role=Role.ORGANISER,
            created_by_id=organiser.id,
        ),
        "token:reset": _account_link(TokenPurpose.PASSWORD_RESET, organiser.id, organiser.email),
        "token:sign_in": _account_link(TokenPurpose.SIGN_IN, organiser.id, organiser.email),
    }
    tickets = {
        "token:ticket": values["registration_id"],
        "token:slot_ticket": _first(
            "SELECT registration_id FROM slot_bookings ORDER BY registration_id"
        ),
        "token:checked_in_ticket": _first(
            "SELECT id FROM registrations WHERE checked_in_at IS NOT NULL ORDER BY id"
        ),
    }
    links.update({key: new_ticket_link(int(rid)) for key, rid in tickets.items() if rid})
    door = create_user(DOOR_EMAIL, PASSWORD, role=Role.DOOR_STAFF, actor=None, now=now)
    db.session.flush()
    db.session.add(DoorStaffAssignment(event_id=int(values["event_id"]), user_id=door.id))
    booking = _first("SELECT id FROM bookings ORDER BY id")
    if booking:
        links["token:booking"] = _replace_hash("bookings", "link_hash", booking)
    survey = _first("SELECT id FROM feedback_invitations WHERE NOT answered ORDER BY id")
    if survey:
        links["token:feedback"] = _replace_hash("feedback_invitations", "token_hash", survey)
        links["feedback_event_id"] = _first(
            "SELECT r.event_id FROM feedback_invitations f "
            "JOIN registrations r ON r.id = f.registration_id WHERE f.id = :id",
            id=survey,
        )
    return links


def _replace_hash(table: str, column: str, row_id: str) -> str:
    """A new link for this row (the old one, never known here, stops working)."""
    raw = new_link_token()
    db.session.execute(
        sa.text(f"UPDATE {table} SET {column} = :hash WHERE id = :id"),  # noqa: S608 - our names
        {"hash": hash_token(raw), "id": int(row_id)},
    )
    return raw
