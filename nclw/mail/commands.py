"""`flask nclw send-mail` and `flask nclw send-reminders`, for cron and the mail worker."""

from __future__ import annotations

import signal
import time

import click
from flask.cli import AppGroup

from nclw.extensions import db
from nclw.timezones import utcnow


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running, sending new mail as it is queued.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between looks (--loop).")
def send_mail_command(loop: bool, interval: float) -> None:
    """Send the emails waiting in the outbox (retries temporary failures later)."""
    from nclw.mail.delivery import send_pending

    stopping = False

    def stop(*_args) -> None:
        nonlocal stopping
        stopping = True  # finish the batch in hand, then leave

    if loop:
        signal.signal(signal.SIGTERM, stop)
    while True:
        try:
            report = send_pending()
        except Exception as exc:  # noqa: BLE001 — a database blip must not end the worker
            if not loop:
                raise
            click.echo(f"Could not send mail just now: {exc}", err=True)
            db.session.remove()
            time.sleep(interval)
            continue
        if report.sent or report.retried or report.failed or not loop:
            click.echo(f"Sent {report.sent}, will retry {report.retried}, failed {report.failed}.")
        for error in report.errors[:10]:
            click.echo(f"  {error}", err=True)
        db.session.remove()
        if not loop or stopping:
            return
        try:
            time.sleep(interval)
        except KeyboardInterrupt:
            return


@click.command("send-reminders")
def send_reminders_command() -> None:
    """Queue the reminders that are due (run every ten minutes; each is sent once)."""
    from nclw.mail.reminders import queue_reminders

    queued = queue_reminders(now=utcnow())
    click.echo(
        f"Queued {queued['reminder_day_before']} day-before and "
        f"{queued['reminder_hour_before']} hour-before reminders."
    )


def register_mail_commands(group: AppGroup) -> None:
    """Add the mail commands to the `flask nclw` group."""
    group.add_command(send_mail_command)
    group.add_command(send_reminders_command)
