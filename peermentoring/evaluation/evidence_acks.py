"""Who has read what: this year's mentors against each current version of a policy.

"This year's mentors" are the serving mentor records of the academic year holding today.
Each function makes a fixed number of queries however many mentors or policies there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count
from django.utils import timezone

from peermentoring.evaluation.models import PolicyAcknowledgement, PolicyVersion
from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear, Pupil, School


def this_years_mentors(school: School) -> Any:
    """The serving mentors of the academic year holding today (none outside a year)."""
    year = AcademicYear.objects.for_school(school).containing(timezone.localdate()).first()
    if year is None:
        return Mentor.objects.none()
    return Mentor.objects.for_school(school).for_year(year).serving()


def mentor_pupils(school: School) -> Any:
    """The pupil records of this year's serving mentors: whom staff may record on paper."""
    return Pupil.objects.for_school(school).filter(
        pk__in=this_years_mentors(school).values("pupil_id")
    )


def not_yet_read(school: School, version: PolicyVersion) -> Any:
    """This year's mentors who have not acknowledged the version, by name."""
    read = PolicyAcknowledgement.objects.filter(version=version).values("pupil_id")
    return mentor_pupils(school).exclude(pk__in=read).order_by("family_name", "given_name", "pk")


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
    pupil_id: int
    name: str
    form_group: str
    acknowledged_at: dt.datetime | None
    is_paper: bool = False
    recorded_by: str = ""  # on paper: the member of staff who recorded it
    paper_pk: int | None = None  # on paper: the acknowledgement, which staff may remove


def readers(school: School, version: PolicyVersion) -> list[Reader]:
    """This year's mentors, those who have not yet acknowledged the version first (two
    queries: the mentors, then the version's acknowledgements of them)."""
    mentors = list(
        this_years_mentors(school)
        .select_related("pupil")
        .order_by("pupil__family_name", "pupil__given_name", "pk")
    )
    acks = {
        a.pupil_id: a
        for a in PolicyAcknowledgement.objects.filter(
            version=version, pupil__in=this_years_mentors(school).values("pupil_id")
        ).select_related("by")
    }
    rows = []
    for mentor in mentors:
        ack = acks.get(mentor.pupil_id)
        by = ack.by.display_name if ack is not None and ack.is_paper and ack.by else ""
        rows.append(
            Reader(
                pupil_id=mentor.pupil_id,
                name=mentor.pupil.full_name,
                form_group=mentor.pupil.form_group,
                acknowledged_at=ack.at if ack is not None else None,
                is_paper=ack is not None and ack.is_paper,
                recorded_by=by,
                paper_pk=ack.pk if ack is not None and ack.is_paper else None,
            )
        )
    return sorted(rows, key=lambda r: r.acknowledged_at is not None)
