"""Attendee export of many registrations: seconds and peak memory, in a fresh process.

`python -m bench.export URL WORKDIR ROWS` seeds ROWS registrations on one event in a child
process (so seeding memory is not counted), then exports them in another and prints JSON.
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import time
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SLUG = "export-everyone"


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _app(url: str, workdir: str):
    from bench.run import app_for

    return app_for(url, Path(workdir))


def seed(url: str, workdir: str, rows: int) -> None:
    """One event with `rows` registrations, signed up over months, a third checked in."""
    import sqlalchemy as sa

    from bench.seed import insert_registrations, make_bench_event
    from nclw.events.models import Edition, Organisation
    from nclw.extensions import db
    from nclw.registrations.models import Registration

    app = _app(url, workdir)
    with app.app_context():
        edition = db.session.scalar(sa.select(Edition).order_by(Edition.starts_on.desc()))
        host = db.session.scalar(sa.select(Organisation).order_by(Organisation.id))
        event = make_bench_event(edition, host, SLUG, None)
        insert_registrations(event, rows, prefix="x")
        _spread_over_time(event, Registration)


def _spread_over_time(event, Registration) -> None:
    """Every sign-up time different (across a clock change), as in real life.

    Registrations inserted in one go share one timestamp, which would let the export format
    one date 100,000 times; real exports format a different time on nearly every row.
    """
    from datetime import timedelta

    import sqlalchemy as sa

    from nclw.extensions import db

    ids = db.session.scalars(
        sa.select(Registration.id)
        .where(Registration.event_id == event.id)
        .order_by(Registration.id)
    ).all()
    for start in range(0, len(ids), 5000):
        db.session.execute(
            sa.update(Registration),
            [
                {
                    "id": id_,
                    "created_at": event.starts_at - timedelta(seconds=137 * (n + 1)),
                    "checked_in_at": (
                        event.starts_at + timedelta(seconds=n % 3600) if n % 3 == 0 else None
                    ),
                    "organisation_name": "Leaving Care Team, Anytown" if n % 4 == 0 else None,
                    "job_role": "Personal adviser" if n % 4 == 0 else None,
                }
                for n, id_ in enumerate(ids[start : start + 5000], start)
            ],
        )
    db.session.commit()


def export(url: str, workdir: str) -> dict:
    """Run the back office's CSV export of the event to a file; time and peak RSS."""
    import sqlalchemy as sa

    from nclw.events.models import Event
    from nclw.extensions import db

    app = _app(url, workdir)
    target = Path(workdir) / "export.csv"
    with app.app_context(), app.test_request_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == SLUG))
        from nclw.backoffice import exports  # written by the back office; may not exist yet

        baseline = _rss_mb()
        started = time.perf_counter()
        written = 0
        rows = exports.export_rows(exports.registrations_query(event=event), list(exports.COLUMNS))
        with target.open("wb") as out:
            for chunk in exports.csv_stream(rows):
                written += len(chunk)
                out.write(chunk)
        seconds = time.perf_counter() - started
        lines = target.read_bytes().count(b"\r\n") - 1  # less the heading row
        rows = db.session.scalar(
            sa.text("select count(*) from registrations where event_id = :id"), {"id": event.id}
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {
        "format": "CSV",
        "rows": rows,
        "lines": lines,
        "columns": len(exports.COLUMNS),
        "seconds": seconds,
        "bytes": written,
        "peak_rss_mb": peak,
        "baseline_rss_mb": baseline,
    }


def main(argv: list[str]) -> int:
    if argv[0] == "seed":
        seed(argv[1], argv[2], int(argv[3]))
        return 0
    if argv[0] == "run":
        print(json.dumps(export(argv[1], argv[2])))
        return 0
    url, workdir, rows = argv[0], argv[1], argv[2]
    subprocess.run(
        [sys.executable, "-m", "bench.export", "seed", url, workdir, rows],
        cwd=PROJECT_ROOT,
        check=True,
    )
    result = subprocess.run(
        [sys.executable, "-m", "bench.export", "run", url, workdir],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    sys.stderr.write(result.stderr)
    print(result.stdout.strip())
    return result.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
