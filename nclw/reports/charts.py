"""Small charts drawn on the server as SVG: no JavaScript, no inline styles (CSP)."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _
from markupsafe import Markup, escape

BAR_COLOUR = "#1d70b8"
TRACK_COLOUR = "#dbdad9"
TEXT_COLOUR = "#0b0c0c"


def capacity_bar(confirmed: int, capacity: int | None) -> Markup:
    """A bar of confirmed places out of the capacity; the words beside it carry the meaning."""
    width = 200
    if capacity:
        filled = round(width * min(confirmed, capacity) / capacity)
    else:
        filled = 0 if capacity == 0 or not confirmed else width
    return Markup(
        '<svg class="capacity-bar" viewBox="0 0 {w} 12" width="{w}" height="12" '
        'aria-hidden="true" focusable="false">'
        '<rect width="{w}" height="12" fill="{track}"/>'
        '<rect width="{filled}" height="12" fill="{colour}"/>'
        "</svg>"
    ).format(w=width, filled=filled, track=TRACK_COLOUR, colour=BAR_COLOUR)


def daily_bars(points: Sequence[tuple[str, int]], *, title: str, chart_id: str = "chart") -> Markup:
    """A bar chart of counts per day (or week), with a text alternative naming every value.

    `chart_id` names the title and description: a page with two charts needs two names.
    """
    if not points:
        return Markup("<p>%s</p>") % _("No sign-ups yet.")
    # Each label takes two lines ("Sun" over "22", "5" over "Oct"), so neighbouring labels
    # never run into each other, even when the chart is shrunk to fit a phone.
    bar_width, gap, chart_height, label_height = 28, 10, 120, 40
    peak = max(count for _label, count in points) or 1
    width = len(points) * (bar_width + gap) + gap
    height = chart_height + label_height
    parts = [_chart_start(points, width=width, height=height, title=title, chart_id=chart_id)]
    for index, (label, count) in enumerate(points):
        first, _space, second = label.partition(" ")
        x = gap + index * (bar_width + gap)
        bar_height = round((chart_height - 16) * count / peak)
        y = chart_height - bar_height
        parts.append(
            Markup(
                '<rect x="{x}" y="{y}" width="{bw}" height="{bh}" fill="{colour}"/>'
                '<text x="{cx}" y="{ty}" font-size="11" text-anchor="middle" '
                'fill="{text}">{count}</text>'
                '<text x="{cx}" y="{ly}" font-size="11" text-anchor="middle" fill="{text}">'
                '<tspan x="{cx}">{first}</tspan><tspan x="{cx}" dy="13">{second}</tspan></text>'
            ).format(
                x=x,
                y=y,
                bw=bar_width,
                bh=bar_height,
                colour=BAR_COLOUR,
                cx=x + bar_width // 2,
                ty=max(y - 3, 10),
                text=TEXT_COLOUR,
                count=count,
                ly=chart_height + 14,
                first=escape(first),
                second=escape(second),
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def horizontal_bars(
    points: Sequence[tuple[str, int]], *, title: str, chart_id: str = "bars"
) -> Markup:
    """One labelled bar per line, longest value widest: reads on a phone without turning it.

    The label sits above its bar rather than beside it, so long labels need no room sideways.
    """
    if not points:
        return Markup("")
    width, bar_height, line_height = 320, 14, 40
    number_room = 48  # the count is written after the bar
    peak = max(count for _label, count in points) or 1
    height = len(points) * line_height
    parts = [_chart_start(points, width=width, height=height, title=title, chart_id=chart_id)]
    for index, (label, count) in enumerate(points):
        top = index * line_height
        bar_width = round((width - number_room) * count / peak)
        parts.append(
            Markup(
                '<text x="0" y="{ly}" font-size="12" fill="{text}">{label}</text>'
                '<rect x="0" y="{by}" width="{bw}" height="{bh}" fill="{colour}"/>'
                '<text x="{nx}" y="{ny}" font-size="12" fill="{text}">{count}</text>'
            ).format(
                ly=top + 13,
                label=escape(label),
                by=top + 18,
                bw=bar_width,
                bh=bar_height,
                colour=BAR_COLOUR,
                nx=bar_width + 4,
                ny=top + 30,
                count=count,
                text=TEXT_COLOUR,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _chart_start(points, *, width: int, height: int, title: str, chart_id: str) -> Markup:
    """An SVG chart's opening tag, with a title and a description a screen reader reads out
    (every figure in words), so the picture never carries meaning alone."""
    description = "; ".join(f"{label}: {count}" for label, count in points)
    return Markup(
        '<svg class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
    ).format(w=width, h=height, title=title, desc=description, id=chart_id)
