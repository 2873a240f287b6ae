"""Recruitment on the home pages, without the schools app knowing about recruitment."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Q
from django.utils import timezone

from peermentoring.mentors.models import Mentor
from peermentoring.recruitment.models import Application, Interview, RecruitmentRound
from peermentoring.schools.models import AcademicYear

register = template.Library()


@register.inclusion_tag("recruitment/_pupil_home.html", takes_context=True)
def pupil_recruitment(context: dict[str, Any]) -> dict[str, Any]:
    """The pupil's open adverts, their applications, and any interview panels they sit on."""
    membership, school = context["current_membership"], context["current_school"]
    today = timezone.localdate()
    applications = list(
        Application.objects.for_school(school)
        .filter(pupil=membership.pupil)
        .select_related("round")
    )
    applied = {a.round_id for a in applications}
    adverts = [
        r
        for r in RecruitmentRound.objects.for_school(school).filter(
            Q(opens_on__lte=today, closes_on__gte=today)
        )
        if r.pk not in applied
    ]
    # A pupil's panels: only interviews still undecided (see Interview.answers_visible_to_pupils).
    panels = (
        Interview.objects.for_school(school).on_panel(context["user"]).open_to_pupils().exists()
    )
    return {
        "current_school": school,
        "current_membership": membership,
        "adverts": adverts,
        "applications": [
            a for a in applications if a.status != a.Status.DRAFT or a.round.closes_on >= today
        ],
        "has_panels": panels,
    }


@register.simple_tag(takes_context=True)
def trained_mentor_count(context: dict[str, Any]) -> int:
    """Trained mentors serving this academic year."""
    school = context["current_school"]
    year = AcademicYear.objects.for_school(school).containing(timezone.localdate()).first()
    if year is None:
        return 0
    return Mentor.objects.for_school(school).for_year(year).trained().count()
