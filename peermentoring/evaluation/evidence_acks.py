"""Who has read what: this year's mentors against each current version of a policy.

"This year's mentors" are the serving mentor records of the academic year holding today.
Each function makes a fixed number of queries however many mentors or policies there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone

from peermentoring.evaluation.models import PolicyAcknowledgement, PolicyVersion
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, School


def this_years_mentors(school: School) -> Any:
    """The serving mentors of the academic year holding today (none outside a year)."""
    year = AcademicYear.objects.for_school(school).containing(timezone.localdate()).first()
    if year is None:
        return Mentor.objects.none()
    return Mentor.objects.for_school(school).for_year(year).serving()


def acknowledged_counts(school: School, versions: list[PolicyVersion]) -> dict[int, int]:
    """Version id -> how many of this year's mentors acknowledged it (one query)."""
    pupils = this_years_mentors(school).values("pupil_id")
    return dict(
        PolicyAcknowledgement.objects.for_school(school)
        .filter(version__in=[v.pk for v in versions], pupil__in=pupils)
        .values_list("version")
        .annotate(n=Count("pk"))
        .values_list("version", "n")
    )


@dataclass(frozen=True)
class Reader:
    name: str
    form_group: str
    acknowledged_at: dt.datetime | None


def readers(school: School, version: PolicyVersion) -> list[Reader]:
    """This year's mentors, those who have not yet acknowledged the version first."""
    at = PolicyAcknowledgement.objects.filter(version=version, pupil=OuterRef("pupil")).values(
        "at"
    )[:1]
    mentors = (
        this_years_mentors(school)
        .select_related("pupil")
        .annotate(acknowledged_at=Subquery(at))
        .order_by("pupil__family_name", "pupil__given_name", "pk")
    )
    rows = [
        Reader(m.pupil.full_name, m.pupil.form_group, getattr(m, "acknowledged_at", None))
        for m in mentors
    ]
    return sorted(rows, key=lambda r: r.acknowledged_at is not None)
