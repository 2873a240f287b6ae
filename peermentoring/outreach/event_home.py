"""The coordinator's home to-do: this year's Anti-Bullying Week, in the autumn term until
the end of the week the national one usually falls in, while it is not added."""

from __future__ import annotations

from typing import Any

from peermentoring.core.registry import TodoItem, school_url
from peermentoring.meetings import rules
from peermentoring.outreach.event_services import (
    anti_bullying_week_of,
    suggested_anti_bullying_week,
)
from peermentoring.outreach.models import Event
from peermentoring.schools.models import Term


def anti_bullying_week_items(membership: Any) -> list[TodoItem]:
    """ "Add this year's Anti-Bullying Week", with the week it is likely to be; two queries."""
    school = membership.school
    today = rules.now().date()
    term = (
        Term.objects.for_school(school)
        .containing(today)
        .filter(name=Term.Name.AUTUMN)
        .select_related("academic_year")
        .first()
    )
    if term is None:
        return []
    year = term.academic_year
    week = suggested_anti_bullying_week(year)
    if week is None or today > week[1]:
        return []
    if anti_bullying_week_of(school, year) is not None:
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
