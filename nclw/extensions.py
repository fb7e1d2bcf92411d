"""The Flask extensions, created once and bound to the app in the factory."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, session
from flask.logging import default_handler
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase

from nclw.sqlite import tune_sqlite_connections

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
mail = Mail()
csrf = CSRFProtect()


class _LoginManager(LoginManager):
    """Flask-Login's manager, whose strong session protection guards signed-in sessions only.

    Flask-Login also "protects" a visitor's session that holds nothing but a form's token (it
    has no address to compare): it marks that session changed on every request, so each answer
    to a young person signing up re-signed and re-sent their session cookie and deleted a
    remember-me cookie nobody had set. A signed-in session is checked as before: used from
    another address or browser, it is emptied and the person is signed out.
    """

    def _session_protection_failed(self) -> bool:
        if "_user_id" not in session:
            return False
        return super()._session_protection_failed()


login_manager = _LoginManager()
limiter = Limiter(key_func=get_remote_address, default_limits=[])


# Every SQLite connection: foreign keys, WAL, and reading a database the site cannot write.
tune_sqlite_connections()


_LIMITER_LOG = logging.getLogger("flask-limiter")


def _end_the_session(_error: BaseException | None) -> None:
    """End the request's database session, even on a connection the database has dropped.

    Registered after Flask-SQLAlchemy's own teardown, so it runs first. Ending the session
    rolls back whatever is still open; when the connection was dropped meanwhile, that
    rollback fails. The page is drawn by then, and any change it reports was committed:
    the failure must not turn it into a 500, so the connection is thrown away instead.
    """
    try:
        db.session.remove()
    except DBAPIError:
        logging.getLogger(__name__).warning(
            "The database connection was lost as a request ended; what it had saved stands."
        )
        db.session().invalidate()
        db.session.registry.clear()


# Next to the package, so `flask db` works from any folder.
_MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def init_extensions(app: Flask) -> None:
    """Bind every extension to the app."""
    db.init_app(app)
    app.teardown_appcontext(_end_the_session)
    migrate.init_app(app, db, directory=str(_MIGRATIONS), render_as_batch=True, compare_type=True)
    mail.init_app(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.sign_in"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
    # One Limiter serves every app made in this process, and it keeps the first default limits
    # it was given: clear them so that each app's RATELIMIT_DEFAULT (or none) is its own.
    limiter.limit_manager.set_default_limits([])
    limiter.init_app(app)
    # Flask-Limiter says when its store is down (and limits go per process) on its own
    # logger, which has no handler of its own: under gunicorn that warning went nowhere.
    if not [h for h in _LIMITER_LOG.handlers if not isinstance(h, logging.NullHandler)]:
        _LIMITER_LOG.addHandler(default_handler)
