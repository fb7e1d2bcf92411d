"""The supporter questions: on the sign-up form where an event allows them, and on the ticket
page to add one later."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, ValidationError

from nclw.forms import strip_spaces
from nclw.registrations.sign_up_details import SupporterDetails
from nclw.registrations.supporter_models import ROLE_LABELS, SupporterRole

_ROLES = frozenset(role.value for role in SupporterRole)
SUPPORTER_HINT = _l(
    "A personal adviser, carer, interpreter or friend can come with you. They take a place "
    "of their own. We do not need their email. The event's age and care experience rules "
    "are for you, not for them."
)


class SupporterFields:
    """One supporter: a first name and who they are. Both, or neither."""

    supporter_hint = SUPPORTER_HINT

    supporter_first_name = StringField(
        _l("Your supporter's first name (optional)"),
        filters=[strip_spaces],
        validators=[Length(max=80, message=_l("Their first name must be 80 characters or fewer"))],
    )
    supporter_role = RadioField(
        _l("Who is your supporter? (optional)"),
        # Each label is read when the form is drawn, in the page's language.
        choices=[SelectChoice(value, label) for value, label in ROLE_LABELS.items()],
        validate_choice=False,
    )

    def validate_supporter_first_name(self, field) -> None:
        if self.supporter_role.data and not field.data:
            raise ValidationError(_("Enter your supporter's first name, or leave both empty"))

    def validate_supporter_role(self, field) -> None:
        if field.data and field.data not in _ROLES:
            raise ValidationError(_("Choose who your supporter is"))
        if self.supporter_first_name.data and not field.data:
            raise ValidationError(_("Choose who your supporter is"))


class AddSupporterForm(SupporterFields, FlaskForm):
    """A young person adds a supporter from their ticket page: here both are needed."""

    def validate_supporter_first_name(self, field) -> None:
        if not field.data:
            raise ValidationError(_("Enter your supporter's first name"))

    def validate_supporter_role(self, field) -> None:
        if field.data not in _ROLES:
            raise ValidationError(_("Choose who your supporter is"))


SUPPORTER_FIELD_NAMES = ("supporter_first_name", "supporter_role")


def supporter_details(form) -> SupporterDetails | None:
    """The supporter the form names, or None when it names none (or has no such questions)."""
    if "supporter_role" not in form or not form.supporter_role.data:
        return None
    return SupporterDetails(
        first_name=form.supporter_first_name.data or "",
        role=SupporterRole(form.supporter_role.data),
    )
