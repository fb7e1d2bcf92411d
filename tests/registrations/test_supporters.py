"""Bringing a supporter: two places taken together or not at all, released together, fairly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput, NotAllowed
from nclw.events.models import Audience
from nclw.extensions import db
from nclw.registrations import messages, offer_replies, personal_data, services, supporters
from nclw.registrations.sign_up_details import SupporterDetails
from nclw.registrations.supporter_models import Supporter, SupporterRole
from nclw.timezones import utcnow
from tests.factories import make_event, make_registration

CARER = SupporterDetails(first_name="Jo", role=SupporterRole.CARER)


def sign_up(event, email, supporter=None, **extra):
    details = services.SignUpDetails(first_name="Sam", email=email, supporter=supporter, **extra)
    return services.register(event, details, now=utcnow()).registration


def _count(event) -> int:
    db.session.refresh(event)
    return event.confirmed_count


def _actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def test_a_pair_takes_two_places_together(app):
    event = make_event(capacity=3, supporters_allowed=True)
    pair = sign_up(event, "a@example.com", CARER)
    assert pair.is_confirmed and pair.supporter.first_name == "Jo"
    assert _count(event) == 2
    assert supporters.places_taken(event).words == "2 places taken: 1 person, 1 supporter"


def test_a_pair_waits_together_when_only_one_place_is_free(app):
    event = make_event(capacity=3, supporters_allowed=True)
    sign_up(event, "a@example.com", CARER)
    pair = sign_up(event, "b@example.com", CARER)
    assert pair.is_waiting and pair.supporter is not None
    assert _count(event) == 2  # the one free place is not half-taken
    single = sign_up(event, "c@example.com")
    assert single.is_confirmed and _count(event) == 3


def test_a_supporter_is_refused_where_the_event_does_not_allow_them(app):
    event = make_event(capacity=3)
    with pytest.raises(InvalidInput, match="does not take supporters"):
        sign_up(event, "a@example.com", CARER)
    assert _count(event) == 0


def test_age_and_audience_rules_are_the_young_persons_not_the_supporters(app):
    event = make_event(audience=Audience.CARE_EXPERIENCED, supporters_allowed=True)
    pair = sign_up(event, "a@example.com", CARER, declared_care_experienced=True)
    assert pair.is_confirmed  # the supporter is not asked whether they are care experienced


def test_cancelling_the_ticket_gives_back_both_places_and_the_log_says_so(app):
    event = make_event(capacity=2, supporters_allowed=True)
    pair = sign_up(event, "a@example.com", CARER)
    waiting = [sign_up(event, f"w{i}@example.com") for i in range(2)]
    services.cancel_registration(pair, now=utcnow())
    db.session.commit()
    assert [w.status for w in waiting] == ["confirmed", "confirmed"]
    assert _count(event) == 2
    assert "supporter.released" in _actions()


def test_promotion_moves_a_pair_only_when_two_places_are_free(app):
    event = make_event(capacity=2, supporters_allowed=True)
    first, second = make_registration(event), make_registration(event)
    pair = sign_up(event, "pair@example.com", CARER)
    single = sign_up(event, "single@example.com")
    assert pair.is_waiting and single.is_waiting
    services.cancel_registration(first, now=utcnow())
    db.session.commit()
    # One place: the pair cannot use it, so the single behind them takes it.
    assert pair.is_waiting and single.is_confirmed
    services.cancel_registration(second, now=utcnow())
    db.session.commit()
    # One place again, and nobody single waiting: it stays free for the pair's turn.
    assert pair.is_waiting and _count(event) == 1
    services.cancel_registration(single, now=utcnow())
    db.session.commit()
    assert pair.is_confirmed and _count(event) == 2


def test_a_pair_ahead_keeps_its_turn_for_two_places(app):
    event = make_event(capacity=2, supporters_allowed=True)
    holder = sign_up(event, "holder@example.com", CARER)
    pair = sign_up(event, "pair@example.com", CARER)
    single = sign_up(event, "single@example.com")
    services.cancel_registration(holder, now=utcnow())
    db.session.commit()
    assert pair.is_confirmed and single.is_waiting


def test_an_offer_to_a_pair_holds_two_places_and_declining_frees_both(app):
    event = make_event(capacity=2, supporters_allowed=True, offers_expire=True)
    holder = sign_up(event, "holder@example.com", CARER)
    pair = sign_up(event, "pair@example.com", CARER)
    services.cancel_registration(holder, now=utcnow())
    db.session.commit()
    assert pair.is_offered and _count(event) == 2
    later = sign_up(event, "later@example.com")
    assert later.is_waiting
    offer_replies.decline_offer(pair, now=utcnow())
    db.session.commit()
    assert later.is_offered and _count(event) == 1


def test_removing_the_supporter_gives_their_place_to_the_waiting_list(app):
    event = make_event(capacity=2, supporters_allowed=True)
    pair = sign_up(event, "pair@example.com", CARER)
    waiting = sign_up(event, "w@example.com")
    promoted = supporters.remove_supporter(pair, now=utcnow())
    db.session.commit()
    assert promoted == [waiting] and waiting.is_confirmed
    assert pair.is_confirmed and pair.supporter is None
    assert _count(event) == 2
    assert db.session.scalar(sa.select(sa.func.count(Supporter.id))) == 0
    assert "supporter.removed" in _actions()
    with pytest.raises(NotAllowed):
        supporters.remove_supporter(pair, now=utcnow())


def test_adding_a_supporter_later_takes_a_place_if_one_is_free(app):
    event = make_event(capacity=2, supporters_allowed=True)
    ticket = sign_up(event, "a@example.com")
    supporters.add_supporter(ticket, CARER, now=utcnow())
    db.session.commit()
    assert ticket.supporter.first_name == "Jo" and _count(event) == 2
    other = sign_up(event, "b@example.com")
    assert other.is_waiting
    supporters.add_supporter(other, CARER, now=utcnow())  # on the waiting list: they wait as a pair
    db.session.commit()
    assert other.is_waiting and _count(event) == 2


def test_a_full_event_refuses_a_supporter_for_a_confirmed_ticket(app):
    event = make_event(capacity=1, supporters_allowed=True)
    ticket = sign_up(event, "a@example.com")
    with pytest.raises(NotAllowed, match="no free place for a supporter"):
        supporters.add_supporter(ticket, CARER, now=utcnow())
    db.session.rollback()
    assert _count(event) == 1 and ticket.supporter is None


def test_deleting_the_young_persons_details_removes_the_supporters_name(app):
    event = make_event(capacity=4, supporters_allowed=True)
    pair = sign_up(event, "a@example.com", CARER)
    personal_data.delete_my_details(pair, now=utcnow())
    db.session.commit()
    supporter = db.session.scalar(sa.select(Supporter))
    assert supporter.first_name is None and supporter.role == SupporterRole.CARER
    assert _count(event) == 0


def test_the_ticket_email_and_its_invite_name_the_supporter_by_first_name(app):
    event = make_event(capacity=4, supporters_allowed=True)
    pair = sign_up(event, "a@example.com", CARER)
    with app.test_request_context():
        email = messages.ticket_confirmed(pair)
    assert "Coming with you: Jo, who has a place of their own" in email.text_body
    assert "Coming with you: Jo" in email.html_body
    assert "Coming with you: Jo" in email.ical_body.replace("\r\n ", "")
    assert "carer" not in email.text_body  # first name only: calendars may be shared


def test_the_waiting_list_email_says_the_pair_waits_together(app):
    event = make_event(capacity=1, supporters_allowed=True)
    pair = sign_up(event, "a@example.com", CARER)
    assert pair.is_waiting
    with app.test_request_context():
        email = messages.waiting_list_place(pair)
    assert "does not have two places free, so you are on the waiting list" in email.text_body
    assert "You and Jo wait together" in email.text_body
    assert "You and Jo wait together" in email.html_body
