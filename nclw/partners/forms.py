"""Forms for proposing a session, editing a running one and reviewing proposals."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    StringField,
    TextAreaField,
    TimeField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    URL,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from nclw.events.models import Audience, EventFormat
from nclw.forms import ChoiceField
from nclw.timezones import UK


class _Friendly:
    """Replace WTForms' "Not a valid ... value" with a message in plain English."""

    message = ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            raise ValueError(self.message) from error


class DayField(_Friendly, DateField):
    message = "Enter a real date, like 27/10/2026"


class ClockField(_Friendly, TimeField):
    message = "Enter a time on a 24-hour clock, like 16:00"


class PlacesField(_Friendly, IntegerField):
    message = "Enter the number of places as a whole number, like 20"


YES_NO = [SelectChoice("", "Choose one"), SelectChoice("yes", "Yes"), SelectChoice("no", "No")]


def _uk(day, clock: time) -> datetime:
    from datetime import UTC

    return datetime.combine(day, clock, tzinfo=UK).astimezone(UTC)


class SessionDetailsForm(FlaskForm):
    """What people see on the site: shared by proposals and running sessions."""

    title = StringField(
        "Session name",
        validators=[
            DataRequired("Enter the session name"),
            Length(max=160, message="Session name must be 160 characters or fewer"),
        ],
    )
    summary = StringField(
        "Summary",
        description="One sentence for the week's page.",
        validators=[
            DataRequired("Enter a one-sentence summary"),
            Length(max=300, message="Summary must be 300 characters or fewer"),
        ],
    )
    description = TextAreaField(
        "About the session (optional)",
        validators=[Optional(), Length(max=5000, message="Use 5,000 characters or fewer")],
    )
    highlights = TextAreaField(
        "What people will get (optional)",
        description="One thing a line.",
        validators=[Optional(), Length(max=2000, message="Use 2,000 characters or fewer")],
    )
    day = DayField(
        "Date",
        description="For example, 27 October.",
        validators=[InputRequired("Enter the date of the session, like 27/10/2026")],
    )
    start_time = ClockField(
        "Start time (UK time)",
        validators=[InputRequired("Enter the start time, like 16:00")],
    )
    end_time = ClockField(
        "End time (UK time)",
        validators=[InputRequired("Enter the end time, like 17:30")],
    )
    venue_name = StringField(
        "Venue (optional for online sessions)",
        # Not Optional(): that would stop the in-person check below from running.
        validators=[Length(max=160, message="Venue must be 160 characters or fewer")],
    )
    address = StringField(
        "Address (optional)",
        validators=[Optional(), Length(max=300, message="Address must be 300 characters or fewer")],
    )
    online_url = URLField(
        "Joining link (optional)",
        description="Only people with a ticket see this.",
        validators=[
            Optional(),
            Length(max=500, message="Joining link must be 500 characters or fewer"),
            URL(message="Enter a full web address, starting with https://"),
        ],
    )

    def validate_end_time(self, field) -> None:
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError("The end time must be after the start time")

    def session_values(self) -> dict[str, Any]:
        """The answers as model values (times as aware UTC)."""
        return {
            "title": self.title.data.strip(),
            "summary": self.summary.data.strip(),
            "description": (self.description.data or "").strip(),
            "highlights": (self.highlights.data or "").strip(),
            "starts_at": _uk(self.day.data, self.start_time.data),
            "ends_at": _uk(self.day.data, self.end_time.data),
            "venue_name": (self.venue_name.data or "").strip() or None,
            "address": (self.address.data or "").strip() or None,
            "online_url": (self.online_url.data or "").strip() or None,
        }


class ProposalForm(SessionDetailsForm):
    """A session proposal: the event's details plus what reviewers need for safeguarding."""

    format = ChoiceField(
        "How people take part",
        choices=[SelectChoice("", "Choose one")]
        + [SelectChoice(f.value, f.label) for f in EventFormat],
        validators=[DataRequired("Choose how people take part")],
    )
    audience = ChoiceField(
        "Who it is for",
        choices=[SelectChoice("", "Choose one")]
        + [SelectChoice(a.value, a.label) for a in Audience],
        validators=[DataRequired("Choose who the session is for")],
    )
    capacity = PlacesField(
        "Number of places (optional)",
        description="Leave empty for no limit.",
        validators=[
            Optional(),
            NumberRange(min=1, max=10000, message="Enter a number of places from 1 to 10,000"),
        ],
    )
    safeguarding_lead = StringField(
        "Safeguarding lead",
        description="The named person responsible for safeguarding at this session.",
        validators=[
            DataRequired("Enter the name of the safeguarding lead"),
            Length(max=120, message="Name must be 120 characters or fewer"),
        ],
    )
    safeguarding_contact = StringField(
        "How to reach the safeguarding lead",
        description="A phone number or email address reviewers can use.",
        validators=[
            DataRequired("Enter how to reach the safeguarding lead"),
            Length(max=254, message="Use 254 characters or fewer"),
        ],
    )
    staff_dbs_checked = ChoiceField(
        "Are all staff at the session DBS-checked?",
        choices=YES_NO,
        validators=[DataRequired("Say whether staff are DBS-checked")],
    )
    under_18s_allowed = ChoiceField(
        "May under-18s attend?",
        choices=YES_NO,
        validators=[DataRequired("Say whether under-18s may attend")],
    )
    note_to_reviewers = TextAreaField(
        "Note to reviewers (optional)",
        description="Anything else the organisers should know. Only organisers see this.",
        validators=[Optional(), Length(max=2000, message="Use 2,000 characters or fewer")],
    )

    def validate_venue_name(self, field) -> None:
        if self.format.data in ("in_person", "hybrid") and not (field.data or "").strip():
            raise ValidationError("Enter the venue for an in-person session")

    def proposal_values(self) -> dict[str, Any]:
        """Every answer as model values."""
        return self.session_values() | {
            "format": EventFormat(self.format.data),
            "audience": Audience(self.audience.data),
            "capacity": self.capacity.data,
            "safeguarding_lead": self.safeguarding_lead.data.strip(),
            "safeguarding_contact": self.safeguarding_contact.data.strip(),
            "staff_dbs_checked": self.staff_dbs_checked.data == "yes",
            "under_18s_allowed": self.under_18s_allowed.data == "yes",
            "note_to_reviewers": (self.note_to_reviewers.data or "").strip(),
        }

    @classmethod
    def for_proposal(cls, proposal, **kwargs) -> ProposalForm:
        """A form filled in from a saved proposal (on GET)."""
        from nclw.timezones import to_uk

        start, end = to_uk(proposal.starts_at), to_uk(proposal.ends_at)
        plain = {
            name: getattr(proposal, name)
            for name in ("title", "summary", "description", "highlights", "venue_name")
            + ("address", "online_url", "capacity", "safeguarding_lead", "safeguarding_contact")
            + ("note_to_reviewers",)
        }
        return cls(
            data=plain,
            day=start.date(),
            start_time=start.time(),
            end_time=end.time(),
            format=proposal.format.value,
            audience=proposal.audience.value,
            staff_dbs_checked="yes" if proposal.staff_dbs_checked else "no",
            under_18s_allowed="yes" if proposal.under_18s_allowed else "no",
            **kwargs,
        )


class SessionEditForm(SessionDetailsForm):
    """A partner changes a session that is already on the site."""

    @classmethod
    def for_event(cls, event, **kwargs) -> SessionEditForm:
        """A form filled in from the event (on GET)."""
        from nclw.timezones import to_uk

        start, end = to_uk(event.starts_at), to_uk(event.ends_at)
        plain = {
            name: getattr(event, name)
            for name in ("title", "summary", "description", "highlights", "venue_name")
            + ("address", "online_url")
        }
        return cls(
            data=plain, day=start.date(), start_time=start.time(), end_time=end.time(), **kwargs
        )


class ReviewCommentsForm(FlaskForm):
    comments = TextAreaField(
        "What needs to change",
        description="The partner reads this.",
        validators=[
            DataRequired("Say what needs to change"),
            Length(max=5000, message="Use 5,000 characters or fewer"),
        ],
    )


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        "Why you are declining",
        description="The partner reads this.",
        validators=[
            DataRequired("Give a reason, so the partner knows why"),
            Length(max=5000, message="Use 5,000 characters or fewer"),
        ],
    )


class ConfirmForm(FlaskForm):
    """A button-only form: CSRF and nothing else."""
