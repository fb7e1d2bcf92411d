"""Template filters and globals shared by every page and email."""

from __future__ import annotations

import contextlib
import os

from flask import Flask
from flask_babel import force_locale, get_translations
from jinja2 import FileSystemBytecodeCache
from jinja2.bccache import Bucket

from nclw import timezones
from nclw.forms import error_summary_items
from nclw.i18n import LANGUAGES
from nclw.wording import plural


def init_templating(app: Flask) -> None:
    """Register the filters that turn UTC instants into UK wording."""
    app.jinja_env.filters["when"] = lambda event: timezones.format_when(
        event.starts_at, event.ends_at
    )
    app.jinja_env.filters["day"] = timezones.format_day
    app.jinja_env.filters["clock"] = timezones.format_time
    app.jinja_env.filters["moment"] = timezones.format_moment
    app.jinja_env.filters["stamp"] = timezones.format_stamp
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]
    app.jinja_env.globals["error_summary_items"] = error_summary_items
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    if not app.testing:  # the tests keep theirs in memory (tests/conftest.py)
        with contextlib.suppress(OSError, RuntimeError):  # no safe folder: compile each time
            # systemd's CacheDirectory= (deploy/systemd) outlives a restart; else Jinja's own.
            folder = os.environ.get("CACHE_DIRECTORY")
            kept = os.path.join(folder.split(":")[0], "templates") if folder else None
            if kept:
                os.makedirs(kept, mode=0o700, exist_ok=True)
            app.jinja_env.bytecode_cache = _CompiledTemplates(kept)


class _CompiledTemplates(FileSystemBytecodeCache):
    """Compiled templates kept on disk (in systemd's cache folder for the service, else in
    Jinja's own folder for this user, made private to it), so a restart or a new worker
    loads them instead of compiling 200 templates again. Each is kept under its source's
    checksum: an edited template is compiled afresh."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):  # a full disk is no reason to fail a page
            super().dump_bytecode(bucket)


def warm(app: Flask) -> None:
    """Compile every template and load each language's messages, in this process.

    gunicorn's master does this before it forks the workers (gunicorn.conf.py): they then
    start with both, and share the memory, rather than each making them on its first
    requests, which made the first sign-ups after a start the slowest of the day.
    """
    environment = app.jinja_env
    for name in environment.list_templates():
        environment.get_template(name)
    with app.test_request_context():
        for code in LANGUAGES:
            with force_locale(code):
                get_translations()
