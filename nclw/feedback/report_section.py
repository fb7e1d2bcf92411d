"""The feedback survey's part of an event's report: counts and scores, never written words.

The report is read by the host's partners as well as by organisers, so it carries no
written answers (they could name someone, or be recognised); organisers read those on the
event's Feedback page, which the section links to.
"""

from __future__ import annotations

from flask_babel import gettext as _

from nclw.events.models import Event
from nclw.feedback.results import feedback_summary
from nclw.reports.sections import ReportSection


def feedback_section(event: Event) -> ReportSection | None:
    """The section, once a survey has gone out for the event; None before."""
    summary = feedback_summary(event, with_words=False)
    if not summary.sent:
        return None
    rows = [
        ("Feedback surveys sent", str(summary.sent)),
        ("Feedback surveys answered", str(summary.answered)),
    ]
    rows += [
        (f"Average score (out of 5): {result.question.text}", str(result.average))
        for result in summary.questions
        if result.is_rating and result.average is not None
    ]
    return ReportSection(
        title=_("Feedback"),
        template="feedback/_report_section.html",
        data={"summary": summary, "event_id": event.id},
        csv_rows=rows,
    )
