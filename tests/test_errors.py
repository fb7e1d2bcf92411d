"""Text a rule needs: trimmed, and refused with the rule's own words when nothing is left."""

from __future__ import annotations

import pytest

from nclw.errors import InvalidInput, required_text


def test_text_is_trimmed_and_nothing_typed_is_refused():
    assert required_text("  Too far to travel \n", "Give a reason.") == "Too far to travel"
    for nothing in ("", "   \n", None):
        with pytest.raises(InvalidInput) as refused:
            required_text(nothing, "Give a reason.")
        assert refused.value.message == "Give a reason."
