"""Time slots: each slot's own places, chosen at sign-up and changed from the ticket."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from nclw.errors import InvalidInput, NotAllowed
from nclw.extensions import db
from nclw.mail import ical
from nclw.registrations import reminders, services, slot_changes, slots, supporters
from nclw.registrations.models import Registration, RegistrationStatus
from nclw.registrations.sign_up_details import SupporterDetails
from nclw.registrations.slot_models import EventSlot, SlotBooking
from nclw.registrations.supporter_models import SupporterRole
from nclw.timezones import format_day, format_when, to_uk, uk_datetime, utcnow
from tests.factories import make_event, make_registration, ticket_link


def _slotted(count: int = 3, minutes: int = 20, capacity: int = 1, **event):
    the_event = make_event(capacity=None, **event)
    made = slot_changes.make_slots(
        the_event,
        first_starts_at=the_event.starts_at,
        count=count,
        minutes=minutes,
        capacity=capacity,
        now=utcnow(),
    )
    db.session.commit()
    return the_event, made


def _sign_up(event, slot_id, email="sam@example.com"):
    return services.register(
        event,
        services.SignUpDetails(first_name="Sam", email=email, slot_id=slot_id),
        now=utcnow(),
    )


def test_making_slots_splits_the_event_and_sets_its_places(app):
    event, made = _slotted(count=4, minutes=20, capacity=2)
    assert [slot.ends_at - slot.starts_at for slot in made] == [timedelta(minutes=20)] * 4
    assert made[1].starts_at == event.starts_at + timedelta(minutes=20)
    assert event.capacity == 8


def test_slots_must_fit_inside_the_event(app):
    event = make_event()
    with pytest.raises(InvalidInput, match="fit inside"):
        slot_changes.make_slots(
            event, first_starts_at=event.starts_at, count=12, minutes=20, now=utcnow()
        )


def test_a_slot_takes_only_its_own_places_and_a_taken_slot_is_refused(app):
    event, (first, second, _third) = _slotted()
    result = _sign_up(event, first.id, "a@example.com")
    assert result.status == RegistrationStatus.CONFIRMED
    with pytest.raises(NotAllowed, match="just been taken"):
        _sign_up(event, first.id, "b@example.com")
    # The refused sign-up left nothing behind: no ticket, no place, no email.
    db.session.refresh(event)
    db.session.refresh(first)
    assert (event.confirmed_count, first.confirmed_count) == (1, 1)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 1
    assert slots.slot_of(result.registration).id == first.id
    assert _sign_up(event, second.id, "b@example.com").status == RegistrationStatus.CONFIRMED


def test_a_slotted_event_asks_for_a_time_while_one_is_free(app):
    event, _made = _slotted()
    other_event, (elsewhere, *_rest) = _slotted()
    with pytest.raises(InvalidInput, match="Choose a time"):
        _sign_up(event, None)
    with pytest.raises(InvalidInput, match="times listed"):
        _sign_up(event, elsewhere.id)


def test_when_every_slot_is_full_people_wait_and_get_the_first_slot_that_frees(app):
    event, (first, second) = _slotted(count=2)
    one = _sign_up(event, first.id, "a@example.com").registration
    _sign_up(event, second.id, "b@example.com")
    waiting = _sign_up(event, None, "c@example.com")
    assert waiting.status == RegistrationStatus.WAITING
    services.cancel_registration(one, now=utcnow())
    db.session.commit()
    promoted = waiting.registration
    db.session.refresh(promoted)
    assert promoted.status == RegistrationStatus.CONFIRMED
    assert slots.slot_of(promoted).id == first.id
    db.session.refresh(first)
    assert first.confirmed_count == 1


def test_changing_slot_takes_the_new_place_before_giving_back_the_old(app):
    event, (first, second, third) = _slotted()
    mine = _sign_up(event, first.id, "a@example.com").registration
    _sign_up(event, second.id, "b@example.com")
    with pytest.raises(NotAllowed, match="just been taken"):
        slots.change_slot(mine, second.id, now=utcnow())
    db.session.rollback()
    assert slots.slot_of(mine).id == first.id
    sequence = mine.calendar_sequence
    slots.change_slot(mine, third.id, now=utcnow())
    db.session.commit()
    counts = {slot.id: slot.confirmed_count for slot in slots.event_slots(event.id)}
    assert counts == {first.id: 0, second.id: 1, third.id: 1}
    assert slots.slot_of(mine).id == third.id
    assert mine.calendar_sequence == sequence + 1


def test_the_calendar_invite_and_emails_carry_the_slots_own_times(app):
    event, (_first, second, _third) = _slotted()
    mine = _sign_up(event, second.id).registration
    invite = ical.ticket_invite(mine, ticket_link="https://x/t", times=slots.ticket_times(mine))
    assert f"DTSTART:{second.starts_at:%Y%m%dT%H%M%S}Z" in invite
    assert f"DTEND:{second.ends_at:%Y%m%dT%H%M%S}Z" in invite
    assert f"DTSTART:{event.starts_at:%Y%m%dT%H%M%S}Z" not in invite


def test_reminders_fall_due_from_the_slot_start(app):
    start = utcnow().replace(microsecond=0) + timedelta(hours=30)
    event, (_first, _second, late) = _slotted(
        count=3, minutes=60, starts_at=start, ends_at=start + timedelta(hours=3)
    )
    mine = _sign_up(event, late.id).registration
    mine.confirmed_at = utcnow() - timedelta(days=3)
    db.session.commit()
    # The event starts in 30 hours, but this slot only in 32: not due yet.
    assert reminders.queue_reminders(now=utcnow() + timedelta(hours=6, minutes=30)) == {
        "reminder_day_before": 0,
        "reminder_hour_before": 0,
    }
    assert (
        reminders.queue_reminders(now=utcnow() + timedelta(hours=8, minutes=30))[
            "reminder_day_before"
        ]
        == 1
    )


def test_a_slot_someone_holds_cannot_be_changed_or_removed(app):
    event, (first, second, _third) = _slotted()
    _sign_up(event, first.id)
    with pytest.raises(NotAllowed, match="Someone has this slot"):
        slot_changes.remove_slot(first, now=utcnow())
    db.session.rollback()
    slot_changes.remove_slot(second, now=utcnow())
    db.session.commit()
    db.session.refresh(event)
    assert event.capacity == 2
    assert db.session.get(EventSlot, second.id) is None


def test_slots_cannot_be_added_to_an_event_whose_tickets_have_no_time(app):
    event = make_event(capacity=5)
    make_registration(event)
    with pytest.raises(NotAllowed, match="without a time"):
        slot_changes.make_slots(
            event, first_starts_at=event.starts_at, count=2, minutes=20, now=utcnow()
        )


# Through the pages, as people use them.


def test_sign_up_page_lists_free_times_and_shows_full_ones_apart(client):
    event, (first, second, third) = _slotted()
    _sign_up(event, first.id, "a@example.com")
    page = client.get(f"/events/{event.slug}/register")
    assert page.status_code == 200
    assert 'type="radio"' in page.text and f'value="{second.id}"' in page.text
    assert f'value="{first.id}"' not in page.text
    assert f"Full: {first.times}" in page.text
    answer = client.post(
        f"/events/{event.slug}/register",
        data={"first_name": "Bo", "email": "bo@example.com", "slot_id": str(third.id)},
    )
    assert answer.status_code == 200 and "Check your email" in answer.text
    [booking] = db.session.scalars(sa.select(SlotBooking).where(SlotBooking.slot_id == third.id))
    assert db.session.get(Registration, booking.registration_id).email == "bo@example.com"


def test_sign_up_without_a_time_or_for_a_taken_one_gets_a_clear_400(client):
    event, (first, *_rest) = _slotted()
    _sign_up(event, first.id, "a@example.com")
    missing = client.post(
        f"/events/{event.slug}/register", data={"first_name": "Bo", "email": "bo@example.com"}
    )
    assert missing.status_code == 400 and "Choose a time" in missing.text
    taken = client.post(
        f"/events/{event.slug}/register",
        data={"first_name": "Bo", "email": "bo@example.com", "slot_id": str(first.id)},
    )
    assert taken.status_code == 400 and "just been taken" in taken.text
    nonsense = client.post(
        f"/events/{event.slug}/register",
        data={"first_name": "Bo", "email": "bo@example.com", "slot_id": "banana"},
    )
    assert nonsense.status_code == 400


def test_ticket_page_shows_the_time_and_changes_it(client):
    event, (first, second, _third) = _slotted()
    mine = _sign_up(event, first.id).registration
    token = ticket_link(mine)
    page = client.get(f"/tickets/{token}")
    assert first.when in page.text and f"/tickets/{token}/time" in page.text
    # Its "When" is the person's own time, as in the email: never the whole event's.
    assert format_when(event.starts_at, event.ends_at) not in page.text
    form = client.get(f"/tickets/{token}/time")
    assert form.status_code == 200 and f'value="{first.id}"' not in form.text
    moved = client.post(f"/tickets/{token}/time", data={"slot_id": str(second.id)})
    assert moved.status_code == 302
    assert slots.slot_of(mine).id == second.id
    # The new time comes by email too, with an invite that replaces the old one.
    from nclw.mail.models import OutboxMessage

    [email] = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.kind == "time_changed")
    )
    assert email.registration_id == mine.id
    calendar = client.get(f"/tickets/{token}/invite.ics")
    assert f"DTSTART:{second.starts_at:%Y%m%dT%H%M%S}Z" in calendar.text


def test_organiser_makes_and_removes_slots(client):
    from tests.conftest import login
    from tests.factories import make_user

    login(client, make_user())
    event = make_event(
        capacity=None, starts_at=utcnow().replace(second=0, microsecond=0) + timedelta(days=9)
    )
    start = event.starts_at.astimezone(slots_uk()).strftime("%Y-%m-%dT%H:%M")
    made = client.post(
        f"/admin/events/{event.id}/slots",
        data={"first_starts_at": start, "count": "4", "minutes": "20", "capacity": "1"},
    )
    assert made.status_code == 302, made.text
    listing = client.get(f"/admin/events/{event.id}/slots")
    assert listing.text.count("Remove") == 4
    slot = slots.event_slots(event.id)[0]
    assert client.post(f"/admin/events/{event.id}/slots/{slot.id}/remove").status_code == 302
    assert len(slots.event_slots(event.id)) == 3
    too_many = client.post(
        f"/admin/events/{event.id}/slots",
        data={"first_starts_at": start, "count": "12", "minutes": "20", "capacity": "1"},
    )
    assert too_many.status_code == 400 and "fit inside" in too_many.text


def slots_uk():
    from nclw.timezones import UK

    return UK


def test_organisers_see_each_ticket_time_on_lists_sheets_exports_and_the_desk(client):
    from tests.conftest import login
    from tests.factories import make_user

    login(client, make_user())
    event, (_first, second, _third) = _slotted()
    mine = _sign_up(event, second.id).registration
    db.session.commit()
    listing = client.get(f"/admin/events/{event.id}/attendees")
    assert f"<dt>Time</dt><dd>{second.times}</dd>" in listing.text
    assert second.when in client.get(f"/admin/registrations/{mine.id}").text
    assert second.times in client.get(f"/admin/events/{event.id}/register").text
    desk = client.get(f"/admin/events/{event.id}/check-in", query_string={"q": mine.reference})
    assert second.times in desk.text
    export = client.post(
        "/admin/exports",
        data={
            "scope": str(event.id),
            "file_format": "csv",
            "columns": ["reference", "slot_starts"],
        },
        buffered=True,
    )
    assert export.status_code == 200, export.text[:500]
    from nclw.timezones import to_uk

    assert f"{mine.reference},{to_uk(second.starts_at):%Y-%m-%d %H:%M}" in export.text


def test_a_time_that_has_begun_cannot_be_changed_or_chosen(app):
    event, (first, second, third) = _slotted()
    mine = _sign_up(event, second.id).registration
    with pytest.raises(NotAllowed, match="already begun. Please choose a later one"):
        slots.change_slot(mine, first.id, now=first.starts_at + timedelta(minutes=1))
    db.session.rollback()
    with pytest.raises(NotAllowed, match="Your time has already begun"):
        slots.change_slot(mine, third.id, now=second.starts_at)
    db.session.rollback()
    assert slots.slot_of(mine).id == second.id


def test_organiser_changes_a_free_slot_but_not_one_someone_holds(client):
    from tests.conftest import login
    from tests.factories import make_user

    login(client, make_user())
    event, (first, second, _third) = _slotted()
    _sign_up(event, first.id)
    new_start = (second.starts_at + timedelta(minutes=30)).astimezone(slots_uk())
    changed = client.post(
        f"/admin/events/{event.id}/slots/{second.id}/edit",
        data={"starts_at": new_start.strftime("%Y-%m-%dT%H:%M"), "minutes": "15", "capacity": "2"},
    )
    assert changed.status_code == 302, changed.text
    db.session.refresh(second)
    db.session.refresh(event)
    assert (second.ends_at - second.starts_at, second.capacity) == (timedelta(minutes=15), 2)
    assert event.capacity == 4
    held = client.post(
        f"/admin/events/{event.id}/slots/{first.id}/edit",
        data={"starts_at": new_start.strftime("%Y-%m-%dT%H:%M"), "minutes": "15", "capacity": "2"},
    )
    assert held.status_code == 400 and "Someone has this slot" in held.text


# A supporter takes a place in the young person's slot, as in the event.

CARER = SupporterDetails(first_name="Jo", role=SupporterRole.CARER)


def _pair(event, slot_id, email="pair@example.com"):
    details = services.SignUpDetails(
        first_name="Ana", email=email, slot_id=slot_id, supporter=CARER
    )
    return services.register(event, details, now=utcnow())


def test_a_pair_takes_two_places_in_one_slot_or_none(app):
    event, (single, double) = _slotted(count=2, capacity=2, supporters_allowed=True)
    _sign_up(event, single.id, "first@example.com")
    with pytest.raises(NotAllowed, match="no room for you and your supporter"):
        _pair(event, single.id)
    db.session.rollback()
    db.session.refresh(single)
    db.session.refresh(event)
    assert (single.confirmed_count, event.confirmed_count) == (1, 1)
    result = _pair(event, double.id)
    db.session.commit()
    assert result.status == RegistrationStatus.CONFIRMED
    db.session.refresh(double)
    db.session.refresh(event)
    assert (double.confirmed_count, event.confirmed_count) == (2, 3)


def test_a_pairs_slot_places_come_back_when_the_supporter_goes_and_when_it_cancels(app):
    event, (slot,) = _slotted(count=1, capacity=3, supporters_allowed=True)
    pair = _pair(event, slot.id).registration
    db.session.commit()
    supporters.remove_supporter(pair, now=utcnow())
    db.session.commit()
    db.session.refresh(slot)
    assert slot.confirmed_count == 1
    supporters.add_supporter(pair, CARER, now=utcnow())
    db.session.commit()
    db.session.refresh(slot)
    assert slot.confirmed_count == 2
    services.cancel_registration(pair, now=utcnow())
    db.session.commit()
    db.session.refresh(slot)
    db.session.refresh(event)
    assert (slot.confirmed_count, event.confirmed_count) == (0, 0)


def test_a_full_slot_refuses_a_supporter_added_later(app):
    event, (slot, _other) = _slotted(count=2, capacity=1, supporters_allowed=True)
    ticket = _sign_up(event, slot.id).registration
    db.session.commit()
    with pytest.raises(NotAllowed):
        supporters.add_supporter(ticket, CARER, now=utcnow())


def _how_long(client, event) -> str:
    page = client.get(f"/events/{event.slug}")
    assert page.status_code == 200
    found = re.search(r"<dt>How long</dt><dd>(.*?)</dd>", page.text)
    assert found, page.text
    return found.group(1)


def test_an_events_page_says_how_long_one_slot_is_not_the_whole_day(client):
    # The page is kept and reused until something on it changes: adding the event's slots
    # (and changing one's length) must change it, though the event's own row is untouched.
    event = make_event(capacity=None)
    assert _how_long(client, event) == "1 hour 30 minutes"
    slot_changes.make_slots(
        event, first_starts_at=event.starts_at, count=3, minutes=20, capacity=1, now=utcnow()
    )
    db.session.commit()
    assert _how_long(client, event) == "20 minutes, at a time you choose when you sign up"
    last = slots.event_slots(event.id)[-1]
    last.ends_at = last.starts_at + timedelta(minutes=45)
    db.session.commit()
    assert _how_long(client, event) == (
        "20 minutes to 45 minutes, at a time you choose when you sign up"
    )
    assert _how_long(client, make_event(capacity=None)) == "1 hour 30 minutes"


def _two_day_event():
    """An event over two days with two 30-minute slots on each, at 10am UK time."""
    first_day = to_uk(utcnow()).date() + timedelta(days=20)
    event = make_event(
        capacity=None,
        starts_at=uk_datetime(first_day, 9),
        ends_at=uk_datetime(first_day + timedelta(days=1), 17),
    )
    for day in (first_day, first_day + timedelta(days=1)):
        slot_changes.make_slots(
            event,
            first_starts_at=uk_datetime(day, 10),
            count=2,
            minutes=30,
            capacity=1,
            now=utcnow(),
        )
    db.session.commit()
    return event, first_day


def test_times_on_more_than_one_day_each_say_their_day(client):
    # A list of times names their day once, above them, only where they share one: over two
    # days "10am to 10:30am" twice would not say which day is which.
    event, first_day = _two_day_event()
    form = client.get(f"/events/{event.slug}/register").text
    assert "Times are UK times." in form and "Times are UK times on" not in form
    for day in (first_day, first_day + timedelta(days=1)):
        assert format_when(uk_datetime(day, 10), uk_datetime(day, 10, 30)) in form
    held = _sign_up(event, slots.event_slots(event.id)[0].id).registration
    db.session.commit()
    change = client.get(f"/tickets/{ticket_link(held)}/time").text
    assert "Times are UK times." in change
    later = format_when(uk_datetime(first_day, 10, 30), uk_datetime(first_day, 11))
    assert later in change

    one_day, (first, _second) = _slotted(count=2)
    form = client.get(f"/events/{one_day.slug}/register").text
    assert f"Times are UK times on {format_day(one_day.starts_at)}." in form
    assert f">{first.times}</label>" in form and first.when not in form


def test_the_back_office_names_the_slots_day_once_where_they_share_one(client):
    from tests.conftest import login
    from tests.factories import make_user

    login(client, make_user())
    event, first_day = _two_day_event()
    two_days = client.get(f"/admin/events/{event.id}/slots").text
    assert "4 slots," in two_days
    assert format_when(uk_datetime(first_day, 10), uk_datetime(first_day, 10, 30)) in two_days
    # The attendee list and the printed register say whose time is on which day.
    first, _second, third, _fourth = slots.event_slots(event.id)
    _sign_up(event, first.id, "day1@example.com")
    _sign_up(event, third.id, "day2@example.com")
    db.session.commit()
    for page in ("attendees", "register"):
        text = client.get(f"/admin/events/{event.id}/{page}").text
        assert first.when in text and third.when in text, page
    # Everyone at a two-day event may hold a time on the same day: the day is still said.
    later, _first_day = _two_day_event()
    last = slots.event_slots(later.id)[-1]
    _sign_up(later, last.id, "only@example.com")
    db.session.commit()
    assert last.when in client.get(f"/admin/events/{later.id}/attendees").text

    one_day, (first, *_rest) = _slotted(count=3)
    listing = client.get(f"/admin/events/{one_day.id}/slots").text
    assert f"3 slots on {format_day(one_day.starts_at)}," in listing
    assert f'<th scope="row">{first.times}</th>' in listing and first.when not in listing
    _sign_up(one_day, first.id, "one@example.com")
    db.session.commit()
    for page in ("attendees", "register"):
        text = client.get(f"/admin/events/{one_day.id}/{page}").text
        assert first.times in text and first.when not in text, page


def test_professionals_cannot_book_times_for_young_people(client):
    # Every ticket at an event split into slots holds a time, and each young person chooses
    # theirs: a booking would take places with no time, so the event offers none.
    from nclw.registrations import bookings
    from nclw.registrations.bookings import Professional, YoungPerson

    event, (first, *_rest) = _slotted(count=3)
    assert "book-for-young-people" not in client.get(f"/events/{event.slug}").text
    form = client.get(f"/events/{event.slug}/book-for-young-people")
    assert form.status_code == 200 and "Each young person chooses their own time" in form.text
    assert f"/events/{event.slug}</a>" in form.text  # the address to send them
    adviser = Professional("Ana Adviser", "ana@example.org", "Leeds Council", "Personal adviser")
    with pytest.raises(NotAllowed, match="chooses their own time"):
        bookings.book_for_young_people(
            event, adviser, [YoungPerson("Kai", "")], declared=True, now=utcnow()
        )
    # Without slots the same event takes bookings, and offers them on its page.
    plain = make_event(capacity=None)
    assert "book-for-young-people" in client.get(f"/events/{plain.slug}").text


@pytest.mark.slow  # the Nu HTML checker is a Java program
def test_the_pages_about_slots_are_valid(client):
    from tests.support.html_validation import assert_valid_pages

    event, (first, *_rest) = _slotted(count=3)
    token = ticket_link(_sign_up(event, first.id).registration)
    assert_valid_pages(
        {
            "event page with slots": client.get(f"/events/{event.slug}"),
            "sign-up form with slots": client.get(f"/events/{event.slug}/register"),
            "ticket with a slot": client.get(f"/tickets/{token}"),
            "change time": client.get(f"/tickets/{token}/time"),
            "no booking for slots": client.get(f"/events/{event.slug}/book-for-young-people"),
        }
    )


def test_the_desk_says_each_persons_time_with_its_day_in_one_query(client):
    # Door staff see when each Sam is due: with the day at an event over two days, and for
    # a scanned ticket too. Four Sams cost the desk no more queries than one.
    from contextlib import contextmanager

    from nclw.registrations import on_the_day
    from tests.conftest import login
    from tests.factories import make_user

    @contextmanager
    def statements():
        run: list[str] = []

        def note(_conn, _cursor, statement, *_args):
            run.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", note)
        try:
            yield run
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", note)

    organiser = make_user()
    login(client, organiser)
    event, _first_day = _two_day_event()
    held = slots.event_slots(event.id)
    first = _sign_up(event, held[0].id, "sam0@example.com").registration
    db.session.commit()
    with statements() as for_one:
        one = on_the_day.find_at_the_desk(event, "sam", actor=organiser)
    assert one.times == {first.id: held[0].when}
    people = [first] + [
        _sign_up(event, slot.id, f"sam{n}@example.com").registration
        for n, slot in enumerate(held[1:], start=1)
    ]
    db.session.commit()
    with statements() as for_all:
        everyone = on_the_day.find_at_the_desk(event, "sam", actor=organiser)
    assert len(everyone.people) == len(held) == 4
    assert len(for_all) == len(for_one)

    desk = client.get(f"/admin/events/{event.id}/check-in", query_string={"q": "sam"}).text
    words = " ".join(re.sub(r"<[^>]+>", " ", desk).split())
    for person, slot in zip(people, held, strict=True):
        # Each part of a line stands apart: "Sam · NCLW-… · <day, time> · Confirmed ticket".
        assert f"Sam · {person.reference} · {slot.when} · Confirmed ticket" in words
    scanned = client.get(
        f"/admin/events/{event.id}/check-in", query_string={"reference": people[-1].reference}
    ).text
    assert f"Their time: {held[-1].when}." in scanned
