"""The coordinator's to-do in the last weeks of the summer term: close the year."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.evaluation.year_plan import WEEKS_BEFORE_THE_END
from peermentoring.schools.models import AcademicYear, Term

# A summer term ends in July: outside June and July the to-do costs the home page no query.
CLOSING_MONTHS = (6, 7)


def close_year_items(membership: Any) -> list[TodoItem]:
    """ "Close the year 2025–26" from four weeks before the summer term ends, until it is closed."""
    today = timezone.localdate()
    if today.month not in CLOSING_MONTHS:
        return []
    soon = today + dt.timedelta(weeks=WEEKS_BEFORE_THE_END) - dt.timedelta(days=1)
    year = (
        AcademicYear.objects.for_school(membership.school)
        .containing(today)
        .filter(terms__name=Term.Name.SUMMER, terms__ends_on__lte=soon, closed_year__isnull=True)
        .first()
    )
    if year is None:
        return []
    return [
        TodoItem(
            label=f"Close the year {year.name}: end its pairings and keep its annual report",
            url=school_url(membership, "evaluation:year-close", year_pk=year.pk),
        )
    ]
