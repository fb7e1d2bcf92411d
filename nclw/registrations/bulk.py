"""One thing done to many people on an event's attendee list: check in, message, cancel, or
give places from the waiting list.

First a plan says who it would touch and who it would skip and why, for the organiser to
confirm; then each person is handled on their own, by the same service as the single action
(so the same rules and the same audit entries), and one who cannot be changed never stops
the rest.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext

from nclw.accounts.models import User
from nclw.accounts.permissions import is_active_organiser
from nclw.errors import Forbidden, InvalidInput, NclwError, NotAllowed
from nclw.events.models import Event
from nclw.extensions import db
from nclw.registrations import bulk_words, messaging, on_the_day, on_their_behalf
from nclw.registrations.models import Registration
from nclw.registrations.queries import MessageAudience
from nclw.registrations.waiting_list import promote_registration

# More than a page of the list (50) with room to spare; a form naming thousands is not ours.
MOST_AT_ONCE = 500


class BulkAction(enum.StrEnum):
    """What an organiser can do to the people they ticked."""

    CHECK_IN = "check_in"
    MESSAGE = "message"
    CANCEL = "cancel"
    PROMOTE = "promote"

    @property
    def label(self) -> str:
        """The choice on the attendee list."""
        return {
            "check_in": _("Check them in"),
            "message": _("Send them a message"),
            "cancel": _("Cancel their tickets (they are told why)"),
            "promote": _("Give them a place (people on the waiting list)"),
        }[self.value]

    @property
    def needs_reason(self) -> bool:
        """Cancelling asks why: each person reads the reason."""
        return self == BulkAction.CANCEL

    @property
    def needs_message(self) -> bool:
        return self == BulkAction.MESSAGE

    def doing(self, count: int) -> str:
        """'check in 3 people': what confirming will do, to finish a question or a button."""
        return bulk_words.doing(self.value, count)

    def done(self, count: int) -> str:
        """'3 people are checked in.': what happened."""
        return bulk_words.done(self.value, count)


class _Why(enum.Enum):
    """Why someone ticked is left out: (one person, several)."""

    CHECKED_IN = "checked_in"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    HAS_PLACE = "has_place"
    NO_PLACE = "no_place"
    DELETED = "deleted"

    def counted(self, count: int) -> str:
        """'2 are already checked in'."""
        return bulk_words.left_out(self.value, count)


@dataclass(frozen=True)
class Skipped:
    """People the action leaves alone, and why (the same reason for them all)."""

    why: _Why
    people: tuple[Registration, ...]

    def in_words(self) -> str:
        """'2 are already checked in'."""
        return self.why.counted(len(self.people))


@dataclass(frozen=True)
class BulkPlan:
    """What an action would do to the people ticked: who it touches, who it skips."""

    event: Event
    action: BulkAction
    # In the order the action handles them.
    people: tuple[Registration, ...]
    skipped: tuple[Skipped, ...]

    @property
    def chosen_ids(self) -> list[int]:
        """Everyone ticked, to carry to the next step (which plans again from them)."""
        return sorted([r.id for r in self.people] + [r.id for s in self.skipped for r in s.people])

    @property
    def skipped_count(self) -> int:
        return sum(len(s.people) for s in self.skipped)

    def button(self) -> str:
        """'Check in 3 people': the button that does it."""
        words = self.action.doing(len(self.people))
        return words[0].upper() + words[1:]

    def question(self) -> str:
        """'Check in 3 people?'"""
        return self.button() + "?"


@dataclass(frozen=True)
class NotDone:
    """Someone the action was tried on but a rule stopped, with the rule's own words."""

    registration: Registration
    reason: str


@dataclass(frozen=True)
class BulkResult:
    """What was done, what was skipped (as planned), and what a rule stopped."""

    action: BulkAction
    done: tuple[Registration, ...]
    skipped: tuple[Skipped, ...] = ()
    failed: tuple[NotDone, ...] = ()
    # Given a place on the waiting list because a cancelled ticket freed one.
    promoted: tuple[Registration, ...] = field(default=())

    def in_words(self) -> str:
        """The sentence for what went well."""
        words = self.action.done(len(self.done))
        if self.promoted:
            words += " " + ngettext(
                "%(num)d person from the waiting list has the places they freed.",
                "%(num)d people from the waiting list have the places they freed.",
                len(self.promoted),
            )
        return words

    def problems_in_words(self) -> list[str]:
        """A sentence for each reason someone was left out, naming them."""
        lines = [
            ngettext(
                "%(why)s, so was left out: %(names)s.",
                "%(why)s, so were left out: %(names)s.",
                len(skip.people),
                why=skip.in_words(),
                names=_names(skip.people),
            )
            for skip in self.skipped
        ]
        lines += [
            _(
                "%(person)s could not be done: %(reason)s",
                person=_name(n.registration),
                reason=n.reason,
            )
            for n in self.failed
        ]
        return lines


def _name(registration: Registration) -> str:
    return f"{registration.first_name} ({registration.reference})"


# Enough to recognise them; the rest are counted, so the message stays short.
_NAMED = 10


def _names(people: Iterable[Registration]) -> str:
    people = list(people)
    named = ", ".join(_name(r) for r in people[:_NAMED])
    if len(people) > _NAMED:
        named = _("%(names)s and %(num)d more", names=named, num=len(people) - _NAMED)
    return named


def _chosen(event: Event, chosen_ids: Collection[int]) -> list[Registration]:
    """The ticked tickets, all of this event; anything else refuses the whole request."""
    wanted = set(chosen_ids)
    if not wanted:
        raise InvalidInput(_("Select at least one person."))
    if len(wanted) > MOST_AT_ONCE:
        raise InvalidInput(_("Select %(most)s people or fewer at a time.", most=MOST_AT_ONCE))
    found = list(
        db.session.scalars(
            sa.select(Registration).where(
                Registration.event_id == event.id, Registration.id.in_(wanted)
            )
        )
    )
    # A ticket of another event (or none) means the form was not the one we drew: acting on
    # the rest would be guessing, and acting on the others would reach another event.
    if len(found) != len(wanted):
        raise InvalidInput(
            _("Some of the people selected are not signed up for this event. Nothing was done.")
        )
    return found


def _sorted_for(action: BulkAction, people: list[Registration]) -> list[Registration]:
    if action == BulkAction.PROMOTE:
        # First come, first served, as the waiting list itself is.
        return sorted(people, key=lambda r: (r.waiting_since or r.created_at, r.id))
    if action == BulkAction.CANCEL:
        # The waiting first: cancelling a confirmed ticket gives its place to the next person
        # waiting, who must not be someone about to be cancelled too.
        return sorted(people, key=lambda r: (not r.is_waiting, r.id))
    return sorted(people, key=lambda r: r.id)


def _why_not(action: BulkAction, registration: Registration) -> _Why | None:
    """Why the action leaves this person out, or None when it applies to them."""
    if registration.anonymised_at is not None:
        return _Why.DELETED
    if registration.is_cancelled:
        return _Why.CANCELLED
    if action == BulkAction.CHECK_IN:
        if registration.is_waiting:
            return _Why.WAITING
        if registration.checked_in_at is not None:
            return _Why.CHECKED_IN
    if action == BulkAction.PROMOTE and not registration.is_waiting:
        return _Why.HAS_PLACE
    return None


def plan_bulk(
    event: Event, action: BulkAction, chosen_ids: Collection[int], *, actor: User
) -> BulkPlan:
    """Who among the people ticked (all of them this event's) the action would touch, and
    who it would skip and why. Giving places skips those the free places do not stretch to.
    """
    if not is_active_organiser(actor):
        raise Forbidden(_("Only organisers can change many tickets at once."))
    people: list[Registration] = []
    left_out: dict[_Why, list[Registration]] = {}
    for registration in _sorted_for(action, _chosen(event, chosen_ids)):
        why = _why_not(action, registration)
        if why is None:
            people.append(registration)
        else:
            left_out.setdefault(why, []).append(registration)
    if action == BulkAction.PROMOTE and event.capacity is not None:
        free = max(event.capacity - event.confirmed_count, 0)
        if len(people) > free:
            people, left_out[_Why.NO_PLACE] = people[:free], people[free:]
    skipped = tuple(Skipped(why, tuple(found)) for why in _Why if (found := left_out.get(why)))
    return BulkPlan(event=event, action=action, people=tuple(people), skipped=skipped)


def run_bulk(
    event: Event,
    action: BulkAction,
    chosen_ids: Collection[int],
    *,
    actor: User,
    now: datetime,
    reason: str = "",
    subject: str = "",
    body: str = "",
) -> BulkResult:
    """Plan again (things may have changed since the organiser confirmed), then do it.

    A cancellation needs a `reason` (emailed to each person), a message a `subject` and
    `body`; they are checked before anyone is touched. Each person is changed inside a
    savepoint by the single action's service: a refusal undoes only that person's change and
    is reported, and the rest carry on. The caller commits.
    """
    plan = plan_bulk(event, action, chosen_ids, actor=actor)
    if not plan.people:
        raise NotAllowed(
            _(
                "There is nothing to do: %(reasons)s.",
                reasons="; ".join(s.in_words() for s in plan.skipped),
            )
        )
    if action == BulkAction.MESSAGE:
        return _message(plan, subject, body, actor=actor, now=now)
    if action == BulkAction.CANCEL:
        reason = on_their_behalf.clean_reason(reason)
    promoted: list[Registration] = []

    def cancel(registration: Registration) -> None:
        promoted.extend(
            on_their_behalf.cancel_on_their_behalf(
                registration, reason=reason, actor=actor, now=now
            )
        )

    act: Callable[[Registration], object] = {
        BulkAction.CHECK_IN: lambda r: on_the_day.check_in(r, actor=actor, now=now),
        BulkAction.PROMOTE: lambda r: promote_registration(r, actor=actor, now=now),
        BulkAction.CANCEL: cancel,
    }[action]
    done: list[Registration] = []
    failed: list[NotDone] = []
    for registration in plan.people:
        try:
            with db.session.begin_nested():
                act(registration)
        except NclwError as error:
            failed.append(NotDone(registration, error.message))
        else:
            done.append(registration)
    return BulkResult(
        action=action,
        done=tuple(done),
        skipped=plan.skipped,
        failed=tuple(failed),
        promoted=tuple(promoted),
    )


def _message(plan: BulkPlan, subject: str, body: str, *, actor: User, now: datetime) -> BulkResult:
    """One email each through the outbox, audited once as any message to attendees is."""
    messaging.message_attendees(
        plan.event,
        MessageAudience.ALL,
        subject,
        body,
        actor=actor,
        now=now,
        chosen=[r.id for r in plan.people],
    )
    return BulkResult(action=plan.action, done=plan.people, skipped=plan.skipped)
