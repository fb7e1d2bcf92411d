"""Pytest fixtures for tests.support; load via `pytest_plugins = ["tests.support.fixtures"]`."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Error, Page, sync_playwright

from tests.support.browser import (
    CHROMIUM_PATH,
    PHONE_VIEWPORT,
    chromium_available,
    launch_chromium,
    new_page,
)
from tests.support.ci import unavailable
from tests.support.postgres import require_server, throwaway_database
from tests.support.smtp import SmtpSink, smtp_sink

__all__ = ["browser", "page", "postgres_database_url", "smtp_server", "viewport"]


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    """A running loopback SMTP sink that records messages; see tests.support.smtp."""
    with smtp_sink() as sink:
        yield sink


@pytest.fixture
def postgres_database_url() -> Iterator[str]:
    """URL of a fresh, empty PostgreSQL database, dropped afterwards (skip/fail if no server)."""
    require_server()
    with throwaway_database() as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium shared by the session (skip/fail if it is missing)."""
    ok, reason = chromium_available()
    if not ok:
        unavailable(reason)
    with sync_playwright() as playwright:
        try:
            chromium = launch_chromium(playwright)
        except Error as exc:
            unavailable(f"Chromium at {CHROMIUM_PATH} failed to launch: {exc.message}")
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def viewport() -> dict[str, int]:
    """Viewport for `page`; override with @pytest.mark.parametrize("viewport", [...])."""
    return dict(PHONE_VIEWPORT)


@pytest.fixture
def page(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    """A page in a fresh browser context, phone-sized (360x740) by default."""
    with new_page(browser, viewport) as fresh:
        yield fresh
