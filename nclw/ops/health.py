"""Is the site alive, and is it ready to take sign-ups? Answers for an uptime monitor.

Both answers are cheap enough to ask every ten seconds (a handful of one-row queries) and
say nothing about anybody: counts and ages only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask import current_app

from nclw.extensions import db
from nclw.mail.status import mail_health

MIGRATIONS = Path(__file__).resolve().parent.parent.parent / "migrations"


@dataclass
class Readiness:
    """The result of every readiness check, by name."""

    checks: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return all(check["ok"] for check in self.checks.values())

    def as_json(self) -> dict[str, Any]:
        return {"status": "ready" if self.ready else "not ready", "checks": self.checks}


@cache
def migration_heads() -> frozenset[str]:
    """The newest migration(s) this code knows: read from disk once per process."""
    return frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())


@cache
def _redis_client(url: str) -> redis.Redis:
    # One client (and its small pool) per process, with short timeouts: a monitor polling
    # a dead Redis must get its answer within a second or two, not hang.
    return redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)


def _database() -> dict[str, Any]:
    db.session.execute(sa.text("SELECT 1"))
    return {"ok": True}


def _migrations() -> dict[str, Any]:
    applied = frozenset(db.session.scalars(sa.text("SELECT version_num FROM alembic_version")))
    heads = migration_heads()
    if applied == heads:
        return {"ok": True, "revision": sorted(applied)}
    return {
        "ok": False,
        "revision": sorted(applied),
        "expected": sorted(heads),
        "message": "Run `flask --app wsgi db upgrade` to bring the database up to date.",
    }


def _redis() -> dict[str, Any]:
    url = current_app.config.get("RATELIMIT_STORAGE_URI") or ""
    if not url.startswith(("redis://", "rediss://")):
        return {"ok": True, "configured": False}
    try:
        _redis_client(url).ping()
    except redis.RedisError as error:
        return {"ok": False, "configured": True, "message": type(error).__name__}
    return {"ok": True, "configured": True}


def _outbox(now: datetime) -> dict[str, Any]:
    figures = mail_health()
    oldest = figures["oldest_pending_created_at"]
    age = max(0, round((now - oldest).total_seconds())) if oldest else 0
    limit = current_app.config["READY_OUTBOX_MAX_AGE_SECONDS"]
    return {
        "ok": age <= limit,
        "pending": figures["pending"],
        "failed": figures["failed"],
        "oldest_pending_seconds": age,
        "limit_seconds": limit,
    }


def readiness(*, now: datetime) -> Readiness:
    """Database reachable, migrations at head, Redis reachable if used, the outbox moving.

    Each check stands alone: one that fails (or raises) is reported and the rest still run,
    so the answer says everything that is wrong at once.
    """
    result = Readiness()
    checks = (
        ("database", _database),
        ("migrations", _migrations),
        ("redis", _redis),
        ("outbox", lambda: _outbox(now)),
    )
    for name, check in checks:
        try:
            result.checks[name] = check()
        except sa.exc.SQLAlchemyError as error:
            db.session.rollback()
            result.checks[name] = {"ok": False, "message": type(error).__name__}
    return result
