"""Saved messages organisers start from again: a name, a subject and the words."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from nclw.accounts.models import User
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action
from nclw.errors import InvalidInput, one_line_text
from nclw.extensions import db
from nclw.registrations.messaging import tidy_message
from nclw.registrations.models import MessageTemplate

NAME_LENGTH = 80


def message_templates() -> list[MessageTemplate]:
    """Every saved template, by name."""
    return list(
        db.session.scalars(sa.select(MessageTemplate).order_by(sa.func.lower(MessageTemplate.name)))
    )


def _tidy_name(name: str, *, keep: MessageTemplate | None = None) -> str:
    name = one_line_text(
        name,
        _("Give the template a name."),
        limit=NAME_LENGTH,
        too_long=_(
            "Keep the template's name to %(length)s characters or fewer.", length=NAME_LENGTH
        ),
    )
    clash = db.session.scalar(
        sa.select(MessageTemplate.id).where(
            sa.func.lower(MessageTemplate.name) == name.lower(),
            MessageTemplate.id != (keep.id if keep else -1),
        )
    )
    if clash:
        raise InvalidInput(
            _(
                "There is already a template called %(name)s. Choose another name.",
                name=repr(name),
            )
        )
    return name


def save_template(
    name: str, subject: str, body: str, *, actor: User | None, now: datetime
) -> MessageTemplate:
    """Keep a message to start from again. Its placeholders are checked as a message's are."""
    name = _tidy_name(name)
    subject, body = tidy_message(subject, body)
    template = MessageTemplate(
        name=name, subject=subject, body=body, created_at=now, updated_at=now
    )
    db.session.add(template)
    db.session.flush()
    record_action(AuditAction.MESSAGE_TEMPLATE_SAVED, actor=actor, summary=name, now=now)
    return template


def edit_template(
    template: MessageTemplate,
    name: str,
    subject: str,
    body: str,
    *,
    actor: User | None,
    now: datetime,
) -> MessageTemplate:
    """Change a saved template's name or words."""
    template.name = _tidy_name(name, keep=template)
    template.subject, template.body = tidy_message(subject, body)
    template.updated_at = now
    record_action(AuditAction.MESSAGE_TEMPLATE_CHANGED, actor=actor, summary=template.name, now=now)
    return template


def delete_template(template: MessageTemplate, *, actor: User | None, now: datetime) -> None:
    """Forget a saved template. Messages already written from it are not touched."""
    record_action(AuditAction.MESSAGE_TEMPLATE_DELETED, actor=actor, summary=template.name, now=now)
    db.session.delete(template)
