"""Write the site's icons from the logo mark: `python -m tools.make_icons` (then commit them).

favicon.ico (16, 32 and 48 px), apple-touch-icon.png (180 px) and icon.svg, in static/icons/.
They are files rather than pages so a browser asking for /favicon.ico costs the app nothing.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image

from nclw.pages import logo

ICONS = Path(__file__).resolve().parents[1] / "static" / "icons"
ICO_SIZES = [(16, 16), (32, 32), (48, 48)]


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    # Each size drawn at its own size: sharper than one picture scaled down.
    small = [logo.mark_image(size) for size, _ in ICO_SIZES]
    small[-1].save(ICONS / "favicon.ico", sizes=ICO_SIZES, append_images=small[:-1])
    # iOS draws its own rounded corners and shows transparency as black: a full navy tile.
    touch = logo.mark_image(180)
    tile = Image.new("RGB", touch.size, logo.NAVY)
    tile.paste(touch, mask=touch)
    tile.save(ICONS / "apple-touch-icon.png", optimize=True)
    (ICONS / "icon.svg").write_text(logo.mark_svg(), encoding="utf-8")
    for path in sorted(ICONS.iterdir()):
        print(f"{path.relative_to(ICONS.parent.parent)}  {path.stat().st_size} bytes")


if __name__ == "__main__":
    main()
