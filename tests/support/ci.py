"""Decide whether a missing test dependency skips the test or fails it."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

_TRUE = {"1", "true", "yes", "on"}


def in_ci() -> bool:
    """Return True when the CI environment variable is set to a true value."""
    return os.environ.get("CI", "").strip().lower() in _TRUE


def unavailable(reason: str) -> NoReturn:
    """Skip the current test because of `reason`, or fail it when running under CI."""
    # CI provisions every service, so a missing one there is a broken build, not a skip.
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so this is an error rather than a skip)")
    pytest.skip(reason)
