"""The audit log's entries as sentences, worded from the rows as they are now.

An entry keeps only ids; who did it and what it was done to are read when the page is shown.
So once a young person's details are deleted (by them, or by the purge after the event), the
entries about their ticket say "a ticket for ..." and their name is nowhere in the log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from nclw.accounts.models import AccountToken, User
from nclw.audit import wording
from nclw.audit.models import SYSTEM_LABEL, AuditEntry
from nclw.events.models import Edition, Event, Organisation
from nclw.extensions import db
from nclw.mail.models import OutboxMessage
from nclw.partners.models import Proposal
from nclw.questions.models import Question
from nclw.registrations.models import Registration


@dataclass(frozen=True)
class AuditLine:
    """One entry as the audit page shows it."""

    at: datetime
    sentence: str
    # What the entry noted at the time ("changed title, starts_at"), when the sentence
    # does not already say it.
    details: str


Words = dict[int, str]


def _rows(query: sa.Select, ids: set[int]) -> Iterable[sa.Row]:
    return db.session.execute(query) if ids else ()


def _event_titles(ids: set[int]) -> dict[int, str]:
    query = sa.select(Event.id, Event.title).where(Event.id.in_(ids))
    return {row.id: row.title for row in _rows(query, ids)}


def _people(ids: set[int]) -> Words:
    query = sa.select(User.id, User.name, User.email).where(User.id.in_(ids))
    return {row.id: wording.person_words(row.name, row.email) for row in _rows(query, ids)}


def _tickets(ids: set[int]) -> Words:
    query = (
        sa.select(Registration.id, Registration.first_name, Registration.anonymised_at, Event.title)
        .join(Event, Registration.event_id == Event.id)
        .where(Registration.id.in_(ids))
    )
    return {
        row.id: wording.ticket_words(
            row.first_name if row.anonymised_at is None else None, row.title
        )
        for row in _rows(query, ids)
    }


def _weeks(ids: set[int]) -> Words:
    query = sa.select(Edition.id, Edition.year, Edition.theme).where(Edition.id.in_(ids))
    return {row.id: wording.week_words(row.year, row.theme) for row in _rows(query, ids)}


def _organisations(ids: set[int]) -> Words:
    query = sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(ids))
    return {row.id: row.name for row in _rows(query, ids)}


def _proposals(ids: set[int]) -> Words:
    query = (
        sa.select(Proposal.id, Proposal.title, Organisation.name)
        .join(Organisation, Proposal.organisation_id == Organisation.id)
        .where(Proposal.id.in_(ids))
    )
    return {row.id: wording.proposal_words(row.title, row.name) for row in _rows(query, ids)}


def _questions(ids: set[int]) -> Words:
    query = (
        sa.select(Question.id, Event.title)
        .join(Event, Question.event_id == Event.id)
        .where(Question.id.in_(ids))
    )
    return {row.id: wording.question_words(row.title) for row in _rows(query, ids)}


def _invitations(ids: set[int]) -> Words:
    query = sa.select(AccountToken.id, AccountToken.email).where(AccountToken.id.in_(ids))
    return {row.id: wording.invitation_words(row.email) for row in _rows(query, ids)}


def _emails(ids: set[int]) -> Words:
    query = (
        sa.select(OutboxMessage.id, Event.title)
        .outerjoin(Event, OutboxMessage.event_id == Event.id)
        .where(OutboxMessage.id.in_(ids))
    )
    return {row.id: wording.email_words(row.title) for row in _rows(query, ids)}


# Each kind of target (as record_action names it), and how to put a page's worth into words.
_LOADERS: dict[str, Callable[[set[int]], Words]] = {
    "Registration": _tickets,
    "Edition": _weeks,
    "Organisation": _organisations,
    "Proposal": _proposals,
    "Question": _questions,
    "AccountToken": _invitations,
    "OutboxMessage": _emails,
}


def _target_ids(entries: Sequence[AuditEntry], target_type: str) -> set[int]:
    return {
        e.target_id for e in entries if e.target_type == target_type and e.target_id is not None
    }


def audit_lines(entries: Sequence[AuditEntry]) -> list[AuditLine]:
    """Each entry as a sentence; one query per kind of row the page mentions."""
    titles = _event_titles(
        {e.event_id for e in entries if e.event_id is not None} | _target_ids(entries, "Event")
    )
    people = _people(
        {e.actor_id for e in entries if e.actor_id is not None} | _target_ids(entries, "User")
    )
    words: dict[str, Words] = {
        "Event": {event_id: wording.event_words(title) for event_id, title in titles.items()},
        "User": people,
    }
    words |= {kind: load(_target_ids(entries, kind)) for kind, load in _LOADERS.items()}
    return [_line(entry, words, titles, people) for entry in entries]


def _actor(entry: AuditEntry, people: Words) -> str | None:
    if entry.actor_id in people:
        return people[entry.actor_id]
    if entry.actor_id is None and entry.actor_label == SYSTEM_LABEL:
        return None
    # The account has gone: the address the log kept is all there is to go by.
    return entry.actor_label


def _line(
    entry: AuditEntry, words: dict[str, Words], titles: dict[int, str], people: Words
) -> AuditLine:
    target = None
    if entry.target_type is not None:
        target = words.get(entry.target_type, {}).get(entry.target_id) or wording.gone_words(
            entry.target_type, titles.get(entry.event_id) if entry.event_id else None
        )
    sentence = wording.sentence(entry.action, actor=_actor(entry, people), target=target)
    details = entry.summary if entry.summary and entry.summary not in sentence else ""
    return AuditLine(at=entry.at, sentence=sentence, details=details)
