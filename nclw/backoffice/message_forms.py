"""Forms for organisers' messages and saved templates: shape only (the rules are in
registrations.scheduled_messages and registrations.message_templates)."""

from __future__ import annotations

from datetime import UTC, datetime

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from nclw.forms import ChoiceField, DateTimeInputField
from nclw.registrations.models import MessageAudience
from nclw.registrations.placeholders import PLACEHOLDERS
from nclw.timezones import UK, to_uk

SEND_NOW = "now"
SEND_LATER = "later"


def _placeholder_hint() -> str:
    """The message box's hint, naming every placeholder (built when the form is shown)."""
    return _(
        "Plain text. Leave a blank line between paragraphs. You can use %(placeholders)s.",
        placeholders=", ".join(
            _("%(placeholder)s for %(words)s", placeholder=f"{{{name}}}", words=words)
            for name, words in PLACEHOLDERS.items()
        ),
    )


PLACEHOLDER_HINT = LazyString(_placeholder_hint)
WHEN_EXAMPLE = _l("Enter when the message should go")


def _subject() -> StringField:
    return StringField(
        _l("Subject"), validators=[DataRequired(_l("Enter a subject")), Length(max=150)]
    )


def _body() -> TextAreaField:
    return TextAreaField(
        _l("Message"),
        description=PLACEHOLDER_HINT,
        validators=[DataRequired(_l("Write your message")), Length(max=5000)],
    )


def _send_at(**options) -> DateTimeInputField:
    return DateTimeInputField(_l("Send at (UK time)"), subject=_l("The sending time"), **options)


class _Message:
    """What a message to the people signed up holds, sent now or waiting to go."""

    audience = ChoiceField(
        _l("Send to"),
        # No "required": a drop-down with no empty first choice cannot be left empty, and
        # the list refuses any value it does not offer.
        choices=lambda: [SelectChoice(a.value, a.label) for a in MessageAudience],
    )
    subject = _subject()
    body = _body()
    send_at: DateTimeInputField

    def send_at_utc(self) -> datetime | None:
        """The time typed (UK time) as UTC, or None."""
        value = self.send_at.data
        return value.replace(tzinfo=UK).astimezone(UTC) if value else None

    def show_send_at(self, moment: datetime) -> None:
        self.send_at.data = to_uk(moment).replace(tzinfo=None)


class MessageForm(_Message, FlaskForm):
    when = ChoiceField(
        _l("When should it go?"),
        choices=[
            SelectChoice(SEND_NOW, _l("Now")),
            SelectChoice(SEND_LATER, _l("At a time I choose")),
        ],
        default=SEND_NOW,
    )
    send_at = _send_at(
        description=_l(
            "Only if it should go later. Who gets it is worked out then. "
            "For example, 28 10 2027, 09:00."
        ),
        validators=[Optional()],
    )
    # Set on the preview page: the organiser has seen the message and wants it sent.
    confirmed = HiddenField()

    @property
    def later(self) -> bool:
        return self.when.data == SEND_LATER

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        # Optional() ends the field's own checks when it is empty, so "later" is asked here.
        if self.later and not self.send_at.data and not self.send_at.errors:
            self.send_at.errors = [WHEN_EXAMPLE]
            return False
        return valid


class ScheduledMessageForm(_Message, FlaskForm):
    """Change a message that is waiting to go."""

    send_at = _send_at(
        example="28 10 2027, 09:00",
        validators=[InputRequired(WHEN_EXAMPLE)],
    )


class MessageTemplateForm(FlaskForm):
    name = StringField(
        _l("Template name"),
        description=_l("Only organisers see it, in the list of templates."),
        validators=[DataRequired(_l("Give the template a name")), Length(max=80)],
    )
    subject = _subject()
    body = _body()
