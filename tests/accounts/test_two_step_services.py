"""The rules of two-step sign-in, tested on the services with a fixed time."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa

from nclw import config
from nclw.accounts import pending_sign_in, permissions, two_step
from nclw.accounts.models import RecoveryCode, Role, User
from nclw.accounts.pending_sign_in import FirstStep
from nclw.accounts.services import authenticate
from nclw.audit.models import AuditEntry
from nclw.errors import InvalidInput, NotAllowed
from nclw.extensions import db
from tests.factories import make_user

NOW = datetime(2026, 10, 27, 14, 0, 10, tzinfo=UTC)
STEP = timedelta(seconds=30)
PASSWORD = "correct horse battery"


def _code(user: User, at: datetime = NOW) -> str:
    """The code the person's authenticator app shows at `at`."""
    return pyotp.TOTP(user.totp_secret).at(at)


def _actions(user: User) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.action)
            .where(AuditEntry.target_id == user.id, AuditEntry.action.like("user.%"))
            .order_by(AuditEntry.id)
        )
    )


def _turned_on(user: User) -> list[str]:
    two_step.begin_two_step(user)
    codes = two_step.turn_on_two_step(user, _code(user), now=NOW)
    db.session.commit()
    return codes


def test_turning_on_takes_a_real_code_and_gives_ten_recovery_codes(app):
    user = make_user()
    token_before = user.session_token
    two_step.begin_two_step(user)
    assert re.fullmatch(r"[A-Z2-7]{32}", user.totp_secret)
    assert not user.two_step_on

    codes = two_step.turn_on_two_step(user, _code(user), now=NOW)
    db.session.commit()

    assert user.two_step_on and user.totp_enabled_at == NOW
    assert len(codes) == len(set(codes)) == 10
    assert all(re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code) for code in codes)
    assert user.session_token != token_before  # other devices are signed out
    assert _actions(user) == ["user.two_step_turned_on"]
    with pytest.raises(NotAllowed):
        two_step.begin_two_step(user)


def test_a_wrong_code_does_not_turn_it_on(app):
    user = make_user()
    two_step.begin_two_step(user)
    right = _code(user)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    for code in (wrong, "", "12345", "abcdef", _code(user, NOW + 3 * STEP)):
        with pytest.raises(InvalidInput, match="not right"):
            two_step.turn_on_two_step(user, code, now=NOW)
    assert not user.two_step_on
    assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0


def test_starting_again_makes_a_new_secret(app):
    user = make_user()
    two_step.begin_two_step(user)
    first = user.totp_secret
    two_step.begin_two_step(user)
    assert user.totp_secret != first


def test_codes_a_step_either_side_are_taken_and_no_code_twice(app):
    user = make_user()
    _turned_on(user)  # used the code of NOW's step
    later = NOW + 10 * STEP

    assert two_step.check_code(user, _code(user, later - STEP), now=later)  # a slow clock
    # The same code again, or any from a step before the last one accepted: refused.
    assert not two_step.check_code(user, _code(user, later - STEP), now=later)
    assert not two_step.check_code(user, _code(user, later - 2 * STEP), now=later)
    assert two_step.check_code(user, _code(user, later + STEP), now=later)  # a fast clock
    assert not two_step.check_code(user, _code(user, later), now=later)  # older than that
    assert user.totp_last_counter == pyotp.TOTP(user.totp_secret).timecode(later + STEP)


def test_a_code_is_refused_a_second_time_in_its_own_step(app):
    user = make_user()
    _turned_on(user)
    db.session.expire_all()
    # The code that turned it on is used up, as seen by another request (from the database).
    assert not two_step.check_code(db.session.get(User, user.id), _code(user), now=NOW)
    with pytest.raises(InvalidInput):
        two_step.sign_in_with_code(user, _code(user), now=NOW + timedelta(seconds=5))


def test_only_hashes_of_the_recovery_codes_are_stored(app):
    user = make_user()
    codes = _turned_on(user)
    stored = list(db.session.scalars(sa.select(RecoveryCode.code_hash)))
    assert len(stored) == 10
    assert all(re.fullmatch(r"[0-9a-f]{64}", value) for value in stored)
    everything = " ".join(
        str(value)
        for table in ("recovery_codes", "users", "audit_entries")
        for row in db.session.execute(sa.text(f"SELECT * FROM {table}"))
        for value in row
    )
    for code in codes:
        assert code not in everything and code.replace("-", "") not in everything


def test_a_recovery_code_works_once(app):
    user = make_user()
    codes = _turned_on(user)
    later = NOW + timedelta(minutes=5)

    # As typed from paper: capitals, spaces, no dash.
    typed = codes[3].upper().replace("-", " ")
    assert two_step.sign_in_with_recovery_code(user, typed, now=later) == 9
    assert user.last_sign_in_at == later
    with pytest.raises(InvalidInput, match="used already"):
        two_step.sign_in_with_recovery_code(user, codes[3], now=later)
    with pytest.raises(InvalidInput):
        two_step.sign_in_with_recovery_code(user, "aaaaa-bbbbb", now=later)
    assert two_step.recovery_codes_left(user) == 9
    assert _actions(user)[-1] == "user.recovery_code_used"


def test_recovery_codes_belong_to_their_account(app):
    mine, theirs = make_user(), make_user()
    _turned_on(mine)
    their_codes = _turned_on(theirs)
    with pytest.raises(InvalidInput):
        two_step.sign_in_with_recovery_code(mine, their_codes[0], now=NOW)


def test_a_new_set_of_recovery_codes_stops_the_old_ones(app):
    user = make_user()
    old = _turned_on(user)
    new = two_step.renew_recovery_codes(user, now=NOW)
    assert not set(old) & set(new)
    with pytest.raises(InvalidInput):
        two_step.sign_in_with_recovery_code(user, old[0], now=NOW)
    assert two_step.sign_in_with_recovery_code(user, new[0], now=NOW) == 9
    assert "user.recovery_codes_renewed" in _actions(user)


def test_the_person_is_warned_as_recovery_codes_run_out(app):
    user = make_user()
    codes = _turned_on(user)
    left = [two_step.sign_in_with_recovery_code(user, code, now=NOW) for code in codes]
    assert left == list(range(9, -1, -1))
    assert two_step.recovery_codes_left_message(4) == (
        "You have used a recovery code. You have 4 left."
    )
    assert "Only 3 left" in two_step.recovery_codes_left_message(3)
    assert "last recovery code" in two_step.recovery_codes_left_message(0)
    status = two_step.two_step_status(user)
    assert (
        status.on
        and status.running_low
        and status.codes_left_in_words == ("0 unused recovery codes")
    )


def test_turning_off_needs_the_password_or_a_current_code(app):
    user = make_user(password=PASSWORD)
    _turned_on(user)
    later = NOW + 4 * STEP
    with pytest.raises(InvalidInput, match="Enter your password or a code"):
        two_step.turn_off_two_step(user, now=later)
    with pytest.raises(InvalidInput, match="not right"):
        two_step.turn_off_two_step(user, password="not my password", now=later)
    with pytest.raises(InvalidInput, match="not right"):
        two_step.turn_off_two_step(user, code=_code(user), now=later)  # used, and too old
    assert user.two_step_on

    two_step.turn_off_two_step(user, password=PASSWORD, now=later)
    db.session.commit()
    assert not user.two_step_on and user.totp_secret is None
    assert db.session.scalar(sa.select(sa.func.count(RecoveryCode.id))) == 0
    assert _actions(user)[-1] == "user.two_step_turned_off"

    _turned_on(user)
    two_step.turn_off_two_step(user, code=_code(user, later), now=later)
    assert not user.two_step_on


def test_a_password_alone_is_not_yet_a_sign_in(app):
    user = make_user(password=PASSWORD)
    _turned_on(user)
    assert authenticate(user.email, PASSWORD, now=NOW) is user
    assert user.last_sign_in_at is None
    two_step.sign_in_with_code(user, _code(user, NOW + STEP), now=NOW + STEP)
    assert user.last_sign_in_at == NOW + STEP


def test_an_operator_can_turn_it_off_for_someone_locked_out(app, runner):
    user = make_user(email="lost@example.org")
    _turned_on(user)
    result = runner.invoke(args=["nclw", "turn-off-two-step", "Lost@Example.org"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert not db.session.get(User, user.id).two_step_on
    again = runner.invoke(args=["nclw", "turn-off-two-step", "lost@example.org"])
    assert again.exit_code != 0 and "not on" in again.output
    nobody = runner.invoke(args=["nclw", "turn-off-two-step", "nobody@example.org"])
    assert nobody.exit_code != 0 and "no account" in nobody.output


def test_a_half_done_sign_in_lasts_five_minutes():
    session: dict = {}
    pending_sign_in.hold(
        session,
        user_id=7,
        session_token="abc",
        first_step=FirstStep.LINK,
        next_url="/admin/events",
        now=NOW,
    )
    held = pending_sign_in.held(session, now=NOW + timedelta(minutes=4, seconds=59))
    assert held == pending_sign_in.PendingSignIn(7, "abc", FirstStep.LINK, "/admin/events")
    assert pending_sign_in.held(session, now=NOW + timedelta(minutes=5)) is None
    assert pending_sign_in.held(session, now=NOW - timedelta(seconds=1)) is None
    assert pending_sign_in.was_held(session)
    for broken in ({"user": "7"}, "not a dict", {**session[pending_sign_in.PENDING], "via": "x"}):
        assert pending_sign_in.held({pending_sign_in.PENDING: broken}, now=NOW) is None
    pending_sign_in.drop(session)
    assert not pending_sign_in.was_held(session)


def test_two_step_is_required_of_organisers_on_a_real_site_only(monkeypatch, tmp_path):
    monkeypatch.delenv("TWO_STEP_REQUIRED_FOR_ORGANISERS", raising=False)
    for overrides, required in (
        ({}, True),
        ({"TESTING": True}, False),
        ({"DEVELOPMENT": True}, False),
        ({"TESTING": True, "TWO_STEP_REQUIRED_FOR_ORGANISERS": True}, True),
    ):
        settings = {**config.load_settings(str(tmp_path)), **overrides}
        config.by_environment(settings)
        assert settings["TWO_STEP_REQUIRED_FOR_ORGANISERS"] is required, overrides
    monkeypatch.setenv("TWO_STEP_REQUIRED_FOR_ORGANISERS", "0")
    settings = config.load_settings(str(tmp_path))
    config.by_environment(settings)
    assert settings["TWO_STEP_REQUIRED_FOR_ORGANISERS"] is False


def test_who_must_set_it_up_first(app):
    organiser, partner = make_user(), make_user(Role.PARTNER)
    assert permissions.must_set_up_two_step(organiser, required=True)
    assert not permissions.must_set_up_two_step(organiser, required=False)
    assert not permissions.must_set_up_two_step(partner, required=True)
    _turned_on(organiser)
    assert not permissions.must_set_up_two_step(organiser, required=True)
