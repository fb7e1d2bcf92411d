"""Form fields every area shares: WTForms' messages, in plain words in the page's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

# WTForms' Email validator imports this on its first use. Imported with the forms instead,
# it is loaded once in gunicorn's master before the workers are forked: otherwise each
# worker's first sign-up waited about 25 ms for it (its patterns are compiled on import).
import email_validator  # noqa: F401
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField
from wtforms.fields import Field
from wtforms.utils import unset_value
from wtforms.validators import Email, Length
from wtforms.widgets import CheckboxInput, ListWidget

# Only a changed or out-of-date page can send a value the list did not offer.
CHOOSE_FROM_THE_LIST = _l("Choose one of the options in the list")


class ChoiceField(SelectField):
    """A drop-down list whose "not a valid choice" message says what to do."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        kwargs.setdefault("invalid_choice_message", CHOOSE_FROM_THE_LIST)
        super().__init__(label, validators, **kwargs)


class CheckboxesField(SelectMultipleField):
    """Several tick boxes for one question (drawn by the forms.checkboxes macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ConfirmForm(FlaskForm):
    """A button with nothing to fill in, protected against cross-site requests."""


#: What a typed email address is checked for once it is given: its length (the columns'
#: 254), and its form. Whether it may be left empty is each field's own.
EMAIL_SHAPE = (
    Length(max=254, message=_l("Email address must be 254 characters or fewer")),
    Email(
        _l("Enter an email address in the correct format, like name@example.com"),
        check_deliverability=False,
    ),
)


def strip_spaces(value):
    """A filter for typed text: without the spaces at either end."""
    # Pasted text often carries spaces at either end; " sam@example.com" is still valid.
    return value.strip() if isinstance(value, str) else value


# Said instead of Flask-WTF's "The CSRF token has expired", which means nothing to people.
TIMED_OUT = _l("Your page timed out. Please check your answers and try again.")
# Fields a person never fills in: the error summary never links to them.
_NOT_FILLED_IN = frozenset({"CSRFTokenField", "HiddenField", "SubmitField"})


def _fields_to_fill(fields) -> list:
    """The form's fields in page order, with the rows of a FieldList and FormField opened up."""
    found = []
    for field in fields:
        if field.type in ("FieldList", "FormField"):
            found += _fields_to_fill(field)
        elif field.type not in _NOT_FILLED_IN:
            found.append(field)
    return found


def error_summary_items(form) -> list[tuple[str | None, str]]:
    """Every problem with a form as (id of the field to link to, message), for the summary.

    A message about the whole form (a service's refusal, a timed-out page) links to the field
    the form names for it in `form_error_fields` (a message's opening words to a field name),
    and that field shows the message inline too, as if it were its own. Any other such message
    links to the first field, so every item in the summary leads somewhere. Each field gives
    its first error only: the one its inline message shows.
    """
    fields = _fields_to_fill(form)
    first = fields[0].id if fields else None
    items = []
    for message in form.form_errors:
        field = _named_field(form, message)
        if field is None:
            items.append((first, message))
        elif not field.errors:
            field.errors = [message]
        elif message not in field.errors:
            items.append((field.id, message))
    if "csrf_token" in form and form.csrf_token.errors:
        items.append((first, TIMED_OUT))
    return items + [(field.id, field.errors[0]) for field in fields if field.errors]


def _named_field(form, message: str):
    for opening, name in getattr(form, "form_error_fields", {}).items():
        # Openings are lazy strings: compare them in the page's language.
        if str(message).startswith(str(opening)) and name in form:
            return form[name]
    return None


# --- dates: day, month and year boxes, as the GOV.UK date input asks them -----------------
# Browsers' own date boxes show their own order (mm/dd/yyyy on many phones), which no hint
# can match; three labelled boxes read the same everywhere, with a screen reader and without
# JavaScript. A single ISO date (2027-10-27) under the field's own name is still read, so
# links and clients that send one keep working.

PARTS = (("day", _l("Day")), ("month", _l("Month")), ("year", _l("Year")))
# How a message names a box that was left empty.
_PART_NAMES = {"day": _l("day"), "month": _l("month"), "year": _l("year"), "time": _l("time")}
# A whole date in one value: what browsers' date boxes, old links and API clients send.
WHOLE_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
WHOLE_DATETIME_FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")
# 16:00 or 16.00 on a 24-hour clock; 4pm, 4:30pm or 4.30 pm on a 12-hour one.
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap]\.?m\.?)?$", re.IGNORECASE)


@dataclass(frozen=True)
class DatePart:
    """One box of the three (or four, with a time), as the macro draws it."""

    part: str
    label: str
    id: str
    name: str
    value: str


def _must_include(subject, missing: list[str]) -> str:
    names = [str(_PART_NAMES[part]) for part in missing]
    words = names[0]
    for name in names[1:-1]:
        words = _("%(first)s, %(next)s", first=words, next=name)
    if len(names) > 1:
        words = _("%(first)s and %(last)s", first=words, last=names[-1])
    return _("%(subject)s must include a %(parts)s", subject=subject, parts=words)


def _real_date(subject) -> str:
    return _("%(subject)s must be a real date", subject=subject)


def date_from_parts(day: str, month: str, year: str, *, subject) -> date:
    """The date typed in three boxes, or ValueError with a message saying what to fix.

    `subject` names the date ("The first day"), in the page's language.
    """
    typed = {"day": day.strip(), "month": month.strip(), "year": year.strip()}
    missing = [part for part, _label in PARTS if not typed[part]]
    if len(missing) == len(PARTS):
        raise ValueError(_("Enter %(subject)s", subject=str(subject).lower()))
    if missing:
        raise ValueError(_must_include(subject, missing))
    if not all(value.isdigit() and value.isascii() for value in typed.values()):
        raise ValueError(_real_date(subject))
    if len(typed["year"]) != 4:
        raise ValueError(
            _(
                "The year of %(subject)s must include 4 numbers, like 2027",
                subject=str(subject).lower(),
            )
        )
    try:
        return date(int(typed["year"]), int(typed["month"]), int(typed["day"]))
    except ValueError:
        raise ValueError(_real_date(subject)) from None


def time_from_text(text: str, *, subject) -> time:
    """A time as people write it (16:00, 16.00, 4pm, 4:30pm), or ValueError."""
    match = _TIME.match(text.strip())
    problem = ValueError(_("%(subject)s must have a real time, like 16:00 or 4pm", subject=subject))
    if not match or not match.group(1).isascii():
        raise problem
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    if match.group(3):
        if not 1 <= hour <= 12:
            raise problem
        hour = hour % 12 + (12 if match.group(3).lower().startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise problem
    return time(hour, minute)


def date_from_text(text: str, *, subject) -> date:
    """A whole date in one value (2027-10-27, or 27/10/2027), or ValueError."""
    for pattern in WHOLE_DATE_FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(_real_date(subject))


class DateInputField(Field):
    """A date as day, month and year boxes (drawn by `_macros/dates.html`), or one ISO value.

    `subject` names the date in messages ("The first day must be a real date"); it defaults
    to the label. Empty boxes leave the field empty, for InputRequired or Optional to judge.
    """

    parts_asked = PARTS

    def __init__(self, label=None, validators=None, *, subject=None, example=None, **kwargs):
        if example:
            kwargs.setdefault("description", _("For example, %(example)s", example=example))
        super().__init__(label, validators, **kwargs)
        # Lazy strings stay lazy: the message is worded in the page's language.
        self.subject = subject or self.label.text
        self.typed: dict[str, str] = {}

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.typed = {}
        if formdata is not None:
            typed = {
                part: formdata.get(f"{self.name}-{part}", "") for part, _label in self.parts_asked
            }
            if any(value.strip() for value in typed.values()):
                self.typed = typed
        super().process(formdata, data, extra_filters)

    def process_formdata(self, valuelist):
        if self.typed:
            # Something is in the boxes: the field is not empty, even if it is not a date.
            self.raw_data = [" ".join(self.typed[part] for part, _label in self.parts_asked)]
            self.data = None
            self.data = self._from_parts(self.typed)
            self.raw_data = [self._value()]
        elif valuelist and valuelist[0].strip():
            self.data = None
            self.data = self._from_text(valuelist[0])

    def _from_parts(self, typed: dict[str, str]):
        return date_from_parts(typed["day"], typed["month"], typed["year"], subject=self.subject)

    def _from_text(self, text: str):
        return date_from_text(text, subject=self.subject)

    def _values_of(self, value) -> dict[str, str]:
        return {"day": str(value.day), "month": str(value.month), "year": str(value.year)}

    def _value(self) -> str:
        return self.data.isoformat() if isinstance(self.data, date) else ""

    def parts(self) -> list[DatePart]:
        """The boxes with what they hold: as typed, or the date's numbers."""
        if self.typed:
            values = self.typed
        elif isinstance(self.data, date):
            values = self._values_of(self.data)
        else:
            values = {}
        return [
            DatePart(
                part=part,
                label=label,
                # The day box carries the field's id, so "There is a problem" links to it.
                id=self.id if part == "day" else f"{self.id}-{part}",
                name=f"{self.name}-{part}",
                value=values.get(part, ""),
            )
            for part, label in self.parts_asked
        ]


class DateTimeInputField(DateInputField):
    """A date and a UK time: day, month and year boxes and a time box (16:00 or 4pm), or one
    ISO value (2027-10-27T16:00). The data is a naive datetime on a UK clock."""

    parts_asked = (*PARTS, ("time", _l("Time")))

    def _from_parts(self, typed: dict[str, str]) -> datetime:
        missing = [part for part, _label in self.parts_asked if not typed[part].strip()]
        if missing:
            raise ValueError(_must_include(self.subject, missing))
        day = super()._from_parts(typed)
        return datetime.combine(day, time_from_text(typed["time"], subject=self.subject))

    def _from_text(self, text: str) -> datetime:
        for pattern in WHOLE_DATETIME_FORMATS:
            try:
                return datetime.strptime(text.strip(), pattern)
            except ValueError:
                continue
        raise ValueError(_("%(subject)s must be a real date and time", subject=self.subject))

    def _values_of(self, value) -> dict[str, str]:
        return {**super()._values_of(value), "time": f"{value:%H:%M}"}

    def _value(self) -> str:
        return self.data.strftime("%Y-%m-%dT%H:%M") if isinstance(self.data, datetime) else ""
