"""`flask nclw ...` commands for operators and cron."""

from __future__ import annotations

import signal
import sys
import threading
from datetime import UTC, datetime

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from nclw.accounts.models import Role
from nclw.accounts.services import create_user, find_user_by_email
from nclw.accounts.two_step import reset_two_step
from nclw.demo import seed_demo
from nclw.errors import NclwError
from nclw.extensions import db
from nclw.feedback.sending import queue_surveys
from nclw.mail.commands import register_mail_commands
from nclw.ops.commands import register_backup_commands
from nclw.questions.services import purge_questions
from nclw.registrations.calendar_replies import start_reply_receiver
from nclw.registrations.offer_replies import expire_offers
from nclw.registrations.personal_data import purge_personal_data
from nclw.registrations.reminders import queue_reminders
from nclw.registrations.scheduled_messages import send_due_messages
from nclw.timezones import utcnow

nclw_cli = AppGroup("nclw", help="NCLW Events commands.")


@nclw_cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has a week.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo National Care Leavers' Week."""

    created = seed_demo(only_if_empty=if_empty)
    click.echo("Demo week loaded." if created else "The database already has a week; left as is.")


@nclw_cli.command("create-organiser")
@click.argument("email")
@click.option("--name", default="", help="The organiser's name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option(
    "--password-file",
    type=click.File("r", encoding="utf-8"),
    help="Read the password from the first line of a file (for secrets mounted as files).",
)
def create_organiser_command(email: str, name: str, password_stdin: bool, password_file) -> None:
    """Create an organiser account (there is no default account)."""

    if password_file is not None:
        password = password_file.readline().rstrip("\r\n")
    elif password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            email, password, role=Role.ORGANISER, name=name, actor=None, now=utcnow()
        )
    except NclwError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Organiser {user.email} created. They can sign in at /sign-in.")


@nclw_cli.command("turn-off-two-step")
@click.argument("email")
def turn_off_two_step_command(email: str) -> None:
    """Turn off two-step sign-in for someone who has lost their app and recovery codes."""

    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    try:
        reset_two_step(user, actor=None, now=utcnow())
    except NclwError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(f"Two-step sign-in is off for {user.email}. They can sign in with their password.")


@nclw_cli.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None, help="Default: RETENTION_DAYS.")
def purge_command(days: int | None) -> None:
    """Anonymise personal details a set number of days after each event ends."""

    days = current_app.config["RETENTION_DAYS"] if days is None else days
    count = purge_personal_data(older_than_days=days, now=utcnow())
    questions = purge_questions(older_than_days=days, now=utcnow())
    db.session.commit()
    click.echo(f"Anonymised {count} registrations for events that ended over {days} days ago.")
    click.echo(f"Deleted {questions} questions that were never shown; forgot who asked the rest.")


@nclw_cli.command("send-reminders")
def send_reminders_command() -> None:
    """Queue the reminders that are due (run every ten minutes; each is sent once)."""

    queued = queue_reminders(now=utcnow())
    click.echo(
        f"Queued {queued['reminder_day_before']} day-before and "
        f"{queued['reminder_hour_before']} hour-before reminders."
    )


@nclw_cli.command("send-scheduled-messages")
def send_scheduled_messages_command() -> None:
    """Send organisers' messages whose time has come (run every minute; each goes once)."""

    sent = send_due_messages(now=utcnow())
    click.echo(f"Sent {sent} waiting {'message' if sent == 1 else 'messages'}.")


@nclw_cli.command("send-surveys")
def send_surveys_command() -> None:
    """Queue the feedback surveys that are due (run every ten minutes; each is sent once)."""

    queued = queue_surveys(now=utcnow())
    click.echo(f"Queued {queued} feedback surveys.")


@nclw_cli.command("receive-mail")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=10025, show_default=True)
@click.option("--lmtp", is_flag=True, help="Speak LMTP (for Postfix's lmtp: transport).")
def receive_mail_command(host: str, port: int, lmtp: bool) -> None:
    """Take calendar replies from the mail server until stopped (see the README)."""

    if not current_app.config["RSVP_ADDRESS_DOMAIN"]:
        raise click.ClickException("Set RSVP_ADDRESS_DOMAIN first: it names the reply addresses.")
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    receiver = start_reply_receiver(
        current_app._get_current_object(), host=host, port=port, lmtp=lmtp
    )
    click.echo(f"Taking calendar replies ({'LMTP' if lmtp else 'SMTP'}) on {host}:{port}.")
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        receiver.stop()
    click.echo("Stopped.")


@nclw_cli.command("expire-offers")
@click.option(
    "--now",
    "now_text",
    default=None,
    help="Pretend it is this UTC time (ISO 8601), to try the command out. Default: now.",
)
def expire_offers_command(now_text: str | None) -> None:
    """Pass on the offers of places that ran out unclaimed (run every few minutes)."""

    now = utcnow()
    if now_text:
        try:
            now = datetime.fromisoformat(now_text)
        except ValueError as error:
            raise click.BadParameter("Give a time like 2026-10-28T18:00:00+00:00.") from error
        now = now if now.tzinfo else now.replace(tzinfo=UTC)
    expired = expire_offers(now=now)
    click.echo(f"Passed on {expired} offers that ran out.")


def init_cli(app: Flask) -> None:
    """Attach the command group to the app."""

    register_mail_commands(nclw_cli)
    register_backup_commands(nclw_cli)
    app.cli.add_command(nclw_cli)
