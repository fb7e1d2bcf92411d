"""Sign-in, invitation and password forms: shape only; the rules are in services."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from nclw.accounts.models import Role
from nclw.accounts.passwords import MAX_LENGTH
from nclw.forms import EMAIL_SHAPE, ChoiceField

_EMAIL = [DataRequired(_l("Enter your email address")), *EMAIL_SHAPE]

# An empty first choice: a required select must not quietly preselect a role.
_ROLES = [
    SelectChoice("", _l("Choose a role")),
    SelectChoice(Role.ORGANISER.value, _l("Organiser")),
    SelectChoice(Role.PARTNER.value, _l("Partner user")),
    SelectChoice(Role.DOOR_STAFF.value, _l("Door staff")),
]


class SignInForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=_EMAIL)
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Enter your password")), Length(max=MAX_LENGTH)],
    )


# Shown beside every box where a password is chosen; the rules are accounts.passwords'.
PASSWORD_ADVICE = _l(
    "At least 8 characters. A few unrelated words together are easy to remember and hard to guess."
)


def _new_password(label, missing):
    """A box to choose a password in, with the advice beside it."""
    return PasswordField(
        label,
        description=PASSWORD_ADVICE,
        validators=[DataRequired(missing), Length(max=MAX_LENGTH)],
    )


def _password_again(label):
    """The chosen password typed again: it must match the `password` field."""
    return PasswordField(
        label,
        validators=[
            DataRequired(label),
            EqualTo("password", message=_l("The two passwords do not match")),
        ],
    )


class NewPasswordForm(FlaskForm):
    password = _new_password(_l("Choose a password"), _l("Choose a password"))
    confirm = _password_again(_l("Type the password again"))


class AcceptInviteForm(NewPasswordForm):
    name = StringField(
        _l("Your name"),
        description=_l("Shown to other organisers in the audit log."),
        validators=[DataRequired(_l("Enter your name")), Length(max=120)],
    )


class ResetRequestForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=_EMAIL)


class SignInLinkForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=_EMAIL)


class InviteForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=_EMAIL)
    role = ChoiceField(_l("Role"), choices=_ROLES, validators=[DataRequired(_l("Choose a role"))])
    organisation_id = ChoiceField(
        _l("Organisation (for partner users)"),
        coerce=int,
        validators=[Optional()],
    )


class ChangeRoleForm(FlaskForm):
    role = ChoiceField(
        _l("New role"), choices=_ROLES, validators=[DataRequired(_l("Choose a role"))]
    )
    organisation_id = ChoiceField(
        _l("Organisation (for partner users)"),
        description=_l("Partner users see and run only their organisation's events."),
        coerce=int,
        default=0,
        validators=[Optional()],
    )
    # Set on the "are you sure" step.
    confirmed = HiddenField()

    def validate_organisation_id(self, field) -> None:
        if self.role.data == Role.PARTNER.value and not field.data:
            raise ValidationError(_("Choose the organisation this partner user belongs to"))


class NameForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[Length(max=120)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Your current password"), validators=[DataRequired(_l("Enter your current password"))]
    )
    password = _new_password(_l("New password"), _l("Choose a new password"))
    confirm = _password_again(_l("Type the new password again"))


def _without_spaces(value: str | None) -> str | None:
    # People copy codes as the app shows them, "123 456", or add a space by mistake.
    return "".join(value.split()) if value else value


_CODE_SHAPE = Regexp(r"^\d{6}$", message=_l("Enter the 6 digits your app shows, like 123456"))


class CodeForm(FlaskForm):
    code = StringField(
        _l("Code from your authenticator app"),
        description=_l("The 6-digit code your app shows now. It changes every 30 seconds."),
        filters=[_without_spaces],
        validators=[
            DataRequired(_l("Enter the 6-digit code from your authenticator app")),
            _CODE_SHAPE,
        ],
    )


class RecoveryCodeForm(FlaskForm):
    recovery_code = StringField(
        _l("Recovery code"),
        description=_l("One of the codes you saved when you turned on two-step sign-in."),
        validators=[
            DataRequired(_l("Enter a recovery code")),
            Length(max=40, message=_l("A recovery code is 11 characters, like abcde-23456")),
        ],
    )


class TurnOffTwoStepForm(FlaskForm):
    password = PasswordField(_l("Your password"), validators=[Optional(), Length(max=MAX_LENGTH)])
    code = StringField(
        _l("Or a code from your authenticator app"),
        filters=[_without_spaces],
        validators=[Optional(), _CODE_SHAPE],
    )
