"""A screenshot of every page, for review: `make screenshots` (or `python -m tools.screenshots`).

Serves a copy of the demo week, visits every page of the app's URL map (public pages signed
out at 320 and 1280 px, back-office pages signed in at 1280 px; the week, an event and a
ticket also in Welsh and in Arabic, `--only /ar/`), writes full-page PNGs and an
index.html into screenshots/, and checks that no page's content sits against the header or
the footer. Prints the routes it could not visit and the pages that failed; exits 1 if any
page failed.
"""

from __future__ import annotations

import argparse
import html
import shutil
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from tests.e2e.demo_site import load_demo_week
from tests.e2e.signup_storm import server_env
from tests.support.browser import launch_chromium
from tests.support.live_server import live_server, run_flask
from tools import screenshot_demo, screenshot_pages

OUT = Path(__file__).resolve().parents[1] / "screenshots"
# Content must clear the header and the footer by this much (px), at every width.
MIN_GAP = 8
PAGE_HEIGHT = 800

# Where the header ends, where <main>'s first and last visible children start and end, and
# where the footer starts, in page coordinates. Absolutely placed children (a skip link, a
# visually hidden heading) are not part of the flow, so they are left out.
MEASURE = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {top: r.top + scrollY, bottom: r.bottom + scrollY}; };
  const shown = (el) => { const s = getComputedStyle(el), r = el.getBoundingClientRect();
    return s.display !== 'none' && s.visibility !== 'hidden' && s.position !== 'absolute'
      && s.position !== 'fixed' && r.height > 1; };
  const name = (el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : '');
  const header = document.querySelector('body > header, header.site-header');
  const footer = document.querySelector('body > footer, footer.site-footer');
  const main = document.querySelector('main');
  if (!main) return {main: false};
  const kids = main ? [...main.children].filter(shown) : [];
  const first = kids[0], last = kids[kids.length - 1];
  return {
    main: true,
    header_bottom: header ? box(header).bottom : null,
    footer_top: footer ? box(footer).top : null,
    first_top: first ? box(first).top : null, first: first ? name(first) : '',
    last_bottom: last ? box(last).bottom : null, last: last ? name(last) : '',
  };
}"""


def layout_problems(measured: dict) -> list[str]:
    """What is wrong with a page's spacing, from MEASURE's figures (empty when nothing)."""
    problems = []
    if measured.get("main") is False:
        return []  # not one of our pages (an email's HTML shown as it is): nothing to check
    if measured.get("first_top") is None:
        return ["<main> has nothing visible in it"]
    header, footer = measured.get("header_bottom"), measured.get("footer_top")
    if header is not None and measured["first_top"] - header < MIN_GAP:
        gap = measured["first_top"] - header
        problems.append(f"{measured['first']} is {gap:.0f}px below the header (< {MIN_GAP})")
    if footer is not None and footer - measured["last_bottom"] < MIN_GAP:
        gap = footer - measured["last_bottom"]
        problems.append(f"{measured['last']} is {gap:.0f}px above the footer (< {MIN_GAP})")
    return problems


def check_page(page: Page) -> list[str]:
    """The spacing problems of the page open in `page`."""
    return layout_problems(page.evaluate(MEASURE))


@dataclass
class Shot:
    """One page at one width: its picture, where it ended up, and what was wrong."""

    page: screenshot_pages.Page
    width: int
    file: str
    status: int | None = None
    landed: str = ""
    problems: list[str] = field(default_factory=list)


def sign_in(context: BrowserContext, url: str, email: str) -> None:
    page = context.new_page()
    page.goto(url + "/sign-in")
    page.fill("#email", email)
    page.fill("#password", screenshot_demo.PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    if "/sign-in" in page.url:
        raise RuntimeError(f"could not sign in as {email}: {page.inner_text('main')[:300]}")
    page.close()


def take(context: BrowserContext, url: str, item: screenshot_pages.Page, width: int) -> Shot:
    shot = Shot(item, width, item.file_name(width))
    page = context.new_page()
    try:
        page.set_viewport_size({"width": width, "height": PAGE_HEIGHT})
        response = page.goto(url + item.path, wait_until="load")
        shot.status = response.status if response else None
        shot.landed = page.url.removeprefix(url)
        page.screenshot(path=str(OUT / shot.file), full_page=True)
        shot.problems = check_page(page)
        if shot.status is None or shot.status >= 400:
            shot.problems.insert(0, f"answered {shot.status}")
    finally:
        page.close()
    return shot


def write_index(shots: list[Shot], left_out: list[str]) -> None:
    rows = []
    for shot in shots:
        note = "; ".join(shot.problems) or "OK"
        moved = f" → {html.escape(shot.landed)}" if shot.landed != shot.page.path else ""
        rows.append(
            f'<figure class="{"bad" if shot.problems else "ok"}"><figcaption>'
            f"<b>{html.escape(shot.page.path)}</b>{moved} · {shot.width}px · {shot.status} · "
            f"{html.escape(note)}</figcaption>"
            f'<a href="{shot.file}"><img src="{shot.file}" alt="{html.escape(shot.page.path)} '
            f'at {shot.width}px" loading="lazy" width="{min(shot.width, 640)}"></a></figure>'
        )
    skipped = "".join(f"<li>{html.escape(line)}</li>" for line in left_out)
    (OUT / "index.html").write_text(
        '<!doctype html><html lang="en-GB"><meta charset="utf-8"><title>Screenshots</title>'
        "<style>body{font-family:sans-serif;margin:1rem}figure{display:inline-block;"
        "vertical-align:top;margin:0 1rem 2rem 0;max-width:660px}img{border:1px solid #999;"
        "height:auto}.bad figcaption{color:#b00}</style>"
        f"<h1>{len(shots)} screenshots</h1>{''.join(rows)}"
        f"<h2>Not visited</h2><ul>{skipped}</ul></html>\n",
        encoding="utf-8",
    )


@contextmanager
def _tour_site(tmp: Path) -> Iterator[tuple[str, list[screenshot_pages.Page], list[str]]]:
    loaded, served = tmp / "week", tmp / "site"
    loaded.mkdir()
    week = load_demo_week(loaded)
    env = server_env(f"sqlite:///{week}", loaded)
    run_flask(["nclw", "send-mail"], env)  # so the development mailbox has emails to show
    with screenshot_demo.demo_app(env) as app:
        values = screenshot_demo.prepare(loaded / "mail")
        pages, left_out = screenshot_pages.plan_tour(app, values)
    assert not Path(f"{week}-wal").exists(), "the demo database was left mid-write"
    # The server runs a copy in its own instance folder, as the browser tests' demo site
    # does (tests/e2e/demo_site.py); the mailbox goes with it. A busy machine may take a
    # while to start it.
    served.mkdir()
    if (loaded / "mail").is_dir():
        shutil.copytree(loaded / "mail", served / "mail")
    shutil.copyfile(week, served / "demo.sqlite")
    with live_server(
        server_env(f"sqlite:///{served / 'demo.sqlite'}", served), timeout=120
    ) as site:
        yield site.url, pages, left_out


def run(only: str = "") -> int:
    OUT.mkdir(exist_ok=True)
    for old in OUT.glob("*.png"):
        old.unlink()
    shots: list[Shot] = []
    with (
        tempfile.TemporaryDirectory(prefix="nclw-screenshots-") as folder,
        _tour_site(Path(folder)) as (url, pages, left_out),
        sync_playwright() as pw,
    ):
        browser = launch_chromium(pw)
        pages = [page for page in pages if only in page.path]
        shots = _shoot_all(browser, url, pages)
        browser.close()
    write_index(shots, left_out)
    print(f"\n{len(shots)} screenshots in {OUT}/ (open index.html)")
    print("\nGET routes not visited:")
    for line in left_out:
        print(f"  {line}")
    failed = [shot for shot in shots if shot.problems]
    if failed:
        print(f"\n{len(failed)} page(s) failed the checks:")
        for shot in failed:
            print(f"  {shot.page.path} at {shot.width}px: {'; '.join(shot.problems)}")
    return 1 if failed else 0


def _shoot_all(browser: Browser, url: str, pages: list[screenshot_pages.Page]) -> list[Shot]:
    public = browser.new_context()
    organiser = browser.new_context()
    sign_in(organiser, url, screenshot_demo.ORGANISER_EMAIL)
    partner = browser.new_context()
    sign_in(partner, url, screenshot_demo.PARTNER_EMAIL)
    door = browser.new_context()
    sign_in(door, url, screenshot_demo.DOOR_EMAIL)
    shots = []
    for item in pages:
        if not item.back_office:
            context = public
        else:
            context = partner if item.partner else door if item.door else organiser
        for width in item.widths:
            shot = take(context, url, item, width)
            print(f"{'FAIL' if shot.problems else 'ok  '} {width:>4} {item.path}", flush=True)
            shots.append(shot)
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="", help="only pages whose address contains this")
    sys.exit(run(parser.parse_args().only))


if __name__ == "__main__":
    main()
