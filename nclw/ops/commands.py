"""`flask nclw backup` and `flask nclw restore`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_migrate import upgrade

from nclw.errors import InvalidInput
from nclw.extensions import db
from nclw.ops import backups
from nclw.registrations.personal_data import (
    deleted_tickets,
    purge_personal_data,
    reapply_deletions,
)
from nclw.timezones import utcnow


def _tombstones() -> list[tuple[int, str]]:
    """The deleted tickets of the database about to be replaced, if it can be read."""
    try:
        return deleted_tickets()
    except Exception:  # noqa: BLE001 - a lost or empty database has none to give
        db.session.rollback()
        return []


def register_backup_commands(group: AppGroup) -> None:
    """Add the backup and restore commands to the `flask nclw` group."""

    @group.command("backup")
    @click.argument("path", type=click.Path(path_type=Path))
    def backup_command(path: Path) -> None:
        """Copy the database to PATH, safely while the site takes sign-ups.

        PATH may be a folder: the backup is then named for the moment it was taken, and
        backups in that folder older than BACKUP_KEEP_DAYS are deleted.
        """
        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        now = utcnow()
        folder = path if path.is_dir() else None
        try:
            destination = (
                backups.dated_path(path, backups.kind_of(url), now=now) if folder else path
            )
            copied = backups.backup(url, destination)
        except InvalidInput as error:
            raise click.ClickException(error.message) from error
        click.echo(
            f"Backed up the {copied.kind} database to {copied.path} "
            f"({copied.size_bytes:,} bytes in {copied.seconds:.1f} s)."
        )
        if folder:
            keep = current_app.config["BACKUP_KEEP_DAYS"]
            for gone in backups.prune(folder, keep_days=keep, now=now):
                click.echo(f"Deleted {gone.name}: it was more than {keep} days old.")

    @group.command("restore")
    @click.argument("path", type=click.Path(dir_okay=False, exists=True, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace a database that holds data.")
    def restore_command(path: Path, force: bool) -> None:
        """Replace the database with the backup at PATH (stop the site first)."""
        url = current_app.config["SQLALCHEMY_DATABASE_URI"]
        if backups.is_live(db.engine) and not force:
            raise click.ClickException(
                "This database holds data. Stop the site, then run the restore again with "
                "--force to replace everything in it with the backup."
            )
        tombstones = _tombstones()
        db.session.remove()
        db.engine.dispose()
        try:
            copied = backups.restore(url, path)
        except InvalidInput as error:
            raise click.ClickException(error.message) from error
        # A backup from an older release is brought up to this one's tables.
        upgrade()
        now = utcnow()
        again = reapply_deletions(tombstones, now=now)
        purged = purge_personal_data(older_than_days=current_app.config["RETENTION_DAYS"], now=now)
        db.session.commit()
        click.echo(f"Restored the {copied.kind} database from {copied.path}.")
        if again:
            click.echo(
                f"Deleted the details of {again} people again: they had asked us to "
                "after this backup was taken."
            )
        if purged:
            click.echo(f"Anonymised {purged} registrations past the retention period.")
