"""The audit log in plain words: each action as a sentence, and what it was done to.

The sentence is put together when the log is read, from the rows as they are then, never
stored: once a young person's details are deleted, their name is gone from the log too.
Everything here is pure; the back office loads the rows and passes their words in.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from nclw.audit.actions import AuditAction as A
from nclw.audit.kinds import (
    KINDS,
    SYSTEM,
    Kind,
    Wording,
)
from nclw.audit.phrases import WORDING


def wording_of(action: str) -> Wording | None:
    """The wording of a recorded action; None for a name this release does not know."""
    try:
        return WORDING.get(A(action))
    except ValueError:
        return None


def sentence(action: str, *, actor: str | None, target: str | None) -> str:
    """The entry as one sentence: "Sam Patel cancelled Alex's ticket for “Careers fair”."

    `actor` is the person's name (or email), None when nobody signed in did it. An action
    this release does not know (an older name kept in the log) still reads as a sentence.
    """
    wording = wording_of(action)
    if wording is None:
        if target:
            return _(
                "%(actor)s did something the log calls “%(action)s”, to %(target)s.",
                actor=actor or SYSTEM,
                action=action,
                target=target,
            )
        return _(
            "%(actor)s did something the log calls “%(action)s”.",
            actor=actor or SYSTEM,
            action=action,
        )
    said = str(wording.sentence).format(
        actor=actor or wording.nobody, target=target or _("something")
    )
    return _("%(sentence)s.", sentence=said)


# --- What an action was done to, in words ------------------------------------------------------


def quoted(title: str) -> str:
    """A title people typed, set apart from the words around it."""
    return _("“%(title)s”", title=title)


def ticket_words(first_name: str | None, event_title: str | None) -> str:
    """Alex's ticket for “Careers fair”; without the name once the details are deleted."""
    if event_title is None:
        if first_name:
            return _("%(name)s's ticket", name=first_name)
        return _("someone's ticket")
    if first_name:
        return _("%(name)s's ticket for %(event)s", name=first_name, event=quoted(event_title))
    return _("a ticket for %(event)s", event=quoted(event_title))


def event_words(title: str | None) -> str:
    """An event by its title; None once the event is deleted."""
    return quoted(title) if title is not None else _("an event that has since been deleted")


def week_words(year: int, theme: str) -> str:
    """The 2031 week, “Care leavers with careers”."""
    return _("the %(year)s week, %(theme)s", year=year, theme=quoted(theme))


def person_words(name: str, email: str) -> str:
    """A signed-in person: their name, or their email if they have given no name."""
    return name or email


def proposal_words(title: str, organisation: str) -> str:
    """The proposal “CV clinic” from Catch22."""
    return _(
        "the proposal %(title)s from %(organisation)s",
        title=quoted(title),
        organisation=organisation,
    )


def question_words(event_title: str | None) -> str:
    """A question for “Careers fair”."""
    # Never the question's text: it may hold what a moderator took out.
    if event_title is None:
        return _("a question")
    return _("a question for %(event)s", event=quoted(event_title))


def invitation_words(email: str) -> str:
    """An invitation by the address it was sent to (kept on the invitation, not in the log)."""
    return email


def email_words(event_title: str | None) -> str:
    """An email about “Careers fair”, or just an email."""
    if event_title is None:
        return _("an email")
    return _("an email about %(event)s", event=quoted(event_title))


# What a target reads as once its row is gone (deleted, merged away), by its kind of row.
_GONE = {
    "Edition": _l("a week that has since been deleted"),
    "Organisation": _l("an organisation since merged or deleted"),
    "User": _l("an account that has since been deleted"),
    "Proposal": _l("a proposal that has since been deleted"),
    "AccountToken": _l("an invitation"),
}


def gone_words(target_type: str, event_title: str | None) -> str:
    """A target whose row is no more, said with its event's title where the log kept that."""
    if target_type == "Registration":
        return ticket_words(None, event_title)
    if target_type == "Event":
        return event_words(event_title)
    if target_type == "Question":
        return question_words(event_title)
    if target_type == "OutboxMessage":
        return email_words(event_title)
    return str(_GONE.get(target_type, _("something")))


# --- Filtering by kind of action ---------------------------------------------------------------


def actions_of(choice: str) -> list[str]:
    """The action names a filter choice stands for: a kind's key, or one action's name."""
    kind = next((k for k in KINDS if k.key == choice), None)
    if kind is not None:
        return [action.value for action, wording in WORDING.items() if wording.kind == kind]
    return [choice] if wording_of(choice) else []


def kind_choices() -> list[tuple[Kind, list[tuple[str, str]]]]:
    """For the filter: each kind, with "anything about it" first and then its actions."""
    return [
        (
            kind,
            [(kind.key, str(kind.everything))]
            + [(a.value, str(w.label)) for a, w in WORDING.items() if w.kind == kind],
        )
        for kind in KINDS
    ]
