"""Form fields every area shares: WTForms' messages, in plain English."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, SelectMultipleField
from wtforms.fields import DateField, DateTimeLocalField
from wtforms.widgets import CheckboxInput, ListWidget

# Only a changed or out-of-date page can send a value the list did not offer.
CHOOSE_FROM_THE_LIST = "Choose one of the options in the list"


class ChoiceField(SelectField):
    """A drop-down list whose "not a valid choice" message says what to do."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        kwargs.setdefault("invalid_choice_message", CHOOSE_FROM_THE_LIST)
        super().__init__(label, validators, **kwargs)


class CheckboxesField(SelectMultipleField):
    """Several tick boxes for one question (drawn by the forms.checkboxes macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class UkDateTimeField(DateTimeLocalField):
    """A date and time in UK time, as a browser's date-and-time box sends it."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        kwargs.setdefault("format", "%Y-%m-%dT%H:%M")
        kwargs.setdefault("invalid_value_message", "Enter a date and time, like 28/10/2026 16:00")
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        # The box can only hold a real date and time: after "soon" it shows empty (the
        # error says what to type), rather than a value the page is not allowed to hold.
        return super()._value() if self.data else ""


class UkDateField(DateField):
    """A day, as a browser's date box sends it (2026-10-28) or as people type it (28/10/2026)."""

    def __init__(self, label=None, validators=None, **kwargs) -> None:
        # Where there is no date box, the box is plain text and people type a UK date.
        kwargs.setdefault("format", ["%Y-%m-%d", "%d/%m/%Y"])
        kwargs.setdefault("invalid_value_message", "Enter a real date, like 28/10/2026")
        super().__init__(label, validators, **kwargs)

    def _value(self) -> str:
        # As UkDateTimeField: a date box holds a real date or nothing, never what was typed.
        return super()._value() if self.data else ""


class ConfirmForm(FlaskForm):
    """A button with nothing to fill in, protected against cross-site requests."""


# Said instead of Flask-WTF's "The CSRF token has expired", which means nothing to people.
TIMED_OUT = "Your page timed out. Please check your answers and try again."
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
        if message.startswith(opening) and name in form:
            return form[name]
    return None
