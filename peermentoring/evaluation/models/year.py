"""Evaluation tables of the year area: a closed academic year and its frozen annual report."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from peermentoring.schools.models import AcademicYear, ForSchoolQuerySet, School

__all__ = ["ClosedYear"]


class ClosedYear(models.Model):
    """An academic year the coordinator has closed, with its annual report frozen.

    Closing ends the year's pairings, takes the Year 11 leavers out of the scheme and
    sets up the next year (year_services.close_year). The figures are those of
    `evaluation.figures.report` for the whole year at the moment of closing, kept as
    they were: what the school reported stays what it reported, even if a meeting
    of that year is logged later. `changes` lists what closing changed, by row id.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    academic_year = models.OneToOneField(
        AcademicYear, on_delete=models.PROTECT, related_name="closed_year"
    )
    next_year = models.ForeignKey(AcademicYear, on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(default=timezone.now)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    figures = models.JSONField(default=dict, blank=True)
    changes = models.JSONField(default=dict, blank=True)

    objects = ForSchoolQuerySet["ClosedYear"].as_manager()

    class Meta:
        ordering = ["-closed_at"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(next_year=models.F("academic_year")),
                name="evaluation_closedyear_next_is_another_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.academic_year.name} closed"
