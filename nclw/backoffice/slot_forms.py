"""Forms for an event's time slots: make a run of them, or change one."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, NumberRange

from nclw.forms import DateTimeInputField
from nclw.registrations.slot_waits import CHOICES
from nclw.timezones import UK


def uk_to_utc(value: datetime) -> datetime:
    """A time typed on a UK clock, as the services take it."""
    return value.replace(tzinfo=UK).astimezone(UTC)


def _minutes():
    return IntegerField(
        _l("Minutes each"),
        validators=[
            InputRequired(_l("Enter how many minutes each slot lasts, like 20")),
            NumberRange(min=5, max=1440, message=_l("A slot lasts between 5 and 1440 minutes")),
        ],
    )


def _places():
    return IntegerField(
        _l("Places in each slot"),
        default=1,
        validators=[
            InputRequired(_l("Enter how many people each slot takes, like 1")),
            NumberRange(min=1, max=1000, message=_l("Each slot takes between 1 and 1000 people")),
        ],
    )


class MakeSlotsForm(FlaskForm):
    """N slots of M minutes, one after another from a start time."""

    first_starts_at = DateTimeInputField(
        _l("First slot starts (UK time)"),
        subject=_l("The first slot's start"),
        example="28 10 2027, 10:00",
        validators=[InputRequired(_l("Enter when the first slot starts"))],
    )
    count = IntegerField(
        _l("How many slots"),
        validators=[
            InputRequired(_l("Enter how many slots to make, like 12")),
            NumberRange(min=1, max=100, message=_l("Make between 1 and 100 slots")),
        ],
    )
    minutes = _minutes()
    capacity = _places()


class EditSlotForm(FlaskForm):
    """One slot's start, length and places."""

    starts_at = DateTimeInputField(
        _l("Starts (UK time)"),
        subject=_l("The slot's start"),
        example="28 10 2027, 10:00",
        validators=[InputRequired(_l("Enter when the slot starts"))],
    )
    minutes = _minutes()
    capacity = _places()


class WaitingListsForm(FlaskForm):
    """How people wait when times are full: one list for the event, or one for each time."""

    waiting_lists = RadioField(
        _l("When times are full"),
        choices=[SelectChoice(value, label) for value, label in CHOICES],
        validators=[InputRequired(_l("Choose how people wait when times are full"))],
    )
