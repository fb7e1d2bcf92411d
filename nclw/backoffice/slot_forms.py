"""Forms for an event's time slots: make a run of them, or change one."""

from __future__ import annotations

from datetime import UTC, datetime

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
        "Minutes each",
        validators=[
            InputRequired("Enter how many minutes each slot lasts, like 20"),
            NumberRange(min=5, max=1440, message="A slot lasts between 5 and 1440 minutes"),
        ],
    )


def _places():
    return IntegerField(
        "Places in each slot",
        default=1,
        validators=[
            InputRequired("Enter how many people each slot takes, like 1"),
            NumberRange(min=1, max=1000, message="Each slot takes between 1 and 1000 people"),
        ],
    )


class MakeSlotsForm(FlaskForm):
    """N slots of M minutes, one after another from a start time."""

    first_starts_at = DateTimeInputField(
        "First slot starts (UK time)",
        subject="The first slot's start",
        example="28 10 2027, 10:00",
        validators=[InputRequired("Enter when the first slot starts")],
    )
    count = IntegerField(
        "How many slots",
        validators=[
            InputRequired("Enter how many slots to make, like 12"),
            NumberRange(min=1, max=100, message="Make between 1 and 100 slots"),
        ],
    )
    minutes = _minutes()
    capacity = _places()


class EditSlotForm(FlaskForm):
    """One slot's start, length and places."""

    starts_at = DateTimeInputField(
        "Starts (UK time)",
        subject="The slot's start",
        example="28 10 2027, 10:00",
        validators=[InputRequired("Enter when the slot starts")],
    )
    minutes = _minutes()
    capacity = _places()


class WaitingListsForm(FlaskForm):
    """How people wait when times are full: one list for the event, or one for each time."""

    waiting_lists = RadioField(
        "When times are full",
        choices=[SelectChoice(value, label) for value, label in CHOICES],
        validators=[InputRequired("Choose how people wait when times are full")],
    )
