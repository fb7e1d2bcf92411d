"""One log line per request with an id, and no personal data in any log line."""

from __future__ import annotations

import logging

from nclw.events.models import EventFormat, QuestionAskers
from tests.factories import make_event, make_registration, make_user
from tests.support.tickets import emailed_ticket_token

EMAIL = "Rowan.Example@Example.com"
NAME = "Rowanetta"
QUESTION = "Which apprenticeships take people without GCSE maths?"
PASSWORD = "a long organiser passphrase"


def test_every_answer_carries_a_request_id_and_one_log_line(client, caplog):
    caplog.set_level(logging.INFO, logger="nclw.requests")
    first = client.get("/healthz")
    second = client.get("/healthz")
    assert first.headers["X-Request-ID"] != second.headers["X-Request-ID"]
    lines = [r.getMessage() for r in caplog.records if r.name == "nclw.requests"]
    assert len(lines) == 2
    assert lines[0].startswith(f"request id={first.headers['X-Request-ID']} method=GET")
    assert "route=ops.healthz status=200 ms=" in lines[0]


def test_a_proxys_request_id_is_kept_and_a_strange_one_replaced(client):
    kept = client.get("/healthz", headers={"X-Request-ID": "nginx-0123456789abcdef"})
    assert kept.headers["X-Request-ID"] == "nginx-0123456789abcdef"
    forged = "x id=forged status=200"
    strange = client.get("/healthz", headers={"X-Request-ID": forged})
    assert strange.headers["X-Request-ID"] != forged
    assert len(strange.headers["X-Request-ID"]) == 32


def test_the_shared_week_page_gets_its_own_id_each_time(app, caplog):
    caplog.set_level(logging.INFO, logger="nclw.requests")
    make_event()
    ids = [app.test_client().get("/").headers["X-Request-ID"] for _ in range(3)]
    assert len(set(ids)) == 3
    lines = [r.getMessage() for r in caplog.records if r.name == "nclw.requests"]
    assert [line.split()[1] for line in lines] == [f"id={each}" for each in ids]
    assert all("route=events.week status=200" in line for line in lines)


def test_an_error_is_logged_with_its_id_and_route_not_its_path(own_app, caplog):
    @own_app.get("/boom/<secret>")
    def boom(secret):
        raise RuntimeError("kaboom")

    own_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = own_app.test_client().get("/boom/ticket-token-abc123")
    assert response.status_code == 500
    request_id = response.headers["X-Request-ID"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors, "the error was not logged"
    message = errors[0].getMessage()
    assert f"id={request_id}" in message and "route=boom" in message
    assert "ticket-token-abc123" not in "\n".join(r.getMessage() for r in caplog.records)
    # The page shows the id, so a person reporting the error can quote it.
    assert request_id in response.get_data(as_text=True)


def test_no_personal_data_in_the_logs_of_a_whole_journey(app, client, caplog):
    """A young person signs up, opens their ticket, asks a question and cancels; an organiser
    signs in and exports the list. No log line holds a name, an address, a token or a
    question's text."""
    caplog.set_level(logging.DEBUG)
    event = make_event(
        format=EventFormat.ONLINE, qa_enabled=True, qa_askers=QuestionAskers.TICKET_HOLDERS
    )
    make_registration(event)  # someone else, so the list is not empty either way
    organiser = make_user(email="organiser.person@example.org", password=PASSWORD)

    assert client.get("/").status_code == 200
    assert client.get(f"/events/{event.slug}").status_code == 200
    signed_up = client.post(
        f"/events/{event.slug}/register", data={"first_name": NAME, "email": EMAIL}
    )
    assert signed_up.status_code in (200, 302, 303)
    token = emailed_ticket_token(EMAIL)
    assert client.get(f"/tickets/{token}").status_code == 200
    asked = client.post(f"/tickets/{token}/questions/ask", data={"body": QUESTION})
    assert asked.status_code in (200, 302, 303)
    assert client.post(f"/tickets/{token}/cancel").status_code in (200, 302, 303)

    staff = app.test_client()
    signed_in = staff.post("/sign-in", data={"email": organiser.email, "password": PASSWORD})
    assert signed_in.status_code in (302, 303), signed_in.status_code
    export = staff.post(
        "/admin/exports",
        data={
            "scope": str(event.id),
            "file_format": "csv",
            "columns": ["reference", "first_name", "email"],
        },
        buffered=True,
    )
    assert export.status_code == 200
    staff.post("/sign-in", data={"email": organiser.email, "password": "wrong password"})

    logged = "\n".join(
        f"{record.name} {record.getMessage()} {record.exc_text or ''}" for record in caplog.records
    )
    assert "route=registrations.ticket" in logged  # the journey was logged at all
    for secret in (EMAIL, EMAIL.lower(), NAME, QUESTION, token, organiser.email, PASSWORD):
        assert secret not in logged, f"{secret!r} appears in the logs"


def test_the_line_is_written_as_before_with_the_time_made_once_a_second():
    """The request log's own formatter keeps the standard layout (a kept page's answer is too
    quick to make the time's text for every line) and changes it when the second does."""
    from nclw.request_log import LOG, _LineFormatter

    formatter = _LineFormatter()
    standard = logging.Formatter("%(asctime)s %(levelname)s %(message)s")
    for created in (1_764_800_000.25, 1_764_800_000.75, 1_764_800_001.5, 1_764_800_000.5):
        record = LOG.makeRecord(LOG.name, logging.INFO, "x", 0, "request id=%s", ("a",), None)
        record.created, record.msecs = created, (created % 1) * 1000
        assert formatter.format(record) == standard.format(record)
    # No stack walk to find the caller: every line comes from log_request.
    assert LOG.findCaller()[2] == "log_request"


def test_a_line_nobody_else_reads_is_written_without_a_record_and_reads_the_same(monkeypatch):
    """With only the request log's own handler to see it, a line is written straight to its
    stream (a record costs a third of a kept page's answer); anything else that would see the
    line (a handler above, a filter, a level) gets a real record."""
    import io

    from nclw import request_log

    stream = io.StringIO()
    handler = request_log._LineHandler(stream)
    monkeypatch.setattr(request_log, "_OWN_HANDLER", handler)
    monkeypatch.setattr(request_log.LOG, "handlers", [handler])
    monkeypatch.setattr(request_log.LOG, "level", logging.INFO)
    monkeypatch.setattr(logging.root, "handlers", [])
    made = []
    monkeypatch.setattr(request_log.LOG, "makeRecord", _counting(request_log.LOG.makeRecord, made))

    def one_line(**given) -> str:
        stream.seek(0), stream.truncate()
        request_log.log_request(method="GET", endpoint="events.week", status=304, **given)
        return stream.getvalue()

    fast = one_line(request_id="abc", seconds=0.00012)
    assert made == []
    assert fast.endswith(" INFO request id=abc method=GET route=events.week status=304 ms=0.1\n")
    # The same text as the record the formatter would have been given.
    monkeypatch.setattr(logging.root, "handlers", [logging.NullHandler()])
    slow = one_line(request_id="abc", seconds=0.00012)
    assert len(made) == 1
    assert slow.split(" ", 2)[2] == fast.split(" ", 2)[2]
    assert len(slow) == len(fast)  # the time, to the millisecond, in the same layout

    # A filter on the handler still sees every line.
    monkeypatch.setattr(logging.root, "handlers", [])
    handler.addFilter(lambda record: "secret" not in record.getMessage())
    assert one_line(request_id="secret-0123", seconds=0) == ""
    assert len(made) == 2


def _counting(make_record, made: list):
    def counted(*args, **kwargs):
        made.append(args)
        return make_record(*args, **kwargs)

    return counted
