"""The request idiom every view uses, and reading numbers from a request."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import get_flashed_messages, session
from flask_wtf import FlaskForm
from werkzeug.exceptions import BadRequest
from wtforms import StringField
from wtforms.validators import DataRequired

from nclw.errors import NotAllowed
from nclw.events.models import Organisation, OrganisationKind
from nclw.extensions import db
from nclw.web import (
    LARGEST_ID,
    confirm_or_400,
    database_ids,
    form_page,
    query_int,
    run_form,
    run_service,
)


def _organisations() -> int:
    return db.session.scalar(sa.select(sa.func.count(Organisation.id)))


def _add(name: str) -> Organisation:
    organisation = Organisation(name=name, kind=OrganisationKind.CHARITY)
    db.session.add(organisation)
    db.session.flush()
    return organisation


def test_success_commits_then_flashes(app):
    with app.test_request_context("/"):
        done = run_service(lambda: _add("Catch22"), lambda o: f"Added {o.name}.")
        db.session.rollback()  # nothing left to roll back: it was committed
        assert done.ok and done.value.name == "Catch22"
        assert _organisations() == 1
        assert get_flashed_messages(with_categories=True) == [("success", "Added Catch22.")]


def test_a_refusal_rolls_back_and_goes_to_the_form(app):
    def refused():
        _add("Half done")
        raise NotAllowed("Not now.")

    errors: list[str] = []
    with app.test_request_context("/"):
        done = run_service(refused, "never shown", errors=errors)
        assert not done.ok and errors == ["Not now."]
        assert _organisations() == 0
        assert get_flashed_messages() == []
    with app.test_request_context("/"):
        run_service(refused, "never shown")
        assert get_flashed_messages(with_categories=True) == [("error", "Not now.")]


def test_then_runs_after_the_commit_and_before_the_message(app):
    """A new login session must not swallow the message that says it worked."""
    seen = []

    def start_again(organisation):
        seen.append(_organisations())
        session.clear()

    with app.test_request_context("/"):
        run_service(lambda: _add("Luton"), "Signed in.", then=start_again)
        assert seen == [1]
        assert get_flashed_messages() == ["Signed in."]
    with app.test_request_context("/"):
        run_service(lambda: _add("Quiet"), None)
        assert get_flashed_messages() == []


class _NameForm(FlaskForm):
    name = StringField(validators=[DataRequired()])


def test_a_form_runs_its_service_only_when_it_comes_back_valid(app):
    ran = []
    for method, data in [("GET", {}), ("POST", {"name": ""})]:
        with app.test_request_context("/", method=method, data=data):
            done = run_form(_NameForm(), lambda: ran.append(1), "never shown")
            assert not done.ok and done.error is None
    assert ran == []
    with app.test_request_context("/", method="POST", data={"name": "Catch22"}):
        form = _NameForm()
        done = run_form(form, lambda: _add(form.name.data), lambda o: f"Added {o.name}.")
        assert done.ok and _organisations() == 1
        assert get_flashed_messages() == ["Added Catch22."]


def test_a_form_shows_the_refusal_itself(app):
    def refused():
        raise NotAllowed("Not now.")

    with app.test_request_context("/", method="POST", data={"name": "Catch22"}):
        form = _NameForm()
        done = run_form(form, refused, "never shown")
        assert not done.ok and form.form_errors == ["Not now."]
        assert get_flashed_messages() == []


def test_a_page_with_a_form_is_400_once_the_form_is_sent_back(app, monkeypatch):
    monkeypatch.setattr("nclw.web.render_template", lambda name, **context: (name, context))
    with app.test_request_context("/"):
        form = _NameForm()
        assert form_page("page.html", form, template="named") == (
            ("page.html", {"form": form, "template": "named"}),
            200,
        )
    with app.test_request_context("/", method="POST", data={"name": ""}):
        assert form_page("page.html", _NameForm())[1] == 400


def test_a_button_must_be_posted_as_a_form(app):
    with app.test_request_context("/", method="POST"):
        assert confirm_or_400() is None
    with app.test_request_context("/"), pytest.raises(BadRequest):
        confirm_or_400()


def test_numbers_a_column_cannot_hold_are_not_ids(app):
    assert database_ids(["1", str(LARGEST_ID), str(LARGEST_ID + 1), "²", "-1", "x"]) == [
        1,
        LARGEST_ID,
    ]
    with app.test_request_context("/?page=99999999999999999999&year=2026&n=-3"):
        assert query_int("page", 1) == 1
        assert query_int("year") == 2026
        assert query_int("n") is None
