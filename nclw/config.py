"""Settings read from the environment (and an optional .env file)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from dotenv import load_dotenv

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET = "dev-only-not-secret"


class ConfigurationError(RuntimeError):
    """The app was started with settings it must not run with."""


def _flag(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _flag_or_none(name: str) -> bool | None:
    return _flag(name) if os.environ.get(name, "").strip() else None


def _int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def instance_path() -> str:
    """Where the SQLite database, generated secret and development mail live."""
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    return os.environ.get("NCLW_INSTANCE_PATH") or str(PROJECT_ROOT / "instance")


def _key(instance: str, name: str, file_name: str) -> str | None:
    """A key from the environment, else the one `make` generated into the instance folder
    (so a newcomer never runs on a known key), else None."""
    if os.environ.get(name):
        return os.environ[name]
    generated = Path(instance) / file_name
    if generated.exists():
        return generated.read_text().strip()
    return None


def load_settings(instance: str) -> dict[str, Any]:
    """Read every setting the app uses from the environment."""
    environment = os.environ.get("NCLW_ENV", "production").lower()
    development = environment in {"development", "dev"}
    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{Path(instance) / 'nclw.sqlite'}"
    if database_url.startswith("postgres://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgres://")
    elif database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    mail_server = os.environ.get("MAIL_SERVER") or None
    limits_store = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    return {
        "NCLW_ENV": environment,
        "DEVELOPMENT": development,
        "SECRET_KEY": _key(instance, "SECRET_KEY", "secret_key"),
        "SQLALCHEMY_DATABASE_URI": database_url,
        # hide_parameters: an error in the log never shows what a person typed (their name,
        # their email address), only the statement.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "SITE_URL": os.environ.get("SITE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "SITE_NAME": "NCLW Events",
        "CONTACT_EMAIL": os.environ.get("CONTACT_EMAIL", "hello@nclw-events.org.uk"),
        # Named in the privacy notice and the accessibility statement: who is responsible for
        # people's details in law, and who runs the site.
        "DATA_CONTROLLER": os.environ.get("DATA_CONTROLLER", "NCLW Events"),
        # Mail: with no MAIL_SERVER, messages are written as .eml files under the instance folder.
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _flag("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _flag("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "NCLW Events <tickets@nclw-events.org.uk>"
        ),
        # Invites ask calendars to reply to rsvp+<code>@<this domain>, which the mail server
        # hands to `flask nclw receive-mail`. Unset, invites name MAIL_DEFAULT_SENDER as before.
        "RSVP_ADDRESS_DOMAIN": (os.environ.get("RSVP_ADDRESS_DOMAIN") or "").strip().lower()
        or None,
        "MAIL_FILE_DIRECTORY": str(Path(instance) / "mail"),
        # Never let Flask-Mail silently drop mail (its default under TESTING): with no
        # MAIL_SERVER the outbox writes .eml files instead.
        "MAIL_SUPPRESS_SEND": False,
        # Send the outbox from a background thread right after each commit (off the request
        # path). The `flask nclw send-mail` worker is the safety net and the production path.
        "MAIL_SEND_AFTER_COMMIT": _flag("MAIL_SEND_AFTER_COMMIT", True),
        # The mail server takes addresses like josé@example.org (it offers SMTPUTF8). Off,
        # such addresses are refused at sign-up rather than failing at every email.
        "MAIL_SMTPUTF8": _flag("MAIL_SMTPUTF8"),
        # How long a sender's claim on a batch lasts unless renewed (it renews every quarter
        # of it): mail held by a sender that was killed goes out again after this.
        "MAIL_CLAIM_LEASE_SECONDS": _int("MAIL_CLAIM_LEASE_SECONDS", 40),
        "RATELIMIT_STORAGE_URI": limits_store,
        # A store that does not answer within a second counts as down (see the fallback below).
        "RATELIMIT_STORAGE_OPTIONS": (
            {"socket_connect_timeout": 1, "socket_timeout": 1}
            if limits_store.startswith(("redis://", "rediss://"))
            else {}
        ),
        "RATELIMIT_ENABLED": _flag("RATELIMIT_ENABLED", True),
        "RATELIMIT_HEADERS_ENABLED": False,
        # If the shared store (Redis) cannot be reached, count in this process instead (and
        # log it), and never refuse a sign-up because the counting failed.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 1024 * 1024),
        # How many proxies in front of the site add X-Forwarded-For / -Proto (0: none; the
        # headers are then ignored, so a client cannot choose its own address).
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_SECURE": not development,
        "REMEMBER_COOKIE_HTTPONLY": True,
        # A staff sign-in ends this long after the last page used, and this long after it began.
        "STAFF_IDLE_MINUTES": _int("STAFF_IDLE_MINUTES", 30),
        "STAFF_SIGN_IN_HOURS": _int("STAFF_SIGN_IN_HOURS", 12),
        "RETENTION_DAYS": _int("RETENTION_DAYS", 90),
        # `flask nclw backup FOLDER` deletes its backups older than this; the privacy notice
        # says so.
        "BACKUP_KEEP_DAYS": _int("BACKUP_KEEP_DAYS", 30),
        # /readyz says "not ready" when the oldest email waiting to go is older than this:
        # the mail sender has stopped, or the mail server refuses everything.
        "READY_OUTBOX_MAX_AGE_SECONDS": _int("READY_OUTBOX_MAX_AGE_SECONDS", 15 * 60),
        # /metrics answers only a scrape that sends "Authorization: Bearer <this>"; unset, the
        # page does not exist. (Or serve it to the scraper alone: see the README.)
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
        "TOKEN_HASH_KEY": os.environ.get("TOKEN_HASH_KEY") or None,
        # Organisers must turn on two-step sign-in before they can use the back office. Unset,
        # it is on in production and off in development and tests (see by_environment).
        "TWO_STEP_REQUIRED_FOR_ORGANISERS": _flag_or_none("TWO_STEP_REQUIRED_FOR_ORGANISERS"),
        # Wrong passwords (and two-step codes) for one address, from anywhere, before signing
        # in with a password pauses for it (a one-time link by email still works);
        # Flask-Limiter's notation.
        "SIGN_IN_PAUSE_AFTER": os.environ.get("SIGN_IN_PAUSE_AFTER") or "50 per hour",
        # Per ticket, or per address where anyone may ask; Flask-Limiter's notation.
        "QUESTION_RATE_LIMIT": os.environ.get("QUESTION_RATE_LIMIT") or "5 per 10 minutes",
        # Votes without a ticket counted from one network address (an IPv6 /64) on one
        # question: a few people may share a connection, one person can make endless cookies.
        "QUESTION_VOTES_PER_ADDRESS": _int("QUESTION_VOTES_PER_ADDRESS", 3),
        # Keys the hashes that let askers find their questions again. Required in production,
        # and different from the other keys (see refuse_weak_secret); in development and
        # tests TOKEN_HASH_KEY and then SECRET_KEY stand in.
        "QUESTION_ASKER_KEY": _key(instance, "QUESTION_ASKER_KEY", "asker_key"),
    }


def by_environment(config: dict[str, Any]) -> None:
    """Fill in the settings left unset whose default differs between a real site and a
    developer's or the tests' (known only once the app's own overrides are in)."""
    if config.get("TWO_STEP_REQUIRED_FOR_ORGANISERS") is None:
        real_site = not (config.get("TESTING") or config.get("DEVELOPMENT"))
        config["TWO_STEP_REQUIRED_FOR_ORGANISERS"] = real_site


def refuse_weak_secret(config: dict[str, Any]) -> None:
    """Outside testing and development, refuse to start without real, separate keys."""
    if config.get("TESTING") or config.get("DEVELOPMENT"):
        if not config.get("SECRET_KEY"):
            config["SECRET_KEY"] = DEVELOPMENT_SECRET
        return
    secret = config.get("SECRET_KEY") or ""
    if len(secret) < 32 or secret == DEVELOPMENT_SECRET:
        raise ConfigurationError(
            "SECRET_KEY is missing or too short. Set SECRET_KEY to at least 32 random "
            "characters (python -c 'import secrets; print(secrets.token_urlsafe(48))')."
        )
    # Who asked which question must not follow from the database plus the key that signs
    # sessions: the asker key is kept apart from the others.
    asker_key = config.get("QUESTION_ASKER_KEY") or ""
    if len(asker_key) < 32 or asker_key in (secret, config.get("TOKEN_HASH_KEY")):
        raise ConfigurationError(
            "QUESTION_ASKER_KEY is missing, too short or the same as another key. Set it to at "
            "least 32 random characters, different from SECRET_KEY and TOKEN_HASH_KEY, and "
            "keep it out of database backups."
        )
