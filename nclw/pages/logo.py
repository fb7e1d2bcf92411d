"""The site's logo mark: a warm heart on a navy tile, drawn from one outline.

The favicon, the home-screen icon, the SVG icon and the share images all draw the same
points, so they cannot drift apart. tools/make_icons.py writes the icon files once.
"""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

NAVY = "#1b365d"
WARM = "#f6a04d"  # warm orange: 5.4:1 against the navy, for the mark and the accents
WHITE = "#ffffff"
# Drawn this many times larger, then scaled down, so the edges are smooth.
_SUPERSAMPLE = 4
_POINTS = 48


def heart_outline(size: float) -> list[tuple[float, float]]:
    """The heart's outline in a square of `size`, centred, filling about 60% of it."""
    points = []
    for step in range(_POINTS):
        t = 2 * math.pi * step / _POINTS
        x = 16 * math.sin(t) ** 3
        y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
        # The curve spans x -16..16 and y -17..12: scale it into the middle of the tile.
        scale = size * 0.3 / 16
        points.append((size / 2 + x * scale, size * 0.53 - y * scale))
    return points


def mark_image(size: int) -> Image.Image:
    """The mark as a square RGBA image `size` pixels wide, with rounded corners."""
    big = size * _SUPERSAMPLE
    image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big // 6, fill=NAVY)
    draw.polygon(heart_outline(big), fill=WARM)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def mark_svg() -> str:
    """The mark as a small SVG document (the same outline, in a 64-unit square)."""
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in heart_outline(64))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">'
        f'<rect width="64" height="64" rx="10.7" fill="{NAVY}"/>'
        f'<polygon points="{points}" fill="{WARM}"/>'
        "</svg>\n"
    )
