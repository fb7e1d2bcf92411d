"""Forms for asking and moderating questions: shape only, the rules are in services."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from nclw.events.models import QuestionAskers
from nclw.questions.models import DISPLAY_NAME_MAX_LENGTH, QUESTION_MAX_LENGTH

CONTACT_REMINDER = (
    "Please do not include contact details, like a phone number, email address, home address "
    "or social media name. Questions are checked before anyone else sees them."
)


class AskQuestionForm(FlaskForm):
    body = TextAreaField(
        "Your question",
        description=f"{CONTACT_REMINDER} Up to {QUESTION_MAX_LENGTH} characters.",
        validators=[
            DataRequired("Enter your question"),
            Length(
                max=QUESTION_MAX_LENGTH,
                message=f"Your question must be {QUESTION_MAX_LENGTH} characters or fewer",
            ),
        ],
    )
    display_name = StringField(
        "Name to show with your question (optional)",
        description="Leave this empty to ask anonymously. A first name is enough.",
        validators=[
            Optional(),
            Length(
                max=DISPLAY_NAME_MAX_LENGTH,
                message=f"The name to show must be {DISPLAY_NAME_MAX_LENGTH} characters or fewer",
            ),
        ],
    )


class EditQuestionForm(FlaskForm):
    body = TextAreaField(
        "Question",
        description="Take out any personal detail. We record that you edited it, not what it said.",
        validators=[
            DataRequired("Enter the question"),
            Length(
                max=QUESTION_MAX_LENGTH,
                message=f"The question must be {QUESTION_MAX_LENGTH} characters or fewer",
            ),
        ],
    )


class QaSettingsForm(FlaskForm):
    enabled = BooleanField("Take questions for this event")
    askers = RadioField(
        "Who can ask",
        choices=[
            SelectChoice(QuestionAskers.TICKET_HOLDERS.value, "People with a ticket"),
            SelectChoice(QuestionAskers.ANYONE.value, "Anyone who can see the event page"),
        ],
        default=QuestionAskers.TICKET_HOLDERS.value,
    )
    public_list = BooleanField("List approved questions on the public event page")
    partner_moderates = BooleanField("Let the host organisation moderate questions")
