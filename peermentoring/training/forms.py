from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from peermentoring.core.forms import (
    MAX_ID,
    BoundedModelMultipleChoiceField,
    bounded_text,
    model_choice,
)
from peermentoring.core.models import User
from peermentoring.schools.forms import DATE
from peermentoring.schools.models import AcademicYear, School
from peermentoring.training.models import ModuleCompletion, TrainingModule

DESCRIPTION_MAX = 2000
MAX_MODULES = 99


class ModuleForm(forms.ModelForm):
    order = forms.IntegerField(min_value=1, max_value=MAX_MODULES, help_text="1 is taught first.")
    description = bounded_text(DESCRIPTION_MAX, required=False)

    class Meta:
        model = TrainingModule
        fields = ["order", "title", "description", "is_required"]


class SessionForm(forms.Form):
    title = forms.CharField(max_length=150, initial="Training day 1")
    held_on = forms.DateField(label="Date", widget=DATE)
    academic_year = forms.ModelChoiceField(
        queryset=AcademicYear.objects.none(),
        label="Cohort",
        help_text="The trainees: mentors who will serve in this academic year.",
    )
    modules = BoundedModelMultipleChoiceField(
        queryset=TrainingModule.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "academic_year").queryset = AcademicYear.objects.for_school(school)
        model_choice(self, "modules").queryset = TrainingModule.objects.for_school(school)


class CatchUpForm(forms.Form):
    module = forms.ModelChoiceField(queryset=TrainingModule.objects.none())
    completed_on = forms.DateField(label="Completed on", widget=DATE)
    signed_off_by = forms.ModelChoiceField(queryset=User.objects.none(), label="Signed off by")

    def __init__(
        self,
        *args: Any,
        modules: QuerySet[TrainingModule],
        staff: QuerySet[User],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        model_choice(self, "module").queryset = modules
        signed_off_by = model_choice(self, "signed_off_by")
        signed_off_by.queryset = staff
        signed_off_by.label_from_instance = lambda u: u.display_name  # type: ignore[method-assign, assignment]


class CohortForm(forms.Form):
    """The ?year= of the grid and badge list: an academic year's id, or nothing."""

    year = forms.IntegerField(min_value=1, max_value=MAX_ID, required=False)

    def year_pk(self) -> int | None:
        return self.cleaned_data["year"] if self.is_valid() else None


REGISTER_CHOICES = [
    ("", "—"),
    (ModuleCompletion.Status.PRESENT, "Present"),
    (ModuleCompletion.Status.ABSENT, "Absent"),
]


def register_marks(data: Any, trainees: list, modules: list) -> dict[tuple[int, int], str]:
    """The register's cells as {(mentor pk, module pk): status}, blanks left out."""
    allowed = {c for c, _ in REGISTER_CHOICES if c}
    marks = {}
    for mentor in trainees:
        for module in modules:
            value = data.get(f"mark_{mentor.pk}_{module.pk}", "")
            if value in allowed:
                marks[(mentor.pk, module.pk)] = value
    return marks
