"""Back-office forms: shape only; the rules are in the domains' services."""

from __future__ import annotations

from datetime import UTC, datetime

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

from nclw.accounts.models import User
from nclw.audit.wording import kind_choices
from nclw.backoffice.exports import COLUMNS, DEFAULT_COLUMNS
from nclw.backoffice.queries import AuditFilters
from nclw.events import forms as details
from nclw.events.details import age_rule_key, parse_age_rule, store_access
from nclw.events.models import Audience, Event, EventFormat, OrganisationKind
from nclw.forms import CheckboxesField, ChoiceField, DateInputField, DateTimeInputField
from nclw.timezones import UK, to_uk

_WHEN_EXAMPLE = "28 10 2027, 16:00"


def _uk_to_utc(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UK).astimezone(UTC) if value else None


def _utc_to_uk_naive(value: datetime | None) -> datetime | None:
    return to_uk(value).replace(tzinfo=None) if value else None


CHOOSE_HOST = "Choose the host organisation"
CHOOSE_WEEK = "Choose the week"


class EventForm(FlaskForm):
    form_error_fields = details.SERVICE_ERROR_FIELDS
    title = details.title("Title")
    summary = details.summary("One or two sentences for the week page.")
    description = details.description("About this event (optional)")
    title_cy, summary_cy, description_cy = details.welsh_fields()
    highlights = details.highlights()
    # 0 is the list's "Choose ..." line: nothing is chosen for the organiser.
    host_id = ChoiceField(
        "Host organisation",
        coerce=int,
        validators=[NoneOf([0], message=CHOOSE_HOST)],
        invalid_choice_message=CHOOSE_HOST,
    )
    edition_id = ChoiceField(
        "Week",
        coerce=int,
        validators=[NoneOf([0], message=CHOOSE_WEEK)],
        invalid_choice_message=CHOOSE_WEEK,
    )
    starts_at = DateTimeInputField(
        "Starts (UK time)",
        subject="The start",
        example=_WHEN_EXAMPLE,
        validators=[InputRequired("Enter when the event starts")],
    )
    ends_at = DateTimeInputField(
        "Ends (UK time)",
        subject="The end",
        example=_WHEN_EXAMPLE,
        validators=[InputRequired("Enter when the event ends")],
    )
    format = details.event_format("Format")
    venue_name = details.venue("Venue (optional for online events)")
    address = details.address()
    online_url = details.joining_link("Joining link (optional for in-person events)")
    capacity = details.places(
        "Capacity (optional)",
        description="Leave empty for no limit. Raising it gives places to the waiting list.",
    )
    audience = details.audience(default=Audience.EVERYONE.value)
    age_rule = details.age_rule()
    access_features = details.access_features()
    registration_opens_at = DateTimeInputField(
        "Sign-up opens (UK time, optional)",
        subject="The time sign-up opens",
        description="Leave empty to open sign-up as soon as the event is published. "
        f"For example, {_WHEN_EXAMPLE}.",
        validators=[Optional()],
    )
    registration_closes_at = DateTimeInputField(
        "Sign-up closes (UK time, optional)",
        subject="The time sign-up closes",
        description="Leave empty to keep sign-up open until the event starts. "
        f"For example, {_WHEN_EXAMPLE}.",
        validators=[Optional()],
    )
    qa_enabled = BooleanField("Take questions for a live Q&A")
    offers_expire = BooleanField(
        "Offer freed places to the waiting list with a deadline to claim them",
        description="The next person has up to 24 hours to claim a place, less as the event "
        "nears, or it goes to the person after them. Off: they get the place straight away.",
    )
    supporters_allowed = BooleanField(
        "Let young people bring a supporter",
        description="One personal adviser, carer, interpreter or friend each. A supporter "
        "takes a place of their own. Age and audience rules apply to the young person only.",
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
        "Why is it cancelled?",
        description="Everyone signed up gets this in their email. Keep it short and kind.",
        validators=[DataRequired("Say why the event is cancelled"), Length(max=500)],
    )


class CancelTicketForm(FlaskForm):
    """An organiser cancels someone's ticket; the reason rule is the registrations service's."""

    reason = TextAreaField(
        "Why are you cancelling it?",
        description="They will read this in their email and on their ticket. Keep it short "
        "and kind, and say what they can do next if anything.",
        validators=[DataRequired("Say why you are cancelling it. They will read this.")],
    )


class CheckInForm(FlaskForm):
    reference = StringField(
        "Ticket reference",
        description=(
            "Like NCLW-7K3Q9P. A phone camera pointed at the QR code on a ticket opens this page "
            "with it filled in."
        ),
        validators=[DataRequired("Enter a ticket reference"), Length(max=500)],
    )


_CheckboxesField = CheckboxesField


class ExportForm(FlaskForm):
    scope = ChoiceField("What to export", validators=[DataRequired()])
    file_format = ChoiceField(
        "File type",
        choices=[
            SelectChoice("csv", "CSV (opens in Excel, Numbers and LibreOffice)"),
            SelectChoice("xlsx", "Excel (.xlsx)"),
        ],
        validators=[DataRequired()],
    )
    columns = _CheckboxesField(
        "Columns",
        choices=[SelectChoice(c.key, c.heading) for c in COLUMNS.values() if not c.sensitive],
        default=list(DEFAULT_COLUMNS),
        validators=[DataRequired("Choose at least one column")],
    )
    include_access_needs = BooleanField(
        "Include access needs",
        description="Only when you need them to make the event work for people.",
    )
    include_answers = BooleanField(
        "Include answers to the event's own sign-up questions",
        description="One column for each question. Only when you export one event.",
    )
    access_needs_reason = StringField(
        "Why do you need access needs? (required if you include them)",
        description="This is written to the audit log.",
        validators=[Length(max=200)],
    )

    def chosen_columns(self) -> list[str]:
        """The ticked columns, then access needs if asked for (it has its own box)."""
        columns = list(self.columns.data)
        if self.include_access_needs.data:
            columns.append("access_needs")
        return columns

    def validate_access_needs_reason(self, field) -> None:
        from wtforms.validators import ValidationError

        if self.include_access_needs.data and not (field.data or "").strip():
            raise ValidationError("Say why you need access needs, or untick the box")


CHOOSE_DOOR_STAFF = "Choose who to give this event to"


class DoorStaffForm(FlaskForm):
    user_id = ChoiceField(
        "Give this event to",
        description="Door staff can open this event's check-in desk, and nothing else.",
        coerce=int,
        validators=[NoneOf([0], message=CHOOSE_DOOR_STAFF)],
        invalid_choice_message=CHOOSE_DOOR_STAFF,
    )


class OrganisationForm(FlaskForm):
    name = StringField(
        "Organisation name", validators=[DataRequired("Enter a name"), Length(max=160)]
    )
    kind = ChoiceField(
        "Kind",
        choices=[SelectChoice("", "Choose one")]
        + [SelectChoice(k.value, k.value.replace("_", " ").capitalize()) for k in OrganisationKind],
        validators=[DataRequired("Choose the kind of organisation")],
    )


class WeekForm(FlaskForm):
    """A year's week: the rules are the weeks service's; this only reads the boxes."""

    year = IntegerField("Year", validators=[InputRequired("Enter the year, like 2027")])
    theme = StringField(
        "Theme",
        description="For example: Care leavers with careers.",
        validators=[DataRequired("Enter the week's theme"), Length(max=120)],
    )
    starts_on = DateInputField(
        "First day",
        subject="The first day",
        example="25 10 2027",
        validators=[InputRequired("Enter the first day")],
    )
    ends_on = DateInputField(
        "Last day",
        subject="The last day",
        example="31 10 2027",
        validators=[InputRequired("Enter the last day")],
    )
    summary = TextAreaField(
        "Introduction (optional)",
        description="A few sentences at the top of the week's page.",
        validators=[Length(max=2000)],
    )


class RenameOrganisationForm(FlaskForm):
    name = StringField(
        "Name", validators=[DataRequired("Enter the organisation's name"), Length(max=160)]
    )


class MergeOrganisationForm(FlaskForm):
    into_id = ChoiceField(
        "Merge into",
        coerce=int,
        validators=[NoneOf([0], message="Choose the organisation to keep")],
        invalid_choice_message="Choose the organisation to keep",
    )
    # Empty until the organiser has seen what moves and said yes.
    confirmed = HiddenField()


# The audit filter's "who did it" for entries no signed-in person made.
SYSTEM_CHOICE = "system"


def _day_field(label: str, which: str) -> DateInputField:
    return DateInputField(
        label, subject=f"The {which} date", example="28 10 2026", validators=[Optional()]
    )


class AuditFilterForm(FlaskForm):
    """The audit log's filters, sent in the address so a filtered page can be shared."""

    class Meta:
        # Reading only: there is nothing to forge, and a token would sit in every link.
        csrf = False

    from_day = _day_field("From (optional)", "from")
    to_day = _day_field("To (optional)", "to")
    person = ChoiceField("Who did it", default="")
    event = ChoiceField("Event", default="")
    kind = ChoiceField("Kind of action", default="")

    def offer(self, *, people: list[User], events: list[Event]) -> None:
        """The choices: the people and events the log has entries for, and every kind."""
        self.person.choices = [
            SelectChoice("", "Anyone"),
            SelectChoice(SYSTEM_CHOICE, "The system"),
        ]
        self.person.choices += [
            SelectChoice(str(user.id), f"{user.name} ({user.email})" if user.name else user.email)
            for user in people
        ]
        self.event.choices = [SelectChoice("", "Any event")] + [
            SelectChoice(str(event.id), f"{event.title} ({to_uk(event.starts_at):%d %b %Y})")
            for event in events
        ]
        self.kind.choices = [SelectChoice("", "Any kind of action")] + [
            SelectChoice(value, label, optgroup=kind.label)
            for kind, actions in kind_choices()
            for value, label in actions
        ]

    def validate_to_day(self, field: DateInputField) -> None:
        if field.data and self.from_day.data and field.data < self.from_day.data:
            raise ValidationError("The to date must be the same as the from date or after it")

    def filters(self) -> AuditFilters:
        """The choices made, as the audit log query takes them (call after validate)."""
        person, event = self.person.data, self.event.data
        return AuditFilters(
            from_day=self.from_day.data,
            to_day=self.to_day.data,
            # Each is one of the choices offered: "", SYSTEM_CHOICE or an id.
            actor_id=int(person) if person not in ("", SYSTEM_CHOICE) else None,
            by_system=person == SYSTEM_CHOICE,
            event_id=int(event) if event else None,
            kind=self.kind.data,
        )

    def chosen(self) -> dict[str, str]:
        """The filters as they were sent, to carry to the next and previous pages."""
        return {
            field.name: field.raw_data[0] for field in self if field.raw_data and field.raw_data[0]
        }
