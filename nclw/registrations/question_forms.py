"""The organisers' form for one sign-up question."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from nclw.forms import strip_spaces
from nclw.registrations.question_setup import QuestionDetails
from nclw.registrations.sign_up_questions import (
    KIND_LABELS,
    MAX_CHOICES_LENGTH,
    MAX_HELP_LENGTH,
    MAX_LABEL_LENGTH,
    QuestionKind,
)


class SignUpQuestionForm(FlaskForm):
    label = StringField(
        _l("Question"),
        filters=[strip_spaces],
        validators=[
            DataRequired(_l("Enter the question")),
            Length(max=MAX_LABEL_LENGTH, message=_l("The question is too long")),
        ],
    )
    kind = RadioField(
        _l("How people answer"),
        choices=[SelectChoice(value, label) for value, label in KIND_LABELS.items()],
        default=QuestionKind.SHORT_TEXT.value,
        validators=[DataRequired(_l("Choose how people answer"))],
    )
    choices = TextAreaField(
        _l("Choices (for a list: one on each line)"),
        validators=[Length(max=MAX_CHOICES_LENGTH, message=_l("The choices are too long"))],
    )
    help_text = StringField(
        _l("Help text (optional)"),
        filters=[strip_spaces],
        validators=[Length(max=MAX_HELP_LENGTH, message=_l("The help text is too long"))],
    )
    why_we_ask = StringField(
        _l("Why we ask"),
        description=_l("Shown beside the question. Ask only what the event needs."),
        filters=[strip_spaces],
        validators=[
            DataRequired(_l("Say why you ask this question")),
            Length(max=MAX_HELP_LENGTH, message=_l("The reason is too long")),
        ],
    )
    required = BooleanField(_l("People must answer it"))
    sensitive_reason = TextAreaField(
        _l("If it asks for sensitive details: why it is needed"),
        description=_l(
            "Questions about health, disability, care history, addresses, dates of birth, "
            "religion, sexuality or immigration status need a reason."
        ),
        filters=[strip_spaces],
        validators=[Length(max=MAX_HELP_LENGTH, message=_l("The reason is too long"))],
    )

    def details(self) -> QuestionDetails:
        return QuestionDetails(
            label=self.label.data,
            kind=QuestionKind(self.kind.data),
            why_we_ask=self.why_we_ask.data,
            help_text=self.help_text.data or "",
            required=self.required.data,
            choices=self.choices.data or "",
            sensitive_reason=self.sensitive_reason.data or "",
        )
