"""What the accessibility statement says about the site: one place to keep it true.

When a problem listed here is fixed, take it out of the lists and move `REVIEWED` on: the
statement must never claim less, or more, than the site does.
"""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l

from nclw import wording

PREPARED = date(2026, 12, 2)
REVIEWED = date(2026, 12, 2)
# The GOV.UK model asks for a review at least once a year.
NEXT_REVIEW = REVIEWED + timedelta(days=365)
FIX_BY = date(2027, 3, 31)

# In plain words, for the people who meet them.
KNOWN_PROBLEMS = (
    _l(
        "When a form has a mistake, the boxes with the mistake are not outlined, so they are "
        "harder to spot on a long form. The list of mistakes at the top of the form names "
        "each one."
    ),
    _l(
        "A mistake about the whole form, such as an end time before the start time, does not "
        "link to the box you need to change."
    ),
    _l(
        "After you send a question for a live Q&A on a phone, the message saying it was sent "
        "can be off the screen."
    ),
)

# The same problems against the guidelines, as the regulations ask.
NON_COMPLIANCE = (
    _l(
        "A mistake about the whole form does not lead to the box to change. This may fail "
        "WCAG 2.2 success criterion 3.3.1 (error identification)."
    ),
    _l(
        "The message that a question was sent is not announced to screen readers when it is "
        "off the screen. This may fail WCAG 2.2 success criterion 4.1.3 (status messages)."
    ),
)


def long_date(day: date) -> str:
    """'2 December 2026', in the page's language."""
    return wording.long_date(day)
