"""School set-up pages: details, calendar, free windows and feeder primaries."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.forms import add_validation_error
from peermentoring.core.roles import STAFF_ROLES, Role
from peermentoring.schools import services
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.calendar import (
    TermDates,
    academic_year_name,
    academic_year_start,
    default_term_dates,
)
from peermentoring.schools.forms import (
    AcademicYearForm,
    FeederPrimaryForm,
    SchoolForm,
    TermForm,
    WindowsForm,
)
from peermentoring.schools.models import (
    AcademicYear,
    FeederPrimary,
    School,
    SchoolDayWindow,
    Term,
)

SETUP_ROLES = (Role.SCHOOL_ADMIN, Role.COORDINATOR)


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def school_settings(request: SchoolRequest) -> HttpResponse:
    # The form edits a copy, so a refused change never shows on the page as if saved.
    form = SchoolForm(request.POST or None, instance=School.objects.get(pk=request.school.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_school(
                school=request.school,
                name=form.cleaned_data["name"],
                urn=form.cleaned_data["urn"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, "School details saved.")
            return redirect("schools:settings", school_slug=request.school.slug)
    return render(request, "schools/school_settings.html", {"form": form})


@require_GET
@school_role_required(*STAFF_ROLES)
def calendar(request: SchoolRequest) -> HttpResponse:
    years = AcademicYear.objects.for_school(request.school).prefetch_related("terms")
    return render(request, "schools/calendar.html", {"years": years, "today": timezone.localdate()})


def _next_year_initial(request: SchoolRequest) -> dict[str, object]:
    latest = AcademicYear.objects.for_school(request.school).first()
    start = latest.ends_on.year if latest else academic_year_start(timezone.localdate())
    terms = default_term_dates(start)
    initial: dict[str, object] = {
        "name": academic_year_name(start),
        "starts_on": terms[0].starts_on.replace(day=1),
        "ends_on": terms[-1].ends_on.replace(day=31),
    }
    for dates in terms:
        initial |= {
            f"{dates.name}_starts_on": dates.starts_on,
            f"{dates.name}_ends_on": dates.ends_on,
            f"{dates.name}_half_term_starts_on": dates.half_term_starts_on,
            f"{dates.name}_half_term_ends_on": dates.half_term_ends_on,
        }
    return initial


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def academic_year_create(request: SchoolRequest) -> HttpResponse:
    form = AcademicYearForm(request.POST or None, initial=_next_year_initial(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        terms = [
            TermDates(
                t.value,
                *(
                    data[f"{t}_{p}"]
                    for p in ("starts_on", "ends_on", "half_term_starts_on", "half_term_ends_on")
                ),
            )
            for t in Term.Name
        ]
        try:
            services.set_up_academic_year(
                school=request.school,
                name=data["name"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                terms=terms,
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"Academic year {data['name']} added with its three terms.")
            return redirect("schools:calendar", school_slug=request.school.slug)
    return render(request, "schools/academic_year_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def term_edit(request: SchoolRequest, term_pk: int) -> HttpResponse:
    term = get_object_or_404(
        Term.objects.for_school(request.school).select_related("academic_year"), pk=term_pk
    )
    form = TermForm(request.POST or None, instance=Term.objects.get(pk=term.pk))
    if request.method == "POST" and form.is_valid():
        try:
            data = form.cleaned_data
            services.update_term(
                term=term,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                half_term_starts_on=data["half_term_starts_on"],
                half_term_ends_on=data["half_term_ends_on"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{term} saved.")
            return redirect("schools:calendar", school_slug=request.school.slug)
    return render(request, "schools/term_form.html", {"form": form, "term": term})


@require_GET
@school_role_required(*STAFF_ROLES)
def windows(request: SchoolRequest) -> HttpResponse:
    current = SchoolDayWindow.objects.for_school(request.school)
    by_day = {
        day: [w for w in current if w.weekday == day.value] for day in SchoolDayWindow.Weekday
    }
    return render(request, "schools/windows.html", {"by_day": by_day})


@require_http_methods(["GET", "POST"])
@school_role_required(Role.SCHOOL_ADMIN)
def windows_edit(request: SchoolRequest) -> HttpResponse:
    current = list(SchoolDayWindow.objects.for_school(request.school))
    form = WindowsForm(request.POST or None, windows=current)
    if request.method == "POST" and form.is_valid():
        chosen = form.chosen()
        affected = services.window_changes_to_confirm(school=request.school, chosen=chosen)
        if affected and request.POST.get("confirm") != "yes":
            return render(
                request,
                "core/confirm.html",
                {
                    "title": "Change times people have chosen?",
                    "message": "Mentors and referrals chose these times as when they are free.",
                    "consequences": affected,
                    "button": "Confirm and save the school day",
                    "cancel_url": reverse("schools:windows-edit", args=[request.school.slug]),
                    "hidden": {**form.hidden_data(), "confirm": "yes"},
                },
            )
        services.set_windows(school=request.school, chosen=chosen, by=request.user)
        messages.success(request, "School day saved.")
        return redirect("schools:windows", school_slug=request.school.slug)
    return render(request, "schools/windows_form.html", {"form": form})


@require_GET
@school_role_required(*SETUP_ROLES)
def primary_list(request: SchoolRequest) -> HttpResponse:
    primaries = FeederPrimary.objects.for_school(request.school).annotate(
        pupil_count=Count("pupils")
    )
    return render(request, "schools/primary_list.html", {"primaries": primaries})


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def primary_edit(request: SchoolRequest, primary_pk: int | None = None) -> HttpResponse:
    primary = None
    if primary_pk is not None:
        primary = get_object_or_404(FeederPrimary.objects.for_school(request.school), pk=primary_pk)
    form = FeederPrimaryForm(
        request.POST or None, instance=FeederPrimary.objects.get(pk=primary.pk) if primary else None
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                if primary is None:
                    services.add_feeder_primary(
                        school=request.school,
                        name=data["name"],
                        urn=data["urn"],
                        contact_email=data["contact_email"],
                        by=request.user,
                    )
                else:
                    services.update_feeder_primary(
                        primary=primary,
                        name=data["name"],
                        urn=data["urn"],
                        contact_email=data["contact_email"],
                        by=request.user,
                    )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{form.cleaned_data['name']} saved.")
            return redirect("schools:primary-list", school_slug=request.school.slug)
    return render(request, "schools/primary_form.html", {"form": form, "primary": primary})
