"""Outcome change, computed by the database: the one definition the outcomes page, the term
report (`outcome_summary`, `evaluation/outcomes/_report_section.html`) and the trust view
(`outcome_by_school`) read.

Who counts for a span of days (a term, a year, any dates): every mentee who answered a
check-in in it. Their change runs from their first check-in (which may be before the span:
the start of their pairing) to their latest one up to the span's last day. A mentee with
one check-in so far has nothing to compare: they count as answered, not as compared.

Per question, a mentee is compared when they answered it both times (a question reworded
after answers is a new question: comparing a pupil's answer to different words would not
be honest). Overall, their mean of the 1-5 answers at the first check-in is compared with
the mean at the latest.

Small numbers: fewer than five pupils are shown as counts ("2 better, 1 the same"), never
as a percentage or an average, which would tell a reader one pupil's answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)

from peermentoring.evaluation.models import Answer, Question, Questionnaire, Response
from peermentoring.schools.models import Pupil, School

# Fewer pupils than this are shown as counts only.
SMALL = 5
SMALL_WORDS = "Fewer than 5 pupils answered: shown as counts, not percentages."


def _check_ins(last: dt.date) -> QuerySet[Response]:
    return Response.objects.filter(pairing__isnull=False, answered_on__lte=last)


def _mentees(schools: Q, first: dt.date, last: dt.date) -> QuerySet[Pupil]:
    """The mentees who answered a check-in in the span, with their first and latest one."""
    theirs = _check_ins(last).filter(pupil=OuterRef("pk"))
    return (
        Pupil.objects.filter(schools)
        .filter(Exists(theirs.filter(answered_on__gte=first)))
        .annotate(
            first_id=Subquery(theirs.order_by("answered_on", "pk").values("pk")[:1]),
            latest_id=Subquery(theirs.order_by("-answered_on", "-pk").values("pk")[:1]),
        )
    )


def _mean_of(response: str) -> Subquery:
    """The mean of a response's 1-5 answers."""
    scores = (
        Answer.objects.filter(response=OuterRef(response), score__isnull=False)
        .order_by()
        .values("response")
        .annotate(mean=Avg("score", output_field=FloatField()))
        .values("mean")
    )
    return Subquery(scores[:1], output_field=FloatField())


def _score_of(response: str, question_pk: int) -> Subquery:
    return Subquery(
        Answer.objects.filter(response=OuterRef(response), question=question_pk)
        .order_by()
        .values("score")[:1]
    )


def _change_aggregates(prefix: str, before: str, after: str) -> dict[str, Any]:
    """Count, averages and better/same/worse of pupils compared on two annotated values."""
    compared = Q(**{f"{before}__isnull": False, f"{after}__isnull": False}) & ~Q(
        first_id=F("latest_id")
    )
    return {
        f"{prefix}n": Count("pk", filter=compared),
        f"{prefix}before": Avg(before, filter=compared, output_field=FloatField()),
        f"{prefix}after": Avg(after, filter=compared, output_field=FloatField()),
        f"{prefix}better": Count("pk", filter=compared & Q(**{f"{after}__gt": F(before)})),
        f"{prefix}same": Count("pk", filter=compared & Q(**{after: F(before)})),
        f"{prefix}worse": Count("pk", filter=compared & Q(**{f"{after}__lt": F(before)})),
    }


@dataclass(frozen=True)
class Change:
    """How the compared pupils' answers moved, shown honestly for small numbers."""

    pupils: int
    better: int
    same: int
    worse: int
    # None for fewer than five pupils: their counts are shown instead.
    first_average: float | None
    latest_average: float | None
    better_percent: int | None

    @property
    def small(self) -> bool:
        return self.pupils < SMALL

    @classmethod
    def of(cls, row: Mapping[str, Any], prefix: str) -> Change:
        pupils = int(row[f"{prefix}n"] or 0)
        shown = pupils >= SMALL

        def average(value: float | None) -> float | None:
            return round(float(value), 2) if shown and value is not None else None

        better = int(row[f"{prefix}better"] or 0)
        return cls(
            pupils=pupils,
            better=better,
            same=int(row[f"{prefix}same"] or 0),
            worse=int(row[f"{prefix}worse"] or 0),
            first_average=average(row[f"{prefix}before"]),
            latest_average=average(row[f"{prefix}after"]),
            better_percent=round(100 * better / pupils) if shown else None,
        )


@dataclass(frozen=True)
class QuestionChange:
    question_id: int
    text: str
    change: Change


@dataclass(frozen=True)
class OutcomeSummary:
    """The mentees' outcome change over a span, and how many mentors reflected."""

    first: dt.date
    last: dt.date
    pupils_answered: int  # mentees with a check-in in the span
    pupils_compared: int  # of them, with an earlier check-in to compare with
    overall: Change
    questions: list[QuestionChange] = field(default_factory=list)
    mentors_reflected: int = 0

    @property
    def small(self) -> bool:
        """Fewer than five pupils compared: counts only."""
        return self.pupils_compared < SMALL

    @property
    def small_words(self) -> str:
        return SMALL_WORDS

    def rows(self) -> list[list[str | int | float]]:
        """The change as the page's table shows it, heading first, for CSV and Excel: an
        average or percentage not shown (fewer than five pupils) is an empty cell."""
        heading: list[str | int | float] = [
            "Question",
            "Pupils compared",
            "First (average, 1-5)",
            "Latest (average, 1-5)",
            "Better",
            "The same",
            "Worse",
            "Better (%)",
        ]
        lines = [(q.text, q.change) for q in self.questions]
        lines.append(("All the 1-5 questions (each pupil's mean)", self.overall))
        return [heading] + [
            [
                text,
                c.pupils,
                "" if c.first_average is None else c.first_average,
                "" if c.latest_average is None else c.latest_average,
                c.better,
                c.same,
                c.worse,
                "" if c.better_percent is None else c.better_percent,
            ]
            for text, c in lines
        ]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON: ints, floats, strs, lists and dicts; dates as ISO strings."""
        return {
            "first": self.first.isoformat(),
            "last": self.last.isoformat(),
            "pupils_answered": self.pupils_answered,
            "pupils_compared": self.pupils_compared,
            "small": self.small,
            "overall": asdict(self.overall) | {"small": self.overall.small},
            "questions": [
                {
                    "question_id": q.question_id,
                    "text": q.text,
                    **asdict(q.change),
                    "small": q.change.small,
                }
                for q in self.questions
            ],
            "mentors_reflected": self.mentors_reflected,
        }


def _scale_questions(school: School, first: dt.date, last: dt.date) -> list[Question]:
    """The 1-5 questions of the school's check-in: those asked now and those answered by then."""
    answered = Answer.objects.filter(question=OuterRef("pk"), response__answered_on__lte=last)
    return list(
        Question.objects.filter(
            questionnaire__school=school,
            questionnaire__kind=Questionnaire.Kind.MENTEE_CHECK_IN,
            answer_type=Question.AnswerType.SCALE,
        )
        .filter(Q(retired_at__isnull=True) | Exists(answered))
        .order_by("order", "pk")
    )


def outcome_summary(school: School, first: dt.date, last: dt.date) -> OutcomeSummary:
    """The mentees' change from first to latest check-in, for mentees who answered in the span.

    Three queries however many pupils: the questions, the change, the reflections.
    """
    questions = _scale_questions(school, first, last)
    mentees = _mentees(Q(school=school), first, last).annotate(
        first_mean=_mean_of("first_id"), latest_mean=_mean_of("latest_id")
    )
    aggregates: dict[str, Any] = {
        "answered": Count("pk"),
        "compared": Count("pk", filter=~Q(first_id=F("latest_id"))),
        **_change_aggregates("all_", "first_mean", "latest_mean"),
    }
    for question in questions:
        pk = question.pk
        mentees = mentees.annotate(
            **{f"f{pk}": _score_of("first_id", pk), f"l{pk}": _score_of("latest_id", pk)}
        )
        aggregates |= _change_aggregates(f"q{pk}_", f"f{pk}", f"l{pk}")
    row = mentees.aggregate(**aggregates)
    reflected = Response.objects.filter(
        school=school, mentor__isnull=False, answered_on__gte=first, answered_on__lte=last
    ).count()
    return OutcomeSummary(
        first=first,
        last=last,
        pupils_answered=int(row["answered"] or 0),
        pupils_compared=int(row["compared"] or 0),
        overall=Change.of(row, "all_"),
        questions=[
            QuestionChange(question_id=q.pk, text=q.text, change=Change.of(row, f"q{q.pk}_"))
            for q in questions
        ],
        mentors_reflected=reflected,
    )


BY_SCHOOL_KEYS = (
    "outcome_pupils_answered",
    "outcome_pupils_compared",
    "outcome_better",
    "outcome_same",
    "outcome_worse",
    "outcome_first_average",
    "outcome_latest_average",
    "outcome_better_percent",
    "outcome_small",
)


def outcome_by_school(
    schools: QuerySet[School], first: dt.date, last: dt.date
) -> dict[int, dict[str, int | float | bool | None]]:
    """Each school's overall outcome change (counts and averages, never a name), in one query
    for them all. A school where no mentee answered in the span has zeros."""
    rows = (
        _mentees(Q(school__in=schools.values("pk")), first, last)
        .annotate(first_mean=_mean_of("first_id"), latest_mean=_mean_of("latest_id"))
        .values("school")
        .annotate(
            answered=Count("pk"),
            compared=Count("pk", filter=~Q(first_id=F("latest_id"))),
            **_change_aggregates("all_", "first_mean", "latest_mean"),
        )
        .order_by()
    )
    found = {row["school"]: row for row in rows}
    result: dict[int, dict[str, int | float | bool | None]] = {}
    for school_id in schools.values_list("pk", flat=True):
        row = found.get(school_id)
        change = Change.of(row, "all_") if row else Change(0, 0, 0, 0, None, None, None)
        result[school_id] = {
            "outcome_pupils_answered": int(row["answered"]) if row else 0,
            "outcome_pupils_compared": int(row["compared"]) if row else 0,
            "outcome_better": change.better,
            "outcome_same": change.same,
            "outcome_worse": change.worse,
            "outcome_first_average": change.first_average,
            "outcome_latest_average": change.latest_average,
            "outcome_better_percent": change.better_percent,
            "outcome_small": change.small,
        }
    return result
