"""The coordinator's home to-do: this year's Anti-Bullying Week, in the autumn term until
the end of the week the national one usually falls in, while it is not added.

One query, and none at all outside September to mid-November: the coordinator's home
page is counted (demo/tests/test_query_counts.py).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.meetings import rules
from peermentoring.outreach.event_services import suggested_anti_bullying_week
from peermentoring.outreach.models import Event
from peermentoring.schools.models import Term

# The suggested week (Monday 10 to 16 November) ends on Friday 20 November at the latest.
LAST_DAY = (11, 20)


def anti_bullying_week_items(membership: Any) -> list[TodoItem]:
    """ "Add this year's Anti-Bullying Week", with the week it is likely to be."""
    school = membership.school
    today = rules.now().date()
    if not 8 <= today.month <= 11 or (today.month, today.day) > LAST_DAY:
        return []
    week_added = Event.objects.filter(
        school=school, academic_year=OuterRef("academic_year"), kind=Event.Kind.ANTI_BULLYING_WEEK
    )
    term = (
        Term.objects.for_school(school)
        .containing(today)
        .filter(name=Term.Name.AUTUMN)
        .select_related("academic_year")
        .annotate(week_added=Exists(week_added))
        .first()
    )
    if term is None or getattr(term, "week_added", False):
        return []
    year = term.academic_year
    week = suggested_anti_bullying_week(year)
    if week is None or today > week[1]:
        return []
    query = f"kind={Event.Kind.ANTI_BULLYING_WEEK}&year={year.pk}"
    return [
        TodoItem(
            label=(
                "Add this year's Anti-Bullying Week "
                f"(usually the week of Monday {week[0].day} {week[0]:%B})"
            ),
            url=school_url(membership, "outreach:event-add", query),
        )
    ]


def my_contribution_link(membership: Any) -> list[TodoItem]:
    """A mentor's link to their own record of the year (no query)."""
    return [
        TodoItem(
            label="My contribution: what I have done as a peer mentor this year",
            url=school_url(membership, "outreach:my-contribution"),
        )
    ]
