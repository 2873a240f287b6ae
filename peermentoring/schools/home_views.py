"""Home pages: the front door, a school's home page and a trust's figures.

A school's home page shows what the apps register (`core/registry.py`): the staff
see the figures for their role, everyone their to-do items. The trust lead sees each
school's registered figures side by side (`school_figures`), counts only. This
module imports none of the apps that register them.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from peermentoring.core.page_cache import render_cached
from peermentoring.core.registry import (
    SchoolFigureColumn,
    home_figures,
    school_figures,
    school_url,
    todo_items,
)
from peermentoring.core.roles import STAFF_ROLES, Role
from peermentoring.schools.access import AuthenticatedRequest, SchoolRequest, school_role_required
from peermentoring.schools.calendar import term_on
from peermentoring.schools.home import pupils_on_roll
from peermentoring.schools.models import (
    FeederPrimary,
    Membership,
    Pupil,
    School,
    Trust,
)
from peermentoring.schools.school_year import school_year

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
    """Each person's home page: its content is cached for them, in their role, today, until
    anything in the school changes (core/page_cache.py)."""
    today = timezone.localdate()
    school, membership = request.school, request.membership
    if membership.is_pupil:
        # A pupil's page says which term it is; it shows nothing else of the year.
        def pupil_page() -> dict[str, Any]:
            return {
                "today": today,
                "term": term_on(school, today),
                "todo_items": todo_items(membership),
            }

        return render_cached(
            request,
            "schools/home_pupil.html",
            pupil_page,
            name="school-home",
            role=membership.role,
            schools=[school.pk],
        )

    def staff_page() -> dict[str, Any]:
        # Read once for the page and the to-do items that need the year.
        this_year = school_year(membership, today)
        on_roll = pupils_on_roll(membership)
        return {
            "today": today,
            "year": this_year.year,
            "terms": this_year.terms,
            "term": this_year.term,
            "todo_items": todo_items(membership),
            "figures": home_figures(membership),
            "year_counts": [(y, on_roll.get(y, 0)) for y in range(7, 12)],
            "pupil_total": sum(on_roll.values()),
            "primary_count": FeederPrimary.objects.for_school(school).count(),
            "pupils_url": school_url(membership, "schools:pupil-list"),
            "primaries_url": school_url(membership, "schools:primary-list"),
            "has_todo_list": membership.role in STAFF_ROLES,
        }

    return render_cached(
        request,
        "schools/home_staff.html",
        staff_page,
        name="school-home",
        role=membership.role,
        schools=[school.pk],
    )


def _count_of(queryset: QuerySet[Any]) -> Coalesce:
    """A subquery counting the rows of `queryset` belonging to the outer school (0 if none)."""
    counted = queryset.filter(school=OuterRef("pk")).order_by().values("school")
    return Coalesce(Subquery(counted.annotate(n=Count("pk")).values("n")), 0)


def _with_pupil_counts(schools: QuerySet[School]) -> QuerySet[School]:
    """Pupils on roll, Year 7 and feeder primaries, counted in the schools' own query."""
    on_roll = Pupil.objects.filter(is_on_roll=True)
    return schools.annotate(
        pupil_count=_count_of(on_roll),
        year7_count=_count_of(on_roll.filter(year_group=7)),
        primary_count=_count_of(FeederPrimary.objects.all()),
    )


def _header(columns: list[SchoolFigureColumn]) -> list[tuple[str, int, int]]:
    """The top row of the figures' heading as (text, columns, rows): each group once over
    its columns, with its columns' own labels in the row below; a column of no group
    takes both rows."""
    top: list[tuple[str, int, int]] = []
    for group, members in groupby(columns, key=lambda column: column.group):
        in_group = list(members)
        top += [(group, len(in_group), 1)] if group else [(c.label, 1, 2) for c in in_group]
    return top


@require_GET
@login_required
def trust_dashboard(request: AuthenticatedRequest, trust_slug: str) -> HttpResponse:
    """Each school's figures side by side for a trust lead; counts only, no pupils' names."""
    trust = get_object_or_404(Trust, slug=trust_slug)
    # The trust's schools, each with whether this person leads it, in one query: the
    # schools' generations key the cached page; leading none of them is a 404.
    leads = Membership.objects.active().filter(
        user=request.user, role=Role.TRUST_LEAD, school=OuterRef("pk")
    )
    in_trust = list(
        School.objects.filter(trust=trust).annotate(led=Exists(leads)).values_list("pk", "led")
    )
    led = {pk for pk, is_led in in_trust if is_led}
    if not led:
        raise Http404("No such trust")

    def dashboard() -> dict[str, Any]:
        schools = list(_with_pupil_counts(School.objects.filter(trust=trust)).order_by("name"))
        columns = school_figures(schools)
        rows = [
            (school, school.pk in led, [(c, c.of(school)) for c in columns]) for school in schools
        ]
        return {"columns": columns, "header": _header(columns), "rows": rows}

    # Cached for this trust lead, today, until any of the trust's schools changes.
    return render_cached(
        request,
        "schools/trust_dashboard.html",
        dashboard,
        name="trust-dashboard",
        role=Role.TRUST_LEAD,
        schools=[pk for pk, _ in in_trust],
        context={"trust": trust},
    )


@require_GET
@school_role_required(Role.TRUST_LEAD)
def school_figures_page(request: SchoolRequest) -> HttpResponse:
    """One school's figures for its trust lead: the trust's columns, counts only, no names.

    The trust lead's membership of the school lets them in (`add_trust_lead` gives one
    for each school of the trust); anyone else in the school gets 403, others 404.
    """
    school = _with_pupil_counts(School.objects.filter(pk=request.school.pk)).get()
    figures = [(column.full_label, column.of(school)) for column in school_figures([school])]
    context = {"school": school, "trust": request.school.trust, "figures": figures}
    return render(request, "schools/trust_school.html", context)
