"""Evaluation tables of the outcomes area: questionnaires, their questions, and pupils' answers.

A school has one questionnaire of each kind (the mentee check-in, the mentor's
reflection), made with the default questions on first use. Its questions are versioned:
a question that has answers is never changed in place. Rewording it, or changing its kind
of answer, retires the old row and adds a new one, so every answer keeps pointing at the
words the pupil actually read; a removed question with answers is retired, not deleted.

A response is one pupil's answers at one moment: a mentee's check-in about one pairing at
its start, mid-way or end; a mentor's reflection at the end of their year (a mentor row is
one pupil in one academic year). Each is unique, so a second tap on "Send" or a paper form
typed in twice makes one response.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peermentoring.schools.models import ForSchoolQuerySet

__all__ = ["Answer", "Question", "Questionnaire", "Response"]

# Longest free-text answer a pupil may give (a few sentences, on a phone).
TEXT_MAX = 1000
QUESTION_MAX = 200

# The faces scale, in words a Year 7 reads (a face beside each; the words are what counts).
SCALE: dict[int, str] = {
    1: "Not at all",
    2: "Not really",
    3: "A bit",
    4: "Mostly",
    5: "Yes, a lot",
}


class Questionnaire(models.Model):
    """One school's questions of one kind: the mentee check-in or the mentor reflection."""

    class Kind(models.TextChoices):
        MENTEE_CHECK_IN = "mentee_check_in", "Mentee check-in"
        MENTOR_REFLECTION = "mentor_reflection", "Mentor reflection"

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Raised by every change to the questions: a form sent after a change is checked again.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ForSchoolQuerySet["Questionnaire"].as_manager()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind"], name="evaluation_questionnaire_one_of_each_kind"
            ),
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_check_in(self) -> bool:
        return self.kind == self.Kind.MENTEE_CHECK_IN

    @property
    def is_reflection(self) -> bool:
        return self.kind == self.Kind.MENTOR_REFLECTION


class QuestionQuerySet(ForSchoolQuerySet["Question"]):
    school_path = "questionnaire__school"

    def current(self) -> QuestionQuerySet:
        """Questions asked now (not retired), in their order."""
        return self.filter(retired_at__isnull=True).order_by("order", "pk")


class Question(models.Model):
    """One question as pupils read it; retired, never changed, once answered."""

    class AnswerType(models.TextChoices):
        SCALE = "scale", "1 to 5, with faces"
        TEXT = "text", "Short written answer"

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="questions"
    )
    order = models.PositiveSmallIntegerField(default=1)
    text = models.CharField(max_length=QUESTION_MAX)
    answer_type = models.CharField(max_length=10, choices=AnswerType.choices)
    # The question this one replaced when it was reworded (kept, with its answers).
    replaces = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return self.text

    @property
    def is_scale(self) -> bool:
        return self.answer_type == self.AnswerType.SCALE

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class ResponseQuerySet(ForSchoolQuerySet["Response"]):
    def check_ins(self) -> ResponseQuerySet:
        """Mentees' check-ins (start, mid-way, end) about a pairing."""
        return self.filter(pairing__isnull=False)

    def reflections(self) -> ResponseQuerySet:
        """Mentors' end-of-year reflections."""
        return self.filter(mentor__isnull=False)


class Response(models.Model):
    """One pupil's answers to a questionnaire at one moment, online or typed in from paper."""

    class Moment(models.TextChoices):
        START = "start", "Start"
        MID = "mid", "Mid-way"
        END = "end", "End"
        END_OF_YEAR = "end_of_year", "End of the year"

    CHECK_IN_MOMENTS = (Moment.START, Moment.MID, Moment.END)

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="responses"
    )
    # The pupil whose answers these are (the mentee of a check-in, the mentor of a reflection).
    pupil = models.ForeignKey("schools.Pupil", on_delete=models.PROTECT, related_name="+")
    pairing = models.ForeignKey(
        "matching.Pairing", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mentor = models.ForeignKey(
        "mentors.Mentor", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    moment = models.CharField(max_length=12, choices=Moment.choices)
    # The day the pupil answered: today online, the date on the paper form when typed in.
    # A paper form carries a day, not a time, so the figures count days.
    answered_on = models.DateField(default=timezone.localdate)
    recorded_at = models.DateTimeField(default=timezone.now)
    # The pupil on their own account, or the member of staff who typed in a paper form.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    is_paper = models.BooleanField(default=False)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["answered_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "moment"],
                condition=Q(pairing__isnull=False),
                name="evaluation_response_one_per_pairing_moment",
                violation_error_message="This check-in has been answered already.",
            ),
            models.UniqueConstraint(
                fields=["mentor"],
                condition=Q(mentor__isnull=False),
                name="evaluation_response_one_reflection_per_mentor_year",
                violation_error_message="This reflection has been answered already.",
            ),
            models.CheckConstraint(
                condition=Q(
                    pairing__isnull=False,
                    mentor__isnull=True,
                    moment__in=["start", "mid", "end"],
                )
                | Q(pairing__isnull=True, mentor__isnull=False, moment="end_of_year"),
                name="evaluation_response_check_in_or_reflection",
                violation_error_message=(
                    "A check-in is about a pairing at its start, mid-way or end; a reflection "
                    "is a mentor's, at the end of the year."
                ),
            ),
        ]
        indexes = [
            # The figures find each mentee's first and latest check-in up to a day, in a
            # subquery per pupil that names the pupil, not the school (a pupil is one school's).
            models.Index(fields=["pupil", "answered_on"], name="evaluation_response_pupil_day"),
        ]

    def __str__(self) -> str:
        # The audit trail files this label: it says what was answered, never the answers.
        return f"{self.questionnaire.get_kind_display()} ({self.get_moment_display().lower()})"

    @property
    def is_check_in(self) -> bool:
        return self.pairing_id is not None


class Answer(models.Model):
    """One answer: a score on the faces scale, or a few words."""

    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="evaluation_answer_once_a_question"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="evaluation_answer_score_1_to_5",
                violation_error_message="A score runs from 1 to 5.",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question}"

    @property
    def score_words(self) -> str:
        return SCALE.get(self.score or 0, "")
