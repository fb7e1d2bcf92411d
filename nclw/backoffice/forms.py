"""Back-office forms: shape only; the rules are in the domains' services."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NoneOf,
    Optional,
    ValidationError,
)

from nclw.backoffice.exports import COLUMNS, DEFAULT_COLUMNS
from nclw.backoffice.wording import organisation_kinds
from nclw.events import forms as details
from nclw.events.details import age_rule_key, parse_age_rule, store_access
from nclw.events.models import Audience, EventFormat
from nclw.forms import CheckboxesField, ChoiceField, DateInputField, DateTimeInputField
from nclw.timezones import UK, to_uk

_WHEN_EXAMPLE = "28 10 2027, 16:00"


def _uk_to_utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UK).astimezone(UTC) if value else None


def _utc_to_uk_naive(value: datetime | None) -> datetime | None:
    return to_uk(value).replace(tzinfo=None) if value else None


# WTForms' own words for an empty field, in our catalogue so they are shown translated.
REQUIRED = _l("This field is required.")
CHOOSE_HOST = _l("Choose the host organisation")
CHOOSE_WEEK = _l("Choose the week")


class EventForm(FlaskForm):
    form_error_fields = details.SERVICE_ERROR_FIELDS
    title = details.title(_l("Title"))
    summary = details.summary(_l("One or two sentences for the week page."))
    description = details.description(_l("About this event (optional)"))
    title_cy, summary_cy, description_cy = details.welsh_fields()
    highlights = details.highlights()
    # 0 is the list's "Choose ..." line: nothing is chosen for the organiser.
    host_id = ChoiceField(
        _l("Host organisation"),
        coerce=int,
        validators=[NoneOf([0], message=CHOOSE_HOST)],
        invalid_choice_message=CHOOSE_HOST,
    )
    edition_id = ChoiceField(
        _l("Week"),
        coerce=int,
        validators=[NoneOf([0], message=CHOOSE_WEEK)],
        invalid_choice_message=CHOOSE_WEEK,
    )
    starts_at = DateTimeInputField(
        _l("Starts (UK time)"),
        subject=_l("The start"),
        example=_WHEN_EXAMPLE,
        validators=[InputRequired(_l("Enter when the event starts"))],
    )
    ends_at = DateTimeInputField(
        _l("Ends (UK time)"),
        subject=_l("The end"),
        example=_WHEN_EXAMPLE,
        validators=[InputRequired(_l("Enter when the event ends"))],
    )
    format = details.event_format(_l("Format"))
    venue_name = details.venue(_l("Venue (optional for online events)"))
    address = details.address()
    online_url = details.joining_link(_l("Joining link (optional for in-person events)"))
    capacity = details.places(
        _l("Capacity (optional)"),
        description=_l("Leave empty for no limit. Raising it gives places to the waiting list."),
    )
    audience = details.audience(default=Audience.EVERYONE.value)
    age_rule = details.age_rule()
    access_features = details.access_features()
    registration_opens_at = DateTimeInputField(
        _l("Sign-up opens (UK time, optional)"),
        subject=_l("The time sign-up opens"),
        description=_l(
            "Leave empty to open sign-up as soon as the event is published. "
            "For example, %(example)s.",
            example=_WHEN_EXAMPLE,
        ),
        validators=[Optional()],
    )
    registration_closes_at = DateTimeInputField(
        _l("Sign-up closes (UK time, optional)"),
        subject=_l("The time sign-up closes"),
        description=_l(
            "Leave empty to keep sign-up open until the event starts. For example, %(example)s.",
            example=_WHEN_EXAMPLE,
        ),
        validators=[Optional()],
    )
    qa_enabled = BooleanField(_l("Take questions for a live Q&A"))
    offers_expire = BooleanField(
        _l("Offer freed places to the waiting list with a deadline to claim them"),
        description=_l(
            "The next person has up to 24 hours to claim a place, less as the event "
            "nears, or it goes to the person after them. Off: they get the place straight away."
        ),
    )
    supporters_allowed = BooleanField(
        _l("Let young people bring a supporter"),
        description=_l(
            "One personal adviser, carer, interpreter or friend each. A supporter "
            "takes a place of their own. Age and audience rules apply to the young person only."
        ),
    )
    # Set by the "this will notify N attendees" step.
    confirmed = HiddenField()

    def changes(self, current=None) -> dict:
        """The form's values as event fields (UK times turned into UTC).

        The form works to the minute: a time left as it was keeps the event's exact value, so
        saving without moving the event never looks like a move.
        """
        values = self._values()
        if current is not None:
            for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
                before = getattr(current, name)
                if before and values[name] == before.replace(second=0, microsecond=0):
                    values[name] = before
        return values

    def _values(self) -> dict:
        return details.welsh_values(self) | {
            "title": self.title.data.strip(),
            "summary": self.summary.data.strip(),
            "description": (self.description.data or "").strip(),
            "highlights": (self.highlights.data or "").strip(),
            "host_id": self.host_id.data,
            "edition_id": self.edition_id.data,
            "starts_at": _uk_to_utc(self.starts_at.data),
            "ends_at": _uk_to_utc(self.ends_at.data),
            "format": EventFormat(self.format.data),
            "venue_name": (self.venue_name.data or "").strip() or None,
            "address": (self.address.data or "").strip() or None,
            "online_url": (self.online_url.data or "").strip() or None,
            "capacity": self.capacity.data,
            "audience": Audience(self.audience.data),
            **dict(zip(("min_age", "max_age"), parse_age_rule(self.age_rule.data), strict=True)),
            "access_features": store_access(self.access_features.data or []),
            "registration_opens_at": _uk_to_utc(self.registration_opens_at.data),
            "registration_closes_at": _uk_to_utc(self.registration_closes_at.data),
            "qa_enabled": bool(self.qa_enabled.data),
            "offers_expire": bool(self.offers_expire.data),
            "supporters_allowed": bool(self.supporters_allowed.data),
        }

    @staticmethod
    def data_for(event) -> dict:
        """An event's fields as the form shows them."""
        return details.welsh_data(event) | {
            "title": event.title,
            "summary": event.summary,
            "description": event.description,
            "highlights": event.highlights,
            "host_id": event.host_id,
            "edition_id": event.edition_id,
            "starts_at": _utc_to_uk_naive(event.starts_at),
            "ends_at": _utc_to_uk_naive(event.ends_at),
            "format": event.format.value,
            "venue_name": event.venue_name,
            "address": event.address,
            "online_url": event.online_url,
            "capacity": event.capacity,
            "audience": event.audience.value,
            "age_rule": age_rule_key(event.min_age, event.max_age),
            "access_features": [feature.value for feature in event.access_list],
            "registration_opens_at": _utc_to_uk_naive(event.registration_opens_at),
            "registration_closes_at": _utc_to_uk_naive(event.registration_closes_at),
            "qa_enabled": event.qa_enabled,
            "offers_expire": event.offers_expire,
            "supporters_allowed": event.supporters_allowed,
        }


class CancelEventForm(FlaskForm):
    reason = TextAreaField(
        _l("Why is it cancelled?"),
        description=_l("Everyone signed up gets this in their email. Keep it short and kind."),
        validators=[DataRequired(_l("Say why the event is cancelled")), Length(max=500)],
    )


class CancelTicketForm(FlaskForm):
    """An organiser cancels someone's ticket; the reason rule is the registrations service's."""

    reason = TextAreaField(
        _l("Why are you cancelling it?"),
        description=_l(
            "They will read this in their email and on their ticket. Keep it short "
            "and kind, and say what they can do next if anything."
        ),
        validators=[DataRequired(_l("Say why you are cancelling it. They will read this."))],
    )


class CheckInForm(FlaskForm):
    reference = StringField(
        _l("Ticket reference"),
        description=_l(
            "Like NCLW-7K3Q9P. A phone camera pointed at the QR code on a ticket opens this page "
            "with it filled in."
        ),
        validators=[DataRequired(_l("Enter a ticket reference")), Length(max=500)],
    )


_CheckboxesField = CheckboxesField


class ExportForm(FlaskForm):
    scope = ChoiceField(_l("What to export"), validators=[DataRequired(REQUIRED)])
    file_format = ChoiceField(
        _l("File type"),
        choices=[
            SelectChoice("csv", _l("CSV (opens in Excel, Numbers and LibreOffice)")),
            SelectChoice("xlsx", _l("Excel (.xlsx)")),
        ],
        validators=[DataRequired(REQUIRED)],
    )
    columns = _CheckboxesField(
        _l("Columns"),
        choices=[SelectChoice(c.key, c.heading) for c in COLUMNS.values() if not c.sensitive],
        default=list(DEFAULT_COLUMNS),
        validators=[DataRequired(_l("Choose at least one column"))],
    )
    include_access_needs = BooleanField(
        _l("Include access needs"),
        description=_l("Only when you need them to make the event work for people."),
    )
    include_answers = BooleanField(
        _l("Include answers to the event's own sign-up questions"),
        description=_l("One column for each question. Only when you export one event."),
    )
    access_needs_reason = StringField(
        _l("Why do you need access needs? (required if you include them)"),
        description=_l("This is written to the audit log."),
        validators=[Length(max=200)],
    )

    def chosen_columns(self) -> list[str]:
        """The ticked columns, then access needs if asked for (it has its own box)."""
        columns = list(self.columns.data)
        if self.include_access_needs.data:
            columns.append("access_needs")
        return columns

    def validate_access_needs_reason(self, field) -> None:

        if self.include_access_needs.data and not (field.data or "").strip():
            raise ValidationError(_l("Say why you need access needs, or untick the box"))


CHOOSE_DOOR_STAFF = _l("Choose who to give this event to")


class DoorStaffForm(FlaskForm):
    user_id = ChoiceField(
        _l("Give this event to"),
        description=_l("Door staff can open this event's check-in desk, and nothing else."),
        coerce=int,
        validators=[NoneOf([0], message=CHOOSE_DOOR_STAFF)],
        invalid_choice_message=CHOOSE_DOOR_STAFF,
    )


class OrganisationForm(FlaskForm):
    name = StringField(
        _l("Organisation name"), validators=[DataRequired(_l("Enter a name")), Length(max=160)]
    )
    kind = ChoiceField(
        _l("Kind"),
        choices=[SelectChoice("", _l("Choose one"))]
        + [SelectChoice(value, label) for value, label in organisation_kinds()],
        validators=[DataRequired(_l("Choose the kind of organisation"))],
    )


class WeekForm(FlaskForm):
    """A year's week: the rules are the weeks service's; this only reads the boxes."""

    year = IntegerField(_l("Year"), validators=[InputRequired(_l("Enter the year, like 2027"))])
    theme = StringField(
        _l("Theme"),
        description=_l("For example: Care leavers with careers."),
        validators=[DataRequired(_l("Enter the week's theme")), Length(max=120)],
    )
    starts_on = DateInputField(
        _l("First day"),
        subject=_l("The first day"),
        example="25 10 2027",
        validators=[InputRequired(_l("Enter the first day"))],
    )
    ends_on = DateInputField(
        _l("Last day"),
        subject=_l("The last day"),
        example="31 10 2027",
        validators=[InputRequired(_l("Enter the last day"))],
    )
    summary = TextAreaField(
        _l("Introduction (optional)"),
        description=_l("A few sentences at the top of the week's page."),
        validators=[Length(max=2000)],
    )


class RenameOrganisationForm(FlaskForm):
    name = StringField(
        _l("Name"), validators=[DataRequired(_l("Enter the organisation's name")), Length(max=160)]
    )


class MergeOrganisationForm(FlaskForm):
    into_id = ChoiceField(
        _l("Merge into"),
        coerce=int,
        validators=[NoneOf([0], message=_l("Choose the organisation to keep"))],
        invalid_choice_message=_l("Choose the organisation to keep"),
    )
    # Empty until the organiser has seen what moves and said yes.
    confirmed = HiddenField()
