"""Sign-in, invitation and password forms: shape only; the rules are in services."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from nclw.accounts.models import Role
from nclw.forms import ChoiceField

_EMAIL = [
    DataRequired(_l("Enter your email address")),
    Length(max=254, message=_l("Email address must be 254 characters or fewer")),
    Email(
        _l("Enter an email address in the correct format, like name@example.com"),
        check_deliverability=False,
    ),
]

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
        validators=[DataRequired(_l("Enter your password")), Length(max=256)],
    )


# Shown beside every box where a password is chosen; the rules are accounts.passwords'.
PASSWORD_ADVICE = _l(
    "At least 8 characters. A few unrelated words together are easy to remember and hard to guess."
)


class NewPasswordForm(FlaskForm):
    password = PasswordField(
        _l("Choose a password"),
        description=PASSWORD_ADVICE,
        validators=[DataRequired(_l("Choose a password")), Length(max=256)],
    )
    confirm = PasswordField(
        _l("Type the password again"),
        validators=[
            DataRequired(_l("Type the password again")),
            EqualTo("password", message=_l("The two passwords do not match")),
        ],
    )


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
    password = PasswordField(
        _l("New password"),
        description=PASSWORD_ADVICE,
        validators=[DataRequired(_l("Choose a new password")), Length(max=256)],
    )
    confirm = PasswordField(
        _l("Type the new password again"),
        validators=[
            DataRequired(_l("Type the new password again")),
            EqualTo("password", message=_l("The two passwords do not match")),
        ],
    )


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
    password = PasswordField(_l("Your password"), validators=[Optional(), Length(max=256)])
    code = StringField(
        _l("Or a code from your authenticator app"),
        filters=[_without_spaces],
        validators=[Optional(), _CODE_SHAPE],
    )
