"""The training grid: trainees × modules, with gaps and experienced mentors picked out."""

from __future__ import annotations

from dataclasses import dataclass

from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, School
from peermentoring.training.models import ModuleCompletion, TrainingModule


@dataclass
class Cell:
    module: TrainingModule
    completion: ModuleCompletion | None

    @property
    def css(self) -> str:
        if self.completion is None or not self.completion.is_complete:
            return "gap" if self.module.is_required or self.completion is not None else ""
        return "caught-up" if self.completion.status == "caught_up" else "done"

    @property
    def label(self) -> str:
        if self.completion is None:
            return "Missing" if self.module.is_required else "—"
        if self.completion.status == "caught_up":
            return f"Caught up {self.completion.completed_on:%-d %b}"
        return self.completion.get_status_display()


@dataclass
class GridRow:
    mentor: Mentor
    cells: list[Cell]
    is_experienced: bool

    @property
    def gaps(self) -> int:
        return sum(1 for c in self.cells if c.css == "gap")


def cohort_year(school: School) -> AcademicYear | None:
    """The latest academic year that has mentors, else the latest year set up."""
    years = AcademicYear.objects.for_school(school)
    return years.filter(mentors__isnull=False).distinct().first() or years.first()


def training_grid(
    cohort: list[Mentor], modules: list[TrainingModule], school: School
) -> list[GridRow]:
    """One row per trainee, one cell per module; experienced mentors (mentored before) flagged."""
    completions = {
        (c.mentor_id, c.module_id): c
        for c in ModuleCompletion.objects.filter(mentor__in=cohort, module__in=modules)
    }
    experienced = set()
    if cohort:
        start = min(m.academic_year.starts_on for m in cohort)
        experienced = set(
            Mentor.objects.for_school(school)
            .filter(pupil__in=[m.pupil_id for m in cohort])
            .experienced_for(start)
            .values_list("pupil_id", flat=True)
        )
    return [
        GridRow(
            mentor=mentor,
            cells=[Cell(module, completions.get((mentor.pk, module.pk))) for module in modules],
            is_experienced=mentor.pupil_id in experienced,
        )
        for mentor in cohort
    ]
