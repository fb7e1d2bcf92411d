"""Figures read from the database when Prometheus scrapes: tickets and the outbox.

They are the same whichever worker answers, so they are read at scrape time rather than
counted by each worker. Totals only: nothing about any one person.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from prometheus_client.core import GaugeMetricFamily

from nclw.extensions import db
from nclw.mail.status import mail_health
from nclw.registrations.models import Registration, RegistrationStatus


class DatabaseFigures:
    """A prometheus-client collector of the figures an operator watches."""

    def __init__(self, *, now: datetime) -> None:
        self.now = now

    def collect(self):
        tickets = GaugeMetricFamily(
            "nclw_registrations", "Tickets on the site, by status.", labels=["status"]
        )
        counts = dict(
            db.session.execute(
                sa.select(Registration.status, sa.func.count()).group_by(Registration.status)
            ).all()
        )
        for status in RegistrationStatus:
            tickets.add_metric([status.value], counts.get(status, 0))
        yield tickets

        outbox = mail_health()
        messages = GaugeMetricFamily(
            "nclw_outbox_messages", "Emails in the outbox, by state.", labels=["state"]
        )
        messages.add_metric(["pending"], outbox["pending"])
        messages.add_metric(["failed"], outbox["failed"])
        yield messages
        oldest = outbox["oldest_pending_created_at"]
        age = max(0.0, (self.now - oldest).total_seconds()) if oldest else 0.0
        yield GaugeMetricFamily(
            "nclw_outbox_oldest_pending_seconds",
            "Age of the oldest email still waiting to be sent (0 when none is waiting).",
            value=age,
        )
