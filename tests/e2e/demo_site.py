"""The demo week served by gunicorn, as `make run` would serve it, for the browser tests.

With no mail server the site writes its emails to its instance folder's `mail/`, read at
/dev/mail (the development mailbox); a person reaches their ticket through the link there.
"""

from __future__ import annotations

import shutil
import sqlite3
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

from tests.e2e.signup_storm import server_env
from tests.support.live_server import LiveServer, live_server, run_flask
from tests.support.migrated import upgrade_to_heads
from tests.support.tickets import ticket_token_in


@dataclass
class DemoSite:
    """A running demo site and the slugs of its events, in time order."""

    server: LiveServer
    database: Path
    slugs: dict[str, str]  # a word from the title -> slug

    @property
    def url(self) -> str:
        return self.server.url

    @property
    def host(self) -> str:
        return urlsplit(self.server.url).netloc

    def slug(self, word: str) -> str:
        return next(slug for title, slug in self.slugs.items() if word.lower() in title.lower())

    def fetch(self, path: str) -> bytes:
        with urllib.request.urlopen(self.url + path, timeout=30) as response:
            return response.read()

    def query(self, sql: str, *params) -> list[tuple]:
        with sqlite3.connect(self.database) as conn:
            return conn.execute(sql, params).fetchall()

    def open_emailed_ticket(self, page: Page, address: str, subject_start: str) -> str:
        """From the "Check your email" page, as the person would: follow its link to the
        development mailbox, send what is waiting, open the newest email to `address` whose
        subject starts so, and follow its ticket link.

        The page is left on the ticket; returns its path. Only for a site without a mail server.
        """
        assert page.inner_text("h1") == "Check your email", page.inner_text("main")
        with page.expect_navigation():
            page.click("main a:has-text('development mailbox')")
        with page.expect_navigation():
            page.get_by_role("button", name="Send waiting emails now").click()
        emails = page.locator(".event-card").filter(has_text=address)
        subject = emails.get_by_role("link").filter(has_text=subject_start).first
        with page.expect_navigation():
            subject.click()
        assert page.inner_text("h1").startswith(subject_start), page.inner_text("main")
        # The plain-text body shows the link as text: its path, on this test server.
        path = f"/tickets/{ticket_token_in(page.inner_text('pre.mail-text'))}"
        response = page.goto(self.url + path)
        assert response is not None and response.status == 200, path
        return path


def load_demo_week(tmp: Path) -> Path:
    """Migrate an empty SQLite file in `tmp` and load the demo week, as `make run` does."""
    database = tmp / "demo.sqlite"
    env = server_env(f"sqlite:///{database}", tmp)
    upgrade_to_heads(env)
    run_flask(["nclw", "seed-demo", "--if-empty"], env)
    # The flask processes have exited, so the write-ahead log is folded into the file.
    assert not Path(f"{database}-wal").exists(), "the demo database was left mid-write"
    return database


@contextmanager
def demo_site(
    tmp: Path, demo_week: Path, extra_env: Mapping[str, str] | None = None
) -> Iterator[DemoSite]:
    """Serve a copy of the loaded demo week (see `load_demo_week`) with two workers."""
    database = tmp / "demo.sqlite"
    shutil.copyfile(demo_week, database)
    env = {**server_env(f"sqlite:///{database}", tmp), **(extra_env or {})}
    with sqlite3.connect(database) as conn:
        slugs = dict(conn.execute("SELECT title, slug FROM events ORDER BY starts_at"))
    with live_server(env, workers=2) as server:
        yield DemoSite(server, database, slugs)
