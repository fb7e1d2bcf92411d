"""Forms for asking and moderating questions: shape only, the rules are in services."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from nclw.events.models import QuestionAskers
from nclw.questions.models import DISPLAY_NAME_MAX_LENGTH, QUESTION_MAX_LENGTH

# A Length message's %(max)d is filled in by WTForms when it is shown.


class AskQuestionForm(FlaskForm):
    body = TextAreaField(
        _l("Your question"),
        description=_l(
            "Please do not include contact details, like a phone number, email address, home "
            "address or social media name. Questions are checked before anyone else sees them. "
            "Up to %(max)d characters.",
            max=QUESTION_MAX_LENGTH,
        ),
        validators=[
            DataRequired(_l("Enter your question")),
            Length(
                max=QUESTION_MAX_LENGTH,
                message=_l("Your question must be %(max)d characters or fewer"),
            ),
        ],
    )
    display_name = StringField(
        _l("Name to show with your question (optional)"),
        description=_l("Leave this empty to ask anonymously. A first name is enough."),
        validators=[
            Optional(),
            Length(
                max=DISPLAY_NAME_MAX_LENGTH,
                message=_l("The name to show must be %(max)d characters or fewer"),
            ),
        ],
    )


class EditQuestionForm(FlaskForm):
    body = TextAreaField(
        _l("Question"),
        description=_l(
            "Take out any personal detail. We record that you edited it, not what it said."
        ),
        validators=[
            DataRequired(_l("Enter the question")),
            Length(
                max=QUESTION_MAX_LENGTH,
                message=_l("The question must be %(max)d characters or fewer"),
            ),
        ],
    )


class QaSettingsForm(FlaskForm):
    enabled = BooleanField(_l("Take questions for this event"))
    askers = RadioField(
        _l("Who can ask"),
        choices=[
            SelectChoice(QuestionAskers.TICKET_HOLDERS.value, _l("People with a ticket")),
            SelectChoice(QuestionAskers.ANYONE.value, _l("Anyone who can see the event page")),
        ],
        default=QuestionAskers.TICKET_HOLDERS.value,
    )
    public_list = BooleanField(_l("List approved questions on the public event page"))
    partner_moderates = BooleanField(_l("Let the host organisation moderate questions"))
