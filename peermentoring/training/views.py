"""Training pages: the programme, sessions and their register, the grid, catch-ups, certificates."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import truncatewords
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.forms import add_validation_error
from peermentoring.core.models import User
from peermentoring.core.page_cache import render_cached
from peermentoring.core.roles import SETUP_ROLES
from peermentoring.core.row_urls import RowUrls
from peermentoring.mentors.models import Mentor
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import AcademicYear, Membership
from peermentoring.training import services
from peermentoring.training.forms import (
    REGISTER_CHOICES,
    CatchUpForm,
    CohortForm,
    ModuleForm,
    SessionForm,
    register_marks,
)
from peermentoring.training.grid import GridRow, cohort_year, training_grid
from peermentoring.training.models import TrainingModule, TrainingSession
from peermentoring.training.readiness import is_trained

MODULE_SAVED = "Module {module} saved."
SESSION_SAVED = "{session} scheduled."
REGISTER_SAVED = "Register saved: {count} change(s)."
CATCH_UP_SAVED = "Catch-up of {module} recorded for {mentor}."
NOT_TRAINED_YET = "{mentor} is not trained yet, so has no certificate."


def _staff(request: SchoolRequest) -> QuerySet[User]:
    return User.objects.filter(memberships__in=Membership.objects.staff_of(request.school))


@require_GET
@school_role_required(*SETUP_ROLES)
def programme(request: SchoolRequest) -> HttpResponse:
    modules = TrainingModule.objects.for_school(request.school)
    sessions = TrainingSession.objects.for_school(request.school).prefetch_related("modules")
    context = {"modules": modules, "sessions": sessions.select_related("academic_year")}
    return render(request, "training/programme.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def module_edit(request: SchoolRequest, module_pk: int | None = None) -> HttpResponse:
    module = None
    if module_pk is not None:
        module = get_object_or_404(TrainingModule.objects.for_school(request.school), pk=module_pk)
    next_order = TrainingModule.objects.for_school(request.school).count() + 1
    form = ModuleForm(
        request.POST or None,
        instance=TrainingModule.objects.get(pk=module.pk) if module else None,
        initial={"order": next_order},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_module(
                school=request.school,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                is_required=form.cleaned_data["is_required"],
                order=form.cleaned_data["order"],
                module=module,
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, MODULE_SAVED.format(module=saved))
            return redirect("training:programme", request.school.slug)
    return render(request, "training/module_form.html", {"form": form, "module": module})


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def session_create(request: SchoolRequest) -> HttpResponse:
    initial = {"academic_year": cohort_year(request.school)}
    form = SessionForm(request.POST or None, school=request.school, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.schedule_session(
                school=request.school,
                academic_year=form.cleaned_data["academic_year"],
                title=form.cleaned_data["title"],
                held_on=form.cleaned_data["held_on"],
                modules=form.cleaned_data["modules"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, SESSION_SAVED.format(session=session))
            return redirect("training:session-register", request.school.slug, session.pk)
    return render(request, "training/session_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def session_register(request: SchoolRequest, session_pk: int) -> HttpResponse:
    session = get_object_or_404(TrainingSession.objects.for_school(request.school), pk=session_pk)
    cohort = services.trainees(school=request.school, academic_year=session.academic_year)
    modules = list(session.modules.all())
    if request.method == "POST":
        try:
            marks = register_marks(request.POST, cohort, modules)
            count = services.take_register(session=session, marks=marks, by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, REGISTER_SAVED.format(count=count))
        return redirect("training:session-register", request.school.slug, session.pk)
    rows = training_grid(cohort, modules, request.school)
    context = {"session": session, "modules": modules, "rows": rows, "choices": REGISTER_CHOICES}
    return render(request, "training/session_register.html", context)


def _year_param(request: SchoolRequest) -> int | None:
    """The ?year= cohort asked for; anything but an id in range means "this cohort"."""
    return CohortForm(request.GET).year_pk()


@require_GET
@school_role_required(*SETUP_ROLES)
def grid(request: SchoolRequest) -> HttpResponse:
    def grid_page() -> dict[str, Any]:
        years = AcademicYear.objects.for_school(request.school)
        year_pk = _year_param(request)
        chosen = years.filter(pk=year_pk).first() if year_pk is not None else None
        year = chosen or cohort_year(request.school)
        modules = list(TrainingModule.objects.for_school(request.school))
        cohort = services.trainees(school=request.school, academic_year=year) if year else []
        context: dict[str, Any] = {"years": years, "year": year, "modules": modules}
        context["lines"] = _grid_lines(request, training_grid(cohort, modules, request.school))
        return context

    # Cached for this person and role, today, until anything in the school changes.
    return render_cached(
        request,
        "training/grid.html",
        grid_page,
        name="training-grid",
        role=request.membership.role,
        schools=[request.school.pk],
    )


@dataclass(frozen=True)
class _GridLine:
    """A row of the grid as the page shows it, worked out here rather than cell by cell
    in the template: a cohort of 20 is 120 cells."""

    row: GridRow
    cells: list[tuple[str, str, str]]  # each cell's class, its column's name, its text
    catch_up_url: str
    certificate_url: str  # "" until trained


def _grid_lines(request: SchoolRequest, rows: list[GridRow]) -> list[_GridLine]:
    if not rows:
        return []
    # Each column's name on a phone's card ("5* Ground rules and …"), once a module.
    names = {
        cell.module.pk: (
            f"{cell.module.order}{'*' if cell.module.is_required else ''} "
            f"{truncatewords(cell.module.title, 3)}"
        )
        for cell in rows[0].cells
    }
    slug = request.school.slug
    catch_up = RowUrls("training:catch-up", "mentor_pk", school_slug=slug)
    certificate = RowUrls("training:certificate", "mentor_pk", school_slug=slug)
    return [
        _GridLine(
            row=row,
            cells=[(cell.css, names[cell.module.pk], cell.label) for cell in row.cells],
            catch_up_url=catch_up.of(row.mentor.pk),
            certificate_url=certificate.of(row.mentor.pk) if row.mentor.is_trained else "",
        )
        for row in rows
    ]


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def catch_up(request: SchoolRequest, mentor_pk: int) -> HttpResponse:
    mentor = get_object_or_404(
        Mentor.objects.for_school(request.school).select_related("pupil"), pk=mentor_pk
    )
    modules = TrainingModule.objects.for_school(request.school)
    form = CatchUpForm(
        request.POST or None,
        modules=modules,
        staff=_staff(request),
        initial={"signed_off_by": request.user},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_catch_up(
                mentor=mentor,
                module=form.cleaned_data["module"],
                completed_on=form.cleaned_data["completed_on"],
                signed_off_by=form.cleaned_data["signed_off_by"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(
                request, CATCH_UP_SAVED.format(module=form.cleaned_data["module"], mentor=mentor)
            )
            grid_url = reverse("training:grid", args=[request.school.slug])
            return redirect(f"{grid_url}?year={mentor.academic_year_id}")
    return render(request, "training/catch_up_form.html", {"form": form, "mentor": mentor})


@require_GET
@school_role_required(*SETUP_ROLES)
def certificate(request: SchoolRequest, mentor_pk: int) -> HttpResponse:
    mentor = get_object_or_404(
        Mentor.objects.for_school(request.school).select_related("pupil", "academic_year"),
        pk=mentor_pk,
    )
    completions = mentor.completions.select_related("module").order_by("module__order")
    context = {"mentor": mentor, "completions": completions, "trained": is_trained(mentor)}
    return render(request, "training/certificate.html", context)


@require_GET
@school_role_required(*SETUP_ROLES)
def badge_list(request: SchoolRequest) -> HttpResponse:
    years = AcademicYear.objects.for_school(request.school)
    year_pk = _year_param(request)
    chosen = years.filter(pk=year_pk).first() if year_pk is not None else None
    year = chosen or cohort_year(request.school)
    mentors = (
        list(
            Mentor.objects.for_school(request.school)
            .for_year(year)
            .trained()
            .select_related("pupil")
        )
        if year
        else []
    )
    counts = Counter(m.hoodie_size for m in mentors)
    # In size order, as hoodie order forms list them.
    sizes = [(label, counts[value]) for value, label in Mentor.HoodieSize.choices if counts[value]]
    context = {
        "years": years,
        "year": year,
        "mentors": mentors,
        "sizes": sizes,
        "sizes_unknown": counts[""],
    }
    return render(request, "training/badge_list.html", context)
