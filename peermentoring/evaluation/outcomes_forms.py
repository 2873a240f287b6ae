"""The questionnaire as a form (for a pupil on a phone, or staff typing in a paper one), and
the form that edits one question."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone

from peermentoring.core.forms import bounded_text
from peermentoring.evaluation.models import Question
from peermentoring.evaluation.models.outcomes import QUESTION_MAX, SCALE, TEXT_MAX

CHOOSE_A_FACE = "Choose the face that fits best."
SCALE_CHOICES = [(str(n), words) for n, words in SCALE.items()]


def field_name(question: Question) -> str:
    return f"q{question.pk}"


class AnswersForm(forms.Form):
    """One field a current question: the faces (radio buttons) or a short written answer.

    A pupil answers every faces question; written ones may be left empty. Staff typing in
    a paper form may leave any empty (a child may have skipped one) and give its date.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(
        self, *args: Any, questions: list[Question], paper: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for question in questions:
            if question.is_scale:
                self.fields[field_name(question)] = forms.TypedChoiceField(
                    label=question.text,
                    choices=SCALE_CHOICES,
                    coerce=int,
                    widget=forms.RadioSelect,
                    required=not paper,
                    error_messages={"required": CHOOSE_A_FACE, "invalid_choice": CHOOSE_A_FACE},
                )
            else:
                self.fields[field_name(question)] = bounded_text(
                    TEXT_MAX, label=question.text, required=False, rows=4
                )
        if paper:
            self.fields["answered_on"] = forms.DateField(
                label="Date on the paper form",
                initial=timezone.localdate,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                help_text="The day the pupil filled it in.",
            )

    def answers(self) -> dict[int, int | str | None]:
        return {q.pk: self.cleaned_data.get(field_name(q)) for q in self.questions}

    def answered_on(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("answered_on")
        return value

    def scale_fields(self) -> list[Any]:
        return [self[field_name(q)] for q in self.questions if q.is_scale]

    def bound_questions(self) -> list[tuple[Question, Any]]:
        return [(q, self[field_name(q)]) for q in self.questions]


class QuestionForm(forms.Form):
    text = forms.CharField(
        label="Question",
        max_length=QUESTION_MAX,
        help_text="As a pupil reads it: short, and for a 1 to 5 answer a sentence they agree with.",
        error_messages={"max_length": f"Please keep the question to {QUESTION_MAX} characters."},
    )
    answer_type = forms.ChoiceField(
        label="Answer",
        choices=Question.AnswerType.choices,
        widget=forms.RadioSelect,
        # Not Django's "… is not one of the available choices", which echoes what was sent.
        error_messages={"invalid_choice": "Choose one of the kinds of answer listed."},
    )
    order = forms.IntegerField(
        label="Place in the list",
        min_value=1,
        max_value=99,
        help_text="1 is asked first.",
    )
