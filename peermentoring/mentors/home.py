"""Mentors on the staff home page: registered in MentorsConfig.ready(), shown by schools."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils import timezone

from peermentoring.mentors.models import Mentor
from peermentoring.schools.models import AcademicYear

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership


def trained_mentor_count(membership: Membership) -> int:
    """Trained mentors serving this academic year."""
    school = membership.school
    year = AcademicYear.objects.for_school(school).containing(timezone.localdate()).first()
    if year is None:
        return 0
    return Mentor.objects.for_school(school).for_year(year).trained().count()
