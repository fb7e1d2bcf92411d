"""The audit log's filters: shape only; the query is `nclw.backoffice.queries`."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional, ValidationError

from nclw.accounts.models import User
from nclw.audit.wording import kind_choices
from nclw.backoffice.queries import AuditFilters
from nclw.events.models import Event
from nclw.forms import ChoiceField, DateInputField
from nclw.timezones import to_uk

# The audit filter's "who did it" for entries no signed-in person made.
SYSTEM_CHOICE = "system"


def _day_field(label, subject) -> DateInputField:
    return DateInputField(label, subject=subject, example="28 10 2026", validators=[Optional()])


class AuditFilterForm(FlaskForm):
    """The audit log's filters, sent in the address so a filtered page can be shared."""

    class Meta:
        # Reading only: there is nothing to forge, and a token would sit in every link.
        csrf = False

    from_day = _day_field(_l("From (optional)"), _l("The from date"))
    to_day = _day_field(_l("To (optional)"), _l("The to date"))
    person = ChoiceField(_l("Who did it"), default="")
    event = ChoiceField(_l("Event"), default="")
    kind = ChoiceField(_l("Kind of action"), default="")

    def offer(self, *, people: list[User], events: list[Event]) -> None:
        """The choices: the people and events the log has entries for, and every kind."""
        self.person.choices = [
            SelectChoice("", _("Anyone")),
            SelectChoice(SYSTEM_CHOICE, _("The system")),
        ]
        self.person.choices += [
            SelectChoice(str(user.id), f"{user.name} ({user.email})" if user.name else user.email)
            for user in people
        ]
        self.event.choices = [SelectChoice("", _("Any event"))] + [
            SelectChoice(str(event.id), f"{event.title} ({to_uk(event.starts_at):%d %b %Y})")
            for event in events
        ]
        self.kind.choices = [SelectChoice("", _("Any kind of action"))] + [
            SelectChoice(value, label, optgroup=kind.label)
            for kind, actions in kind_choices()
            for value, label in actions
        ]

    def validate_to_day(self, field: DateInputField) -> None:
        if field.data and self.from_day.data and field.data < self.from_day.data:
            raise ValidationError(_("The to date must be the same as the from date or after it"))

    def filters(self) -> AuditFilters:
        """The choices made, as the audit log query takes them (call after validate)."""
        person, event = self.person.data, self.event.data
        return AuditFilters(
            from_day=self.from_day.data,
            to_day=self.to_day.data,
            # Each is one of the choices offered: "", SYSTEM_CHOICE or an id.
            actor_id=int(person) if person not in ("", SYSTEM_CHOICE) else None,
            by_system=person == SYSTEM_CHOICE,
            event_id=int(event) if event else None,
            kind=self.kind.data,
        )

    def chosen(self) -> dict[str, str]:
        """The filters as they were sent, to carry to the next and previous pages."""
        return {
            field.name: field.raw_data[0] for field in self if field.raw_data and field.raw_data[0]
        }
