"""The kinds of action the audit log is filtered by, and the shape of an action's wording."""

from __future__ import annotations

from dataclasses import dataclass

SYSTEM = "The system"


@dataclass(frozen=True)
class Kind:
    """A kind of action people filter the log by: tickets, events, weeks and so on."""

    key: str
    label: str
    # The filter's choice for every action of this kind.
    everything: str


TICKETS = Kind("tickets", "Tickets", "Anything about tickets")
EVENTS = Kind("events", "Events", "Anything about events")
QUESTIONS = Kind("questions", "Q&A questions", "Anything about Q&A questions")
WEEKS = Kind("weeks", "Weeks", "Anything about weeks")
ORGANISATIONS = Kind("organisations", "Organisations", "Anything about organisations")
PROPOSALS = Kind("proposals", "Partners' proposals", "Anything about partners' proposals")
PEOPLE = Kind("people", "People's accounts", "Anything about people's accounts")
EMAIL = Kind("email", "Email", "Any email sent or sent again")
EXPORTS = Kind("exports", "Downloads", "Any download")
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
