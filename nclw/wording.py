"""Counts in words, for pages, emails, refusals and the audit log alike."""

from __future__ import annotations

# Nouns whose plural is not the singular plus "s".
_IRREGULAR_PLURALS = {"person": "people"}


def plural(count: int, singular: str, many: str | None = None) -> str:
    """A count with its noun, in the right number: "1 question", "2 questions", "2 people"."""
    if count == 1:
        return f"1 {singular}"
    return f"{count:,} {many or _IRREGULAR_PLURALS.get(singular, singular + 's')}"
