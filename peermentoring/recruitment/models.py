from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peermentoring.schools.models import ForSchoolQuerySet

if TYPE_CHECKING:
    from peermentoring.training.models import TrainingModule

MENTOR_NOT_TRAINED = (
    "{mentor} has not completed {modules}, which every mentor needs before mentoring."
)
MENTOR_NOT_ACTIVE = "{mentor} is {status} and cannot mentor at the moment."


class MentorQuerySet(ForSchoolQuerySet):
    def for_year(self, academic_year: object) -> MentorQuerySet:
        """Mentors serving in one academic year."""
        return self.filter(academic_year=academic_year)

    def serving(self) -> MentorQuerySet:
        """Mentors neither paused nor stepped down (trained or still in training)."""
        return self.filter(status__in=[Mentor.Status.IN_TRAINING, Mentor.Status.TRAINED])

    def trained(self) -> MentorQuerySet:
        """Mentors who have completed every required module and are not paused."""
        return self.filter(status=Mentor.Status.TRAINED)


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
    created_at = models.DateTimeField(default=timezone.now)

    objects = MentorQuerySet.as_manager()

    class Meta:
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

    def missing_modules(self) -> list[TrainingModule]:
        """Required training modules this mentor has not completed, in programme order."""
        from peermentoring.training.models import ModuleCompletion, TrainingModule

        done = ModuleCompletion.objects.filter(mentor=self, status__in=ModuleCompletion.COMPLETE)
        return list(
            TrainingModule.objects.for_school(self.school_id)
            .required()
            .exclude(pk__in=done.values("module"))
            .order_by("order")
        )

    @property
    def is_trained(self) -> bool:
        return not self.missing_modules()

    def can_mentor(self) -> bool:
        """Trained in every required module and neither paused nor stepped down."""
        return self.status in (self.Status.IN_TRAINING, self.Status.TRAINED) and self.is_trained

    def check_can_mentor(self) -> None:
        """Raise a ValidationError naming what stops this mentor from mentoring."""
        if self.status in (self.Status.PAUSED, self.Status.STEPPED_DOWN):
            raise ValidationError(
                MENTOR_NOT_ACTIVE.format(mentor=self, status=self.get_status_display().lower())
            )
        missing = self.missing_modules()
        if missing:
            names = ", ".join(f"module {m.order} “{m.title}”" for m in missing)
            raise ValidationError(MENTOR_NOT_TRAINED.format(mentor=self, modules=names))
