"""Cancellations in one time race sign-ups, on PostgreSQL: freed places go only to that
time's waiting list, and nothing is overbooked (see tests/registrations/slot_wait_race)."""

from __future__ import annotations

import pytest

from tests.conftest import make_test_app
from tests.registrations import slot_wait_race
from tests.support.postgres import require_server, throwaway_database

pytestmark = pytest.mark.postgres


@pytest.mark.parametrize("round_", range(3))
def test_places_freed_in_one_time_go_only_to_its_list_postgres(tmp_path, round_):
    require_server()
    with throwaway_database() as url:
        app = make_test_app(tmp_path, SQLALCHEMY_DATABASE_URI=url)
        race = slot_wait_race.set_up(app)
        slot_wait_race.run(app, race)
        assert slot_wait_race.problems(app, race) == []
