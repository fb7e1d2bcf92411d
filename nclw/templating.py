"""Template filters and globals shared by every page and email."""

from __future__ import annotations

from flask import Flask

from nclw import timezones
from nclw.forms import error_summary_items
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
    app.jinja_env.filters["duration"] = lambda event: timezones.format_duration(
        event.starts_at, event.ends_at
    )
    app.jinja_env.filters["plural"] = plural
    app.jinja_env.globals["site_name"] = app.config["SITE_NAME"]
    app.jinja_env.globals["error_summary_items"] = error_summary_items
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
