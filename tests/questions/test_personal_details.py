"""Spotting contact details in questions."""

from __future__ import annotations

import pytest

from nclw.questions.personal_details import describe, find_personal_details


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("email me at jo.bloggs@gmail.com please", "email"),
        ("jo dot bloggs at gmail dot com", "email"),
        ("text me on 07700 900123", "phone"),
        ("ring +44 (0)20 7946 0958", "phone"),
        ("my number is 07700-900-123", "phone"),
        ("I live near SW1A 1AA", "postcode"),
        ("come to m1 1ae", "postcode"),
        ("I live at 12 Acacia Avenue", "address"),
        ("Flat 3, the tower", "address"),
        ("see https://example.org/me", "link"),
        ("my site www.example.com", "link"),
        ("look at jo-bloggs.co.uk", "link"),
        ("follow @jo_bloggs on tiktok", "handle"),
    ],
)
def test_contact_details_are_spotted(text: str, kind: str) -> None:
    assert kind in find_personal_details(text)


@pytest.mark.parametrize(
    "text",
    [
        "How did you get your first job?",
        "Is £25,000 a good salary at 19?",
        "What happens between 9 and 5 on a normal day?",
        "I was in care for 10 years, can I still apply?",
        "Do I need 5 GCSEs?",
    ],
)
def test_ordinary_questions_are_not_flagged(text: str) -> None:
    assert find_personal_details(text) == []


def test_an_email_address_is_not_also_reported_as_a_link() -> None:
    assert find_personal_details("sam@example.org") == ["email"]


def test_kinds_read_as_plain_english() -> None:
    assert describe(["phone"]) == "a phone number"
    assert describe(["email", "phone", "postcode"]) == (
        "an email address, a phone number and a postcode"
    )
