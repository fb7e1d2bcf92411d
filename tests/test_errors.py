"""Text a rule needs: trimmed, and refused with the rule's own words when nothing is left."""

from __future__ import annotations

import pytest

from nclw.errors import InvalidInput, one_line_text, required_text


def test_text_is_trimmed_and_nothing_typed_is_refused():
    assert required_text("  Too far to travel \n", "Give a reason.") == "Too far to travel"
    for nothing in ("", "   \n", None):
        with pytest.raises(InvalidInput) as refused:
            required_text(nothing, "Give a reason.")
        assert refused.value.message == "Give a reason."


def test_a_name_or_short_reason_is_made_one_line_and_held_to_its_length():
    # One rule for the names and reasons that are shown on one line (a booker's name, a
    # template's, an organisation's, why a change or a place was declined).
    assert one_line_text("  Sam \n  Smith\t", "Enter a name.", limit=9) == "Sam Smith"
    for nothing in ("", " \n\t ", None):
        with pytest.raises(InvalidInput) as refused:
            one_line_text(nothing, "Enter a name.", limit=9)
        assert refused.value.message == "Enter a name."
    with pytest.raises(InvalidInput) as refused:
        one_line_text("Sam  Smithson", "Enter a name.", limit=9, too_long="Too long.")
    assert refused.value.message == "Too long."
    assert one_line_text("a " * 500, "Give a reason.") == ("a " * 500).strip()
