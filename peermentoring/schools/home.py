"""The school admin's to-do items: registered in SchoolsConfig.ready(), shown on the home page.

What stops the scheme running (no academic year, no pupils) and e-mails that could
not be sent. Counts only: the year and the pupils are read once for the whole page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count
from django.utils import timezone

from peermentoring.core.models import OutboundEmail
from peermentoring.core.registry import TodoItem, school_url
from peermentoring.schools.models import Pupil
from peermentoring.schools.school_year import school_year

if TYPE_CHECKING:
    from peermentoring.schools.models import Membership


def pupils_on_roll(membership: Membership) -> dict[int, int]:
    """Pupils on roll by year group, in one query a request: the staff home page shows
    them, and the school admin's to-do items ask whether there are any."""
    counts: dict[int, int] | None = getattr(membership, "_pupils_on_roll", None)
    if counts is None:
        rows = (
            Pupil.objects.filter(school=membership.school_id, is_on_roll=True)
            .values("year_group")
            .annotate(n=Count("pk"))
            .order_by()
        )
        counts = {row["year_group"]: row["n"] for row in rows}
        membership._pupils_on_roll = counts  # type: ignore[attr-defined]
    return counts


def school_setup(membership: Membership) -> list[TodoItem]:
    """No academic year holding today, no pupils on roll, e-mails that failed."""
    has_year = school_year(membership, timezone.localdate()).year is not None
    has_pupils = bool(pupils_on_roll(membership))
    failed = OutboundEmail.objects.for_school(membership.school).failed().count()
    items = []
    if not has_year:
        items.append(
            TodoItem(
                label="Set up this academic year: its terms and dates drive the whole scheme",
                url=school_url(membership, "schools:academic-year-create"),
                urgent=True,
            )
        )
    if not has_pupils:
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
