from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from peermentoring.schools.models import ForSchoolQuerySet


class TrainingModuleQuerySet(ForSchoolQuerySet["TrainingModule"]):
    def required(self) -> TrainingModuleQuerySet:
        """Modules every mentor must complete before any mentoring."""
        return self.filter(is_required=True)


class TrainingModule(models.Model):
    """One module of a school's training programme (six by default)."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="training_modules"
    )
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=150)
    description = models.TextField(blank=True)
    is_required = models.BooleanField(
        "required before any mentoring",
        default=False,
        help_text="A mentor missing this module cannot be matched, put on the rota or log meetings.",
    )

    objects = TrainingModuleQuerySet.as_manager()

    class Meta:
        ordering = ["school", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "order"], name="training_module_unique_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.title}"


class TrainingSession(models.Model):
    """A session of training (e.g. day one of activities week) covering some modules."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.CASCADE, related_name="training_sessions"
    )
    academic_year = models.ForeignKey(
        "schools.AcademicYear", on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(max_length=150)
    held_on = models.DateField()
    modules = models.ManyToManyField(TrainingModule, related_name="sessions")

    objects = ForSchoolQuerySet.as_manager()

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.title} ({self.held_on:%d %b %Y})"


class ModuleCompletion(models.Model):
    """A trainee's record for one module: present at a session, absent, or caught up later."""

    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        ABSENT = "absent", "Absent"
        CAUGHT_UP = "caught_up", "Catch-up completed"

    COMPLETE = (Status.PRESENT, Status.CAUGHT_UP)

    mentor = models.ForeignKey(
        "mentors.Mentor", on_delete=models.CASCADE, related_name="completions"
    )
    module = models.ForeignKey(TrainingModule, on_delete=models.PROTECT, related_name="completions")
    session = models.ForeignKey(
        TrainingSession,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="completions",
    )
    status = models.CharField(max_length=10, choices=Status.choices)
    completed_on = models.DateField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["mentor", "module"], name="training_completion_one_per_module"
            ),
            models.CheckConstraint(
                condition=Q(status="absent") | Q(completed_on__isnull=False),
                name="training_completion_complete_has_date",
                violation_error_message="A completed module needs the date it was completed.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} — {self.module}: {self.get_status_display()}"

    @property
    def is_complete(self) -> bool:
        return self.status in self.COMPLETE

    @property
    def is_caught_up(self) -> bool:
        return self.status == self.Status.CAUGHT_UP
