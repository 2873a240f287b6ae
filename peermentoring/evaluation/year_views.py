"""Closing the year: the school's years, the dry run and confirm page, the frozen annual report.

The coordinator and the school admin see the years and each closed year's annual report
(its per-mentor figures name the mentors); only the coordinator opens the close page, which lists every change before anything
is done. Years and pairings are loaded through `for_school`, so another school's year
in the address is a 404 and another school's pairing in the form is refused.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.forms import add_validation_error
from peermentoring.core.roles import SETUP_ROLES, Role
from peermentoring.core.spreadsheets import table_response
from peermentoring.evaluation import year_services as services
from peermentoring.evaluation.models import ClosedYear
from peermentoring.evaluation.year_forms import CloseYearForm
from peermentoring.evaluation.year_report import figure_rows, sections
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import AcademicYear

CLOSED = "{year} is closed: its annual report is below, kept as it was today."


@require_GET
@school_role_required(*SETUP_ROLES)
def year_list(request: SchoolRequest) -> HttpResponse:
    """Every academic year of the school: closed (with its report) or when it can be closed."""
    today = timezone.localdate()
    closed = services.closed_years(request.school)
    years = [
        (year, closed.get(year.pk), services.closable_from(year))
        for year in AcademicYear.objects.for_school(request.school).prefetch_related("terms")
    ]
    context = {
        "years": years,
        "today": today,
        "can_close": request.membership.role == Role.COORDINATOR,
        "current": services.year_to_close(request.school, today),
    }
    return render(request, "evaluation/year/year_list.html", context)


@require_http_methods(["GET", "POST"])
@school_role_required(Role.COORDINATOR)
def year_close(request: SchoolRequest, year_pk: int) -> HttpResponse:
    """The dry run (every change, grouped and counted), the pairings to keep, and confirm."""
    year = get_object_or_404(AcademicYear.objects.for_school(request.school), pk=year_pk)
    plan = services.plan_close(request.school, year)
    if plan.is_closed:
        if request.method == "POST":  # sent twice: the first closed it
            messages.info(request, plan.refusal)
        return redirect("evaluation:year-report", request.school.slug, year.pk)
    form = CloseYearForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_year(
                school=request.school,
                year=year,
                continue_ids=form.cleaned_data["continuing"],
                digest=form.cleaned_data["digest"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, CLOSED.format(year=year.name))
            return redirect("evaluation:year-report", request.school.slug, year.pk)
    context = {"plan": plan, "form": form, "chosen": form.chosen(), "counts": plan.counts()}
    return render(request, "evaluation/year/year_close.html", context)


def _closed(request: SchoolRequest, year_pk: int) -> ClosedYear:
    return get_object_or_404(
        ClosedYear.objects.for_school(request.school).select_related(
            "academic_year", "next_year", "closed_by"
        ),
        academic_year__pk=year_pk,
    )


@require_GET
@school_role_required(*SETUP_ROLES)
def year_report(request: SchoolRequest, year_pk: int) -> HttpResponse:
    """The annual report frozen when the year was closed, and what closing changed."""
    closed = _closed(request, year_pk)
    context = {
        "closed": closed,
        "sections": sections(figure_rows(closed.figures)),
        "counts": closed.changes.get("counts", {}),
    }
    return render(request, "evaluation/year/year_report.html", context)


@require_GET
@school_role_required(*SETUP_ROLES)
def year_report_download(request: SchoolRequest, year_pk: int) -> HttpResponse:
    """The frozen annual report as CSV (or Excel with ?format=xlsx): section, figure, value."""
    closed = _closed(request, year_pk)
    rows: list[list[object]] = [["Section", "Figure", "Value"]]
    rows += [[r.section, r.figure, r.value] for r in figure_rows(closed.figures)]
    name = f"annual-report-{request.school.slug}-{closed.academic_year.starts_on.year}"
    return table_response(
        rows, request.GET.get("format", "csv"), filename=name, sheet="Annual report"
    )
