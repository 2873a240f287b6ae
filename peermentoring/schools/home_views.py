"""Home pages: the front door, a school's home page and a trust's figures.

A school's home page shows what the apps register (`core/registry.py`): the staff
see the figures for their role, everyone their to-do items. This module imports
none of the apps that register them.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from peermentoring.core.registry import home_figures, todo_items
from peermentoring.core.roles import STAFF_ROLES, Role
from peermentoring.schools.access import AuthenticatedRequest, SchoolRequest, school_role_required
from peermentoring.schools.calendar import term_on
from peermentoring.schools.models import (
    AcademicYear,
    FeederPrimary,
    Membership,
    Pupil,
    School,
    Trust,
)

ANY_ROLE: tuple[str, ...] = ()


@require_GET
@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    """The front door: your schools and invitations (one school: straight to it)."""
    memberships = list(
        Membership.objects.active()
        .filter(user=request.user)
        .select_related("school", "school__trust")
    )
    invitations = list(
        Membership.objects.invitations().filter(user=request.user).select_related("school")
    )
    if len(memberships) == 1 and memberships[0].role != Role.TRUST_LEAD and not invitations:
        return redirect("schools:home", school_slug=memberships[0].school.slug)
    trusts = {m.school.trust for m in memberships if m.role == Role.TRUST_LEAD and m.school.trust}
    return render(
        request,
        "schools/home.html",
        {
            "memberships": memberships,
            "trusts": sorted(trusts, key=str),
            "invitations": invitations,
        },
    )


@require_GET
@school_role_required(*ANY_ROLE)
def school_home(request: SchoolRequest) -> HttpResponse:
    today = timezone.localdate()
    school, membership = request.school, request.membership
    year = (
        AcademicYear.objects.for_school(school).containing(today).prefetch_related("terms").first()
    )
    context: dict[str, Any] = {
        "today": today,
        "year": year,
        "term": term_on(school, today),
        "todo_items": todo_items(membership),
    }
    if membership.is_pupil:
        return render(request, "schools/home_pupil.html", context)
    year_counts = (
        Pupil.objects.for_school(school)
        .on_roll()
        .aggregate(
            total=Count("pk"),
            **{f"y{y}": Count("pk", filter=Q(year_group=y)) for y in range(7, 12)},
        )
    )
    context |= {
        "figures": home_figures(membership),
        "year_counts": [(y, year_counts[f"y{y}"]) for y in range(7, 12)],
        "pupil_total": year_counts["total"],
        "primary_count": FeederPrimary.objects.for_school(school).count(),
        "can_see_pupils": membership.role in STAFF_ROLES,
    }
    return render(request, "schools/home_staff.html", context)


@require_GET
@login_required
def trust_dashboard(request: AuthenticatedRequest, trust_slug: str) -> HttpResponse:
    """Per-school figures for a trust lead; no pupils' names."""
    trust = get_object_or_404(Trust, slug=trust_slug)
    is_lead = (
        Membership.objects.active()
        .filter(user=request.user, role=Role.TRUST_LEAD, school__trust=trust)
        .exists()
    )
    if not is_lead:
        raise Http404("No such trust")
    schools = School.objects.filter(trust=trust).annotate(
        pupil_count=Count("pupils", filter=Q(pupils__is_on_roll=True), distinct=True),
        year7_count=Count(
            "pupils", filter=Q(pupils__is_on_roll=True, pupils__year_group=7), distinct=True
        ),
        primary_count=Count("feeder_primaries", distinct=True),
    )
    return render(request, "schools/trust_dashboard.html", {"trust": trust, "schools": schools})
