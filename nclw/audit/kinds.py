"""The kinds of action the audit log is filtered by, and the shape of an action's wording."""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

SYSTEM = _l("The system")


@dataclass(frozen=True)
class Kind:
    """A kind of action people filter the log by: tickets, events, weeks and so on."""

    key: str
    label: str
    # The filter's choice for every action of this kind.
    everything: str


TICKETS = Kind("tickets", _l("Tickets"), _l("Anything about tickets"))
EVENTS = Kind("events", _l("Events"), _l("Anything about events"))
QUESTIONS = Kind("questions", _l("Q&A questions"), _l("Anything about Q&A questions"))
WEEKS = Kind("weeks", _l("Weeks"), _l("Anything about weeks"))
ORGANISATIONS = Kind("organisations", _l("Organisations"), _l("Anything about organisations"))
PROPOSALS = Kind("proposals", _l("Partners' proposals"), _l("Anything about partners' proposals"))
PEOPLE = Kind("people", _l("People's accounts"), _l("Anything about people's accounts"))
EMAIL = Kind("email", _l("Email"), _l("Any email sent or sent again"))
EXPORTS = Kind("exports", _l("Downloads"), _l("Any download"))
KINDS = (TICKETS, EVENTS, QUESTIONS, WEEKS, ORGANISATIONS, PROPOSALS, PEOPLE, EMAIL, EXPORTS)


@dataclass(frozen=True)
class Wording:
    """How one action reads.

    `sentence` has `{actor}` (who did it) and `{target}` (what it was done to, in words).
    `label` is the action on its own, for the filter. `nobody` is who it reads as when no
    signed-in person did it.
    """

    kind: Kind
    label: str
    sentence: str
    nobody: str = SYSTEM
