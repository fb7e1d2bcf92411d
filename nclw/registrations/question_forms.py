"""The organisers' form for one sign-up question."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from nclw.registrations.question_setup import QuestionDetails
from nclw.registrations.sign_up_questions import (
    MAX_CHOICES_LENGTH,
    MAX_HELP_LENGTH,
    MAX_LABEL_LENGTH,
    QuestionKind,
)


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class SignUpQuestionForm(FlaskForm):
    label = StringField(
        "Question",
        filters=[_strip],
        validators=[
            DataRequired("Enter the question"),
            Length(max=MAX_LABEL_LENGTH, message="The question is too long"),
        ],
    )
    kind = RadioField(
        "How people answer",
        choices=[SelectChoice(kind.value, kind.label) for kind in QuestionKind],
        default=QuestionKind.SHORT_TEXT.value,
        validators=[DataRequired("Choose how people answer")],
    )
    choices = TextAreaField(
        "Choices (for a list: one on each line)",
        validators=[Length(max=MAX_CHOICES_LENGTH, message="The choices are too long")],
    )
    help_text = StringField(
        "Help text (optional)",
        filters=[_strip],
        validators=[Length(max=MAX_HELP_LENGTH, message="The help text is too long")],
    )
    why_we_ask = StringField(
        "Why we ask",
        description="Shown beside the question. Ask only what the event needs.",
        filters=[_strip],
        validators=[
            DataRequired("Say why you ask this question"),
            Length(max=MAX_HELP_LENGTH, message="The reason is too long"),
        ],
    )
    required = BooleanField("People must answer it")
    sensitive_reason = TextAreaField(
        "If it asks for sensitive details: why it is needed",
        description=(
            "Questions about health, disability, care history, addresses, dates of birth, "
            "religion, sexuality or immigration status need a reason."
        ),
        filters=[_strip],
        validators=[Length(max=MAX_HELP_LENGTH, message="The reason is too long")],
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
