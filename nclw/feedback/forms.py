"""The survey as a form (one field per question the organisers chose), and choosing them."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from nclw.feedback.models import MAX_ANSWER_LENGTH, MAX_QUESTION_LENGTH, QuestionKind
from nclw.feedback.survey import MOST_QUESTIONS, QuestionChoice, question_text
from nclw.forms import ChoiceField

SCORES = [
    SelectChoice("1", _l("1 (poor)")),
    SelectChoice("2", "2"),
    SelectChoice("3", "3"),
    SelectChoice("4", "4"),
    SelectChoice("5", _l("5 (very good)")),
]


def answer_field_name(question_id: int) -> str:
    return f"q{question_id}"


def survey_form_for(questions) -> FlaskForm:
    """A form asking these questions; every one may be left out."""

    class SurveyForm(FlaskForm):
        pass

    for question in questions:
        if question.kind == QuestionKind.RATING:
            field = RadioField(question_text(question), choices=SCORES, validators=[Optional()])
        else:
            field = TextAreaField(
                question_text(question),
                validators=[
                    Optional(),
                    Length(
                        max=MAX_ANSWER_LENGTH,
                        message=_l("Keep your answer to %(max)d characters or fewer"),
                    ),
                ],
            )
        setattr(SurveyForm, answer_field_name(question.id), field)
    return SurveyForm()


def given_answers(form: FlaskForm, questions) -> dict[int, str]:
    """What was chosen or typed, by question id, for the service."""
    return {question.id: form[answer_field_name(question.id)].data or "" for question in questions}


# The labels are lazy: read when the form is drawn, in the page's language.
KINDS = [SelectChoice(kind.value, kind.label) for kind in QuestionKind]


class SurveyQuestionsForm(FlaskForm):
    """Five rows of a kind and a question; blank rows are left out."""

    def rows(self) -> list[tuple]:
        """Each row's kind and text fields, for the template to loop over."""
        return [(self[f"kind_{n}"], self[f"text_{n}"]) for n in range(1, MOST_QUESTIONS + 1)]

    def choices(self) -> list[QuestionChoice]:
        return [
            QuestionChoice(QuestionKind(kind.data), text.data or "") for kind, text in self.rows()
        ]

    def fill(self, questions: list[QuestionChoice]) -> None:
        for (kind, text), question in zip(self.rows(), questions, strict=False):
            kind.data, text.data = question.kind.value, question.text


for _n in range(1, MOST_QUESTIONS + 1):
    setattr(
        SurveyQuestionsForm,
        f"kind_{_n}",
        ChoiceField(
            _l("Question %(number)d: kind of answer", number=_n), choices=KINDS, default="text"
        ),
    )
    setattr(
        SurveyQuestionsForm,
        f"text_{_n}",
        StringField(
            _l("Question %(number)d", number=_n),
            validators=[
                Optional(),
                Length(
                    max=MAX_QUESTION_LENGTH,
                    message=_l("Keep each question to %(max)d characters or fewer"),
                ),
            ],
        ),
    )
