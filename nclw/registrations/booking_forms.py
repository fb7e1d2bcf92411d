"""The form a professional books with: who they are, then a row for each young person.

It works without JavaScript: it shows a fixed number of rows, and "Add more rows" is a plain
button that sends the form back and shows it again with more.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, FieldList, Form, FormField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from nclw.events.models import Event
from nclw.forms import EMAIL_SHAPE, error_summary_items, strip_spaces
from nclw.registrations.bookings import (
    MOST_YOUNG_PEOPLE,
    Professional,
    YoungPerson,
    declaration,
)
from nclw.registrations.forms import email_field, job_role_field, organisation_field

ROWS_AT_FIRST = 5
ROWS_ADDED = 5


class YoungPersonRow(Form):
    """One young person: a first name, and their own email if they have one (both optional
    until one is given)."""

    first_name = StringField(
        _l("First name"),
        filters=[strip_spaces],
        # Not Optional(): that would stop the check that a row with an email has a name.
        validators=[Length(max=80, message=_l("First name must be 80 characters or fewer"))],
    )
    email = EmailField(
        _l("Their email (optional)"),
        filters=[strip_spaces],
        validators=[Optional(), *EMAIL_SHAPE],
    )

    def validate_first_name(self, field) -> None:
        if self.email.data and not field.data:
            raise ValidationError(_("Enter the first name of the young person with this email"))


class BookingForm(FlaskForm):
    name = StringField(
        _l("Your full name"),
        filters=[strip_spaces],
        validators=[
            DataRequired(_l("Enter your full name")),
            Length(max=120, message=_l("Your name must be 120 characters or fewer")),
        ],
    )
    email = email_field(_l("We send you a summary, and the tickets of anyone without an email."))
    organisation = organisation_field(filters=[strip_spaces])
    role = job_role_field(
        description=_l("For example, personal adviser or youth worker."), filters=[strip_spaces]
    )
    young_people = FieldList(
        FormField(YoungPersonRow), min_entries=ROWS_AT_FIRST, max_entries=MOST_YOUNG_PEOPLE
    )
    declared = BooleanField(validators=[DataRequired(_l("Confirm that everyone meets the rules"))])
    add_rows = SubmitField(_l("Add more rows"))
    book = SubmitField(_l("Book places"))

    def problems(self) -> list[tuple[str | None, str]]:
        """Every error as (field id, message), the rows' own included, for the summary."""
        return error_summary_items(self)

    @property
    def can_add_rows(self) -> bool:
        return len(self.young_people) < MOST_YOUNG_PEOPLE

    def add_more_rows(self) -> None:
        """Show more empty rows (up to the most a booking takes); nothing is checked yet."""
        for _row in range(ROWS_ADDED):
            if self.can_add_rows:
                self.young_people.append_entry()


def booking_form_for(event: Event, **kwargs) -> BookingForm:
    """A booking form whose tick says the event's own rules."""
    form = BookingForm(**kwargs)
    form.declared.label.text = declaration(event)
    form.declared.description = _("Tick to confirm. We do not ask for dates of birth.")
    return form


def professional(form: BookingForm) -> Professional:
    """Who is booking, as the booking service takes it."""
    return Professional(
        name=form.name.data,
        email=form.email.data,
        organisation=form.organisation.data,
        role=form.role.data,
    )


def young_people(form: BookingForm) -> list[YoungPerson]:
    """The rows filled in, in the order given (empty rows are left out)."""
    return [
        YoungPerson(first_name=row.first_name.data, email=row.email.data or "")
        for row in form.young_people
        if row.first_name.data
    ]
