"""Cancellations in one time race sign-ups, on a SQLite file: freed places go only to that
time's waiting list, and nothing is overbooked (see slot_wait_race)."""

from __future__ import annotations

from tests.conftest import make_test_app
from tests.registrations import slot_wait_race


def test_places_freed_in_one_time_go_only_to_its_list_sqlite(tmp_path):
    # An app of its own: the threads commit for real, each on its own connection.
    app = make_test_app(tmp_path)
    race = slot_wait_race.set_up(app)
    slot_wait_race.run(app, race)
    assert slot_wait_race.problems(app, race) == []
