"""More sections for an event's report, given by the features that own them.

An event's report shows its sign-up figures; other features (feedback from the people who
came, say) add a section of their own here rather than the report importing them: they sit
above the report in the layers, as the Q&A sits above tickets.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from nclw.events.models import Event

_SECTIONS_KEY = "nclw_report_sections"


@dataclass(frozen=True)
class ReportSection:
    """One more section of an event's report: a heading, and a partial that draws it.

    `template` is rendered with `section` (this) and `report`; `csv_rows` (label, value)
    are added to the end of the event's CSV. Like every figure in a report, nothing in a
    section may identify a person.
    """

    title: str
    template: str
    data: Any = None
    csv_rows: Sequence[tuple[str, str]] = field(default_factory=tuple)


SectionBuilder = Callable[[Event], ReportSection | None]


def add_report_section(app: Flask, build: SectionBuilder) -> None:
    """Add a section to every event's report: `build(event)` gives it, or None to leave it out.

    Sections appear in the order they were added, after the figures (see create_app).
    """
    app.extensions.setdefault(_SECTIONS_KEY, []).append(build)


def sections_for(event: Event) -> list[ReportSection]:
    """The extra sections of this event's report."""
    builders: list[SectionBuilder] = current_app.extensions.get(_SECTIONS_KEY, [])
    return [section for build in builders if (section := build(event)) is not None]
