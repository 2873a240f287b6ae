"""The events pages: this year's events and past years'; add, change or delete one.

Staff see the events; the coordinator and the school admin (SETUP_ROLES) add, change and
delete them. Rows are loaded through `for_school`, so another school's event, academic
year or mentor, in the address or in the form, is a 404 or refused.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from peermentoring.core.forms import add_validation_error
from peermentoring.core.privacy import pupil_text
from peermentoring.core.roles import SETUP_ROLES, STAFF_ROLES
from peermentoring.meetings import rules
from peermentoring.mentors.models import Mentor
from peermentoring.outreach import event_services as services
from peermentoring.outreach.event_forms import EventForm
from peermentoring.outreach.models import Event
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import AcademicYear, School

# An id in the address longer than this is no row of ours (and would not fit a database id).
ID_DIGITS = 18


def _mentors_with_pupils() -> Prefetch:
    return Prefetch(
        "mentors", queryset=Mentor.objects.select_related("pupil").order_by("pupil__given_name")
    )


def _events(school: School) -> Any:
    return Event.objects.for_school(school).select_related("academic_year")


@require_GET
@school_role_required(*STAFF_ROLES)
def event_list(request: SchoolRequest) -> HttpResponse:
    """This academic year's events, then earlier (and later) years', each with its mentors."""
    school = request.school
    this_year = services.year_holding(school, rules.now().date())
    events = list(_events(school).prefetch_related(_mentors_with_pupils()))
    years: dict[int, tuple[AcademicYear, list[Event]]] = {}
    if this_year is not None:
        years[this_year.pk] = (this_year, [])
    for event in sorted(
        events, key=lambda e: (-e.academic_year.starts_on.toordinal(), e.starts_on)
    ):
        years.setdefault(event.academic_year_id, (event.academic_year, []))[1].append(event)
    sections = list(years.values())
    context = {
        "this_year": this_year,
        "current": sections[0] if this_year is not None else None,
        "others": sections[1:] if this_year is not None else sections,
        "can_manage": request.membership.role in SETUP_ROLES,
        "anti_bullying_week": (
            services.anti_bullying_week_of(school, this_year) if this_year else None
        ),
        "suggestion": (services.suggested_anti_bullying_week(this_year) if this_year else None),
    }
    return render(request, "outreach/event_list.html", context)


@require_GET
@school_role_required(*STAFF_ROLES)
def event_detail(request: SchoolRequest, event_pk: int) -> HttpResponse:
    """One event: its days, audience, reach, mentors and notes."""
    event = get_object_or_404(
        _events(request.school).prefetch_related(_mentors_with_pupils()), pk=event_pk
    )
    context = {"event": event, "can_manage": request.membership.role in SETUP_ROLES}
    return render(request, "outreach/event_detail.html", context)


def year_asked(request: SchoolRequest) -> AcademicYear | None:
    """The academic year in `?year=` (another school's: 404), else the one holding today."""
    asked = request.GET.get("year", "")
    if not asked:
        return services.year_holding(request.school, rules.now().date())
    if not asked.isdecimal() or len(asked) > ID_DIGITS:
        raise Http404("No such year")
    return get_object_or_404(AcademicYear.objects.for_school(request.school), pk=int(asked))


def _mentor_choices(school: School, year: AcademicYear, event: Event | None) -> Any:
    """The school's mentors of that year still serving, and any already on the event."""
    chosen = Q(pk__in=event.mentors.values("pk")) if event is not None else Q(pk__in=[])
    return (
        Mentor.objects.for_school(school)
        .for_year(year)
        .filter(Q(status__in=Mentor.SERVING) | chosen)
        .select_related("pupil")
        .order_by("pupil__given_name", "pupil__family_name")
    )


def _anti_bullying_week_initial(year: AcademicYear) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "kind": Event.Kind.ANTI_BULLYING_WEEK,
        "name": services.anti_bullying_week_name(year),
        "audience": "The whole school",
    }
    suggestion = services.suggested_anti_bullying_week(year)
    if suggestion is not None:
        initial["starts_on"], initial["ends_on"] = suggestion
    return initial


@pupil_text
@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def event_add(request: SchoolRequest) -> HttpResponse:
    """Add an event to this academic year (or `?year=`); `?kind=anti_bullying_week` fills in
    the week's name and suggests its dates."""
    school = request.school
    year = year_asked(request)
    if year is None:
        return render(request, "outreach/event_no_year.html")
    initial: dict[str, Any] = {"submission_key": uuid.uuid4()}
    is_week = request.GET.get("kind") == Event.Kind.ANTI_BULLYING_WEEK
    if is_week:
        initial |= _anti_bullying_week_initial(year)
    form = EventForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        mentors=_mentor_choices(school, year, None),
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                school=school,
                academic_year=year,
                fields=form.fields_for_event(),
                submission_key=form.cleaned_data["submission_key"],
                by=request.user,
            )
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{event.name} added.")
            return redirect("outreach:events", school_slug=school.slug)
    context = {
        "form": form,
        "year": year,
        "event": None,
        "is_week": is_week,
        "suggestion": services.suggested_anti_bullying_week(year),
    }
    return render(request, "outreach/event_form.html", context, status=400 if form.errors else 200)


def _event_initial(event: Event) -> dict[str, Any]:
    return {
        "kind": event.kind,
        "name": event.name,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "audience": event.audience,
        "reach": event.reach,
        "notes": event.notes,
        "mentors": [m.pk for m in event.mentors.all()],
        "version": event.version,
    }


@pupil_text
@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def event_edit(request: SchoolRequest, event_pk: int) -> HttpResponse:
    """Change an event; a change someone else saved meanwhile is shown, never overwritten."""
    school = request.school
    event = get_object_or_404(_events(school).select_related("school"), pk=event_pk)
    form = EventForm(
        request.POST if request.method == "POST" else None,
        initial=_event_initial(event),
        mentors=_mentor_choices(school, event.academic_year, event),
    )
    current = None
    if request.method == "POST" and form.is_valid():
        try:
            event = services.change_event(
                event=event,
                version=form.cleaned_data["version"] or 0,
                fields=form.fields_for_event(),
                by=request.user,
            )
        except services.StaleEvent as stale:
            form.add_error(None, stale)
            current = stale.current
            data = request.POST.copy()
            data["version"] = str(current.version)
            form.data = data
        except ValidationError as error:
            add_validation_error(form, error)
        else:
            messages.success(request, f"{event.name} saved.")
            return redirect("outreach:event", school_slug=school.slug, event_pk=event.pk)
    context = {
        "form": form,
        "year": event.academic_year,
        "event": event,
        "current": current,
        "current_mentors": list(current.mentors.select_related("pupil")) if current else [],
    }
    return render(request, "outreach/event_form.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@school_role_required(*SETUP_ROLES)
def event_delete(request: SchoolRequest, event_pk: int) -> HttpResponse:
    """Ask once, then delete the event."""
    school = request.school
    event = get_object_or_404(_events(school).select_related("school"), pk=event_pk)
    if request.method == "POST":
        name = event.name
        services.delete_event(event=event, by=request.user)
        messages.success(request, f"{name} deleted.")
        return redirect("outreach:events", school_slug=school.slug)
    days = services.days_words(event.starts_on, event.ends_on)
    return render(
        request,
        "core/confirm.html",
        {
            "title": f"Delete {event.name}?",
            "message": f"{event.name} ({days}) leaves the list of events, and the mentors who "
            "took part no longer have it in their record of the year. This cannot be undone.",
            "button": "Delete the event",
            "hidden": {},
            "cancel_url": reverse("outreach:event", args=[school.slug, event.pk]),
            "danger": True,
        },
    )
