"""Door staff on a 360px phone with JavaScript: results as they type, a ticket scanned by the
camera, and a check-in made with no connection that lands, once, when it comes back.

The camera is Chromium's fake one, playing a video of a real ticket's QR code (made here from
segno's matrix, as a .y4m file). Chromium on Linux has no BarcodeDetector, so this also tests
the vendored jsQR decoder.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
import segno
from playwright.sync_api import Browser, Page, expect

from tests.e2e.demo_site import DemoSite, demo_site
from tests.e2e.test_door_desk import PASSWORD, PHONE, _door_staff, _fits
from tests.support.browser import CHROMIUM_ARGS, CHROMIUM_PATH

pytestmark = pytest.mark.e2e

# The demo conference's first Kai: the ticket the fake camera shows.
SCANNED = "Kai"
WIDTH, HEIGHT = 640, 480


def _conference_reference(database: Path, first_name: str) -> str:
    """The reference of the first ticket with this first name at the demo conference."""
    with sqlite3.connect(database) as conn:
        ((reference,),) = conn.execute(
            "SELECT r.reference FROM registrations r JOIN events e ON e.id = r.event_id"
            " WHERE e.title LIKE 'TOGETHER%' AND r.first_name = ? ORDER BY r.id LIMIT 1",
            (first_name,),
        ).fetchall()
    return reference


def _ticket_qr_text(database: Path, reference: str) -> str:
    """What the QR code on this ticket holds, made by the function the site's QR code uses."""
    import sqlalchemy as sa

    from nclw import create_app
    from nclw.extensions import db
    from nclw.registrations.models import Registration
    from nclw.registrations.ticket_links import ticket_check_in_link

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    with app.test_request_context():
        person = db.session.scalar(sa.select(Registration).filter_by(reference=reference))
        text = ticket_check_in_link(person)
        db.session.remove()
        db.engine.dispose()
    return text


def write_y4m(text: str, path: Path, frames: int = 5) -> None:
    """A few still frames (4:2:0 YUV) of the QR code holding `text`, black on white."""
    rows = list(segno.make(text, error="m").matrix_iter(scale=1, border=4))
    scale = min(WIDTH, HEIGHT) // len(rows)
    size = len(rows) * scale
    left, top = (WIDTH - size) // 2, (HEIGHT - size) // 2
    luma = bytearray([235]) * (WIDTH * HEIGHT)
    for y, row in enumerate(rows):
        for x, dark in enumerate(row):
            if dark:
                for line in range(top + y * scale, top + (y + 1) * scale):
                    start = line * WIDTH + left + x * scale
                    luma[start : start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * ((WIDTH // 2) * (HEIGHT // 2))
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F5:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + bytes(luma) + chroma + chroma)


@pytest.fixture
def camera_browser(browser: Browser, demo_week: Path, tmp_path: Path) -> Iterator[Browser]:
    """Chromium whose camera shows a conference ticket; a browser of its own, as the video is
    chosen when Chromium starts."""
    video = tmp_path / "ticket.y4m"
    write_y4m(_ticket_qr_text(demo_week, _conference_reference(demo_week, SCANNED)), video)
    camera = browser.browser_type.launch(
        executable_path=CHROMIUM_PATH,
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        yield camera
    finally:
        camera.close()


def _checked_in(site: DemoSite, reference: str) -> bool:
    ((when,),) = site.query(
        "SELECT checked_in_at FROM registrations WHERE reference = ?", reference
    )
    return when is not None


def _check_in_audits(site: DemoSite, reference: str) -> int:
    ((count,),) = site.query(
        "SELECT count(*) FROM audit_entries WHERE action = 'registration.checked_in'"
        " AND summary LIKE ?",
        f"{reference} at %",
    )
    return count


def _reference(site: DemoSite, first_name: str) -> str:
    return _conference_reference(site.database, first_name)


def _sign_in_to_the_desk(page: Page, site: DemoSite) -> None:
    page.goto(site.url + "/sign-in")
    page.fill("#email", _door_staff(site))
    page.fill("#password", PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").click()
    with page.expect_navigation():
        page.get_by_role("link", name="check-in desk").first.click()


def test_door_staff_search_as_they_type_scan_a_ticket_and_check_in_offline(
    camera_browser: Browser, tmp_path: Path, demo_week: Path
):
    with demo_site(tmp_path, demo_week) as site:
        context = camera_browser.new_context(viewport=PHONE)
        page = context.new_page()
        try:
            _sign_in_to_the_desk(page, site)
            status = page.locator("#desk-status")
            scan = page.get_by_role("button", name="Scan a ticket")
            expect(scan).to_be_visible()
            _fits(page)

            # Part of a name, no button pressed: the results come as they type.
            priya = _reference(site, "Priya")
            page.locator("#q").press_sequentially("pri", delay=60)
            expect(status).to_have_text("2 people found.")
            results = page.locator(".desk-results")
            expect(results).to_contain_text("Priya")
            assert "Alex" not in results.inner_text()
            assert page.url.endswith("?q=pri")
            _fits(page)
            page.get_by_role("button", name=f"Check in Priya, {priya}").click()
            expect(status).to_have_text(f"{priya} (Priya) is checked in.")
            expect(page.locator("#desk-recent")).to_contain_text(f"{priya} (Priya)")
            assert _checked_in(site, priya)
            _fits(page)
            with page.expect_navigation():
                page.get_by_role("button", name=f"Undo the check-in of Priya, {priya}").click()
            expect(page.locator("main")).to_contain_text(
                f"{priya} (Priya) is no longer checked in."
            )
            assert not _checked_in(site, priya)

            # The camera starts only when asked, reads the ticket, checks them in, and stops.
            kai = _reference(site, SCANNED)
            scan.click()
            expect(page.locator("#scan-video")).to_be_visible()
            expect(status).to_have_text(f"{kai} (Kai) is checked in.", timeout=20_000)
            expect(page.locator("#scan-video")).to_be_hidden()
            expect(scan).to_be_visible()
            assert page.evaluate("() => document.getElementById('scan-video').srcObject") is None
            assert _checked_in(site, kai) and _check_in_audits(site, kai) == 1

            # No connection: the check-in waits on the phone, and lands once when it is back.
            zara = _reference(site, "Zara")
            page.locator("#q").fill("zar")
            expect(status).to_have_text("1 person found.")
            context.set_offline(True)
            page.get_by_role("button", name=f"Check in Zara, {zara}").click()
            waiting = page.locator("#desk-waiting")
            expect(waiting).to_contain_text("1 check-in waiting to send")
            stored = page.evaluate("() => Object.keys(localStorage)")
            assert any(key.startswith("nclw-desk-waiting-") for key in stored)
            assert not _checked_in(site, zara)
            _fits(page)
            context.set_offline(False)
            expect(status).to_have_text(f"{zara} (Zara) is checked in.", timeout=20_000)
            expect(waiting).to_be_hidden()
            page.wait_for_timeout(1500)  # time for any stray second send to arrive
            assert _checked_in(site, zara) and _check_in_audits(site, zara) == 1
            assert page.evaluate("() => Object.keys(localStorage).length") == 0
        finally:
            context.close()
