"""Back-office words: counts in the right number, times in the same words, chart labels apart."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from nclw.errors import NotAllowed
from nclw.events.services import unpublish_event
from nclw.extensions import db
from nclw.partners import session_changes
from nclw.reports.charts import daily_bars
from nclw.timezones import UK, format_when, to_uk, utcnow
from nclw.wording import plural
from tests.backoffice.helpers import event_form_data
from tests.factories import make_event, make_registration
from tests.partners.helpers import make_partner, make_proposal
from tests.questions.helpers import asked


@pytest.mark.parametrize(
    ("count", "noun", "words"),
    [
        (0, "question", "0 questions"),
        (1, "question", "1 question"),
        (2, "question", "2 questions"),
        (1, "person", "1 person"),
        (2, "person", "2 people"),
        (1200, "email", "1,200 emails"),
    ],
)
def test_plural(count, noun, words):
    assert plural(count, noun) == words


def _dashboard(client, week) -> str:
    return client.get(f"/admin/?year={week.event.edition.year}").text


def test_dashboard_counts_one_question_and_two_questions(organiser_client, week):
    week.event.qa_enabled = True
    db.session.commit()
    asked(week.event, "What helped you most?", registration=week.confirmed)
    page = _dashboard(organiser_client, week)
    assert "<strong>1</strong> question awaiting moderation" in page
    assert "1 question to moderate" in page
    assert "1 questions" not in page
    asked(week.event, "How did you start?", registration=week.confirmed)
    page = _dashboard(organiser_client, week)
    assert "<strong>2</strong> questions awaiting moderation" in page
    assert "2 questions to moderate" in page


def test_dashboard_counts_proposals_and_emails(organiser_client, week):
    page = _dashboard(organiser_client, week)
    # None waiting: the plural, as English has it.
    assert "<strong>0</strong> partner proposals awaiting review" in page
    assert "<strong>0</strong> emails failed" in page
    make_proposal(make_partner("Accenture"), submit=True)
    page = _dashboard(organiser_client, week)
    assert "<strong>1</strong> partner proposal awaiting review" in page
    assert ">review it</a>" in page and "review them" not in page
    make_proposal(make_partner("Catch22"), submit=True)
    page = _dashboard(organiser_client, week)
    assert "<strong>2</strong> partner proposals awaiting review" in page
    assert ">review them</a>" in page and "review it" not in page


def test_dashboard_counts_one_change_to_a_live_session_and_two(organiser_client, week):
    partners = [make_partner("Accenture"), make_partner("Catch22")]
    events = [make_event(host=p.organisation, edition=week.event.edition) for p in partners]
    for count, (partner, event) in enumerate(zip(partners, events, strict=True), start=1):
        session_changes.ask_for_change(
            event, {"summary": "Now with a live Q&A."}, actor=partner, now=utcnow()
        )
        db.session.commit()
        page = " ".join(_dashboard(organiser_client, week).split())
        said = "review it" if count == 1 else "review them"
        assert f"<strong>{count}</strong> change" in page
        assert re.search(f'live sessions awaiting review: <a href="[^"]+">{said}</a>', page)


def _move(client, event, hours: int = 2):
    later = to_uk(event.starts_at + timedelta(hours=hours))
    data = event_form_data(
        event,
        starts_at=later.strftime("%Y-%m-%dT%H:%M"),
        ends_at=(later + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    )
    return data, client.post(f"/admin/events/{event.id}/edit", data=data)


def test_moving_an_event_for_one_person_says_person(organiser_client, week):
    event = make_event(edition=week.event.edition)
    make_registration(event)
    db.session.commit()
    data, ask = _move(organiser_client, event)
    assert "This will notify 1 attendee</h1>" in ask.text
    assert "(1 person)" in ask.text
    done = organiser_client.post(
        f"/admin/events/{event.id}/edit", data={**data, "confirmed": "yes"}, follow_redirects=True
    )
    assert "We are emailing 1 person an updated invite." in done.text


def test_moving_an_event_for_two_people_says_people(organiser_client, week):
    data, ask = _move(organiser_client, week.event)
    assert "This will notify 2 attendees</h1>" in ask.text
    assert "(2 people)" in ask.text


def test_the_move_confirmation_shows_both_times_in_the_same_words(organiser_client, week):
    event = week.event
    _, ask = _move(organiser_client, event, hours=2)
    now_row = re.search(r"<dt>Now</dt><dd>(.*?)</dd>", ask.text).group(1)
    new_row = re.search(r"<dt>New</dt><dd>(.*?)</dd>", ask.text).group(1)
    # Neither time is written as numbers: both in the event page's words.
    assert not re.search(r"\d\d/\d\d/\d{4}", ask.text)
    assert "(UK time)" in now_row and "(UK time)" in new_row
    starts = to_uk(event.starts_at)
    assert f"{starts:%A} {starts.day} {starts:%B}" in now_row
    later = to_uk(event.starts_at + timedelta(hours=2))
    assert f"{later:%A} {later.day} {later:%B}" in new_row


def test_times_name_the_year_only_when_it_is_not_this_year():
    starts = datetime(2027, 10, 27, 16, tzinfo=UK)
    ends = starts + timedelta(hours=1, minutes=30)
    this_year = format_when(starts, ends, now=datetime(2027, 3, 1, tzinfo=UK))
    assert this_year == "Wednesday 27 October, 4pm to 5:30pm (UK time)"
    next_year = format_when(starts, ends, now=datetime(2026, 12, 3, tzinfo=UK))
    assert next_year == "Wednesday 27 October 2027, 4pm to 5:30pm (UK time)"
    overnight = format_when(starts, starts + timedelta(hours=10), now=starts)
    assert overnight == "Wednesday 27 October, 4pm to Thursday 28 October, 2am (UK time)"


def test_the_sign_ups_chart_puts_each_label_on_two_lines_of_its_own():
    chart = str(daily_bars([("Sun 22", 1), ("Mon 23", 4), ("Tue 24", 0)], title="Sign-ups"))
    assert "Sun 22" not in chart.split("<desc")[0] + chart.split("</desc>")[1]
    assert re.search(r'<tspan x="(\d+)">Sun</tspan><tspan x="\1" dy="13">22</tspan>', chart)
    # The bars' centres are far enough apart for "Wed" and "Thu" side by side.
    centres = [int(x) for x in re.findall(r'<tspan x="(\d+)">', chart)]
    assert all(b - a >= 36 for a, b in zip(centres, centres[1:], strict=False))


def test_one_person_signed_up_is_worded_as_one(app):
    event = make_event()
    with pytest.raises(NotAllowed, match="^1 person is signed up"):
        unpublish_event(event, signed_up=1, actor=None, now=event.starts_at)
