"""Report figures against a week whose numbers are known, and the rules behind them."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from nclw.registrations.models import RegistrationStatus
from nclw.reports import services
from nclw.reports.downloads import report_csv
from nclw.reports.figures import (
    EventFacts,
    Figures,
    TicketFacts,
    access_count,
    count_event,
    signups_over_time,
)
from nclw.reports.lines import figure_labels, outcomes
from tests.reports.helpers import AFTER, FIRST_DAY, known_week


def _lines(report) -> dict[str, str]:
    return {line.label: line.value for line in report.lines}


def test_every_figure_of_the_seeded_event(app):
    week = known_week()
    report = services.event_report(week.event, now=AFTER)
    assert report.figures == Figures(
        sign_ups=10,
        confirmed=7,
        waiting=0,
        promoted=2,
        cancelled_by_person=2,
        cancelled_by_organisers=1,
        cancelled_with_event=0,
        checked_in=5,
        no_shows=2,
        not_recorded=0,
        still_to_come=0,
        access_asked=4,
        access_met=2,
        details_removed=0,
    )
    assert report.figures.cancelled == 3
    assert report.figures.no_show_rate == 29  # 2 of the 7 whose attendance was recorded
    assert _lines(report) == {
        "Sign-ups": "10",
        "Holding a ticket": "7",
        "Still on the waiting list": "0",
        "Offered a place, not yet claimed": "0",
        "Given a place from the waiting list": "2",
        "Cancelled, in all": "3",
        "Cancelled by the person": "2",
        "Cancelled by the organisers": "1",
        "Cancelled because the event was cancelled": "0",
        "Checked in": "5",
        "No-shows": "2",
        "Attendance not recorded": "0",
        "No-show rate": "29%",
        "Asked for a listed access need": "4",
        # 2 people: small enough to point at someone, so neither the count nor the share shows.
        "Access needs met": "fewer than 3",
        "Share with access needs met": "Not shown: the numbers are too small",
    }
    assert [(p.label, p.count) for p in report.over_time] == [("1 Oct", 5), ("2 Oct", 5)]
    assert report.over_time[0].long_label == "Wednesday 1 October 2031"
    assert report.outcomes == [
        ("Checked in", 5),
        ("No-show", 2),
        ("Attendance not recorded", 0),
        ("Still on the waiting list", 0),
        ("Offered a place, not yet claimed", 0),
        ("Cancelled by the person", 2),
        ("Cancelled by the organisers", 1),
        ("Cancelled with the event", 0),
    ]


def test_the_seeded_events_csv(app):
    week = known_week()
    body = report_csv(services.event_report(week.event, now=AFTER), with_total=False)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["Event", "Host", "Starts (UK time)", "Event status", *figure_labels()]
    # The figures, then the section on places given back (one person, one organiser).
    assert rows[2:] == [
        [],
        ["Places given back"],
        ["Places released: On their ticket page", "1 (1 taken again)"],
        ["Places released: From a reminder email", "0 (0 taken again)"],
        ["Places released: By saying no in their calendar", "0 (0 taken again)"],
        ["Places released: By the organisers", "1 (1 taken again)"],
        ["Places released: All routes", "2 (2 taken again)"],
    ]
    assert rows[1][:4] == [week.event.title, "Host One", "2031-10-29 10:00", "Published"]
    assert rows[1][4:] == [
        "10", "7", "0", "0", "2", "3", "2", "1", "0", "5", "2", "0", "29%", "4", "fewer than 3",
        "Not shown: the numbers are too small",
    ]  # fmt: skip
    # Numbers only: nobody who signed up is named, and no address or reference appears.
    text = body.decode("utf-8-sig")
    for word in ("Ava", "Hal", "example.com", "NCLW-"):
        assert word not in text


def test_the_weeks_figures_add_up_and_a_cancelled_event_says_so(app):
    week = known_week()
    report = services.week_report(week.edition, now=AFTER)
    assert [row.event for row in report.events] == [week.event, week.cancelled_event]
    cancelled = report.events[1].figures
    assert (cancelled.sign_ups, cancelled.cancelled_by_person, cancelled.cancelled_with_event) == (
        3,
        1,
        2,
    )
    # Their tickets went with the event: their access needs are no one's to meet.
    assert cancelled.access_asked == 0 and cancelled.confirmed == 0
    assert report.figures.sign_ups == 13
    assert report.figures.cancelled == 6
    assert [(h.organisation.name, h.events, h.figures.sign_ups) for h in report.hosts] == [
        ("Host One", 1, 10),
        ("Host Two", 1, 3),
    ]
    rows = list(csv.reader(io.StringIO(report_csv(report, with_total=True).decode("utf-8-sig"))))
    assert rows[-1][:5] == ["All events", "", "", "", "13"]


def test_a_hosts_report_holds_only_its_own_events(app):
    week = known_week()
    own = services.organisation_report(week.host, week.edition, now=AFTER)
    assert [row.event for row in own.events] == [week.event]
    assert own.figures == services.event_report(week.event, now=AFTER).figures
    other = services.organisation_report(week.other_host, week.edition, now=AFTER)
    assert [row.event for row in other.events] == [week.cancelled_event]
    assert services.weeks_hosted(week.host.id) == [week.edition]


def test_before_the_event_tickets_are_still_to_come(app):
    week = known_week()
    report = services.event_report(week.event, now=FIRST_DAY + timedelta(days=6))
    assert report.figures.still_to_come == 7
    assert report.figures.not_recorded == 0
    assert report.outcomes[0] == ("Ticket for an event still to come", 7)


# The rules on their own, without a database.

T0 = datetime(2031, 10, 1, 9, tzinfo=UTC)
STARTED = EventFacts(has_started=True, offers=frozenset({"step_free"}))


def _ticket(**overrides) -> TicketFacts:
    values = {"status": RegistrationStatus.CONFIRMED, "created_at": T0, "confirmed_at": T0}
    return TicketFacts(**{**values, **overrides})


def test_attendance_nobody_recorded_is_counted_apart():
    figures = count_event([_ticket(), _ticket(checked_in=True)], STARTED)
    assert (figures.checked_in, figures.no_shows, figures.not_recorded) == (1, 0, 1)
    assert figures.no_show_rate == 0


def test_an_open_offer_is_counted_apart_from_tickets_and_the_waiting_list():
    offered = _ticket(status=RegistrationStatus.OFFERED, confirmed_at=None)
    figures = count_event([_ticket(), offered], STARTED)
    assert (figures.confirmed, figures.offered, figures.waiting) == (1, 1, 0)
    assert ("Offered a place, not yet claimed", 1) in outcomes(figures, has_started=True)


def test_removed_details_leave_the_access_figures_and_are_counted():
    figures = count_event(
        [_ticket(details_removed=True, access_requests=""), _ticket(access_requests="step_free")],
        STARTED,
    )
    assert (figures.details_removed, figures.access_asked) == (1, 1)


def test_small_access_counts_and_the_share_they_would_give_away():
    assert [access_count(n) for n in (0, 1, 2, 3, 10)] == [
        "0",
        "fewer than 3",
        "fewer than 3",
        "3",
        "10",
    ]
    assert Figures(access_asked=10, access_met=7).access_met_rate == 70
    # 9 of 10: the 1 who asked and did not come could be picked out.
    assert Figures(access_asked=10, access_met=9).access_met_rate is None
    assert Figures(access_asked=0).access_met_rate is None


def test_a_cancellation_after_the_event_was_cancelled_is_the_events():
    cancelled_at = T0 + timedelta(days=1)
    event = EventFacts(has_started=False, cancelled_at=cancelled_at)
    gone = RegistrationStatus.CANCELLED
    figures = count_event(
        [
            _ticket(status=gone, cancelled_at=T0),
            _ticket(status=gone, cancelled_at=cancelled_at),
            _ticket(status=gone, cancelled_at=T0, organisers_cancelled=True),
        ],
        event,
    )
    assert (
        figures.cancelled_by_person,
        figures.cancelled_with_event,
        figures.cancelled_by_organisers,
    ) == (1, 1, 1)


def test_sign_ups_over_a_long_stretch_are_counted_per_week():
    moments = [T0, T0 + timedelta(days=1), T0 + timedelta(days=30)]
    periods = signups_over_time(moments)
    # 1 October 2031 is a Wednesday: its week starts on Monday 29 September.
    assert periods[0].long_label == "Week from Monday 29 September 2031"
    assert periods[0].count == 2
    assert sum(p.count for p in periods) == 3
    assert [p.count for p in periods].count(0) == len(periods) - 2  # empty weeks still show
