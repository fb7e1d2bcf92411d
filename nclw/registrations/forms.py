"""The sign-up form: only the questions an event needs."""

from __future__ import annotations

import functools

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from nclw.events.details import ACCESS_CHOICES
from nclw.events.models import Audience, Event
from nclw.forms import EMAIL_SHAPE, CheckboxesField, strip_spaces
from nclw.i18n import current_language
from nclw.mail.ical import DISCREET_SENDER, NEUTRAL_ONLINE_TITLE, NEUTRAL_TITLE
from nclw.registrations import slots
from nclw.registrations.certificate import MAX_NAME_LENGTH
from nclw.registrations.question_fields import is_question_field, with_questions
from nclw.registrations.sign_up_details import SignUpDetails
from nclw.registrations.supporter_forms import (
    SUPPORTER_FIELD_NAMES,
    SupporterFields,
    supporter_details,
)
from nclw.timezones import format_day

_FIRST_NAME_MISSING = _l("Enter your first name")
_EMAIL_MISSING = _l("Enter your email address")


def first_name_field(description, *, missing=_FIRST_NAME_MISSING):
    """The first name, as sign-up asks for it: every form that takes one checks it the same way."""
    return StringField(
        _l("First name"),
        description=description,
        filters=[strip_spaces],
        validators=[
            DataRequired(missing),
            Length(max=80, message=_l("First name must be 80 characters or fewer")),
        ],
    )


def email_field(description, *, missing=_EMAIL_MISSING):
    """The email address, as sign-up asks for it."""
    return EmailField(
        _l("Email address"),
        description=description,
        filters=[strip_spaces],
        validators=[DataRequired(missing), *EMAIL_SHAPE],
    )


def organisation_field(**options):
    """The organisation a professional works for, as sign-up and booking ask for it."""
    return StringField(
        _l("Organisation"),
        validators=[
            DataRequired(_l("Enter the organisation you work for")),
            Length(max=160, message=_l("Organisation must be 160 characters or fewer")),
        ],
        **options,
    )


def job_role_field(**options):
    """A professional's role at work, as sign-up and booking ask for it."""
    return StringField(
        _l("Your role"),
        validators=[
            DataRequired(_l("Enter your role")),
            Length(max=120, message=_l("Role must be 120 characters or fewer")),
        ],
        **options,
    )


class SignUpForm(SupporterFields, FlaskForm):
    first_name = first_name_field(_l("The name you would like us to use."))
    email = email_field(_l("We will send your ticket here."))
    # Only on care-experienced events (removed otherwise); the service checks it again.
    declared_care_experienced = BooleanField(
        _l("I am in care or have left care (I am care experienced)"),
        validators=[DataRequired(_l("Confirm that you are in care or have left care"))],
    )
    # Only where the event's age rule needs it (removed otherwise); the label is the rule's
    # question. The answer decides, and is not kept.
    age_confirmed = RadioField(
        _l("Your age"),
        # Translators: answers to a question like "Are you 16 to 25?".
        choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
        validators=[DataRequired(_l("Answer the question about your age"))],
    )
    # Only on an event split into time slots with a time still free (registrations.slots),
    # or with a waiting list for each time (registrations.slot_waits): "12", or "wait-12".
    slot_id = RadioField(
        _l("Choose a time"),
        validators=[DataRequired(_l("Choose a time"))],
        validate_choice=False,  # the service checks the slot is this event's, and free
    )
    organisation_name = organisation_field()
    job_role = job_role_field()
    access_requests = CheckboxesField(
        _l("Do you need any of these? (optional)"),
        description=_l("We tell the host only how many people need each, never who."),
        choices=[SelectChoice(value, label) for value, label in ACCESS_CHOICES],
        default=[],
    )
    access_needs = TextAreaField(
        _l("Anything else that would help you take part? (optional)"),
        description=_l(
            "Tell us anything that would help you take part. Only the organisers see this."
        ),
        validators=[
            Optional(),
            Length(max=500, message=_l("Access needs must be 500 characters or fewer")),
        ],
    )
    discreet = BooleanField(
        _l("Keep my emails and calendar discreet"),
        # The words the calendar writer really uses, so the promise matches the invite.
        description=_l(
            "Emails come from \u201c%(sender)s\u201d with a plain subject, and your calendar "
            "says \u201c%(online)s\u201d or \u201c%(in_person)s\u201d. Useful if other people "
            "can see your phone or your calendar.",
            sender=DISCREET_SENDER,
            online=NEUTRAL_ONLINE_TITLE,
            in_person=NEUTRAL_TITLE,
        ),
    )
    share_with_host = BooleanField(_l("Share my first name and email with the host"))
    consent_future_events = BooleanField(_l("Email me about future events (optional)"))
    # Only on events taking questions; sent to the Q&A moderators, never stored on the ticket.
    first_question = TextAreaField(
        _l("A question for the Q&A (optional)"),
        description=_l(
            "Anonymous. Please do not include contact details. A moderator checks it first."
        ),
        validators=[
            Optional(),
            Length(max=500, message=_l("Your question must be 500 characters or fewer")),
        ],
    )


def sign_up_details(form: SignUpForm) -> SignUpDetails:
    """What the person typed, as the sign-up service takes it (the first question goes apart)."""
    details = {
        name: field.data
        for name, field in form._fields.items()
        if name not in ("csrf_token", "first_question", "age_confirmed", *SUPPORTER_FIELD_NAMES)
        and not is_question_field(name)
    }
    details["supporter"] = supporter_details(form)
    details["answers"] = tuple(getattr(form, "answers", {}).items())
    if "slot_id" in form:
        details["slot_id"], details["wait_for_slot"] = _slot_choice(form.slot_id.data)
    if "age_confirmed" in form:
        details["age_confirmed"] = form.age_confirmed.data == "yes"
    details["language"] = current_language()
    return SignUpDetails(**details)


def sign_up_form_for(event: Event, **kwargs) -> SignUpForm:
    """A sign-up form with only the questions this event needs."""
    shape = _form_for_shape(
        care_experienced=event.audience == Audience.CARE_EXPERIENCED,
        professionals=event.audience == Audience.PROFESSIONALS,
        takes_questions=event.qa_enabled,
        supporters=event.supporters_allowed,
        asks_age=event.age_question is not None,
        # False only where the query that loaded the event found none.
        may_have_slots=event.has_slots is not False,
    )
    form = with_questions(shape, event)(**kwargs)
    if "first_question" in form:
        # A lazy label counts as HTML when drawn; as plain text, its "&" is escaped.
        form.first_question.label.text = str(form.first_question.label.text)
    _offer_slots(form, event)
    if "age_confirmed" in form:
        form.age_confirmed.label.text = event.age_question
    form.share_with_host.label.text = _(
        "Share my first name and email with %(host)s (optional)", host=event.host.name
    )
    return form


@functools.cache
def _form_for_shape(
    *,
    care_experienced: bool,
    professionals: bool,
    takes_questions: bool,
    supporters: bool,
    asks_age: bool,
    may_have_slots: bool,
) -> type[SignUpForm]:
    """The sign-up form without the fields an event of this shape does not ask for: made once
    for each shape, as making every field for each sign-up and deleting the unused ones took
    a fifth of a sign-up's time. (A field set to None in a subclass is not a field of it.)"""
    left_out = {
        "declared_care_experienced": not care_experienced,
        "organisation_name": not professionals,
        "job_role": not professionals,
        "first_question": not takes_questions,
        "supporter_first_name": not supporters,
        "supporter_role": not supporters,
        "age_confirmed": not asks_age,
        "slot_id": not may_have_slots,
    }
    return type(
        SignUpForm.__name__, (SignUpForm,), {name: None for name, out in left_out.items() if out}
    )


WAIT_PREFIX = "wait-"


def _slot_choice(value: str | None) -> tuple[int | None, bool]:
    """The slot chosen, and whether it is a full one to wait for ("wait-12")."""
    if not value:
        return None, False
    wait = value.startswith(WAIT_PREFIX)
    number = value.removeprefix(WAIT_PREFIX)
    # Anything else posted is no slot of this event: the service refuses it plainly.
    return (int(number) if number.isdecimal() and len(number) < 10 else 0), wait


def _offer_slots(form: SignUpForm, event: Event) -> None:
    """Offer the free slots as choices; full ones are shown apart, and never offered, unless
    each time has its own waiting list: then a full time is offered to wait for."""
    all_slots = slots.event_slots(event.id) if "slot_id" in form else []
    form.full_slots = []  # the words for each full time, listed apart
    if not all_slots:
        if "slot_id" in form:
            del form.slot_id
        return
    day = slots.one_day_of(all_slots)
    form.slot_id.description = _slot_day(day)
    if event.waiting_list_per_slot:
        form.slot_id.choices = [
            SelectChoice(
                f"{WAIT_PREFIX}{slot.id}",
                _(
                    "%(times)s: full, join the waiting list for this time",
                    times=slots.slot_words(slot, day),
                ),
            )
            if slot.is_full
            else SelectChoice(str(slot.id), slots.slot_words(slot, day))
            for slot in all_slots
        ]
        return
    form.full_slots = [slots.slot_words(slot, day) for slot in all_slots if slot.is_full]
    free = [slot for slot in all_slots if not slot.is_full]
    if not free:
        # Every time is taken: nothing to choose, and the person may join the waiting list.
        # A time posted from an older page is still passed on, for the service to refuse.
        form.slot_id.validators = [Optional()]
        form.slot_id.choices = []
        return
    form.slot_id.choices = [
        SelectChoice(str(slot.id), slots.slot_words(slot, day)) for slot in free
    ]


def _slot_day(day) -> str:
    """The hint above a list of times: the day they are on (each time says its own day when
    they are on more than one)."""
    if day is None:
        return _("Times are UK times.")
    return _("Times are UK times on %(day)s.", day=format_day(day))


class ChangeSlotForm(FlaskForm):
    """A person moves their ticket to another free time."""

    slot_id = RadioField(
        _l("Choose a new time"),
        coerce=int,
        validators=[DataRequired(_l("Choose a new time"))],
        validate_choice=False,
    )


def change_slot_form(registration, current, *, now) -> ChangeSlotForm:
    """The times free to move to: every free slot not yet begun but the one already held."""
    form = ChangeSlotForm()
    free = [
        slot
        for slot in slots.free_slots(registration.event_id)
        if (current is None or slot.id != current.id) and slot.starts_at > now
    ]
    day = slots.one_day_of(free)
    form.slot_id.choices = [SelectChoice(slot.id, slots.slot_words(slot, day)) for slot in free]
    if free:
        form.slot_id.description = _slot_day(day)
    return form


class LostTicketForm(FlaskForm):
    """'Lost your ticket?': the address to email it to, if it holds one."""

    email = email_field(_l("The address you signed up with."))


class CorrectDetailsForm(FlaskForm):
    """An organiser puts right a typo in someone's first name or email address."""

    first_name = first_name_field(
        _l("As they would like us to use it."), missing=_l("Enter their first name")
    )
    email = email_field(
        _l("If you change it, we email their ticket to the new address and tell the old one."),
        missing=_l("Enter their email address"),
    )


class CertificateForm(FlaskForm):
    """What to print on a certificate of attendance; nothing here is kept."""

    full_name = StringField(
        _l("Your full name for the certificate (optional)"),
        description=_l("Leave this empty to use your first name. We print it and do not keep it."),
        filters=[strip_spaces],
        validators=[
            Optional(),
            Length(
                max=MAX_NAME_LENGTH,
                message=_l("Your name must be %(most)s characters or fewer", most=MAX_NAME_LENGTH),
            ),
        ],
    )
    mention_care = BooleanField(
        _l("Mention National Care Leavers' Week on my certificate"),
        description=_l(
            "If you leave this unticked, your certificate says nothing about care, "
            "and leaves out an event or host name that mentions care."
        ),
    )
