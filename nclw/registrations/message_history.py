"""What organisers have sent an event's people, and how many each message reached."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from nclw.events.models import Event
from nclw.extensions import db
from nclw.mail.models import MessageStatus, OutboxMessage
from nclw.registrations.models import EventMessage, EventMessageEmail, EventMessageState
from nclw.timezones import format_moment, format_stamp


@dataclass(frozen=True)
class MessageLine:
    """One message in an event's history, with where its emails stand in the outbox."""

    message: EventMessage
    sent: int = 0
    waiting: int = 0
    failed: int = 0

    @property
    def status_words(self) -> str:
        """'Waiting to go Friday 30 October at 9am (UK time)', 'Sent Fri 30 Oct 2026, 9am'."""
        message = self.message
        if message.state == EventMessageState.SCHEDULED:
            return _("Waiting to go %(when)s", when=format_moment(message.send_at))
        if message.state == EventMessageState.CANCELLED:
            return _("Cancelled (was to go %(when)s)", when=format_stamp(message.send_at))
        when = format_stamp(message.sent_at)
        if message.was_scheduled:
            return _("Sent %(when)s, at the time it was set for", when=when)
        return _("Sent %(when)s", when=when)

    @property
    def author_label(self) -> str:
        return _("Set by") if self.message.was_scheduled else _("Sent by")

    @property
    def author_words(self) -> str:
        author = self.message.author
        return (author.name or author.email) if author else _("An organiser")

    @property
    def audience_words(self) -> str:
        message = self.message
        if message.to_chosen:
            return _("People chosen on the attendee list")
        return message.audience.label

    @property
    def reached_words(self) -> str:
        """'12 emails: 10 sent, 1 waiting to go, 1 failed', or what became of it instead."""
        message = self.message
        if message.state == EventMessageState.SCHEDULED:
            return _("Not sent yet: who gets it is worked out when it goes")
        if message.state == EventMessageState.CANCELLED:
            return _("Cancelled before it was sent")
        total = message.recipients or 0
        if total == 0:
            return _("Nobody was in its audience when it went, so no emails were sent")
        parts = [_("%(num)d sent", num=self.sent)]
        if self.waiting:
            parts.append(_("%(num)d waiting to go", num=self.waiting))
        if self.failed:
            parts.append(_("%(num)d failed", num=self.failed))
        # Someone who deleted their details takes their emails with them.
        gone = total - self.sent - self.waiting - self.failed
        if gone > 0:
            parts.append(_("%(num)d removed when people deleted their details", num=gone))
        return ngettext(
            "%(num)d email: %(parts)s", "%(num)d emails: %(parts)s", total, parts=", ".join(parts)
        )


def _status_counts(message_ids: list[int]) -> dict[int, Counter]:
    rows = db.session.execute(
        sa.select(EventMessageEmail.event_message_id, OutboxMessage.status, sa.func.count())
        .join(OutboxMessage, OutboxMessage.id == EventMessageEmail.outbox_message_id)
        .where(EventMessageEmail.event_message_id.in_(message_ids))
        .group_by(EventMessageEmail.event_message_id, OutboxMessage.status)
    ).all()
    counts: dict[int, Counter] = {}
    for message_id, status, count in rows:
        counts.setdefault(message_id, Counter())[MessageStatus(status)] += count
    return counts


def message_history(event: Event) -> list[MessageLine]:
    """Every message written for the event: those waiting first (soonest first), then the
    rest, newest first."""
    messages = list(
        db.session.scalars(
            sa.select(EventMessage)
            .options(joinedload(EventMessage.author))
            .where(EventMessage.event_id == event.id)
            .order_by(EventMessage.id.desc())
        )
    )
    waiting = sorted((m for m in messages if m.is_scheduled), key=lambda m: (m.send_at, m.id))
    done = [m for m in messages if not m.is_scheduled]
    counts = _status_counts([m.id for m in done]) if done else {}
    lines = [MessageLine(m) for m in waiting]
    for message in done:
        count = counts.get(message.id, Counter())
        lines.append(
            MessageLine(
                message,
                sent=count[MessageStatus.SENT],
                waiting=count[MessageStatus.PENDING] + count[MessageStatus.SENDING],
                failed=count[MessageStatus.FAILED],
            )
        )
    return lines
