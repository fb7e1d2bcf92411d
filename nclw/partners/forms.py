"""Forms for proposing a session, editing a running one and reviewing proposals."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)

from nclw.events import forms as details
from nclw.events.details import age_rule_key, parse_age_rule, store_access
from nclw.events.models import Audience, EventFormat
from nclw.forms import ChoiceField, DateInputField
from nclw.timezones import UK, to_uk


class _Friendly:
    """Replace WTForms' "Not a valid ... value" with a message in plain English."""

    message = ""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)  # type: ignore[misc]
        except ValueError as error:
            raise ValueError(self.message) from error


class ClockField(_Friendly, TimeField):
    message = _l("Enter a time on a 24-hour clock, like 16:00")


YES_NO_NOT_SURE = [
    SelectChoice("", _l("Choose one")),
    SelectChoice("yes", _l("Yes")),
    SelectChoice("no", _l("No")),
    SelectChoice("not_sure", _l("Not sure yet")),
]
_ANSWERS = {"yes": True, "no": False, "not_sure": None}


def _answer_key(answer: bool | None) -> str:
    return {True: "yes", False: "no", None: "not_sure"}[answer]


def _uk(day, clock: time) -> datetime:
    return datetime.combine(day, clock, tzinfo=UK).astimezone(UTC)


class SessionDetailsForm(FlaskForm):
    """What people see on the site: shared by proposals and running sessions."""

    title = details.title(_l("Session name"))
    summary = details.summary(_l("One sentence for the week's page."))
    description = details.description(_l("About the session (optional)"))
    title_cy, summary_cy, description_cy = details.welsh_fields(details.WELSH_SESSION_NAME_LABEL)
    highlights = details.highlights()
    day = DateInputField(
        _l("Date"),
        subject=_l("The date"),
        example="27 10 2027",
        validators=[InputRequired(_l("Enter the date of the session"))],
    )
    start_time = ClockField(
        _l("Start time (UK time)"),
        validators=[InputRequired(_l("Enter the start time, like 16:00"))],
    )
    end_time = ClockField(
        _l("End time (UK time)"),
        validators=[InputRequired(_l("Enter the end time, like 17:30"))],
    )
    venue_name = details.venue(_l("Venue (optional for online sessions)"))
    address = details.address()
    online_url = details.joining_link(_l("Joining link (optional)"))

    def validate_end_time(self, field) -> None:
        if self.start_time.data and field.data and field.data <= self.start_time.data:
            raise ValidationError(_("The end time must be after the start time"))

    def session_values(self) -> dict[str, Any]:
        """The answers as model values (times as aware UTC)."""
        return {
            "title": self.title.data.strip(),
            "summary": self.summary.data.strip(),
            "description": (self.description.data or "").strip(),
            **details.welsh_values(self),
            "highlights": (self.highlights.data or "").strip(),
            "starts_at": _uk(self.day.data, self.start_time.data),
            "ends_at": _uk(self.day.data, self.end_time.data),
            "venue_name": (self.venue_name.data or "").strip() or None,
            "address": (self.address.data or "").strip() or None,
            "online_url": (self.online_url.data or "").strip() or None,
        }


class ProposalForm(SessionDetailsForm):
    """A session proposal: the event's details plus what reviewers need for safeguarding."""

    format = details.event_format(_l("How people take part"))
    audience = details.audience()
    age_rule = details.age_rule(_l("Ages"))
    access_features = details.access_features()
    capacity = details.places(
        _l("Number of places (optional)"), description=_l("Leave empty for no limit.")
    )
    # A draft may leave these for later; sending it for review needs them (the service says).
    safeguarding_lead = StringField(
        _l("Safeguarding lead"),
        description=_l("The named person responsible for safeguarding at this session."),
        validators=[
            Optional(),
            Length(max=120, message=_l("Name must be 120 characters or fewer")),
        ],
    )
    safeguarding_contact = StringField(
        _l("How to reach the safeguarding lead"),
        description=_l("A phone number or email address reviewers can use."),
        validators=[Optional(), Length(max=254, message=_l("Use 254 characters or fewer"))],
    )
    staff_dbs_checked = ChoiceField(
        _l("Are all staff at the session DBS-checked?"),
        description=_l("A session open to under-18s can only go ahead if they are."),
        choices=YES_NO_NOT_SURE,
        validators=[
            DataRequired(_l("Say whether staff are DBS-checked, or that you are not sure yet"))
        ],
    )
    note_to_reviewers = TextAreaField(
        _l("Note to reviewers (optional)"),
        description=_l("Anything else the organisers should know. Only organisers see this."),
        validators=[Optional(), Length(max=2000, message=_l("Use 2,000 characters or fewer"))],
    )

    def validate_venue_name(self, field) -> None:
        if self.format.data in ("in_person", "hybrid") and not (field.data or "").strip():
            raise ValidationError(_("Enter the venue for an in-person session"))

    def proposal_values(self) -> dict[str, Any]:
        """Every answer as model values."""
        return self.session_values() | {
            "format": EventFormat(self.format.data),
            "audience": Audience(self.audience.data),
            **dict(zip(("min_age", "max_age"), parse_age_rule(self.age_rule.data), strict=True)),
            "access_features": store_access(self.access_features.data or []),
            "capacity": self.capacity.data,
            "safeguarding_lead": (self.safeguarding_lead.data or "").strip(),
            "safeguarding_contact": (self.safeguarding_contact.data or "").strip(),
            "staff_dbs_checked": _ANSWERS[self.staff_dbs_checked.data],
            "note_to_reviewers": (self.note_to_reviewers.data or "").strip(),
        }

    @classmethod
    def for_proposal(cls, proposal, **kwargs) -> ProposalForm:
        """A form filled in from a saved proposal (on GET)."""
        start, end = to_uk(proposal.starts_at), to_uk(proposal.ends_at)
        plain = {
            name: getattr(proposal, name)
            for name in ("title", "summary", "description", "highlights", "venue_name")
            + ("address", "online_url", "capacity", "safeguarding_lead", "safeguarding_contact")
            + ("note_to_reviewers",)
            + details.WELSH_FIELDS
        }
        return cls(
            data=plain,
            day=start.date(),
            start_time=start.time(),
            end_time=end.time(),
            format=proposal.format.value,
            audience=proposal.audience.value,
            age_rule=age_rule_key(proposal.min_age, proposal.max_age),
            access_features=[feature.value for feature in proposal.access_list],
            staff_dbs_checked=_answer_key(proposal.staff_dbs_checked),
            **kwargs,
        )


_TIMES = ("starts_at", "ends_at")
_SESSION_FIELDS = (
    "title",
    "summary",
    "description",
    "highlights",
    "venue_name",
    "address",
    "online_url",
) + _TIMES
_SESSION_FIELDS += details.WELSH_FIELDS


class SessionEditForm(SessionDetailsForm):
    """A partner changes a session that is already on the site."""

    @classmethod
    def for_event(cls, event, changes: dict[str, Any] | None = None) -> SessionEditForm:
        """A form filled in from the event (on GET), with any change still waiting on top."""
        values = {name: getattr(event, name) for name in _SESSION_FIELDS} | (changes or {})
        start, end = to_uk(values["starts_at"]), to_uk(values["ends_at"])
        plain = {name: values[name] for name in _SESSION_FIELDS if name not in _TIMES}
        return cls(data=plain, day=start.date(), start_time=start.time(), end_time=end.time())


def _to_the_partner(label, missing):
    """What a reviewer writes back to the partner about their proposal."""
    return TextAreaField(
        label,
        description=_l("The partner reads this."),
        validators=[
            DataRequired(missing),
            Length(max=5000, message=_l("Use 5,000 characters or fewer")),
        ],
    )


class ReviewCommentsForm(FlaskForm):
    comments = _to_the_partner(_l("What needs to change"), _l("Say what needs to change"))


class ApproveForm(FlaskForm):
    safeguarding_note = TextAreaField(
        _l("Why is this acceptable?"),
        description=_l("Needed when a safeguarding answer is No. It is kept in the audit log."),
        validators=[Optional(), Length(max=2000, message=_l("Use 2,000 characters or fewer"))],
    )


class DeclineForm(FlaskForm):
    reason = _to_the_partner(
        _l("Why you are declining"), _l("Give a reason, so the partner knows why")
    )
