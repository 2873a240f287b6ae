"""Mentors' contributions: the list for a year (printable, and as CSV or Excel), one mentor's
record, the celebration certificates, and a mentor's own record ("My contribution").

Staff see the list and each mentor's record; the coordinator and the school admin print
certificates and download the list. A mentor sees only their own record: their mentor rows
are found through their own pupil, so another mentor's id is a 404.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from peermentoring.core.roles import SETUP_ROLES, STAFF_ROLES, Role
from peermentoring.core.spreadsheets import table_response
from peermentoring.meetings import rules
from peermentoring.mentors.models import Mentor
from peermentoring.outreach.contribution import (
    Contribution,
    certificate_lines,
    contributions_for_year,
    record_for,
)
from peermentoring.outreach.event_views import year_asked
from peermentoring.schools.access import SchoolRequest, school_role_required
from peermentoring.schools.models import AcademicYear

HEADINGS = [
    "Mentor",
    "Form group",
    "Status",
    "Meetings held",
    "Drop-in duties done",
    "Primary visits",
    "Events",
]


def _mentor(request: SchoolRequest, mentor_pk: int) -> Mentor:
    return get_object_or_404(
        Mentor.objects.for_school(request.school).select_related("pupil", "academic_year"),
        pk=mentor_pk,
    )


def _totals(rows: list[Contribution]) -> dict[str, int]:
    return {
        "meetings": sum(c.meetings for c in rows),
        "duties": sum(c.duties for c in rows),
        "visits": sum(c.visits for c in rows),
        "events": sum(c.events for c in rows),
    }


@require_GET
@school_role_required(*STAFF_ROLES)
def contribution_list(request: SchoolRequest) -> HttpResponse:
    """Every mentor of the year with their figures: to read, print or download."""
    year = year_asked(request)
    rows = contributions_for_year(request.school, year) if year else []
    context = {
        "year": year,
        "years": AcademicYear.objects.for_school(request.school),
        "rows": rows,
        "totals": _totals(rows),
        "can_manage": request.membership.role in SETUP_ROLES,
    }
    return render(request, "outreach/contribution_list.html", context)


@require_GET
@school_role_required(*SETUP_ROLES)
def contribution_download(request: SchoolRequest) -> HttpResponse:
    """The year's list as CSV (`?format=csv`, the default) or Excel (`?format=xlsx`)."""
    # No year holds today (the summer holiday before a new year is set up): the latest.
    year = year_asked(request) or AcademicYear.objects.for_school(request.school).first()
    contributions = contributions_for_year(request.school, year) if year else []
    rows = [HEADINGS] + [
        [
            c.mentor.pupil.full_name,
            c.mentor.pupil.form_group,
            c.mentor.get_status_display(),
            c.meetings,
            c.duties,
            c.visits,
            c.events,
        ]
        for c in contributions
    ]
    name = f"mentors-contributions-{slugify(year.name) if year else 'none'}"
    return table_response(
        rows, request.GET.get("format", "csv"), filename=name, sheet="Contributions"
    )


def _record_page(request: SchoolRequest, mentor: Mentor, *, own: bool) -> HttpResponse:
    others: list[Mentor] = []
    if own:
        others = list(
            Mentor.objects.for_school(request.school)
            .filter(pupil=mentor.pupil_id)
            .exclude(pk=mentor.pk)
            .select_related("academic_year")
            .order_by("-academic_year__starts_on")
        )
    context: dict[str, Any] = {
        "record": record_for(mentor),
        "mentor": mentor,
        "own": own,
        "other_years": others,
        "can_manage": request.membership.role in SETUP_ROLES,
    }
    return render(request, "outreach/contribution_record.html", context)


@require_GET
@school_role_required(*STAFF_ROLES)
def contribution_detail(request: SchoolRequest, mentor_pk: int) -> HttpResponse:
    """One mentor's year: meetings held, drop-in duties done, primary visits, events."""
    return _record_page(request, _mentor(request, mentor_pk), own=False)


def _own_mentor_rows(request: SchoolRequest) -> Any:
    pupil_id = request.membership.pupil_id
    if pupil_id is None:
        return Mentor.objects.none()
    return (
        Mentor.objects.for_school(request.school)
        .filter(pupil=pupil_id)
        .select_related("pupil", "academic_year")
        .order_by("-academic_year__starts_on")
    )


@require_GET
@school_role_required(Role.MENTOR)
def my_contribution(request: SchoolRequest) -> HttpResponse:
    """The mentor's own record: this year's, else their latest year's."""
    mine = list(_own_mentor_rows(request))
    if not mine:
        return render(request, "outreach/contribution_none.html")
    today = rules.now().date()
    current = next(
        (m for m in mine if m.academic_year.starts_on <= today <= m.academic_year.ends_on),
        mine[0],
    )
    return _record_page(request, current, own=True)


@require_GET
@school_role_required(Role.MENTOR)
def my_contribution_year(request: SchoolRequest, mentor_pk: int) -> HttpResponse:
    """Another year of the mentor's own record; anyone else's is a 404."""
    mentor = get_object_or_404(_own_mentor_rows(request), pk=mentor_pk)
    return _record_page(request, mentor, own=True)


def _certificate(c: Contribution) -> dict[str, Any]:
    return {"mentor": c.mentor, "lines": certificate_lines(c)}


@require_GET
@school_role_required(*SETUP_ROLES)
def certificate(request: SchoolRequest, mentor_pk: int) -> HttpResponse:
    """One mentor's certificate of contribution, to print on A4."""
    mentor = _mentor(request, mentor_pk)
    context = {
        "certificates": [_certificate(record_for(mentor))],
        "year": mentor.academic_year,
        "back": mentor,
    }
    return render(request, "outreach/contribution_certificates.html", context)


@require_GET
@school_role_required(*SETUP_ROLES)
def certificates(request: SchoolRequest) -> HttpResponse:
    """A certificate for every mentor of the year who has not stepped down, one a page."""
    year = year_asked(request)
    rows = contributions_for_year(request.school, year) if year else []
    context = {
        "certificates": [
            _certificate(c) for c in rows if c.mentor.status != Mentor.Status.STEPPED_DOWN
        ],
        "year": year,
        "back": None,
    }
    return render(request, "outreach/contribution_certificates.html", context)
