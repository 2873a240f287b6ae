"""The school admin's to-do items: registered in SchoolsConfig.ready(), shown on the home page.

What stops the scheme running (no academic year, no pupils) and e-mails that could
not be sent. Counts only, in two queries.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef
from django.utils import timezone

from peermentoring.core.models import OutboundEmail
from peermentoring.core.registry import TodoItem, school_url
from peermentoring.schools.models import AcademicYear, Pupil, School

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership


def school_setup(membership: Membership) -> list[TodoItem]:
    """No academic year holding today, no pupils on roll, e-mails that failed."""
    today = timezone.localdate()
    school = (
        School.objects.filter(pk=membership.school.pk)
        .annotate(
            has_year=Exists(
                AcademicYear.objects.filter(
                    school=OuterRef("pk"), starts_on__lte=today, ends_on__gte=today
                )
            ),
            has_pupils=Exists(Pupil.objects.filter(school=OuterRef("pk"), is_on_roll=True)),
        )
        .values("has_year", "has_pupils")
        .get()
    )
    failed = OutboundEmail.objects.for_school(membership.school).failed().count()
    items = []
    if not school["has_year"]:
        items.append(
            TodoItem(
                label="Set up this academic year: its terms and dates drive the whole scheme",
                url=school_url(membership, "schools:academic-year-create"),
                urgent=True,
            )
        )
    if not school["has_pupils"]:
        items.append(
            TodoItem(
                label="Import your pupils from your information system",
                url=school_url(membership, "schools:pupil-import"),
                urgent=True,
            )
        )
    if failed:
        could_not = (
            "1 e-mail could not be sent" if failed == 1 else f"{failed} e-mails could not be sent"
        )
        items.append(
            TodoItem(
                label=f"{could_not}: check the address and try again",
                url=school_url(membership, "schools:email-list", "status=failed"),
            )
        )
    return items
