"""/metrics: Prometheus's text format, read back with prometheus-client's own parser."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from nclw.registrations.models import RegistrationStatus
from tests.conftest import make_test_app
from tests.factories import make_event, make_registration
from tests.support.live_server import live_server

TOKEN = "scrape-token-for-the-tests"


def scrape(client, token: str = TOKEN) -> dict[tuple[str, tuple], float]:
    """Every sample of a scrape, by (name, sorted labels)."""
    response = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.status_code
    assert response.content_type.startswith("text/plain; version=")
    return samples(response.get_data(as_text=True))


def samples(text: str) -> dict[tuple[str, tuple], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found, name: str, **labels) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_need_the_token(app, client):
    app.config["METRICS_TOKEN"] = TOKEN
    assert client.get("/metrics").status_code == 404
    wrong = {"Authorization": "Bearer not-the-token"}
    assert client.get("/metrics", headers=wrong).status_code == 404
    app.config["METRICS_TOKEN"] = None
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 404


def test_requests_are_counted_by_route_name_never_by_path(app, client):
    app.config["METRICS_TOKEN"] = TOKEN
    event = make_event()
    registration = make_registration(event)
    before = scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    client.get(f"/tickets/{registration.link_token}")
    after = scrape(client)
    name = "nclw_http_requests_total"
    labels = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
    assert value(after, name, **labels) - value(before, name, **labels) == 2
    text = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).get_data(
        as_text=True
    )
    assert registration.link_token not in text
    assert "/tickets/" not in text
    latency = value(after, "nclw_http_request_duration_seconds_count", endpoint="ops.healthz")
    assert latency >= 2


def test_tickets_and_the_outbox_are_read_at_scrape_time(app, client):
    app.config["METRICS_TOKEN"] = TOKEN
    event = make_event(capacity=2)
    for _ in range(2):
        make_registration(event)
    make_registration(event, status=RegistrationStatus.WAITING)
    found = scrape(client)
    assert value(found, "nclw_registrations", status="confirmed") == 2
    assert value(found, "nclw_registrations", status="waiting") == 1
    assert value(found, "nclw_outbox_messages", state="failed") == 0
    assert ("nclw_outbox_oldest_pending_seconds", ()) in found


def test_week_page_cache_hits_are_counted(app, client):
    app.config["METRICS_TOKEN"] = TOKEN
    make_event()
    before = scrape(client)
    for _ in range(3):
        assert app.test_client().get("/").status_code == 200
    after = scrape(client)
    name = "nclw_render_cache_lookups_total"
    hits = value(after, name, cache="shared page response", result="hit") - value(
        before, name, cache="shared page response", result="hit"
    )
    assert hits == 2  # the first visit rendered, the next two were answered from the cache


def test_rate_limit_refusals_are_counted(tmp_path):
    app = make_test_app(
        tmp_path, RATELIMIT_ENABLED=True, RATELIMIT_DEFAULT="2 per minute", METRICS_TOKEN=TOKEN
    )
    client = app.test_client()
    with app.app_context():
        before = scrape(client)
        statuses = [client.get("/privacy").status_code for _ in range(5)]
        after = scrape(client)
    assert statuses.count(429) == 3
    name = "nclw_rate_limit_refusals_total"
    refused = value(after, name, endpoint="pages.privacy") - value(
        before, name, endpoint="pages.privacy"
    )
    assert refused == 3


@pytest.mark.slow
def test_two_workers_are_added_up(tmp_path: Path):
    """Under gunicorn with two workers, one scrape counts the requests both answered."""
    import urllib.request

    from tests.e2e.signup_storm import prepare_database, server_env
    from tests.support.database import sqlite_url

    folder = tmp_path / "metrics"
    folder.mkdir()
    env = server_env(sqlite_url(tmp_path), tmp_path)
    env.update(PROMETHEUS_MULTIPROC_DIR=str(folder), METRICS_TOKEN=TOKEN)
    prepare_database(env, capacity=10)
    with live_server(env, workers=2) as server:

        def ask(_: int) -> None:
            with urllib.request.urlopen(f"{server.url}/healthz") as response:
                assert response.status == 200
                assert response.headers["X-Request-ID"]

        # Eight at a time, so that both workers answer: one after another, a single worker
        # could take all forty and leave nothing to add up.
        with ThreadPoolExecutor(8) as pool:
            list(pool.map(ask, range(40)))
        request = urllib.request.Request(
            f"{server.url}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        with urllib.request.urlopen(request) as response:
            found = samples(response.read().decode())
        log = server.log()
    labels = {"endpoint": "ops.healthz", "method": "GET", "status": "200"}
    assert value(found, "nclw_http_requests_total", **labels) == 40
    # Both workers wrote their counts to the shared folder.
    pids = {path.name for path in folder.glob("counter_*.db")}
    assert len(pids) == 2, pids
    assert value(found, "nclw_registrations", status="confirmed") == 0
    # One log line per request, with its id.
    assert log.count("route=ops.healthz status=200") == 40
