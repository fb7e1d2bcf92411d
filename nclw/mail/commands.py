"""`flask nclw send-mail`, for cron and the mail worker."""

from __future__ import annotations

import signal
import time

import click
from flask.cli import AppGroup

from nclw.extensions import db
from nclw.mail.delivery import send_pending


@click.command("send-mail")
@click.option("--loop", is_flag=True, help="Keep running, sending new mail as it is queued.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between looks (--loop).")
def send_mail_command(loop: bool, interval: float) -> None:
    """Send the emails waiting in the outbox (retries temporary failures later)."""
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


def register_mail_commands(group: AppGroup) -> None:
    """Add the mail commands to the `flask nclw` group."""
    group.add_command(send_mail_command)
