"""The open-data API: what it shows, what it hides, CORS and JSON errors."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest

from nclw.events.models import Audience, EventFormat, EventStatus
from nclw.extensions import db
from tests.factories import make_edition, make_event, make_organisation, make_registration


@pytest.fixture
def week(app):
    host = make_organisation(name="Catch22", website="https://catch-22.example")
    online = make_event(title="Money skills", capacity=3, host=host, slug="money-skills")
    make_registration(online, first_name="Secretname", email="secret@example.com")
    in_person = make_event(
        title="Cooking on a budget",
        slug="cooking-on-a-budget",
        format=EventFormat.IN_PERSON,
        venue_name="Luton Library",
        address="St George's Square, Luton",
        online_url=None,
        audience=Audience.CARE_EXPERIENCED,
        capacity=None,
    )
    draft = make_event(title="Not ready", slug="not-ready", status=EventStatus.DRAFT)
    return online, in_person, draft


def _schema_for(client, pointer: str) -> jsonschema_rs.Validator:
    document = client.get("/api/openapi.json").get_json()
    schema = {"$ref": pointer, "components": document["components"]}
    return jsonschema_rs.validator_for(schema)


def test_lists_published_events_with_places_left_and_no_personal_data(client, week):
    response = client.get("/api/events")
    assert response.status_code == 200
    body = response.get_json()
    slugs = [event["slug"] for event in body["events"]]
    assert slugs == ["money-skills", "cooking-on-a-budget"] or set(slugs) == {
        "money-skills",
        "cooking-on-a-budget",
    }
    assert "not-ready" not in slugs
    money = next(e for e in body["events"] if e["slug"] == "money-skills")
    assert money["places_left"] == 2 and money["capacity"] == 3
    assert money["host"] == {"name": "Catch22", "website": "https://catch-22.example"}
    assert money["url"] == "http://nclw.test/events/money-skills"
    raw = response.get_data(as_text=True)
    for secret in ("meet.example.org", "secret-room", "Secretname", "secret@example.com"):
        assert secret not in raw
    assert body["edition"]["year"] == make_edition().year


def test_responses_match_the_published_schema(client, week):
    list_schema = client.get("/api/openapi.json").get_json()["paths"]["/api/events"]["get"]
    document = client.get("/api/openapi.json").get_json()
    validator = jsonschema_rs.validator_for(
        {
            **list_schema["responses"]["200"]["content"]["application/json"]["schema"],
            "components": document["components"],
        }
    )
    validator.validate(client.get("/api/events").get_json())
    _schema_for(client, "#/components/schemas/Event").validate(
        client.get("/api/events/cooking-on-a-budget").get_json()
    )
    _schema_for(client, "#/components/schemas/Error").validate(
        client.get("/api/events/nope").get_json()
    )


def test_filters(client, week):
    body = client.get("/api/events?format=in_person").get_json()
    assert [e["slug"] for e in body["events"]] == ["cooking-on-a-budget"]
    # As on the week page: an audience includes the events open to everyone.
    body = client.get("/api/events?audience=care_experienced&format=online").get_json()
    assert [e["slug"] for e in body["events"]] == ["money-skills"]
    body = client.get("/api/events?audience=professionals&format=in_person").get_json()
    assert body["events"] == []


def test_one_event_and_cancelled_events_say_so(client, week):
    online, _, _ = week
    online.status = EventStatus.CANCELLED
    online.cancel_reason = "The trainer is ill."
    db.session.commit()
    body = client.get("/api/events/money-skills").get_json()
    assert body["status"] == "cancelled" and body["cancel_reason"] == "The trainer is ill."
    assert body["availability"] == "Cancelled"
    assert "online_url" not in body


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/events?format=underwater", 400),
        ("/api/events?audience=", 400),
        ("/api/events?year=twenty", 400),
        ("/api/events?year=1999", 404),
        ("/api/events?format=online&format=hybrid", 400),
        ("/api/events/Not%20A%20Slug", 400),
        # NUL: refused by the app-wide path check (404) or by the API's slug check (400).
        ("/api/events/%00", (400, 404)),
        ("/api/events/" + "a" * 300, 400),
        ("/api/events/not-ready", 404),
        ("/api/events/nothing-here", 404),
        ("/api/nowhere", 404),
    ],
)
def test_malformed_requests_get_a_json_error(client, week, url, status):
    allowed = status if isinstance(status, tuple) else (status,)
    response = client.get(url)
    assert response.status_code in allowed
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["status"] == response.status_code and body["message"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_writes_are_refused_as_json(client, week):
    response = client.post("/api/events", data="{}")
    assert response.status_code == 405
    assert response.get_json()["status"] == 405


@pytest.mark.parametrize("path", ["/api/events", "/api/events/money-skills", "/api/openapi.json"])
def test_a_refused_method_says_which_are_allowed(client, week, path):
    response = client.delete(path)
    assert response.status_code == 405
    assert response.mimetype == "application/json"
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"GET", "HEAD", "OPTIONS"}


def test_cors_on_get_and_preflight(client, week):
    response = client.get("/api/events", headers={"Origin": "https://www.luton.gov.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options(
        "/api/events/money-skills",
        headers={
            "Origin": "https://www.luton.gov.example",
            "Access-Control-Request-Method": "GET",
        },
    )
    assert preflight.status_code in (200, 204)
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]


def test_openapi_document_describes_both_paths(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = json.loads(response.get_data())
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == {"/api/events", "/api/events/{slug}"}
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_no_week_yet_is_an_empty_list(client):
    body = client.get("/api/events").get_json()
    assert body == {"edition": None, "events": []}
