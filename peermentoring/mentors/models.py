"""Mentors: the pupils serving as peer mentors, their status and when they are free.

Every later stage (recruitment makes mentors, training trains them, matching pairs
them, meetings and the drop-in use them) asks this app the same questions the same
way: who is serving, who is experienced, and whether one mentor may mentor.

The tables keep the names they had when `Mentor` lived in recruitment and the free
windows in matching (`db_table`), so moving the models here moved no rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peermentoring.mentors.readiness import readiness_checks
from peermentoring.schools.models import AcademicYear, ForSchoolQuerySet

MENTOR_NOT_ACTIVE = "{mentor} is {status} and cannot mentor at the moment."


class MentorQuerySet(ForSchoolQuerySet["Mentor"]):
    def for_year(self, academic_year: AcademicYear | int) -> MentorQuerySet:
        """Mentors serving in one academic year."""
        return self.filter(academic_year=academic_year)

    def serving(self) -> MentorQuerySet:
        """Mentors neither paused nor stepped down (trained or still in training)."""
        return self.filter(status__in=Mentor.SERVING)

    def trained(self) -> MentorQuerySet:
        """Mentors whose status is trained (every required module done, not paused)."""
        return self.filter(status=Mentor.Status.TRAINED)

    def experienced_for(self, starts_on: dt.date) -> MentorQuerySet:
        """Records that make their pupil an experienced mentor in a year starting on `starts_on`.

        A pupil is experienced if they mentored in an earlier year, or a record of
        theirs up to that year is flagged experienced (a school may flag a pupil who
        mentored before the scheme was recorded here).
        """
        return self.filter(
            Q(academic_year__starts_on__lt=starts_on)
            | Q(is_experienced=True, academic_year__starts_on__lte=starts_on)
        )


class Mentor(models.Model):
    """A pupil serving as a peer mentor in one academic year.

    Created when an applicant accepts an offer (status: in training). Training
    moves them to trained; `can_mentor()` / `check_can_mentor()` is the one check
    every mentoring action calls.
    """

    class Status(models.TextChoices):
        IN_TRAINING = "in_training", "In training"
        TRAINED = "trained", "Trained"
        PAUSED = "paused", "Paused"
        STEPPED_DOWN = "stepped_down", "Stepped down"

    class HoodieSize(models.TextChoices):
        # Children's then adult sizes, as school hoodie suppliers list them.
        AGE_9_11 = "age_9_11", "Age 9–11"
        AGE_12_13 = "age_12_13", "Age 12–13"
        XS = "xs", "XS"
        S = "s", "S"
        M = "m", "M"
        L = "l", "L"
        XL = "xl", "XL"
        XXL = "xxl", "XXL"

    SERVING = (Status.IN_TRAINING, Status.TRAINED)

    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="mentors")
    pupil = models.ForeignKey(
        "schools.Pupil", on_delete=models.PROTECT, related_name="mentor_records"
    )
    academic_year = models.ForeignKey(
        "schools.AcademicYear",
        on_delete=models.PROTECT,
        related_name="mentors",
        help_text="The year they mentor in (Year 10 for a new mentor).",
    )
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.IN_TRAINING)
    capacity = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text="How many mentees they may have at once.",
    )
    is_experienced = models.BooleanField(
        default=False,
        help_text="Mentored last year: may sit on interview panels and help at training.",
    )
    interests = models.TextField(blank=True)
    languages = models.CharField("languages spoken", max_length=200, blank=True)
    hoodie_size = models.CharField(
        max_length=10,
        choices=HoodieSize.choices,
        blank=True,
        help_text="For the badge and hoodie order; blank until the mentor or coordinator says.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = MentorQuerySet.as_manager()

    class Meta:
        db_table = "recruitment_mentor"
        ordering = ["pupil__family_name", "pupil__given_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "academic_year"], name="recruitment_mentor_once_a_year"
            ),
            models.CheckConstraint(
                condition=Q(capacity__gte=1, capacity__lte=3),
                name="recruitment_mentor_capacity_1_to_3",
                violation_error_message="A mentor may have between one and three mentees.",
            ),
        ]

    def __str__(self) -> str:
        return self.pupil.full_name

    @property
    def is_trained(self) -> bool:
        """Status trained: every required module done (training keeps the status in step)."""
        return self.status == self.Status.TRAINED

    @property
    def is_serving(self) -> bool:
        """Neither paused nor stepped down: the per-row form of `MentorQuerySet.serving()`."""
        return self.status in self.SERVING

    def can_mentor(self) -> bool:
        """Serving, and lacking nothing any stage requires (every required training module)."""
        return self.is_serving and not any(check.missing(self) for check in readiness_checks())

    def check_can_mentor(self) -> None:
        """Raise a ValidationError naming what stops this mentor from mentoring."""
        if not self.is_serving:
            raise ValidationError(
                MENTOR_NOT_ACTIVE.format(mentor=self, status=self.get_status_display().lower())
            )
        for check in readiness_checks():
            missing = check.missing(self)
            if missing:
                raise ValidationError(check.message.format(mentor=self, missing=", ".join(missing)))


def able_to_mentor_ids(mentors: Sequence[Mentor]) -> set[int]:
    """The pks of these mentors (of one school) `Mentor.can_mentor()` accepts, in a few queries."""
    able = set(
        Mentor.objects.filter(pk__in=[m.pk for m in mentors]).serving().values_list("pk", flat=True)
    )
    for check in readiness_checks():
        able &= check.ready_ids(mentors)
    return able


class MentorFreeWindow(models.Model):
    """A window of the school week when a mentor is free to meet a mentee."""

    mentor = models.ForeignKey(
        "mentors.Mentor", on_delete=models.CASCADE, related_name="free_windows"
    )
    window = models.ForeignKey(
        "schools.SchoolDayWindow", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        db_table = "matching_mentorfreewindow"
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "window"], name="matching_mentorfreewindow_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor}: {self.window}"
