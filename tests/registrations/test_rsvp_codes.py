"""Reply-address codes: unguessable, letters and digits only, each character uniform."""

from __future__ import annotations

from nclw.registrations.rsvp import _CODE_ALPHABET, CODE_LENGTH, new_rsvp_code


def test_codes_are_26_letters_and_digits_and_never_repeat():
    codes = [new_rsvp_code() for _ in range(2000)]
    assert len(set(codes)) == len(codes)
    assert all(len(code) == CODE_LENGTH and set(code) <= set(_CODE_ALPHABET) for code in codes)


def test_every_position_draws_from_the_whole_alphabet():
    # 2,000 draws from 36 characters: a fair position misses one with odds below 1 in 10^23.
    codes = [new_rsvp_code() for _ in range(2000)]
    for position in range(CODE_LENGTH):
        assert {code[position] for code in codes} == set(_CODE_ALPHABET), position
