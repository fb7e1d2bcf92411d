"""The form fields for an event's details, shared by organisers' and partners' forms.

Each field takes its limits from `nclw.events.details`, so a form refuses exactly what the
service would, and says so beside the field. Labels differ by who is typing ("Title" for an
organiser, "Session name" for a partner); the rules do not.
"""

from __future__ import annotations

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, TextAreaField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional

from nclw.events.details import (
    AGE_RULES,
    MAX_PLACES,
    TEXT_LIMITS,
    WELSH_FIELDS,
    AccessFeature,
    age_rule_key,
    age_rule_words,
)
from nclw.events.models import Audience, EventFormat
from nclw.forms import CheckboxesField, ChoiceField
from nclw.wording import number

# The service's refusals that concern one field (a message's opening words to the field's name),
# so the error summary links there and the field shows the message (nclw.forms).
# Translators: each opening must be the start of the same refusal's translation.
SERVICE_ERROR_FIELDS = {
    _l("Enter when it starts"): "starts_at",
    _l("The event must end after it starts"): "ends_at",
    _l("Sign-up must close"): "registration_closes_at",
    _l("Sign-up must open"): "registration_opens_at",
    _l("Enter the joining link"): "online_url",
    _l("Enter the number of places"): "capacity",
    _l("The youngest age"): "age_rule",
    _l("The oldest age"): "age_rule",
}


class PlacesField(IntegerField):
    """A number of places; anything but a whole number gets a message in plain English."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError as error:
            raise ValueError(_("Enter the number of places as a whole number, like 20")) from error


def _fewer(label, name: str) -> Length:
    # `label` names the field in the message; forms pass it as a lazy string.
    limit = TEXT_LIMITS[name]
    return Length(
        max=limit,
        message=_l(
            "%(label)s must be %(limit)s characters or fewer", label=label, limit=number(limit)
        ),
    )


def _enter_the(label) -> LazyString:
    # "Enter the title", with the field's own label in the page's language.
    return LazyString(lambda: _("Enter the %(thing)s", thing=str(label).lower()))


def title(label) -> StringField:
    return StringField(label, validators=[DataRequired(_enter_the(label)), _fewer(label, "title")])


def summary(description) -> StringField:
    return StringField(
        _l("Summary"),
        description=description,
        validators=[DataRequired(_l("Enter a summary")), _fewer(_l("Summary"), "summary")],
    )


def description(label) -> TextAreaField:
    return TextAreaField(
        label, validators=[Optional(), _fewer(_l("The description"), "description")]
    )


# The event's words in Welsh (events.localised): all optional, with the English fields' limits.
WELSH_SESSION_NAME_LABEL = _l("Session name in Welsh (optional)")


def _limit(name: str) -> str:
    return f"{TEXT_LIMITS[name]:,}"


def _welsh(field_class, label, name: str, message) -> StringField:
    return field_class(
        label, validators=[Optional(), Length(max=TEXT_LIMITS[name], message=message)]
    )


def welsh_fields(title_label=None) -> tuple[StringField, StringField, TextAreaField]:
    """The Welsh title, summary and description, for a form's "Welsh (Cymraeg)" fieldset
    (templates/events/_welsh_fields.html): `title_cy, summary_cy, description_cy = ...`."""
    return (
        _welsh(
            StringField,
            title_label or _l("Title in Welsh (optional)"),
            "title_cy",
            _l(
                "The Welsh title must be %(limit)s characters or fewer",
                limit=_limit("title_cy"),
            ),
        ),
        _welsh(
            StringField,
            _l("Summary in Welsh (optional)"),
            "summary_cy",
            _l(
                "The Welsh summary must be %(limit)s characters or fewer",
                limit=_limit("summary_cy"),
            ),
        ),
        _welsh(
            TextAreaField,
            _l("Description in Welsh (optional)"),
            "description_cy",
            _l(
                "The Welsh description must be %(limit)s characters or fewer",
                limit=_limit("description_cy"),
            ),
        ),
    )


def welsh_values(form) -> dict[str, str]:
    """The Welsh fields' answers as event values (empty where none was given)."""
    return {name: (getattr(form, name).data or "").strip() for name in WELSH_FIELDS}


def welsh_data(event) -> dict[str, str]:
    """An event's (or proposal's) Welsh text as the form shows it."""
    return {name: getattr(event, name) or "" for name in WELSH_FIELDS}


def highlights() -> TextAreaField:
    return TextAreaField(
        _l("What people will get (optional)"),
        description=_l("One thing a line."),
        validators=[Optional(), _fewer(_l("The list"), "highlights")],
    )


def venue(label) -> StringField:
    # Not Optional(): that would stop a form's own in-person check from running.
    return StringField(label, validators=[_fewer(_l("Venue"), "venue_name")])


def address() -> StringField:
    return StringField(
        _l("Address (optional)"), validators=[Optional(), _fewer(_l("Address"), "address")]
    )


def joining_link(label) -> URLField:
    return URLField(
        label,
        description=_l("Only people with a confirmed ticket see it."),
        validators=[
            Optional(),
            _fewer(_l("The joining link"), "online_url"),
            URL(message=_l("Enter a full web address, starting with https://")),
        ],
    )


def places(label, *, description) -> PlacesField:
    return PlacesField(
        label,
        description=description,
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_PLACES,
                message=_l(
                    "Enter a number of places from 1 to %(most)s, or leave it empty",
                    most=number(MAX_PLACES),
                ),
            ),
        ],
    )


def _label_of(choice) -> LazyString:
    # An enum's label, worded when the form is drawn (forms are built at import).
    return LazyString(getattr, choice, "label")


def event_format(label) -> ChoiceField:
    return ChoiceField(
        label,
        choices=[SelectChoice("", _l("Choose one"))]
        + [SelectChoice(f.value, _label_of(f)) for f in EventFormat],
        validators=[DataRequired(_l("Choose how people take part"))],
    )


def audience(**kwargs) -> ChoiceField:
    return ChoiceField(
        _l("Who it is for"),
        choices=[SelectChoice("", _l("Choose one"))]
        + [SelectChoice(a.value, _label_of(a)) for a in Audience],
        validators=[DataRequired(_l("Choose who it is for"))],
        **kwargs,
    )


def age_rule(label=None) -> ChoiceField:
    """Who may come, by age; `with_age_rule` adds an event's own rule if it is not a usual one."""
    return ChoiceField(
        label or _l("Ages"),
        description=_l(
            "For anything but 16 and over, sign-up asks one yes or no question. "
            "We never ask for a date of birth."
        ),
        choices=[
            SelectChoice(key, LazyString(age_rule_words, *rule)) for key, rule in AGE_RULES.items()
        ],
        default="16+",
        # No "required" validator: the first choice is a real rule, not a "Choose one" line,
        # and a choice not in the list is refused by the field itself.
        invalid_choice_message=_l("Choose who may come, by age"),
    )


def access_features(label=None) -> CheckboxesField:
    """What an event offers for access; shown on its page and used by the week's filter."""
    return CheckboxesField(
        label or _l("Access at this event (optional)"),
        description=_l("Tick what there will be. People can filter the week by these."),
        choices=[SelectChoice(feature.value, _label_of(feature)) for feature in AccessFeature],
        default=[],
    )


def with_age_rule(field: ChoiceField, youngest: int, oldest: int | None) -> None:
    """Offer the rule an event already has, so saving the form never changes it unasked."""
    key = age_rule_key(youngest, oldest)
    if key not in AGE_RULES:
        field.choices = [*field.choices, SelectChoice(key, age_rule_words(youngest, oldest))]
