"""Mentors on the staff home page and the trust's figures: registered in MentorsConfig.ready()."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils import timezone

from peermentoring.mentors.models import Mentor
from peermentoring.schools.school_year import school_year

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership, School


def trained_mentor_count(membership: Membership) -> int:
    """Trained mentors serving this academic year (one query: the page has read the year)."""
    year = school_year(membership, timezone.localdate()).year
    if year is None:
        return 0
    return Mentor.objects.filter(
        school=membership.school_id, academic_year=year, status=Mentor.Status.TRAINED
    ).count()


def trained_mentors_by_school(schools: Sequence[School]) -> Mapping[int, int]:
    """Trained mentors serving in the academic year holding today, per school, in one query."""
    today = timezone.localdate()
    rows = (
        Mentor.objects.filter(
            school__in=[s.pk for s in schools],
            academic_year__starts_on__lte=today,
            academic_year__ends_on__gte=today,
        )
        .trained()
        .values("school")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["school"]: row["n"] for row in rows}
