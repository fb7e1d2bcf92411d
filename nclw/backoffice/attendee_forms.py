"""The attendee list's form for doing one thing to many people: shape only.

Which people it may touch, and whether a reason or a message is needed, are the rules of
`nclw.registrations.bulk`.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from nclw.forms import ChoiceField
from nclw.registrations.bulk import BulkAction
from nclw.registrations.on_their_behalf import CANCELLATION_REASON_MAX_LENGTH

CHOOSE_ACTION = _l("Choose what to do with the people you selected")


class BulkActionForm(FlaskForm):
    action = ChoiceField(
        _l("What do you want to do with the people you selected?"),
        choices=lambda: [SelectChoice(action.value, action.label) for action in BulkAction],
        validators=[DataRequired(CHOOSE_ACTION)],
        invalid_choice_message=CHOOSE_ACTION,
    )
    reason = TextAreaField(
        _l("Why are you cancelling their tickets?"),
        description=_l(
            "Each of them will read this in their email and on their ticket. Keep it "
            "short and kind, and say what they can do next if anything."
        ),
        validators=[Optional(), Length(max=CANCELLATION_REASON_MAX_LENGTH)],
    )
    subject = StringField(_l("Subject"), validators=[Optional(), Length(max=150)])
    body = TextAreaField(
        _l("Message"),
        description=_l("Plain text. Leave a blank line between paragraphs."),
        validators=[Optional(), Length(max=5000)],
    )
    # Set on the confirmation page: the organiser has seen who it touches and wants it done.
    confirmed = HiddenField()
