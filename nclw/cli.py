"""`flask nclw ...` commands for operators and cron."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

nclw_cli = AppGroup("nclw", help="NCLW Events commands.")


@nclw_cli.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the database has a week.")
def seed_demo_command(if_empty: bool) -> None:
    """Load the demo National Care Leavers' Week."""
    from nclw.demo import seed_demo

    created = seed_demo(only_if_empty=if_empty)
    click.echo("Demo week loaded." if created else "The database already has a week; left as is.")


def init_cli(app: Flask) -> None:
    """Attach the command group to the app."""
    from nclw.mail.commands import register_mail_commands

    register_mail_commands(nclw_cli)
    app.cli.add_command(nclw_cli)
