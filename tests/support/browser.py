"""Headless Debian Chromium via Playwright, plus axe-core accessibility checks."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Playwright

from tests.support.html_validation import html_errors

__all__ = [
    "AxeViolation",
    "assert_no_axe_violations",
    "check_axe",
    "chromium_available",
    "format_violations",
    "html_errors",
    "launch_chromium",
    "new_page",
]

CHROMIUM_PATH = os.environ.get("NCLW_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE_VIEWPORT = {"width": 360, "height": 740}
DESKTOP_VIEWPORT = {"width": 1280, "height": 800}

AXE_JS = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def chromium_available() -> tuple[bool, str]:
    """Return (True, "") if the Debian Chromium binary is present, else (False, reason)."""
    if os.path.isfile(CHROMIUM_PATH) and os.access(CHROMIUM_PATH, os.X_OK):
        return True, ""
    return False, f"Chromium not found at {CHROMIUM_PATH}; apt-get install -y chromium"


def launch_chromium(playwright: Playwright) -> Browser:
    """Launch the system Chromium headless (Playwright's own browser download is not used)."""
    return playwright.chromium.launch(
        executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
    )


@contextmanager
def new_page(
    browser: Browser, viewport: dict[str, int] | None = None, **context_args: Any
) -> Iterator[Page]:
    """Yield a page in a fresh browser context (phone-sized unless `viewport` is given)."""
    context = browser.new_context(viewport=viewport or PHONE_VIEWPORT, **context_args)
    try:
        yield context.new_page()
    finally:
        context.close()


@dataclass(frozen=True)
class AxeViolation:
    """One failed axe-core rule and the elements that failed it."""

    id: str
    impact: str | None
    help: str
    help_url: str
    targets: list[str]

    def __str__(self) -> str:
        where = ", ".join(self.targets) or "(no target)"
        return f"[{self.impact or '?'}] {self.id}: {self.help} -> {where}\n    {self.help_url}"


def _axe_source() -> str:
    if not AXE_JS.is_file():
        raise FileNotFoundError(
            f"{AXE_JS} missing; run tests/support/install-node-deps.sh (npm ci) first"
        )
    return AXE_JS.read_text(encoding="utf-8")


def check_axe(
    page: Page, *, tags: Iterable[str] = AXE_TAGS, disable_rules: Iterable[str] = ()
) -> list[AxeViolation]:
    """Run axe-core on the page's current document and return its violations."""
    # add_script_tag() inserts an inline <script>, which a strict CSP (script-src 'self')
    # blocks; evaluate() goes through the DevTools protocol, which CSP does not govern,
    # so the app's real CSP stays enforced while axe is loaded.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source() + "\n;undefined")
    # Only violations are read: axe then skips gathering every passing element, which is
    # most of its work and of the result sent back over the DevTools protocol.
    options: dict[str, Any] = {
        "runOnly": {"type": "tag", "values": list(tags)},
        "resultTypes": ["violations"],
    }
    rules = {rule: {"enabled": False} for rule in disable_rules}
    if rules:
        options["rules"] = rules
    result = page.evaluate("(options) => axe.run(document, options)", options)
    return [
        AxeViolation(
            id=v["id"],
            impact=v.get("impact"),
            help=v["help"],
            help_url=v["helpUrl"],
            targets=[_selector(node["target"]) for node in v["nodes"]],
        )
        for v in result["violations"]
    ]


def _selector(target: list[Any]) -> str:
    # Nested targets (iframes / shadow DOM) come as lists of selectors.
    return " >> ".join(t if isinstance(t, str) else " ".join(t) for t in target)


def format_violations(violations: Iterable[AxeViolation]) -> str:
    """Render violations one per paragraph for an assertion message."""
    return "\n".join(str(v) for v in violations)


def assert_no_axe_violations(page: Page, *, disable_rules: Iterable[str] = ()) -> None:
    """Fail with a readable list (rule id, help, target selectors) if axe finds problems."""
    violations = check_axe(page, disable_rules=disable_rules)
    if violations:
        raise AssertionError(
            f"{len(violations)} accessibility violation(s) on {page.url}:\n"
            + format_violations(violations)
        )
