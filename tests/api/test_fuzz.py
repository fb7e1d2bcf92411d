"""Fuzz the open-data API from its own OpenAPI description: never a 5xx, always as described.

Cases come from schemathesis strategies driven by Hypothesis inside an ordinary test, so the
app fixture (a fresh database with a small week) is shared by every generated request.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.generation.modes import GenerationMode

from nclw.events.models import Audience, EventFormat, EventStatus
from tests.factories import make_event, make_registration

pytestmark = pytest.mark.thorough  # Schemathesis sends many generated requests

FUZZ_SETTINGS = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_schema(app):
    """The schema served by a real app with a small week in it."""
    online = make_event(slug="money-skills", capacity=2)
    make_registration(online)
    make_event(
        slug="cooking-on-a-budget",
        format=EventFormat.IN_PERSON,
        venue_name="Luton Library",
        online_url=None,
        audience=Audience.CARE_EXPERIENCED,
        capacity=None,
    )
    make_event(slug="called-off", status=EventStatus.CANCELLED, cancel_reason="Snow")
    return schemathesis.openapi.from_wsgi("/api/openapi.json", app)


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize("operation_id", ["listEvents", "getEvent"])
def test_api_conforms_to_its_schema(api_schema, operation_id, mode):
    operation = api_schema.find_operation_by_id(operation_id)
    statuses: list[int] = []

    @FUZZ_SETTINGS
    @given(case=operation.as_strategy(generation_mode=mode))
    def check(case):
        response = case.call_and_validate()
        statuses.append(response.status_code)
        assert response.status_code < 500
        assert response.headers["access-control-allow-origin"] == ["*"]

    check()
    assert statuses, "the fuzzer sent no requests"
