"""The audit log's words: every action that can be recorded has them, and nothing else can be."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from nclw import PROJECT_ROOT
from nclw.audit import wording
from nclw.audit.actions import AuditAction
from nclw.audit.services import record_action


def _calls_and_names() -> tuple[list[tuple[str, ast.expr]], list[tuple[str, str]]]:
    """Every record_action call's first argument, and every `AuditAction.X`, in nclw."""
    calls, names = [], []
    for path in sorted(Path(PROJECT_ROOT / "nclw").rglob("*.py")):
        where = str(path.relative_to(PROJECT_ROOT))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
                if name == "record_action" and node.args:
                    calls.append((f"{where}:{node.lineno}", node.args[0]))
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "AuditAction"
            ):
                names.append((f"{where}:{node.lineno}", node.attr))
    return calls, names


def test_every_action_has_its_wording_and_kind():
    assert set(wording.WORDING) == set(AuditAction)
    for action, words in wording.WORDING.items():
        assert words.kind in wording.KINDS, action
        assert words.label and words.sentence.startswith("{actor} "), action


def test_every_action_the_code_records_is_one_the_log_can_put_into_words():
    calls, names = _calls_and_names()
    # Record_action is called all over nclw (and through two small wrappers).
    assert len(calls) >= 25 and len(names) >= len(AuditAction)
    for where, argument in calls:
        # A string typed at the call would dodge the check below: every call names an action
        # of the enum (directly, or through a wrapper's parameter).
        assert not isinstance(argument, ast.Constant), f"{where}: use AuditAction, not a string"
    for where, name in names:
        assert name in AuditAction.__members__, f"{where}: AuditAction.{name} does not exist"
    used = {AuditAction[name] for _, name in names}
    assert used == set(AuditAction), "an action nobody records: remove it from AuditAction"


def test_an_action_with_no_wording_cannot_be_recorded(app):
    with pytest.raises(ValueError):
        record_action("event.exploded", actor=None)  # type: ignore[arg-type]


def test_a_sentence_names_who_did_it_and_what_it_was_done_to():
    assert (
        wording.sentence(
            "registration.cancelled",
            actor="Sam Patel",
            target=wording.ticket_words("Alex", "TOGETHER conference"),
        )
        == "Sam Patel cancelled Alex's ticket for “TOGETHER conference”."
    )
    assert (
        wording.sentence("registrations.purged", actor=None, target=None)
        == "The system removed people's details from the tickets of events that have ended."
    )
    assert (
        wording.sentence(
            "registration.details_deleted",
            actor=None,
            target=wording.ticket_words(None, "TOGETHER conference"),
        )
        == "The ticket holder deleted their details from a ticket for “TOGETHER conference”."
    )


def test_an_action_this_release_does_not_know_still_reads_as_a_sentence():
    assert (
        wording.sentence("event.exploded", actor="Sam", target="“Careers fair”")
        == "Sam did something the log calls “event.exploded”, to “Careers fair”."
    )
    assert (
        wording.sentence("mystery", actor=None, target=None)
        == "The system did something the log calls “mystery”."
    )


def test_a_ticket_without_its_details_names_nobody():
    assert wording.ticket_words("", "Careers fair") == "a ticket for “Careers fair”"
    assert wording.ticket_words(None, None) == "someone's ticket"
    assert wording.gone_words("Registration", "Careers fair") == "a ticket for “Careers fair”"
    assert wording.gone_words("Spaceship", None) == "something"


def test_each_action_is_in_one_kind_and_a_kind_filters_to_its_actions():
    offered = [value for _, actions in wording.kind_choices() for value, _ in actions]
    assert len(offered) == len(set(offered)) == len(AuditAction) + len(wording.KINDS)
    tickets = wording.actions_of("tickets")
    assert "registration.cancelled" in tickets and "event.created" not in tickets
    assert wording.actions_of("event.created") == ["event.created"]
    assert wording.actions_of("nonsense") == []
