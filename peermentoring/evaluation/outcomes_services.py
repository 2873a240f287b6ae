"""Questionnaires and answers: every change through one function here, in a transaction with
its audit entry. The audit entry names what was answered, never the answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from peermentoring.core.audit import record
from peermentoring.core.models import User
from peermentoring.evaluation import outcomes_due
from peermentoring.evaluation.models import Answer, Question, Questionnaire, Response
from peermentoring.evaluation.models.outcomes import QUESTION_MAX, TEXT_MAX
from peermentoring.matching.models import Pairing
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, School

Kind = Questionnaire.Kind
AnswerType = Question.AnswerType

DEFAULT_QUESTIONS: dict[str, list[tuple[str, str]]] = {
    Kind.MENTEE_CHECK_IN: [
        ("I feel happy at school", AnswerType.SCALE),
        ("I know who to go to if I'm worried", AnswerType.SCALE),
        ("I have friends in my year", AnswerType.SCALE),
        ("I feel confident", AnswerType.SCALE),
    ],
    Kind.MENTOR_REFLECTION: [
        ("What skills have you gained as a peer mentor?", AnswerType.TEXT),
        ("Being a peer mentor has made me more confident", AnswerType.SCALE),
        ("What would you tell next year's mentors?", AnswerType.TEXT),
    ],
}

ALREADY_ANSWERED = "This has been answered already: thank you."
NOT_DUE = "This check-in is not open yet."
NOT_THIS_SCHOOL = "That is not one of this school's questions."
NOTHING_ANSWERED = "Please answer at least one question."
FUTURE_DAY = "The day the form was filled in cannot be in the future."
BEFORE_PAIRING = "The day the form was filled in cannot be before the pairing started."
QUESTION_CHANGED = (
    "The questions changed while you were answering. Please check your answers and send again."
)
LAST_QUESTION = "A questionnaire needs at least one question: add another before removing this."
SCORE_RANGE = "Choose one of the faces, from 1 to 5."
TOO_LONG = "Please keep each answer to at most {limit:,} characters (one has {length:,})."


class AlreadyAnswered(ValidationError):
    """The response exists already (a second tap, the page sent again, two staff at once)."""

    def __init__(self, existing: Response) -> None:
        super().__init__(ALREADY_ANSWERED, code="already_answered")
        self.existing = existing


def questionnaire_for(school: School, kind: str) -> Questionnaire:
    """The school's questionnaire of this kind, made with the default questions on first use.

    Two requests making it at once make one: the loser of the race reads the winner's.
    """
    found = Questionnaire.objects.filter(school=school, kind=kind).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            questionnaire = Questionnaire.objects.create(school=school, kind=kind)
            Question.objects.bulk_create(
                Question(questionnaire=questionnaire, order=n, text=text, answer_type=answer_type)
                for n, (text, answer_type) in enumerate(DEFAULT_QUESTIONS[kind], start=1)
            )
            record(action="questionnaire.created", target=questionnaire, by=None, school=school)
    except IntegrityError:
        return Questionnaire.objects.get(school=school, kind=kind)
    return questionnaire


# --- Answers -----------------------------------------------------------------------------

AnswerValue = int | str | None


def _clean_answers(
    questionnaire: Questionnaire, answers: Mapping[int, AnswerValue]
) -> list[Answer]:
    """The answers as rows: each to a current question of this questionnaire, in range."""
    questions = {q.pk: q for q in questionnaire.questions.current()}
    rows = []
    for pk, value in answers.items():
        question = questions.get(pk)
        if question is None:
            raise ValidationError(NOT_THIS_SCHOOL, code="foreign_question")
        if value is None or value == "":
            continue
        if question.is_scale:
            if not isinstance(value, int) or not 1 <= value <= 5:
                raise ValidationError(SCORE_RANGE, code="score")
            rows.append(Answer(question=question, score=value))
        else:
            text = str(value).strip()
            if len(text) > TEXT_MAX:
                raise ValidationError(
                    TOO_LONG.format(limit=TEXT_MAX, length=len(text)), code="max_length"
                )
            if text:
                rows.append(Answer(question=question, text=text))
    if not rows:
        raise ValidationError(NOTHING_ANSWERED, code="empty")
    return rows


def _save(response: Response, rows: list[Answer], *, by: User) -> Response:
    """Save the response and its answers; a response already there is refused, unchanged."""
    response.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            response.save()
            for row in rows:
                row.response = response
            Answer.objects.bulk_create(rows)
            record(
                action="outcomes.answered_on_paper" if response.is_paper else "outcomes.answered",
                target=response,
                by=by,
                changes={"moment": response.moment, "answers": len(rows)},
            )
    except IntegrityError:
        existing = (
            Response.objects.filter(pairing=response.pairing_id, moment=response.moment)
            if response.pairing_id
            else Response.objects.filter(mentor=response.mentor_id)
        ).first()
        if existing is None:
            raise
        raise AlreadyAnswered(existing) from None
    return response


def _check_version(questionnaire: Questionnaire, version: int | None) -> None:
    if version is not None and version != questionnaire.version:
        raise ValidationError(QUESTION_CHANGED, code="changed")


@transaction.atomic
def answer_check_in(
    *,
    pairing: Pairing,
    moment: str,
    answers: Mapping[int, AnswerValue],
    by: User,
    is_paper: bool = False,
    answered_on: dt.date | None = None,
    version: int | None = None,
) -> Response:
    """Save a mentee's check-in about a pairing at one moment, once.

    Online, the pupil answers a check-in that is due today. On paper, a member of staff
    types in a form whose moment has come, dated the day the pupil filled it in.
    """
    today = timezone.localdate()
    day = answered_on or today
    questionnaire = questionnaire_for(pairing.school, Kind.MENTEE_CHECK_IN)
    _check_version(questionnaire, version)
    dates = outcomes_due.dates_of(
        outcomes_due.with_check_in_facts(Pairing.objects.filter(pk=pairing.pk)).get()
    )
    if day > today:
        raise ValidationError(FUTURE_DAY, code="future")
    if day < pairing.started_on:
        raise ValidationError(BEFORE_PAIRING, code="before_pairing")
    if dates is None or not (
        dates.opened(moment, today) if is_paper else dates.due_on(moment, today)
    ):
        raise ValidationError(NOT_DUE, code="not_due")
    rows = _clean_answers(questionnaire, answers)
    response = Response(
        school=pairing.school,
        questionnaire=questionnaire,
        pupil_id=pairing.mentee_id,
        pairing=pairing,
        moment=moment,
        answered_on=day,
        entered_by=by,
        is_paper=is_paper,
    )
    return _save(response, rows, by=by)


@transaction.atomic
def answer_reflection(
    *,
    mentor: Mentor,
    answers: Mapping[int, AnswerValue],
    by: User,
    is_paper: bool = False,
    answered_on: dt.date | None = None,
    version: int | None = None,
) -> Response:
    """Save a mentor's end-of-year reflection, once for their year."""
    today = timezone.localdate()
    day = answered_on or today
    questionnaire = questionnaire_for(mentor.school, Kind.MENTOR_REFLECTION)
    _check_version(questionnaire, version)
    if day > today:
        raise ValidationError(FUTURE_DAY, code="future")
    year = AcademicYear.objects.get(pk=mentor.academic_year_id)
    if not is_paper and not outcomes_due.reflection_due_on(
        outcomes_due.summer_of(year), year, today
    ):
        raise ValidationError(NOT_DUE, code="not_due")
    rows = _clean_answers(questionnaire, answers)
    response = Response(
        school=mentor.school,
        questionnaire=questionnaire,
        pupil_id=mentor.pupil_id,
        mentor=mentor,
        moment=Response.Moment.END_OF_YEAR,
        answered_on=day,
        entered_by=by,
        is_paper=is_paper,
    )
    return _save(response, rows, by=by)


# --- Editing the questions -----------------------------------------------------------------


@dataclass(frozen=True)
class QuestionFields:
    text: str
    answer_type: str
    order: int


def _bump(questionnaire: Questionnaire) -> None:
    Questionnaire.objects.filter(pk=questionnaire.pk).update(version=questionnaire.version + 1)
    questionnaire.version += 1


def _locked(questionnaire: Questionnaire) -> Questionnaire:
    locked: Questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    return locked


def _checked(fields: QuestionFields) -> QuestionFields:
    text = " ".join(fields.text.split())
    if not text or len(text) > QUESTION_MAX:
        raise ValidationError(
            {"text": f"Write the question in 1 to {QUESTION_MAX} characters."}, code="text"
        )
    return QuestionFields(text=text, answer_type=fields.answer_type, order=fields.order)


@transaction.atomic
def add_question(*, questionnaire: Questionnaire, fields: QuestionFields, by: User) -> Question:
    """Add a question; pupils are asked it from their next answer."""
    questionnaire = _locked(questionnaire)
    fields = _checked(fields)
    # The form sent twice (a double click, a resend) must not ask pupils the same twice.
    if questionnaire.questions.current().filter(text__iexact=fields.text).exists():
        raise ValidationError("This questionnaire already asks that question.", code="twice")
    order = (
        fields.order or (questionnaire.questions.current().aggregate(m=Max("order"))["m"] or 0) + 1
    )
    question = Question(
        questionnaire=questionnaire,
        text=fields.text,
        answer_type=fields.answer_type,
        order=order,
    )
    question.full_clean()
    question.save()
    _bump(questionnaire)
    record(action="question.added", target=question, by=by, school=questionnaire.school)
    return question


@transaction.atomic
def change_question(*, question: Question, fields: QuestionFields, by: User) -> Question:
    """Change a question. Once answered, its words and kind of answer are never changed in
    place: the old row is retired and a new one asked, so old answers keep their question."""
    questionnaire = _locked(question.questionnaire)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.is_retired:
        raise ValidationError("This question has been removed already.", code="retired")
    fields = _checked(fields)
    reworded = (fields.text, fields.answer_type) != (question.text, question.answer_type)
    if reworded and question.answers.exists():
        question.retired_at = timezone.now()
        question.save(update_fields=["retired_at"])
        new = Question(
            questionnaire=questionnaire,
            text=fields.text,
            answer_type=fields.answer_type,
            order=fields.order,
            replaces=question,
        )
        new.full_clean()
        new.save()
        record(
            action="question.replaced",
            target=new,
            by=by,
            school=questionnaire.school,
            changes={"replaces": question.pk},
        )
        _bump(questionnaire)
        return new
    before = (question.text, question.answer_type, question.order)
    question.text, question.answer_type, question.order = (
        fields.text,
        fields.answer_type,
        fields.order,
    )
    question.full_clean()
    question.save(update_fields=["text", "answer_type", "order"])
    if before != (question.text, question.answer_type, question.order):
        record(action="question.changed", target=question, by=by, school=questionnaire.school)
        _bump(questionnaire)
    return question


@transaction.atomic
def remove_question(*, question: Question, by: User) -> None:
    """Stop asking a question: retired if it has answers (they keep it), else deleted."""
    questionnaire = _locked(question.questionnaire)
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.is_retired:
        return
    if questionnaire.questions.current().count() <= 1:
        raise ValidationError(LAST_QUESTION, code="last")
    record(action="question.removed", target=question, by=by, school=questionnaire.school)
    if question.answers.exists():
        question.retired_at = timezone.now()
        question.save(update_fields=["retired_at"])
    else:
        question.delete()
    _bump(questionnaire)
