"""make bench says, for each sign-up run, the longest wait in which no sign-up finished: a
run whose p99 is high because the whole server stood still shows one long wait."""

from __future__ import annotations

import pytest

from bench.run import longest_stall


def test_the_longest_wait_between_two_replies_is_found_whatever_their_order():
    finished = [0.013, 0.001, 0.004, 0.125, 0.128, 0.009]
    assert longest_stall(finished) == pytest.approx(0.112)


def test_a_run_with_one_reply_or_none_has_no_wait():
    assert longest_stall([]) == 0.0
    assert longest_stall([1.5]) == 0.0
