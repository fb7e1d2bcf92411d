"""Where one sign-up's time goes: the sign-up POST profiled in-process, by phase.

Shares of the time, not absolute figures, so they hold on a busy machine too.
"""

from __future__ import annotations

import cProfile
import itertools
import pstats
import time
from pathlib import Path

from werkzeug.test import EnvironBuilder

# (label, file ending, function name): the cumulative time of each, as a share of the POST.
PHASES = [
    ("whole sign-up view", "registrations/views.py", "register"),
    (
        "load the event, and whether it has slots or questions",
        "registrations/sign_up_pages.py",
        "public_event_or_404",
    ),
    ("build the form", "registrations/forms.py", "sign_up_form_for"),
    ("validate_on_submit (incl. CSRF)", "flask_wtf/form.py", "validate_on_submit"),
    ("registrations.services.register", "registrations/services.py", "register"),
    # One statement on PostgreSQL; on SQLite the three steps below it.
    (
        "  take a place, write the ticket, queue its email",
        "registrations/services.py",
        "_write_sign_up",
    ),
    ("    guarded UPDATE (SQLite step)", "registrations/places.py", "take_places"),
    ("    queue the email (SQLite step)", "mail/outbox.py", "queue_email_to_compose"),
    ("  COMMIT", "sqlalchemy/orm/scoping.py", "commit"),
]


def profile_sign_up(url: str, workdir: Path, count: int = 300) -> dict:
    """Sign `count` people up in-process; per-sign-up time and each phase's share."""
    import sqlalchemy as sa

    from bench.run import app_for
    from bench.seed import make_bench_event
    from nclw.events.models import Edition, Organisation
    from nclw.extensions import db

    app = app_for(url, workdir)
    app.config.update(TESTING=False, WTF_CSRF_ENABLED=False)
    slug = f"profile-{int(time.time() * 1000)}"
    with app.app_context():
        edition = db.session.scalar(sa.select(Edition).order_by(Edition.starts_on.desc()))
        host = db.session.scalar(sa.select(Organisation).order_by(Organisation.id))
        make_bench_event(edition, host, slug, count * 3)
        db.session.remove()
    numbers = itertools.count()

    def post() -> None:
        n = next(numbers)
        environ = EnvironBuilder(
            path=f"/events/{slug}/register",
            method="POST",
            data={"first_name": "Sam", "email": f"profile{n}@example.org"},
        ).get_environ()
        statuses = []
        body = app(environ, lambda status, headers, exc_info=None: statuses.append(status))
        b"".join(body)
        body.close()
        # The sign-up answers with its "check your email" page (200), not a redirect.
        if not statuses[0].startswith("200"):
            raise RuntimeError(f"sign-up answered {statuses[0]}")

    def cpu_ms_per_post(n: int) -> float:
        for _ in range(10):
            post()
        started = time.process_time()
        for _ in range(n):
            post()
        return (time.process_time() - started) / n * 1000

    cpu_ms = cpu_ms_per_post(count)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(count):
        post()
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    whole = sum(s[3] for (f, _, fn), s in stats.items() if fn == "__call__" and "flask/app.py" in f)
    shares = {}
    for label, ending, name in PHASES:
        seconds = sum(s[3] for (f, _, fn), s in stats.items() if fn == name and f.endswith(ending))
        shares[label] = seconds / whole if whole else float("nan")
    with app.app_context():
        db.engine.dispose()
    return {"cpu_ms_per_sign_up_in_process": cpu_ms, "shares": shares}


def as_markdown(result: dict) -> list[str]:
    """A small table of the phases."""
    lines = [
        f"In-process CPU per sign-up (no HTTP server, no client): "
        f"{result['cpu_ms_per_sign_up_in_process']:.1f} ms.",
        "",
        "| Phase (cumulative, nested) | Share of the request |",
        "| --- | ---: |",
    ]
    lines += [
        f"| {label.replace('  ', '&emsp;')} | {share:.0%} |"
        for label, share in result["shares"].items()
    ]
    return lines
