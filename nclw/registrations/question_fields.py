"""The event's own questions on the sign-up form: one field each, checked by the service."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from nclw.events.models import Event
from nclw.forms import CheckboxesField
from nclw.i18n import typed_in_english
from nclw.registrations.question_setup import questions_of
from nclw.registrations.sign_up_answers import NO, YES, AnswerProblems, check_answers
from nclw.registrations.sign_up_questions import QuestionKind, SignUpQuestion

PREFIX = "question_"


def is_question_field(name: str) -> bool:
    return name.startswith(PREFIX)


def _wording(words: str, **typed: str) -> Markup:
    # The site's words around the organisers' own: theirs are marked as the English they are
    # typed in (on a Welsh or Arabic page), so a screen reader reads each with its own sounds.
    return Markup(escape(words)) % {name: typed_in_english(text) for name, text in typed.items()}


def _description(question: SignUpQuestion) -> Markup:
    why = _wording(_("Why we ask: %(reason)s"), reason=question.why_we_ask)
    return typed_in_english(question.help_text) + " " + why if question.help_text else why


def _choices(question: SignUpQuestion) -> list[SelectChoice]:
    return [SelectChoice(choice, typed_in_english(choice)) for choice in question.choice_list]


def _field(question: SignUpQuestion):
    label = (
        typed_in_english(question.label)
        if question.required
        else _wording(_("%(label)s (optional)"), label=question.label)
    )
    options = {"description": _description(question)}
    kind = question.kind
    if kind == QuestionKind.SHORT_TEXT:
        return StringField(label, **options)
    if kind == QuestionKind.LONG_TEXT:
        return TextAreaField(label, **options)
    if kind == QuestionKind.SEVERAL_CHOICES:
        choices = _choices(question)
        return CheckboxesField(label, choices=choices, default=[], validate_choice=False, **options)
    if kind == QuestionKind.YES_NO:
        choices = [SelectChoice(YES, _("Yes")), SelectChoice(NO, _("No"))]
    else:
        choices = _choices(question)
    return RadioField(label, choices=choices, validate_choice=False, **options)


def with_questions(form_class: type[FlaskForm], event: Event) -> type[FlaskForm]:
    """`form_class` with a field for each question the event asks, in order.

    The fields carry no rules of their own: the answers are checked by
    sign_up_answers.check_answers when the form is, and the checked ones are left in
    `form.answers` for the service that keeps them.
    """
    # False only where the query that loaded the event found none.
    if event.asks_questions is False:
        return form_class
    questions = questions_of(event, include_hidden=False)
    if not questions:
        return form_class
    fields = {f"{PREFIX}{question.id}": _field(question) for question in questions}

    def validate(self, extra_validators=None) -> bool:
        valid = form_class.validate(self, extra_validators)
        given = {question.id: self[f"{PREFIX}{question.id}"].data for question in questions}
        try:
            self.answers = check_answers(questions, given, say=_wording)
        except AnswerProblems as problems:
            for question_id, message in problems.problems.items():
                self[f"{PREFIX}{question_id}"].errors = [message]
            return False
        return valid

    return type(form_class.__name__, (form_class,), {**fields, "validate": validate})
