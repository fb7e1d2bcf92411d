"""The week page's filters, read from its query string. Pure: no database, no request.

A filter narrows the week to the events a person can go to, so an event that can be joined
both ways shows under "Online" and under "In person", and an event open to everyone shows to
each audience. Only "no filter" shows every event.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from nclw.events.details import AccessFeature
from nclw.events.models import Audience, EventFormat

# What each format filter shows: the events someone wanting that format can go to.
_FORMATS_SHOWN = {
    EventFormat.ONLINE: frozenset({EventFormat.ONLINE, EventFormat.HYBRID}),
    EventFormat.IN_PERSON: frozenset({EventFormat.IN_PERSON, EventFormat.HYBRID}),
    # Not offered on the page any more; old links still show what they said.
    EventFormat.HYBRID: frozenset({EventFormat.HYBRID}),
}
# What each audience filter shows: that audience's events and the events for everyone.
_AUDIENCES_SHOWN = {
    Audience.CARE_EXPERIENCED: frozenset({Audience.CARE_EXPERIENCED, Audience.EVERYONE}),
    Audience.PROFESSIONALS: frozenset({Audience.PROFESSIONALS, Audience.EVERYONE}),
    # Not offered on the page any more; old links still show what they said.
    Audience.EVERYONE: frozenset({Audience.EVERYONE}),
}


@dataclass(frozen=True)
class FilterChoice:
    """One choice in a filter's list: the value in the address and the words shown."""

    value: str
    label: str


SHOW_ALL = _l("Show all")
# Worded as the people looking, not as the events' audience: "Everyone" is no choice here.
AUDIENCE_CHOICES = (
    FilterChoice(Audience.CARE_EXPERIENCED.value, _l("I'm a care-experienced young person")),
    FilterChoice(Audience.PROFESSIONALS.value, _l("I work with care leavers")),
)
FORMAT_CHOICES = (
    FilterChoice(EventFormat.ONLINE.value, _l("Online")),
    FilterChoice(EventFormat.IN_PERSON.value, _l("In person")),
)


@dataclass(frozen=True)
class FilterQuestion:
    """One filter, asked as a question with "Show all" first (no filter is not a choice of
    audience): `name` is its parameter in the address."""

    name: str
    question: str
    hint: str
    choices: tuple[FilterChoice, ...]


FORMAT_QUESTION = FilterQuestion(
    "format",
    _l("How do you want to take part?"),
    _l("Events you can join online or in person show in both."),
    FORMAT_CHOICES,
)
AUDIENCE_QUESTION = FilterQuestion(
    "audience", _l("Who is it for?"), _l("Events open to everyone show for both."), AUDIENCE_CHOICES
)


@dataclass(frozen=True)
class AskedQuestion:
    """A filter question as the page asks it: its choices and the value chosen ("" for all)."""

    question: FilterQuestion
    choices: list[FilterChoice]
    chosen: str


@dataclass(frozen=True)
class WeekFilters:
    """Filters from the week page's query string; unknown values are ignored."""

    format: EventFormat | None = None
    audience: Audience | None = None
    access: AccessFeature | None = None

    @classmethod
    def from_args(cls, args) -> WeekFilters:
        fmt = args.get("format", "")
        audience = args.get("audience", "")
        access = args.get("access", "")
        return cls(
            format=EventFormat(fmt) if fmt in EventFormat._value2member_map_ else None,
            audience=Audience(audience) if audience in Audience._value2member_map_ else None,
            access=AccessFeature(access) if access in AccessFeature._value2member_map_ else None,
        )

    @property
    def formats_shown(self) -> frozenset[EventFormat] | None:
        """The event formats this filter shows, or None for every format."""
        return _FORMATS_SHOWN[self.format] if self.format else None

    @property
    def audiences_shown(self) -> frozenset[Audience] | None:
        """The event audiences this filter shows, or None for every audience."""
        return _AUDIENCES_SHOWN[self.audience] if self.audience else None

    @property
    def any(self) -> bool:
        """Whether any filter is on (so the page offers to clear them)."""
        return bool(self.format or self.audience or self.access)


def choices_for(choices: tuple[FilterChoice, ...], chosen) -> list[FilterChoice]:
    """A filter's choices, with the one an old link chose added if the list no longer has it
    (so the list shows what the page is filtered by)."""
    if chosen is None or any(choice.value == chosen.value for choice in choices):
        return list(choices)
    return [*choices, FilterChoice(chosen.value, chosen.label)]


def asked_questions(filters: WeekFilters) -> list[AskedQuestion]:
    """The format and audience questions, each with what the page's address chose."""
    return [
        AskedQuestion(
            question, choices_for(question.choices, chosen), chosen.value if chosen else ""
        )
        for question, chosen in (
            (FORMAT_QUESTION, filters.format),
            (AUDIENCE_QUESTION, filters.audience),
        )
    ]
